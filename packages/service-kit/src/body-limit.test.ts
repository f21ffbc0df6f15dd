import { request } from 'node:http';
import { Hono } from 'hono';
import pino from 'pino';
import { MAX_BODY_BYTES } from './body-limit';
import { listenHost } from './listen-host';
import { startApp } from './serve';

const app = new Hono()
  .post('/echo', async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }))
  .post('/read', async (c) => c.json({ text: await c.req.text(), raw: await c.req.raw.clone().text() }))
  .delete('/read', (c) => c.json({ deleted: true }));

let running: Awaited<ReturnType<typeof startApp>>;
beforeAll(async () => {
  running = await startApp({ app, port: 0, logger: pino({ level: 'silent' }) });
});
afterAll(() => running.stop());

/** A raw request, so that the body can be chunked (no content-length) and Expect can be sent. */
function send(
  body: Buffer,
  headers: Record<string, string>,
  writeAll = true,
  path = '/echo',
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: running.port, path, method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    if (!writeAll) {
      // a declared length over the limit is answered before the body is read: send only its start
      req.write(body.subarray(0, 1024));
      return;
    }
    for (let offset = 0; offset < body.length; offset += 64 * 1024)
      req.write(body.subarray(offset, offset + 64 * 1024));
    req.end();
  });
}

it('listens on loopback unless APP_HOST says otherwise', () => {
  const before = process.env.APP_HOST;
  delete process.env.APP_HOST;
  expect(listenHost()).toBe('127.0.0.1');
  process.env.APP_HOST = '0.0.0.0';
  expect(listenHost()).toBe('0.0.0.0');
  if (before === undefined) delete process.env.APP_HOST;
  else process.env.APP_HOST = before;
});

it('refuses a body over the limit with 413 and the JSON error body, declared or chunked', async () => {
  const big = Buffer.alloc(MAX_BODY_BYTES + 1, 'a');
  const declared = await send(big, { 'content-length': String(big.length) }, false);
  expect(declared.status).toBe(413);
  expect(JSON.parse(declared.text).error.code).toBe('BODY_TOO_LARGE');
  const chunked = await send(big, { 'transfer-encoding': 'chunked' });
  expect(chunked.status).toBe(413);
  expect(JSON.parse(chunked.text).error.code).toBe('BODY_TOO_LARGE');
});

it('passes a body at the limit to the app, chunked or not, with or without Expect: 100-continue', async () => {
  const atLimit = Buffer.alloc(MAX_BODY_BYTES, 'a');
  const variants: Record<string, string>[] = [
    { 'content-length': String(atLimit.length) },
    { 'transfer-encoding': 'chunked' },
    { 'content-length': String(atLimit.length), expect: '100-continue' },
  ];
  for (const headers of variants) {
    const res = await send(atLimit, headers);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ bytes: MAX_BODY_BYTES });
  }
});

it('hands the app the body as Request.text() would decode it, to c.req.text() and to a Request built from it', async () => {
  const body = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]), // a BOM, which text() drops
    Buffer.from('{"title":"Grüße \u{1F600}"}'),
    Buffer.from([0xff]), // not UTF-8: a replacement character
  ]);
  const expected = await new Request('http://x', { method: 'POST', body }).text();
  const variants: Record<string, string>[] = [
    { 'content-length': String(body.length) },
    { 'transfer-encoding': 'chunked' },
  ];
  for (const headers of variants) {
    const res = await send(body, headers, true, '/read');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ text: expected, raw: expected });
  }
  const deleted = await fetch(`http://127.0.0.1:${running.port}/read`, { method: 'DELETE' });
  expect(await deleted.json()).toEqual({ deleted: true });
});

it('lets a client leave half-way through its body, and goes on serving', async () => {
  await new Promise<void>((resolve) => {
    const req = request({
      host: '127.0.0.1',
      port: running.port,
      path: '/read',
      method: 'POST',
      headers: { 'content-length': '1000' },
    });
    req.on('error', () => resolve());
    req.write('{"title":');
    setTimeout(() => {
      req.destroy();
      resolve();
    }, 50);
  });
  const res = await send(Buffer.from('{"ok":true}'), { 'content-length': '11' }, true, '/read');
  expect(JSON.parse(res.text)).toEqual({ text: '{"ok":true}', raw: '{"ok":true}' });
});
