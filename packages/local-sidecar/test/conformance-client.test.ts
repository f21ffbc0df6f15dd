// The official @dapr/dapr client (HTTP) on both runtimes: what our apps rely on behaves the same on each.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommunicationProtocolEnum, DaprClient, HttpMethod, LogLevel } from '@dapr/dapr';
import { stateComponent, TestApp } from '@todo/testkit';
import { appIds, eachRuntime, type Sidecars, START_TIMEOUT_MS, secretStore, startSidecars } from './sidecars';

eachRuntime('conformance-client.test.ts', {}, (runtime) => {
  const ids = appIds('caller', 'callee');
  const callee = new TestApp();
  const secretsDir = mkdtempSync(join(tmpdir(), 'conformance-secrets-'));
  let sidecars: Sidecars;
  let client: DaprClient;

  beforeAll(async () => {
    writeFileSync(
      join(secretsDir, 'secrets.json'),
      JSON.stringify({ 'app-secrets': { DATABASE_URL: 'postgres://example', nested: { key: 'v' } } }),
    );
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
    await callee.start();
    sidecars = await startSidecars(runtime, {
      apps: [{ appId: ids.caller }, { appId: ids.callee, appPort: callee.port }],
      components: (db) => [stateComponent('statestore', db), secretStore()],
      baseDir: secretsDir,
      apiToken: 'api-token',
    });
    client = new DaprClient({
      daprHost: '127.0.0.1',
      daprPort: new URL(sidecars.url(ids.caller)).port,
      communicationProtocol: CommunicationProtocolEnum.HTTP,
      daprApiToken: 'api-token',
      // the SDK logs a failed save instead of throwing; the test asserts on its return value instead
      logger: { level: LogLevel.Error, service: { error() {}, warn() {}, info() {}, verbose() {}, debug() {} } },
    });
    await client.start();
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await client?.stop();
    await sidecars?.stop();
    await callee.stop();
    rmSync(secretsDir, { recursive: true, force: true });
  }, START_TIMEOUT_MS);

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
    const echoed = await client.invoker.invoke(ids.callee, 'api/echo/7?q=x', HttpMethod.POST, { a: 1 });
    expect(echoed).toEqual({ id: '7', q: 'x', body: { a: 1 }, caller: ids.caller });
    await expect(client.invoker.invoke(ids.callee, 'api/missing', HttpMethod.GET)).rejects.toThrow();
  });
});
