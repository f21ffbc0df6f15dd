// Stand-in only: what it does not implement answers 501 naming the endpoint (daprd implements these, so no daprd run).
import { emptyResources, freshDatabase, runtimeFor, sidecarUrl } from '@todo/testkit';
import type { Runtime } from '../src/runtime';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let runtime: Runtime;

beforeAll(async () => {
  db = await freshDatabase();
  runtime = runtimeFor(db.url, [{ appId: 'caller' }], emptyResources());
  await runtime.start();
});

afterAll(async () => {
  await runtime.stop();
  await db.drop();
});

it('answers 501 naming the endpoint for what it does not implement', async () => {
  const res = await fetch(`${sidecarUrl(runtime, 'caller')}/v1.0/actors/a/b/method/c`, { method: 'PUT' });
  expect(res.status).toBe(501);
  expect((await res.json()).message).toContain('PUT /v1.0/actors/a/b/method/c');
  const binding = await fetch(`${sidecarUrl(runtime, 'caller')}/v1.0/bindings/mail`, {
    method: 'POST',
    body: '{"operation":"create"}',
  });
  expect(binding.status).toBe(501);
  expect((await binding.json()).message).toContain('POST /v1.0/bindings/mail');
});
