// Sign-out ends the session's open event streams everywhere (npm start processes, real Postgres): at once by the
// session-ended event, and by the periodic re-check without it.
import { APP_IDS, STREAM_EVENTS } from '@todo/contracts';
import { eventually, LocalSystem } from '@todo/testkit';
import pg from 'pg';

// short, so the second layer is seen in the test; the first must beat it by far
const RECHECK_MS = 4_000;
process.env.STREAM_RECHECK_MS = String(RECHECK_MS);
const system = new LocalSystem();
const PASSWORD = 'correct horse battery';
const backend = (path: string) => `http://127.0.0.1:${system.appPort(APP_IDS.backend)}${path}`;
const notifications = (path: string) => `http://127.0.0.1:${system.appPort(APP_IDS.notificationService)}${path}`;

beforeAll(async () => {
  await system.start();
  const res = await fetch(backend('/api/auth/sign-up'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'streams@example.com', password: PASSWORD }),
  });
  expect(res.status).toBe(201);
}, 120_000);
afterAll(async () => {
  await system.stop();
  delete process.env.STREAM_RECHECK_MS;
}, 30_000);

const signIn = async (): Promise<{ token: string; sid: string }> => {
  const res = await fetch(backend('/api/auth/sign-in'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'streams@example.com', password: PASSWORD }),
  });
  const { token } = (await res.json()) as { token: string };
  return { token, sid: JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).sid };
};

interface Stream {
  events: { event: string; data: unknown; at: number }[];
  /** When the server ended the response (undefined while open). */
  closedAt?: number;
  abort(): void;
}

/** Opens /api/stream and reads it until the server closes it. */
function openStream(token: string): Stream {
  const controller = new AbortController();
  const stream: Stream = { events: [], abort: () => controller.abort() };
  void (async () => {
    const res = await fetch(notifications('/api/stream'), {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const lines = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        const event = lines
          .find((l) => l.startsWith('event:'))
          ?.slice(6)
          .trim();
        const data = lines
          .find((l) => l.startsWith('data:'))
          ?.slice(5)
          .trim();
        if (event) stream.events.push({ event, data: data ? JSON.parse(data) : null, at: Date.now() });
      }
    }
    stream.closedAt = Date.now();
  })().catch(() => undefined);
  return stream;
}

const ready = (stream: Stream) =>
  eventually(() => expect(stream.events.map((e) => e.event)).toContain(STREAM_EVENTS.ready));

it('closes the signed-out session’s streams within a second, with a last session-ended event', async () => {
  const mine = await signIn();
  const other = await signIn();
  const tabs = [openStream(mine.token), openStream(mine.token)];
  const otherDevice = openStream(other.token);
  await Promise.all([...tabs, otherDevice].map(ready));

  const signedOutAt = Date.now();
  const res = await fetch(backend('/api/auth/sign-out'), {
    method: 'POST',
    headers: { authorization: `Bearer ${mine.token}` },
  });
  expect(res.status).toBe(204);
  for (const tab of tabs) {
    await eventually(() => expect(tab.closedAt).toBeDefined(), 10_000, 10);
    const last = tab.events.at(-1);
    expect(last).toMatchObject({ event: STREAM_EVENTS.sessionEnded, data: { code: 'SIGNED_OUT' } });
    // well under the re-check period: the event closed it, not the second layer
    expect((tab.closedAt as number) - signedOutAt).toBeLessThan(1_500);
  }
  // the user's other sign-in keeps its stream, and is not told of this one's end
  expect(otherDevice.closedAt).toBeUndefined();
  expect(otherDevice.events.map((e) => e.event)).toEqual([STREAM_EVENTS.ready]);
  otherDevice.abort();

  // a stream opened again with the ended token is refused at once (nothing remembered it as signed in)
  const again = await fetch(notifications('/api/stream'), { headers: { authorization: `Bearer ${mine.token}` } });
  expect(again.status).toBe(401);
  await again.body?.cancel();
}, 30_000);

it('closes a stream whose session ended without an event, at the next re-check', async () => {
  const { token, sid } = await signIn();
  const stream = openStream(token);
  await ready(stream);
  // the session revoked behind the backend's back: no session-ended event is published
  const client = new pg.Client({ connectionString: system.databaseUrl });
  await client.connect();
  await client.query('update sessions set revoked_at = now() where id = $1', [sid]);
  await client.end();
  const revokedAt = Date.now();
  await eventually(() => expect(stream.closedAt).toBeDefined(), RECHECK_MS + 5_000, 20);
  expect((stream.closedAt as number) - revokedAt).toBeLessThanOrEqual(RECHECK_MS + 1_000);
  expect(stream.events.at(-1)).toMatchObject({ event: STREAM_EVENTS.sessionEnded, data: { code: 'SESSION_ENDED' } });
}, 30_000);
