// The app's answers through app.request(), no port: a real store on a fresh Postgres database, a real token check,
// and a stand-in for the sidecar (the backend's session answer, invocation refusals).
import { randomUUID } from 'node:crypto';
import { TokenService } from '@todo/auth';
import {
  APP_IDS,
  BULK_DELIVERY,
  COMPONENTS,
  deadLetterTopic,
  STREAM_EVENTS,
  subscriptionRoute,
  type TaskEvent,
  TOPICS,
  type Topic,
} from '@todo/contracts';
import { APP_TOKEN_HEADER, CALLER_APP_ID_HEADER, type Dapr } from '@todo/dapr';
import { migrateToLatest, openDatabase } from '@todo/service-kit';
import { bulkDelivery, freshDatabase } from '@todo/testkit';
import { type Kysely, sql } from 'kysely';
import pino from 'pino';
import { createApp } from './app';
import { RemoteSessions } from './auth';
import { NOTIFICATION_MIGRATIONS } from './db/migrate';
import type { Database } from './db/schema';
import { Fanout } from './fanout';
import { NotificationStore } from './store';

const APP_TOKEN = 'test-app-token';
const tokens = new TokenService('a-test-auth-secret-that-is-long-enough-0123456789');
const logger = pino({ level: 'silent' });
/** What the backend answers when asked about a session (SESSION_CHECK_ROUTE). */
let backend: () => Promise<Response> = async () => new Response('{}', { status: 200 });
/** Messages the app moved to a dead-letter topic itself (a bulk request's refused ones), as the sidecar took them. */
const forwarded: { pubsub: string; topic: string; event: { id?: string } }[] = [];
const dapr = {
  invoke: { call: () => backend() },
  health: { check: async () => undefined },
  pubsub: {
    forward: async (pubsub: string, topic: string, event: { id?: string }) => {
      forwarded.push({ pubsub, topic, event });
    },
  },
} as unknown as Dapr;

let database: Awaited<ReturnType<typeof freshDatabase>>;
let db: Kysely<Database>;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  database = await freshDatabase();
  ({ db } = openDatabase<Database>(database.url, logger, 2));
  await migrateToLatest(db, NOTIFICATION_MIGRATIONS, APP_IDS.notificationService);
  const store = new NotificationStore(db);
  app = createApp({
    logger,
    dapr,
    db,
    store,
    fanout: new Fanout(store, logger),
    sessions: new RemoteSessions(tokens, dapr),
    appToken: APP_TOKEN,
  });
});
afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});
afterEach(() => {
  backend = async () => new Response('{}', { status: 200 });
});

