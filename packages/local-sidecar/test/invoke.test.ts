import { emptyResources, freshDatabase, runtimeFor, sidecarUrl, TestApp } from '@todo/testkit';
import { streamSSE } from 'hono/streaming';
import type { Runtime } from '../src/runtime';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let runtime: Runtime;
const caller = new TestApp();
const flaky = new TestApp();
const broken = new TestApp();
let failuresLeft = 0;

beforeAll(async () => {
  db = await freshDatabase();
  flaky.hono.post('/api/things', async (c) => {
    if (failuresLeft > 0) {
      failuresLeft -= 1;
      return c.json({ error: 'unavailable' }, 503);
    }
    return c.json({ received: await c.req.json() }, 201);
  });
  flaky.hono.get('/api/slow', async (c) => {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return c.text('late');
  });
  flaky.hono.get('/api/stream', (c) =>
    streamSSE(c, async (stream) => {
      for (let i = 0; i < 3; i += 1) {
        await stream.writeSSE({ data: `tick ${i}` });
        await stream.sleep(150);
      }
    }),
  );
  broken.hono.get('/api/x', (c) => c.json({ error: 'boom' }, 500));
  broken.hono.get('/api/forbidden', (c) => c.json({ error: 'no' }, 401));
  await Promise.all([caller.start(), flaky.start(), broken.start()]);
  const resources = emptyResources();
  resources.resiliencies.push({
    kind: 'Resiliency',
    metadata: { name: 'r' },
    spec: {
      policies: {
        timeouts: { short: '300ms' },
        retries: {
          three: { policy: 'constant', duration: '20ms', maxRetries: 3, matching: { httpStatusCodes: '503' } },
        },
        circuitBreakers: { cb: { trip: 'consecutiveFailures >= 2', timeout: '400ms', maxRequests: 1 } },
      },
      targets: {
        apps: { flaky: { retry: 'three' }, slowpoke: { timeout: 'short' }, broken: { circuitBreaker: 'cb' } },
      },
    },
  });
  runtime = runtimeFor(
    db.url,
    [
      { appId: 'caller', appPort: caller.port },
      { appId: 'flaky', appPort: flaky.port },
      { appId: 'slowpoke', appPort: flaky.port },
      { appId: 'broken', appPort: broken.port },
    ],
    resources,
  );
  await runtime.start();
});

afterAll(async () => {
  await runtime.stop();
  await Promise.all([caller.stop(), flaky.stop(), broken.stop()]);
  await db.drop();
});

const invoke = (app: string, path: string, init: RequestInit = {}) =>
  fetch(`${sidecarUrl(runtime, 'caller')}/v1.0/invoke/${app}/method/${path}`, init);

it('retries the statuses its retry policy matches, resending the body', async () => {
  failuresLeft = 2;
  const before = flaky.on('/api/things').length;
  const res = await invoke('flaky', 'api/things', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"a":1}',
  });
  expect(res.status).toBe(201);
  expect(await res.json()).toEqual({ received: { a: 1 } });
  expect(flaky.on('/api/things').length - before).toBe(3);
});

it('gives up after maxRetries and passes the last answer through', async () => {
  failuresLeft = 10;
  const before = flaky.on('/api/things').length;
  const res = await invoke('flaky', 'api/things', { method: 'POST', body: '{}' });
  expect(res.status).toBe(503);
  expect(flaky.on('/api/things').length - before).toBe(4);
  failuresLeft = 0;
});

it('cuts a call at the policy timeout with ERR_DIRECT_INVOKE', async () => {
  const started = Date.now();
  const res = await invoke('slowpoke', 'api/slow');
  expect(res.status).toBe(500);
  expect(await res.json()).toMatchObject({ errorCode: 'ERR_DIRECT_INVOKE' });
  expect(Date.now() - started).toBeLessThan(900);
});

it('opens the circuit after consecutive failures and lets one call through after its timeout', async () => {
  expect((await invoke('broken', 'api/x')).status).toBe(500);
  expect((await invoke('broken', 'api/x')).status).toBe(500);
  const calls = broken.on('/api/x').length;
  const open = await invoke('broken', 'api/x');
  expect(await open.json()).toMatchObject({
    errorCode: 'ERR_DIRECT_INVOKE',
    message: expect.stringContaining('circuit breaker'),
  });
  expect(broken.on('/api/x')).toHaveLength(calls);
  await new Promise((resolve) => setTimeout(resolve, 450));
  expect((await invoke('broken', 'api/x')).status).toBe(500);
  expect(broken.on('/api/x')).toHaveLength(calls + 1);
});

it("counts the app's 4xx answers as failures, as daprd does: a 401 keeps the circuit open", async () => {
  await new Promise((resolve) => setTimeout(resolve, 450)); // the breaker of the test above lets one call through
  expect((await invoke('broken', 'api/forbidden')).status).toBe(401);
  // had the 401 counted as a success, the circuit would be closed now and the app would answer again
  const open = await invoke('broken', 'api/forbidden');
  expect(await open.json()).toMatchObject({
    errorCode: 'ERR_DIRECT_INVOKE',
    message: expect.stringContaining('circuit breaker'),
  });
  await new Promise((resolve) => setTimeout(resolve, 450));
});

it('streams a server-sent event response as it is written', async () => {
  const res = await invoke('flaky', 'api/stream');
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const started = Date.now();
  const first = await reader.read();
  const firstAt = Date.now() - started;
  expect(new TextDecoder().decode(first.value)).toContain('data: tick 0');
  let rest = '';
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
    rest += new TextDecoder().decode(chunk.value);
  expect(rest).toContain('tick 2');
  // the first event arrives before the app has written the last one (about 300 ms later)
  expect(firstAt).toBeLessThan(200);
  expect(Date.now() - started).toBeGreaterThanOrEqual(280);
});
