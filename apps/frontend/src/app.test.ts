// The forwarding edge: what the browser gets when the sidecar, or the app behind it, cannot be reached.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLIENT_ADDRESS_HEADER, sidecarOnlyRoutes, TOPICS } from '@todo/contracts';
import type { Dapr } from '@todo/dapr';
import { startApp } from '@todo/service-kit';
import pino from 'pino';
import { createApp } from './app';

const asset = { body: '', etag: '"x"', type: 'text/plain' };
const appWith = (forward: () => Promise<Response>) =>
  createApp({
    logger: pino({ level: 'silent' }),
    dapr: { invoke: { forward }, health: { check: async () => undefined } } as unknown as Dapr,
    assets: { script: asset, styles: asset },
  });

it("answers 503 with Retry-After when the sidecar reports the app unreachable, and passes the app's own 500 on", async () => {
  const sidecarSaysDown = appWith(
    async () =>
      new Response(JSON.stringify({ errorCode: 'ERR_DIRECT_INVOKE', message: 'connection refused' }), { status: 500 }),
  );
  const down = await sidecarSaysDown.request('/api/tasks');
  expect(down.status).toBe(503);
  expect(down.headers.get('retry-after')).toBe('2');
  expect((await down.json()).error.code).toBe('UPSTREAM_UNAVAILABLE');

  const appFailed = appWith(
    async () => new Response(JSON.stringify({ error: { code: 'INTERNAL', message: 'logged' } }), { status: 500 }),
  );
  const failed = await appFailed.request('/api/tasks');
  expect(failed.status).toBe(500);
  expect((await failed.json()).error.code).toBe('INTERNAL');
});

it('answers 503 when its own sidecar cannot be reached', async () => {
  const noSidecar = appWith(async () => {
    throw new Error('fetch failed');
  });
  const res = await noSidecar.request('/api/tasks', { method: 'POST', body: '{}' });
  expect(res.status).toBe(503);
  expect((await res.json()).error.code).toBe('UPSTREAM_UNAVAILABLE');
});

it('forwards only the browser API, by the path it validated, and never a path that could climb out of it', async () => {
  const forwarded: string[] = [];
  const app = createApp({
    logger: pino({ level: 'silent' }),
    dapr: {
      invoke: {
        forward: async (_app: string, path: string) => {
          forwarded.push(path);
          return new Response('{}');
        },
      },
      health: { check: async () => undefined },
    } as unknown as Dapr,
    assets: { script: asset, styles: asset },
  });
  const { jobTrigger, nextOccurrence, subscriptions } = sidecarOnlyRoutes('0b6f7a52-5d3e-4c1f-9a55-1f2f7f1c9e10');
  const attacks = [
    `/api/%2e%2e${sidecarOnlyRoutes('1').jobTrigger}`,
    '/api/..%2fjob%2freminder-1',
    '/api/tasks/..%2F..%2Fjob',
    // a dot segment with an encoded tab, LF or CR: decoded by the router, dropped by a URL parser downstream
    `/api/.%09.${jobTrigger}`,
    `/api/notifications/.%09./.%09.${subscriptions[TOPICS.reminders]}`,
    '/api/.%09./.%09./.%09./.%09./.%09./v1.0/metadata',
    '/api/.%0a./job/x',
    '/api/.%0d./job/x',
    '/api/.%00./job/x',
    '/api/%252e%252e/job/x',
    '/api/tasks/%2e%09%2e/complete',
    `/api${nextOccurrence}`,
  ];
  for (const path of attacks) {
    for (const method of ['GET', 'POST']) {
      const res = await app.request(path, { method });
      expect([404]).toContain(res.status);
      expect((await res.json()).error.code).toBe('NOT_FOUND');
    }
  }
  expect(forwarded).toEqual([]);

  expect((await app.request('/api/tasks/abc-1/complete', { method: 'POST' })).status).toBe(200);
  expect((await app.request('/api/tasks?q=a%09b', { method: 'GET' })).status).toBe(200);
  expect(forwarded).toEqual(['api/tasks/abc-1/complete', 'api/tasks']);
});