/** A signed-in user of their own (a fresh token, so nothing is remembered of an earlier answer). */
const signIn = async () => {
  const userId = randomUUID();
  const token = await tokens.sign({ userId, sessionId: randomUUID() });
  const call = (path: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
  return { userId, call };
};

/** A delivery of `topic` from the app's own sidecar. */
const deliver = (topic: Topic, id: string, data: unknown) =>
  app.request(subscriptionRoute(topic), {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json', [APP_TOKEN_HEADER]: APP_TOKEN },
    body: JSON.stringify({ specversion: '1.0', id, type: 'test', source: APP_IDS.backend, data }),
  });

/** A bulk delivery of `topic` (daprd's envelope) of [CloudEvent id, data] pairs; answers the app's response. */
const bulkDeliver = (topic: Topic, events: [string, unknown][]) =>
  app.request(subscriptionRoute(topic), {
    method: 'POST',
    headers: { 'content-type': 'application/json', [APP_TOKEN_HEADER]: APP_TOKEN },
    body: bulkDelivery(topic, events),
  });

const reminder = (userId: string) => ({
  task_id: randomUUID(),
  title: 'Call the plumber',
  due_at: null,
  remind_at: '2030-06-03T07:00:00.000Z',
  user_id: userId,
});

const errorOf = async (res: Response) => ({ status: res.status, ...(await res.json()).error });

describe('notifications', () => {
  it('stores a reminder delivered twice as one unread notification, then marks it read', async () => {
    const { userId, call } = await signIn();
    const event = randomUUID();
    for (let i = 0; i < 2; i++) {
      expect(await (await deliver(TOPICS.reminders, event, reminder(userId))).json()).toEqual({ status: 'SUCCESS' });
    }
    const listed = await call('/api/notifications');
    expect(listed.status).toBe(200);
    const { items, unread } = await listed.json();
    expect({ count: items.length, unread, title: items[0].title }).toEqual({
      count: 1,
      unread: 1,
      title: 'Call the plumber',
    });

    expect((await call(`/api/notifications/${items[0].id}/read`, { method: 'POST' })).status).toBe(204);
    expect(await (await call('/api/notifications?unread=true')).json()).toEqual({ items: [], unread: 0 });
  });

  it("marks all of the user's notifications read and says how many", async () => {
    const { userId, call } = await signIn();
    for (let i = 0; i < 3; i++) await deliver(TOPICS.reminders, randomUUID(), reminder(userId));
    const res = await call('/api/notifications/read-all', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ updated: 3 });
  });

  it("answers 404 NOT_FOUND for a notification that is not the user's, or not an id at all", async () => {
    const other = await signIn();
    await deliver(TOPICS.reminders, randomUUID(), reminder(other.userId));
    const [theirs] = (await (await other.call('/api/notifications')).json()).items;
    const { call } = await signIn();
    for (const id of [theirs.id, randomUUID(), 'not-an-id']) {
      expect(await errorOf(await call(`/api/notifications/${id}/read`, { method: 'POST' }))).toEqual({
        status: 404,
        code: 'NOT_FOUND',
        message: 'notification not found',
      });
    }
  });

  it('answers 400 VALIDATION_FAILED naming the query field that is wrong', async () => {
    const { call } = await signIn();
    expect(await errorOf(await call('/api/notifications?limit=0'))).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      details: [{ path: 'limit', message: expect.any(String) }],
    });
    expect(await errorOf(await call('/api/notifications?unread=yes'))).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      details: [{ path: 'unread' }],
    });
    expect(await errorOf(await call('/api/notifications?colour=red'))).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
  });
});

