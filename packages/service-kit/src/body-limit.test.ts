import { request } from 'node:http';
import { Hono } from 'hono';
import pino from 'pino';
import { MAX_BODY_BYTES } from './body-limit';
import { listenHost } from './listen-host';
import { startApp } from './serve';

const app = new Hono().post('/echo', async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }));

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
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: running.port, path: '/echo', method: 'POST', headers }, (res) => {
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