it('serves the page with headers that forbid framing, sniffing and referrers', async () => {
  const res = await appWith(async () => new Response('{}')).request('/');
  expect(res.headers.get('content-security-policy')).toBe(
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
      "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  );
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  // what fetch gives back has immutable headers: the frontend must still add its own
  const api = await appWith(() => fetch('data:application/json,{}')).request('/api/tasks');
  expect(api.status).toBe(200);
  expect(api.headers.get('x-content-type-options')).toBe('nosniff');
});

it('serves each asset with its ETag, and 304 with no body when the browser already has that version', async () => {
  const script = { body: 'boot()', etag: '"s1"', type: 'text/javascript; charset=utf-8' };
  const styles = { body: 'body{}', etag: '"c1"', type: 'text/css; charset=utf-8' };
  const app = createApp({
    logger: pino({ level: 'silent' }),
    dapr: { health: { check: async () => undefined } } as unknown as Dapr,
    assets: { script, styles },
  });
  for (const [path, asset] of [
    ['/app.js', script],
    ['/app.css', styles],
  ] as const) {
    const res = await app.request(path);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(asset.body);
    expect(res.headers.get('etag')).toBe(asset.etag);
    expect(res.headers.get('content-type')).toBe(asset.type);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');

    const cached = await app.request(path, { headers: { 'if-none-match': asset.etag } });
    expect(cached.status).toBe(304);
    expect(await cached.text()).toBe('');
    expect(cached.headers.get('etag')).toBe(asset.etag);
    expect(cached.headers.get('x-content-type-options')).toBe('nosniff');

    const stale = await app.request(path, { headers: { 'if-none-match': '"old"' } });
    expect(stale.status).toBe(200);
    expect(await stale.text()).toBe(asset.body);
  }
});

it("replaces the browser's own client-address header with the address it saw", async () => {
  const seen: Record<string, string>[] = [];
  const app = createApp({
    logger: pino({ level: 'silent' }),
    dapr: {
      invoke: {
        forward: async (_app: string, _path: string, _req: Request, _t: number, own: Record<string, string>) => {
          seen.push(own);
          return new Response('{}');
        },
      },
      health: { check: async () => undefined },
    } as unknown as Dapr,
    assets: { script: asset, styles: asset },
  });
  await app.request('/api/auth/sign-in', { method: 'POST', headers: { [CLIENT_ADDRESS_HEADER]: '203.0.113.9' } });
  // outside a real server there is no socket: the shared 'unknown' bucket, never the browser's claim
  expect(seen).toEqual([{ [CLIENT_ADDRESS_HEADER]: 'unknown' }]);
});

it('adds its own headers to what the sidecar answered, served by the real Node server (its Response class)', async () => {
  const upstream = createServer((_req, res) => {
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const { port } = upstream.address() as AddressInfo;
  const running = await startApp({
    app: appWith(() => fetch(`http://127.0.0.1:${port}/`)),
    port: 0,
    logger: pino({ level: 'silent' }),
  });
  try {
    const res = await fetch(`http://127.0.0.1:${running.port}/api/tasks`);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  } finally {
    await running.stop();
    upstream.close();
  }
});

it('answers 400 naming a header whose bytes are not UTF-8 (daprd cannot carry it), and forwards UTF-8 and ASCII ones', async () => {
  let forwarded = 0;
  const app = appWith(async () => {
    forwarded += 1;
    return new Response('{}');
  });
  // Node hands each header byte over as one Latin-1 character: 0xE9 alone is not UTF-8, 0xC3 0xA9 is (é)
  const latin1 = await app.request('/api/tasks', { headers: { 'idempotency-key': '\xe9' } });
  expect(latin1.status).toBe(400);
  expect((await latin1.json()).error).toEqual({
    code: 'INVALID_HEADER',
    message: 'the idempotency-key header must be UTF-8 text',
  });
  expect(forwarded).toBe(0);

  for (const value of ['\xc3\xa9', 'a\tb', 'x'.repeat(300)]) {
    const res = await app.request('/api/tasks', { headers: { 'last-event-id': value } });
    expect(res.status).toBe(200);
  }
  expect(forwarded).toBe(3);
});