describe('audit log', () => {
  const taskEvent = (userId: string, taskId: string): TaskEvent => {
    const at = '2030-06-01T10:00:00.000Z';
    return {
      event_type: 'created',
      task_id: taskId,
      user_id: userId,
      timestamp: at,
      task_data: {
        id: taskId,
        user_id: userId,
        title: 'Water the garden',
        description: null,
        status: 'open',
        priority: 'medium',
        tags: [],
        due_at: null,
        remind_at: null,
        remind_before_minutes: null,
        recurrence: null,
        timezone: 'Europe/Berlin',
        series_id: null,
        created_at: at,
        updated_at: at,
        completed_at: null,
        version: 1,
      },
    };
  };

  it("lists a task's events once each, however often they were delivered", async () => {
    const { userId, call } = await signIn();
    const taskId = randomUUID();
    const event = randomUUID();
    await deliver(TOPICS.taskEvents, event, taskEvent(userId, taskId));
    await deliver(TOPICS.taskEvents, event, taskEvent(userId, taskId));
    await deliver(TOPICS.taskEvents, randomUUID(), taskEvent(userId, randomUUID()));
    const res = await call(`/api/audit?task_id=${taskId}`);
    expect(res.status).toBe(200);
    expect((await res.json()).items).toMatchObject([{ event_id: event, task_id: taskId, event_type: 'created' }]);
  });

  it('stores a bulk delivery in one go, once each, and answers each entry for itself', async () => {
    const { userId, call } = await signIn();
    const taskId = randomUUID();
    const [first, second, unreadable] = [randomUUID(), randomUUID(), randomUUID()];
    await deliver(TOPICS.taskEvents, first, taskEvent(userId, taskId)); // already stored: a redelivery in the batch
    forwarded.length = 0;
    const res = await bulkDeliver(TOPICS.taskEvents, [
      [first, taskEvent(userId, taskId)],
      [second, { ...taskEvent(userId, taskId), event_type: 'updated' }],
      [unreadable, { task_id: 'not a task event' }],
      ['', taskEvent(userId, taskId)],
    ]);
    // the refused ones (the unreadable; one with no CloudEvent id to de-duplicate by: the batch is refused, and one by
    // one only it is) are moved to the dead letters by the app, and answered SUCCESS (daprd 1.18.2 cannot be told
    // DROP in a bulk request safely: see createSubscriberApp)
    expect(await res.json()).toEqual({
      statuses: [
        { entryId: '0', status: 'SUCCESS' },
        { entryId: '1', status: 'SUCCESS' },
        { entryId: '2', status: 'SUCCESS' },
        { entryId: '3', status: 'SUCCESS' },
      ],
    });
    expect(forwarded.map((f) => [f.pubsub, f.topic, f.event.id]).sort()).toEqual(
      [
        [COMPONENTS.pubsub, deadLetterTopic(TOPICS.taskEvents), ''],
        [COMPONENTS.pubsub, deadLetterTopic(TOPICS.taskEvents), unreadable],
      ].sort(),
    );
    const items = (await (await call(`/api/audit?task_id=${taskId}`)).json()).items;
    expect(items.map((i: { event_id: string; event_type: string }) => [i.event_id, i.event_type])).toEqual([
      [first, 'created'],
      [second, 'updated'],
    ]);
  });

  it('stores a bulk delivery of readable events with one statement, a redelivered one and a repeat within it once', async () => {
    const { userId } = await signIn();
    const taskId = randomUUID();
    const [stored, fresh, twice] = [randomUUID(), randomUUID(), randomUUID()];
    await deliver(TOPICS.taskEvents, stored, taskEvent(userId, taskId));
    const res = await bulkDeliver(TOPICS.taskEvents, [
      [stored, taskEvent(userId, taskId)],
      [fresh, { ...taskEvent(userId, taskId), event_type: 'updated' }],
      [twice, { ...taskEvent(userId, taskId), event_type: 'completed' }],
      [twice, { ...taskEvent(userId, taskId), event_type: 'completed' }],
    ]);
    expect((await res.json()).statuses.map((s: { status: string }) => s.status)).toEqual([
      'SUCCESS',
      'SUCCESS',
      'SUCCESS',
      'SUCCESS',
    ]);
    const rows = await db
      .selectFrom('audit_log')
      .select(['event_id', 'received_at'])
      .where('task_id', '=', taskId)
      .execute();
    expect(rows.map((r) => r.event_id).sort()).toEqual([stored, fresh, twice].sort());
    // the two new ones in one statement (one transaction's time), not one by one
    const received = (id: string) => rows.find((r) => r.event_id === id)?.received_at.getTime();
    expect(received(fresh)).toBe(received(twice));
    expect(received(fresh)).not.toBe(received(stored));
  });

  it('answers 400 VALIDATION_FAILED for a task id that is not one, and a time without its offset', async () => {
    const { call } = await signIn();
    expect(await errorOf(await call('/api/audit?task_id=nope'))).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'task_id: not a task id',
      details: [{ path: 'task_id', message: 'not a task id' }],
    });
    expect(await errorOf(await call('/api/audit?from=2030-06-01T10:00:00'))).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      details: [{ path: 'from' }],
    });
  });
});

