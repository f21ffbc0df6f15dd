// The official @dapr/dapr client (HTTP) against the stand-in: what our apps rely on must behave as with daprd.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommunicationProtocolEnum, DaprClient, HttpMethod, LogLevel } from '@dapr/dapr';
import {
  emptyResources,
  eventually,
  freshDatabase,
  pubsubComponent,
  runtimeFor,
  sidecarUrl,
  stateComponent,
  TestApp,
} from '@todo/testkit';
import type { Runtime } from '../src/runtime';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let runtime: Runtime;
let client: DaprClient;
const caller = new TestApp();
const callee = new TestApp();
const secretsDir = mkdtempSync(join(tmpdir(), 'standin-secrets-'));

beforeAll(async () => {
  db = await freshDatabase();
  writeFileSync(
    join(secretsDir, 'secrets.json'),
    JSON.stringify({ 'app-secrets': { DATABASE_URL: 'postgres://example', nested: { key: 'v' } }, plain: 'p' }),
  );
  callee.hono.get('/dapr/subscribe', (c) =>
    c.json([{ pubsubname: 'kafka-pubsub', topic: 'greetings', route: '/greet' }]),
  );
  callee.hono.post('/greet', (c) => c.json({ status: 'SUCCESS' }));
  callee.hono.post('/api/echo/:id', async (c) =>
    c.json(
      {
        id: c.req.param('id'),
        q: c.req.query('q'),
        body: await c.req.json(),
        caller: c.req.header('dapr-caller-app-id'),
      },
      201,
    ),
  );
  callee.hono.get('/api/missing', (c) => c.json({ error: 'nope' }, 404));
  await Promise.all([caller.start(), callee.start()]);

  const resources = emptyResources();
  resources.components.push(pubsubComponent('kafka-pubsub', { consumerGroup: '{appID}', initialOffset: 'oldest' }));
  resources.components.push(stateComponent('statestore', db.url));
  resources.components.push({
    kind: 'Component',
    metadata: { name: 'kubernetes-secrets' },
    spec: {
      type: 'secretstores.local.file',
      version: 'v1',
      metadata: [
        { name: 'secretsFile', value: 'secrets.json' },
        { name: 'multiValued', value: 'true' },
      ],
    },
  });
  runtime = runtimeFor(
    db.url,
    [
      { appId: 'caller', appPort: caller.port },
      { appId: 'callee', appPort: callee.port },
    ],
    resources,
    { apiToken: 'api-token', baseDir: secretsDir },
  );
  await runtime.start();
  client = new DaprClient({
    daprHost: '127.0.0.1',
    daprPort: String(runtime.instances('caller')[0]?.daprHttpPort),
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    daprApiToken: 'api-token',
    // the SDK logs a failed save instead of throwing; the test asserts on its return value instead
    logger: { level: LogLevel.Error, service: { error() {}, warn() {}, info() {}, verbose() {}, debug() {} } },
  });
  await client.start();
});

afterAll(async () => {
  await client.stop();
  await runtime.stop();
  await Promise.all([caller.stop(), callee.stop()]);
  await db.drop();
  rmSync(secretsDir, { recursive: true, force: true });
});

describe('the official DaprClient through the stand-in', () => {
  it('publishes a message that the subscribed app receives as a CloudEvent', async () => {
    const result = await client.pubsub.publish('kafka-pubsub', 'greetings', { hello: 'world' });
    expect(result.error).toBeUndefined();
    await eventually(() => {
      const bodies = callee.on('/greet').map((r) => JSON.parse(r.body));
      expect(bodies).toContainEqual(
        expect.objectContaining({ data: { hello: 'world' }, source: 'caller', topic: 'greetings' }),
      );
    });
  });

  it('saves, gets and deletes state, and honours ETags', async () => {
    expect(await client.state.save('statestore', [{ key: 'k1', value: { n: 1 } }])).toEqual({});
    expect(await client.state.get('statestore', 'k1')).toEqual({ n: 1 });
    const [item] = (await client.state.getBulk('statestore', ['k1'])) as { key: string; data: unknown; etag: string }[];
    expect(item).toMatchObject({ key: 'k1', data: { n: 1 }, etag: expect.stringMatching(/^\d+$/) });

    const stale = await client.state.save('statestore', [{ key: 'k1', value: { n: 2 }, etag: '1' }]);
    expect(stale.error).toBeDefined();
    expect(await client.state.get('statestore', 'k1')).toEqual({ n: 1 });

    expect(await client.state.save('statestore', [{ key: 'k1', value: { n: 3 }, etag: item?.etag }])).toEqual({});
    expect(await client.state.get('statestore', 'k1')).toEqual({ n: 3 });

    await client.state.delete('statestore', 'k1');
    expect(await client.state.get('statestore', 'k1')).toBe('');
  });

  it('gets a multi-valued secret from a local file store', async () => {
    expect(await client.secret.get('kubernetes-secrets', 'app-secrets')).toEqual({
      DATABASE_URL: 'postgres://example',
      'nested:key': 'v',
    });
  });

  it('invokes another app with method, path, query and body, and passes its status back', async () => {
    const echoed = await client.invoker.invoke('callee', 'api/echo/7?q=x', HttpMethod.POST, { a: 1 });
    expect(echoed).toEqual({ id: '7', q: 'x', body: { a: 1 }, caller: 'caller' });
    await expect(client.invoker.invoke('callee', 'api/missing', HttpMethod.GET)).rejects.toThrow();
  });
});

