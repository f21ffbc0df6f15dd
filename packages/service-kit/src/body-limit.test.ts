import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import {
  BULK_DELIVERY,
  BULK_DELIVERY_MAX_BYTES,
  COMPONENTS,
  DESCRIPTION_MAX,
  SUBSCRIPTION_ROUTE,
  subscriptionRoute,
  TAG_MAX,
  TAGS_MAX,
  type TaskEvent,
  TITLE_MAX,
  TOPICS,
} from '@todo/contracts';
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
  port = running.port,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
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

describe('a bulk delivery of the largest events', () => {
  // Go's encoding/json (daprd) writes <, > and & as \u003c…: six bytes for each such character of a task
  const asDaprdWrites = (value: unknown) =>
    JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const at = '2030-06-01T10:00:00.000+14:00';
  const task: TaskEvent['task_data'] = {
    id: randomUUID(),
    user_id: randomUUID(),
    title: '<'.repeat(TITLE_MAX),
    description: '<'.repeat(DESCRIPTION_MAX),
    status: 'completed',
    priority: 'medium',
    // tags are letters: three bytes for one of U+0800 and above
    tags: Array.from({ length: TAGS_MAX }, () => 'ह'.repeat(TAG_MAX)),
    due_at: at,
    remind_at: at,
    remind_before_minutes: 43_200,
    recurrence: `FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=${Array.from({ length: 31 }, (_, i) => i + 1).join(',')};BYHOUR=${Array.from({ length: 24 }, (_, i) => i).join(',')};UNTIL=20991231T235959Z`,
    timezone: 'America/Argentina/ComodRivadavia',
    series_id: randomUUID(),
    created_at: at,
    updated_at: at,
    completed_at: at,
    version: 2_147_483_647,
  };
  const event: TaskEvent = {
    event_type: 'completed',
    task_id: task.id,
    task_data: task,
    user_id: task.user_id,
    timestamp: at,
  };
  const traceparent = `00-${'f'.repeat(32)}-${'f'.repeat(16)}-01`;
  const entry = (n: number) => ({
    entryId: String(n),
    event: {
      specversion: '1.0',
      id: randomUUID(),
      source: 'backend',
      type: 'task.completed',
      datacontenttype: 'application/json',
      data: event,
      topic: TOPICS.taskEvents,
      pubsubname: COMPONENTS.pubsub,
      time: at,
      traceid: traceparent,
      traceparent,
      tracestate: '',
    },
    metadata: {
      __key: task.id,
      __topic: TOPICS.taskEvents,
      __partition: '2147483647',
      __offset: '9223372036854775807',
      __timestamp: '9223372036854775807',
      traceparent,
      partitionKey: task.id,
    },
    contentType: 'application/cloudevents+json',
  });
  const envelope = asDaprdWrites({
    id: randomUUID(),
    type: 'com.dapr.event.sent.bulk',
    topic: TOPICS.taskEvents,
    pubsubname: COMPONENTS.pubsub,
    metadata: { pubsubName: COMPONENTS.pubsub },
    entries: Array.from({ length: BULK_DELIVERY.maxMessagesCount }, (_, n) => entry(n)),
  });

  it("fits under the sidecar's delivery limit, with room to spare, and is taken from the sidecar only", async () => {
    const bytes = Buffer.byteLength(envelope);
    expect(bytes).toBeGreaterThan(MAX_BODY_BYTES);
    expect(bytes).toBeLessThan(BULK_DELIVERY_MAX_BYTES * 0.9);
    const subscriber = await startApp({
      app: new Hono().post(SUBSCRIPTION_ROUTE.path, async (c) =>
        c.json({ bytes: (await c.req.arrayBuffer()).byteLength }),
      ),
      port: 0,
      logger: pino({ level: 'silent' }),
      deliveries: { appToken: 'app-token' },
    });
    try {
      const post = (path: string, token?: string) =>
        send(
          Buffer.from(envelope),
          {
            'content-type': 'application/json',
            'content-length': String(bytes),
            ...(token ? { 'dapr-api-token': token } : {}),
          },
          true,
          path,
          subscriber.port,
        );
      const route = subscriptionRoute(TOPICS.taskEvents);
      const taken = await post(route, 'app-token');
      expect(taken.status).toBe(200);
      expect(JSON.parse(taken.text)).toEqual({ bytes });
      // anyone else, or another route, keeps the 256 KiB limit: refused unread
      for (const refused of [
        await post(route),
        await post(route, 'app-tokex'),
        await post('/api/tasks', 'app-token'),
      ]) {
        expect(refused.status).toBe(413);
        expect(JSON.parse(refused.text).error.code).toBe('BODY_TOO_LARGE');
      }
    } finally {
      await subscriber.stop();
    }
  });
});