describe('feed', () => {
  const update = (userId: string) => ({
    op: 'delete' as const,
    task_id: randomUUID(),
    user_id: userId,
    version: 3,
    timestamp: '2030-06-01T10:00:00.000Z',
  });

  it("stores a bulk delivery's task updates in their order, the feed's ids rising with it", async () => {
    const store = new NotificationStore(db);
    const head = await store.feedHead();
    const userId = randomUUID();
    const updates = [update(userId), update(userId), update(userId), update(userId)];
    const ids = updates.map(() => randomUUID());
    const res = await bulkDeliver(
      TOPICS.taskUpdates,
      updates.map((u, i) => [ids[i] as string, u]),
    );
    expect((await res.json()).statuses.every((s: { status: string }) => s.status === 'SUCCESS')).toBe(true);
    const feed = await store.feedAfter(head, userId);
    expect(feed.map((e) => e.event_id)).toEqual(ids);
  });

  it('adds to the feed only once an earlier writer has committed, so ids commit in their order', async () => {
    const store = new NotificationStore(db);
    const userId = randomUUID();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holderId = 0;
    // another writer holding the feed's lock, its row (a lower id) not yet committed
    const holder = db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('user_events'))`.execute(trx);
      const row = await trx
        .insertInto('user_events')
        .values({ event_id: randomUUID(), user_id: userId, kind: STREAM_EVENTS.taskUpdate, payload: '{}' })
        .returning('id')
        .executeTakeFirstOrThrow();
      holderId = Number(row.id);
      await held;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    let done = false;
    const writer = store.addTaskUpdates([{ eventId: randomUUID(), update: update(userId) }]).then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(done).toBe(false);
    release();
    await Promise.all([holder, writer]);
    const feed = await store.feedAfter('0', userId);
    expect(feed.map((e) => Number(e.id))).toEqual([holderId, expect.any(Number)]);
    expect(Number(feed[1]?.id)).toBeGreaterThan(holderId);
  });
});

describe('sign-in', () => {
  it("answers 401 UNAUTHENTICATED without a token, and the token check's code for a bad one", async () => {
    expect(await errorOf(await app.request('/api/notifications'))).toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
    const forged = await new TokenService('another-secret-that-is-long-enough-0123456789').sign({
      userId: randomUUID(),
      sessionId: randomUUID(),
    });
    expect(
      await errorOf(await app.request('/api/notifications', { headers: { authorization: `Bearer ${forged}` } })),
    ).toMatchObject({ status: 401, code: 'TOKEN_INVALID' });
  });

  it("answers the backend's 401 for a session that ended, and 503 AUTH_UNAVAILABLE when it cannot ask", async () => {
    backend = async () =>
      new Response(JSON.stringify({ error: { code: 'SESSION_ENDED', message: 'signed out' } }), { status: 401 });
    expect(await errorOf(await (await signIn()).call('/api/notifications'))).toEqual({
      status: 401,
      code: 'SESSION_ENDED',
      message: 'signed out',
    });
    backend = async () => {
      throw new Error('fetch failed');
    };
    expect(await errorOf(await (await signIn()).call('/api/notifications'))).toMatchObject({
      status: 503,
      code: 'AUTH_UNAVAILABLE',
    });
  });
});

describe('sidecar routes', () => {
  it('lists its three subscriptions, each with its dead-letter topic (the busy two in bulk), to its own sidecar only', async () => {
    const res = await app.request('/dapr/subscribe', { headers: { [APP_TOKEN_HEADER]: APP_TOKEN } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(
      [TOPICS.reminders, TOPICS.taskEvents, TOPICS.taskUpdates].map((topic) => ({
        pubsubname: COMPONENTS.pubsub,
        topic,
        route: subscriptionRoute(topic),
        deadLetterTopic: deadLetterTopic(topic),
        // reminders one at a time (each is due now); the audit's and the feed's events in bulk
        ...(topic === TOPICS.reminders ? {} : { bulkSubscribe: { enabled: true, ...BULK_DELIVERY } }),
      })),
    );
    expect(await errorOf(await app.request('/dapr/subscribe'))).toMatchObject({
      status: 401,
      code: 'APP_TOKEN_INVALID',
    });
    const invoked = await app.request('/dapr/subscribe', {
      headers: { [APP_TOKEN_HEADER]: APP_TOKEN, [CALLER_APP_ID_HEADER]: APP_IDS.backend },
    });
    expect(await errorOf(invoked)).toMatchObject({ status: 403, code: 'NOT_FOR_INVOCATION' });
  });

  it('drops a message that fails its schema, or that has no CloudEvent id to de-duplicate by', async () => {
    const { userId } = await signIn();
    expect(await (await deliver(TOPICS.reminders, randomUUID(), { title: 'no task' })).json()).toEqual({
      status: 'DROP',
    });
    expect(await (await deliver(TOPICS.reminders, '', reminder(userId))).json()).toEqual({ status: 'DROP' });
  });

  it('answers /healthz, and /readyz once the sidecar and the database answer', async () => {
    expect((await app.request('/healthz')).status).toBe(200);
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: ['sidecar', 'database'] });
  });

  it('answers 404 NOT_FOUND for a route it does not have', async () => {
    expect(await errorOf(await app.request('/nowhere'))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});