describe('the sidecar API over plain HTTP', () => {
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${sidecarUrl(runtime, 'caller')}${path}`, {
      ...init,
      headers: { 'dapr-api-token': 'api-token', 'content-type': 'application/json', ...(init.headers ?? {}) },
    });

  it('refuses calls without the API token, but not health checks', async () => {
    const res = await fetch(`${sidecarUrl(runtime, 'caller')}/v1.0/state/statestore/k`);
    expect(res.status).toBe(401);
    expect((await fetch(`${sidecarUrl(runtime, 'caller')}/v1.0/healthz`)).status).toBe(204);
  });

  it('returns the ETag header on get and 409 for a stale ETag on delete', async () => {
    await api('/v1.0/state/statestore', { method: 'POST', body: JSON.stringify([{ key: 'e', value: 'v1' }]) });
    const got = await api('/v1.0/state/statestore/e');
    expect(got.status).toBe(200);
    expect(await got.json()).toBe('v1');
    const etag = got.headers.get('etag') as string;
    expect(etag).toMatch(/^\d+$/);
    const stale = await api('/v1.0/state/statestore/e', {
      method: 'DELETE',
      headers: { 'if-match': String(Number(etag) + 1000) },
    });
    expect(stale.status).toBe(409);
    expect((await api('/v1.0/state/statestore/e', { method: 'DELETE', headers: { 'if-match': etag } })).status).toBe(
      204,
    );
    expect((await api('/v1.0/state/statestore/e')).status).toBe(204);
  });

  it('runs a transaction all or nothing', async () => {
    await api('/v1.0/state/statestore', { method: 'POST', body: JSON.stringify([{ key: 't1', value: 1 }]) });
    const failed = await api('/v1.0/state/statestore/transaction', {
      method: 'POST',
      body: JSON.stringify({
        operations: [
          { operation: 'upsert', request: { key: 't2', value: 2 } },
          { operation: 'delete', request: { key: 't1', etag: '1' } },
        ],
      }),
    });
    expect(failed.status).toBe(409);
    expect((await api('/v1.0/state/statestore/t2')).status).toBe(204);
    const ok = await api('/v1.0/state/statestore/transaction', {
      method: 'POST',
      body: JSON.stringify({
        operations: [
          { operation: 'upsert', request: { key: 't2', value: 2 } },
          { operation: 'delete', request: { key: 't1' } },
        ],
      }),
    });
    expect(ok.status).toBe(204);
    expect(await (await api('/v1.0/state/statestore/t2')).json()).toBe(2);
    expect((await api('/v1.0/state/statestore/t1')).status).toBe(204);
  });

  it('lets first-write without an ETag create a key only once', async () => {
    const write = () =>
      api('/v1.0/state/statestore', {
        method: 'POST',
        body: JSON.stringify([{ key: 'once', value: 1, options: { concurrency: 'first-write' } }]),
      });
    expect((await write()).status).toBe(204);
    expect((await write()).status).toBe(409);
  });

  it('expires state after ttlInSeconds', async () => {
    await api('/v1.0/state/statestore', {
      method: 'POST',
      body: JSON.stringify([{ key: 'short', value: 1, metadata: { ttlInSeconds: '1' } }]),
    });
    expect((await api('/v1.0/state/statestore/short')).status).toBe(200);
    await eventually(async () => expect((await api('/v1.0/state/statestore/short')).status).toBe(204), 3_000, 100);
  });

  it('keeps each app id in its own key space', async () => {
    await api('/v1.0/state/statestore', { method: 'POST', body: JSON.stringify([{ key: 'mine', value: 'caller' }]) });
    const other = await fetch(`${sidecarUrl(runtime, 'callee')}/v1.0/state/statestore/mine`, {
      headers: { 'dapr-api-token': 'api-token' },
    });
    expect(other.status).toBe(204);
  });

  it('answers 400 for an unknown state store and 500 ERR_SECRET_GET for a missing secret', async () => {
    expect(await (await api('/v1.0/state/nope/k')).json()).toMatchObject({ errorCode: 'ERR_STATE_STORE_NOT_FOUND' });
    const missing = await api('/v1.0/secrets/kubernetes-secrets/absent');
    expect(missing.status).toBe(500);
    expect(await missing.json()).toMatchObject({ errorCode: 'ERR_SECRET_GET' });
  });

  it('invokes by the dapr-app-id header as well', async () => {
    const res = await api('/api/echo/9', { method: 'POST', headers: { 'dapr-app-id': 'callee' }, body: '{"b":2}' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ id: '9', body: { b: 2 } });
  });

  it('answers 500 ERR_DIRECT_INVOKE for an unknown app id', async () => {
    const res = await api('/v1.0/invoke/ghost/method/x');
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ errorCode: 'ERR_DIRECT_INVOKE' });
  });

  it('lists its components and subscriptions in the metadata API', async () => {
    const meta = await (
      await fetch(`${sidecarUrl(runtime, 'callee')}/v1.0/metadata`, { headers: { 'dapr-api-token': 'api-token' } })
    ).json();
    expect(meta.id).toBe('callee');
    expect(meta.components.map((c: { name: string }) => c.name).sort()).toEqual([
      'kafka-pubsub',
      'kubernetes-secrets',
      'statestore',
    ]);
    expect(meta.subscriptions).toEqual([
      expect.objectContaining({
        pubsubname: 'kafka-pubsub',
        topic: 'greetings',
        rules: { rules: [{ path: '/greet' }] },
      }),
    ]);
  });

  it('answers 501 naming the endpoint for what it does not implement', async () => {
    const res = await api('/v1.0/actors/a/b/method/c', { method: 'PUT' });
    expect(res.status).toBe(501);
    expect((await res.json()).message).toContain('PUT /v1.0/actors/a/b/method/c');
    expect((await api('/v1.0-alpha1/publish/bulk/kafka-pubsub/t', { method: 'POST', body: '[]' })).status).toBe(501);
  });
});
