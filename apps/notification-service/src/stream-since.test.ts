// Where a browser resumes its stream from: an id Postgres can hold, or a 400 before the stream opens.
import { installErrorHandlers } from '@todo/service-kit';
import { Hono } from 'hono';
import pino from 'pino';
import type { RemoteSessions } from './auth';
import { Fanout } from './fanout';
import { userRoutes } from './routes';
import type { NotificationStore } from './store';

const feedAfter = jest.fn(async () => []);
const store = { feedAfter } as unknown as NotificationStore;
const logger = pino({ level: 'silent' });
const app = new Hono();
installErrorHandlers(app, logger);
app.route(
  '/',
  userRoutes(store, new Fanout(store, logger), {
    authenticate: async () => ({ id: 'u1' }),
  } as unknown as RemoteSessions),
);
const auth = { authorization: 'Bearer t' };

it.each([
  ['a huge number', '?since=99999999999999999999999999'],
  ['one past the largest bigint', '?since=9223372036854775808'],
  ['junk', '?since=abc'],
  ['a negative number', '?since=-1'],
  ['nothing', '?since='],
])('answers 400 with a code for since = %s, before the stream opens', async (_what, query) => {
  const res = await app.request(`/api/stream${query}`, { headers: auth });
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({
    error: { code: 'VALIDATION_FAILED', details: [{ path: 'since', message: expect.any(String) }] },
  });
  expect(feedAfter).not.toHaveBeenCalled();
});

it('answers 400 for a huge Last-Event-ID too', async () => {
  const res = await app.request('/api/stream', { headers: { ...auth, 'last-event-id': '1'.repeat(40) } });
  expect(res.status).toBe(400);
});

it('opens the stream from the largest id Postgres can hold', async () => {
  const controller = new AbortController();
  const res = await app.request('/api/stream?since=9223372036854775807', { headers: auth, signal: controller.signal });
  expect(res.status).toBe(200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  expect(new TextDecoder().decode((await reader.read()).value)).toContain('event: ready');
  await reader.cancel();
  controller.abort();
});
