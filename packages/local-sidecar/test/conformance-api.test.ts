// Token, secrets, invocation and the body size limit over plain HTTP on both runtimes, error answers included.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stateComponent, TestApp } from '@todo/testkit';
import { apiOf, appIds, eachRuntime, type Sidecars, START_TIMEOUT_MS, secretStore, startSidecars } from './sidecars';

/** One byte over daprd's default --max-body-size (4Mi). */
const OVER_LIMIT = JSON.stringify([{ key: 'big', value: 'x'.repeat(4 * 1024 * 1024) }]);

eachRuntime('conformance-api.test.ts', {}, (runtime) => {
  const ids = appIds('caller', 'callee');
  const callee = new TestApp();
  const secretsDir = mkdtempSync(join(tmpdir(), 'conformance-secrets-'));
  let sidecars: Sidecars;
  const api = apiOf(() => sidecars, ids.caller);

  beforeAll(async () => {
    writeFileSync(join(secretsDir, 'secrets.json'), JSON.stringify({ 'app-secrets': { DATABASE_URL: 'x' } }));
    callee.hono.all('/api/echo/:id', async (c) =>
      c.json({ id: c.req.param('id'), body: await c.req.text(), headers: c.req.header() }, 201),
    );
    await callee.start();
    sidecars = await startSidecars(runtime, {
      apps: [{ appId: ids.caller }, { appId: ids.callee, appPort: callee.port }],
      components: (db) => [stateComponent('statestore', db), secretStore()],
      baseDir: secretsDir,
      apiToken: 'api-token',
      appToken: 'app-token',
    });
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await sidecars?.stop();
    await callee.stop();
    rmSync(secretsDir, { recursive: true, force: true });
  }, START_TIMEOUT_MS);

  it('refuses calls without the API token with a plain-text 401, but not health checks', async () => {
    const res = await fetch(`${sidecars.url(ids.caller)}/v1.0/state/statestore/k`);
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('invalid api token\n');
    expect((await fetch(`${sidecars.url(ids.caller)}/v1.0/healthz`)).status).toBe(204);
    expect((await fetch(`${sidecars.url(ids.caller)}/v1.0/healthz/outbound`)).status).toBe(204);
  });

  it('answers 500 ERR_SECRET_GET for a missing secret and 401 ERR_SECRET_STORE_NOT_FOUND for an unknown store', async () => {
    const missing = await api('/v1.0/secrets/kubernetes-secrets/absent');
    expect(missing.status).toBe(500);
    expect(await missing.json()).toMatchObject({
      errorCode: 'ERR_SECRET_GET',
      message: expect.stringContaining('failed getting secret with key absent from secret store kubernetes-secrets'),
    });
    const unknown = await api('/v1.0/secrets/nope/x');
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual({
      errorCode: 'ERR_SECRET_STORE_NOT_FOUND',
      message: 'failed finding secret store with key nope',
    });
  });

  it('invokes with the caller and callee ids and the app token on the request the callee gets', async () => {
    const res = await api(`/v1.0/invoke/${ids.callee}/method/api/echo/1`, { method: 'POST', body: '{"a":1}' });
    expect(res.status).toBe(201);
    const { headers, body } = await res.json();
    expect(body).toBe('{"a":1}');
    expect(headers).toMatchObject({
      'dapr-caller-app-id': ids.caller,
      'dapr-callee-app-id': ids.callee,
      'dapr-api-token': 'app-token',
    });
    expect(headers['dapr-app-id']).toBeUndefined();
  });

  it('invokes by the dapr-app-id header as well', async () => {
    const res = await api('/api/echo/9', { method: 'POST', headers: { 'dapr-app-id': ids.callee }, body: '{"b":2}' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ id: '9', body: '{"b":2}' });
  });

  it('answers 500 ERR_DIRECT_INVOKE for an unknown app id', async () => {
    const res = await api('/v1.0/invoke/ghost/method/x');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      errorCode: 'ERR_DIRECT_INVOKE',
      message: 'failed to invoke, id: ghost, err: no host found with the given ID',
    });
  });

  it('answers 500 ERR_DIRECT_INVOKE, never reaching the app, for a header value that is not UTF-8', async () => {
    const before = callee.received.length;
    // fetch sends each character of a header value as one byte: 0xE9 alone is not UTF-8
    const res = await api(`/v1.0/invoke/${ids.callee}/method/api/echo/2`, { headers: { 'idempotency-key': '\xe9' } });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      errorCode: 'ERR_DIRECT_INVOKE',
      message: `failed to invoke, id: ${ids.callee}, err: error sending message: rpc error: code = Internal desc = grpc: error while marshaling: string field contains invalid UTF-8`,
    });
    expect(callee.received.length).toBe(before);
    const utf8 = await api(`/v1.0/invoke/${ids.callee}/method/api/echo/3`, {
      headers: { 'idempotency-key': '\xc3\xa9' },
    });
    expect(utf8.status).toBe(201);
  });

  it('reads a body of exactly 4 MiB, and answers a larger one with the API own read error', async () => {
    const atLimit = JSON.stringify([{ key: 'big', value: 'x'.repeat(4 * 1024 * 1024 - 26) }]);
    expect(Buffer.byteLength(atLimit)).toBe(4 * 1024 * 1024);
    expect((await api('/v1.0/state/statestore', { method: 'POST', body: atLimit })).status).toBe(204);

    const save = await api('/v1.0/state/statestore', { method: 'POST', body: OVER_LIMIT });
    expect(save.status).toBe(400);
    expect(await save.json()).toMatchObject({ errorCode: 'ERR_MALFORMED_REQUEST' });
    const transaction = await api('/v1.0/state/statestore/transaction', { method: 'POST', body: OVER_LIMIT });
    expect(transaction.status).toBe(400);
    expect(await transaction.json()).toEqual({
      errorCode: 'ERR_MALFORMED_REQUEST',
      message: 'failed deserializing HTTP body: stream too large',
    });
    const invoke = await api(`/v1.0/invoke/${ids.callee}/method/api/echo/big`, { method: 'POST', body: OVER_LIMIT });
    expect(invoke.status).toBe(500);
    expect(await invoke.json()).toEqual({
      errorCode: 'ERR_DIRECT_INVOKE',
      message: `failed to invoke, id: ${ids.callee}, err: stream too large`,
    });
  });
});
