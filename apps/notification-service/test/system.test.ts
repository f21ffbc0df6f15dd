// notification-service in the running system (npm start processes, real Postgres): reminders, audit, streams, DLQ.
import { APP_IDS, COMPONENTS, deadLetterTopic, STREAM_EVENTS, TOPICS } from '@todo/contracts';
import { eventually, LocalSystem } from '@todo/testkit';
import pg from 'pg';

const system = new LocalSystem();
let token: string;

beforeAll(async () => {
  await system.start();
  const { json } = await system.call(APP_IDS.backend, '/api/auth/sign-up', {
    body: { email: 'notify@example.com', password: 'correct horse battery', timezone: 'Europe/Berlin' },
  });
  token = json.token;
}, 120_000);
afterAll(() => system.stop(), 30_000);

interface SseEvent {
  id?: string;
  event: string;
  data: unknown;
  at: number;
}

/** Reads server-sent events into `events` until `abort` is called. */
function openStream(path = '/api/stream', headers: Record<string, string> = {}) {
  const events: SseEvent[] = [];
  const controller = new AbortController();
  const done = (async () => {
    const res = await fetch(`http://127.0.0.1:${system.appPort(APP_IDS.notificationService)}${path}`, {
      headers: { authorization: `Bearer ${token}`, ...headers },
      signal: controller.signal,
    });
    if (res.status !== 200) throw new Error(`stream answered ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(
          block
            .split('\n')
            .filter((l) => l && !l.startsWith(':'))
            .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
        );
        if (fields.event)
          events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data ?? 'null'), at: Date.now() });
      }
    }
  })().catch((error) => {
    if (!controller.signal.aborted) throw error;
  });
  return { events, close: () => controller.abort(), done };
}

/** Messages of `topic` notification-service has acknowledged (stored). */
const deliveries = (topic: string) =>
  `todo_pubsub_messages_total{app="${APP_IDS.notificationService}",topic="${topic}",outcome="success"}`;

const notificationsFor = async (taskId: string) => {
  const { json } = await system.call(APP_IDS.notificationService, '/api/notifications', { token });
  return (json.items as { task_id: string }[]).filter((n) => n.task_id === taskId);
};

it('turns a reminder into exactly one notification that reaches an open stream within 1 s', async () => {
  const stream = openStream();
  await eventually(() => expect(stream.events.some((e) => e.event === STREAM_EVENTS.ready)).toBe(true));
  const remindAt = new Date(Math.ceil((Date.now() + 2_500) / 1000) * 1000);
  const { json: task } = await system.call(APP_IDS.backend, '/api/tasks', {
    token,
    body: { title: 'Call the plumber', remind_at: remindAt.toISOString() },
  });
  const pushed = await eventually(
    () => {
      const found = stream.events.find(
        (e) => e.event === STREAM_EVENTS.notification && (e.data as { task_id: string }).task_id === task.id,
      );
      if (!found) throw new Error('not pushed yet');
      return found;
    },
    8_000,
    10,
  );
  expect(pushed.at - remindAt.getTime()).toBeLessThan(1_000);
  expect(pushed.data).toMatchObject({
    task_id: task.id,
    title: 'Call the plumber',
    remind_at: remindAt.toISOString(),
    read_at: null,
  });
  stream.close();

  // the same reminder event delivered again (same CloudEvent id) makes no second notification: counted once the
  // consumer has acknowledged it, after the reminder itself
  const handled = () => system.metric(APP_IDS.notificationService, deliveries(TOPICS.reminders));
  const before = await eventually(async () => {
    const n = await handled();
    expect(n).toBeGreaterThanOrEqual(1);
    return n;
  });
  const client = new pg.Client({ connectionString: system.databaseUrl });
  await client.connect();
  const { rows } = await client.query('select event_id from notifications where task_id = $1', [task.id]);
  await client.end();
  expect(rows).toHaveLength(1);
  const again = await system.sidecar(APP_IDS.backend, `/v1.0/publish/${COMPONENTS.pubsub}/${TOPICS.reminders}`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify({
      specversion: '1.0',
      id: rows[0].event_id,
      type: 'reminder.due',
      source: APP_IDS.backend,
      data: {
        task_id: task.id,
        title: 'Call the plumber',
        due_at: null,
        remind_at: remindAt.toISOString(),
        user_id: task.user_id,
      },
    }),
  });
  expect(again.status).toBe(204);
  await eventually(async () => expect(await handled()).toBeGreaterThan(before), 10_000, 100);
  expect(await notificationsFor(task.id)).toHaveLength(1);
  const [notification] = (await notificationsFor(task.id)) as unknown as { id: string }[];
  expect(
    (
      await system.call(APP_IDS.notificationService, `/api/notifications/${notification?.id}/read`, {
        method: 'POST',
        token,
      })
    ).status,
  ).toBe(204);
  const unread = await system.call(APP_IDS.notificationService, '/api/notifications?unread=true', { token });
  expect(unread.json.items.map((n: { task_id: string }) => n.task_id)).not.toContain(task.id);
}, 30_000);

it('keeps an audit log of created, updated, completed and deleted, in order', async () => {
  const { json: task } = await system.call(APP_IDS.backend, '/api/tasks', { token, body: { title: 'Audit me' } });
  await system.call(APP_IDS.backend, `/api/tasks/${task.id}`, { method: 'PATCH', token, body: { priority: 'high' } });
  await system.call(APP_IDS.backend, `/api/tasks/${task.id}/complete`, { method: 'POST', token });
  await system.call(APP_IDS.backend, `/api/tasks/${task.id}`, { method: 'DELETE', token });
  const items = await eventually(
    async () => {
      const { json } = await system.call(APP_IDS.notificationService, `/api/audit?task_id=${task.id}`, { token });
      expect(json.items).toHaveLength(4);
      return json.items as { event_type: string; event: { task_data: { version: number } } }[];
    },
    10_000,
    100,
  );
  expect(items.map((i) => i.event_type)).toEqual(['created', 'updated', 'completed', 'deleted']);
  expect(items.map((i) => i.event.task_data.version)).toEqual([1, 2, 3, 4]);
  const other = await system.call(APP_IDS.backend, '/api/auth/sign-up', {
    body: { email: 'other@example.com', password: 'correct horse battery' },
  });
  const theirs = await system.call(APP_IDS.notificationService, `/api/audit?task_id=${task.id}`, {
    token: other.json.token,
  });
  expect(theirs.json.items).toEqual([]);
}, 30_000);

it('pushes task updates to the stream and replays what a reconnecting browser missed', async () => {
  const stream = openStream();
  await eventually(() => expect(stream.events.some((e) => e.event === STREAM_EVENTS.ready)).toBe(true));
  const { json: task } = await system.call(APP_IDS.backend, '/api/tasks', { token, body: { title: 'Live one' } });
  const first = await eventually(() => {
    const found = stream.events.find(
      (e) => e.event === STREAM_EVENTS.taskUpdate && (e.data as { task_id: string }).task_id === task.id,
    );
    if (!found) throw new Error('not yet');
    return found;
  }, 5_000);
  stream.close();
  await system.call(APP_IDS.backend, `/api/tasks/${task.id}/complete`, { method: 'POST', token });
  // stored while no stream is open, so the completion can only come back as a replay
  await eventually(
    async () => {
      const client = new pg.Client({ connectionString: system.databaseUrl });
      await client.connect();
      const { rows } = await client
        .query(
          "select 1 from user_events where kind = $2 and payload::jsonb->>'task_id' = $1 and payload::jsonb->'task'->>'status' = 'completed'",
          [task.id, STREAM_EVENTS.taskUpdate],
        )
        .finally(() => client.end());
      expect(rows).toHaveLength(1);
    },
    10_000,
    100,
  );
  const resumed = openStream('/api/stream', { 'last-event-id': first.id as string });
  const missed = await eventually(() => {
    const found = resumed.events.find(
      (e) =>
        e.event === STREAM_EVENTS.taskUpdate && (e.data as { task: { status: string } }).task?.status === 'completed',
    );
    if (!found) throw new Error('not replayed yet');
    return found;
  }, 5_000);
  expect((missed.data as { version: number }).version).toBe(2);
  resumed.close();
}, 30_000);

it('refuses the stream and the API without a valid token', async () => {
  const res = await fetch(`http://127.0.0.1:${system.appPort(APP_IDS.notificationService)}/api/stream`);
  expect(res.status).toBe(401);
  const forged = await system.call(APP_IDS.notificationService, '/api/notifications', { token: 'not-a-token' });
  expect(forged.status).toBe(401);
});

it('sends an event that fails its schema to the dead-letter topic', async () => {
  const bad = await system.sidecar(APP_IDS.backend, `/v1.0/publish/${COMPONENTS.pubsub}/${TOPICS.reminders}`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify({
      specversion: '1.0',
      id: 'bad-reminder-1',
      type: 'reminder.due',
      source: 'test',
      data: { task_id: 'nope' },
    }),
  });
  expect(bad.status).toBe(204);
  await eventually(
    async () => expect(await system.messageIds(deadLetterTopic(TOPICS.reminders))).toContain('bad-reminder-1'),
    20_000,
    200,
  );
}, 30_000);
