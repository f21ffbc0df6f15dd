// The app's answers through app.request(), no port: a completed recurring task's event asks the backend (through a
// stand-in for the sidecar) for the next occurrence, and the backend's answer decides SUCCESS, RETRY or DROP.
import { randomUUID } from 'node:crypto';
import {
  APP_IDS,
  BULK_DELIVERY,
  COMPONENTS,
  deadLetterTopic,
  NEXT_OCCURRENCE_ROUTE,
  NextOccurrenceRequestSchema,
  nextOccurrenceKey,
  subscriptionRoute,
  type TaskEvent,
  TOPICS,
} from '@todo/contracts';
import { APP_TOKEN_HEADER, CALLER_APP_ID_HEADER, type Dapr } from '@todo/dapr';
import { registry } from '@todo/service-kit';
import { bulkDelivery } from '@todo/testkit';
import pino from 'pino';
import { createApp } from './app';

const APP_TOKEN = 'test-app-token';
const calls: { app: string; path: string; body: unknown }[] = [];
/** What the backend answers to the next-occurrence call (given its body). */
let backend: (body: unknown) => Response = () => new Response('{}', { status: 201 });
const dapr = {
  invoke: {
    call: async (app: string, path: string, init: { body: unknown }) => {
      calls.push({ app, path, body: init.body });
      return backend(init.body);
    },
  },
  health: { check: async () => undefined },
} as unknown as Dapr;
const app = createApp({
  logger: pino({ level: 'silent' }),
  dapr,
  appToken: APP_TOKEN,
  now: () => new Date('2030-06-03T12:00:00Z'),
});

beforeEach(() => {
  calls.length = 0;
  backend = () => new Response('{}', { status: 201 });
});

const completed = (fields: Partial<TaskEvent['task_data']> = {}, eventType: TaskEvent['event_type'] = 'completed') => {
  const id = randomUUID();
  const at = '2030-06-03T10:00:00.000Z';
  const task: TaskEvent['task_data'] = {
    id,
    user_id: 'u1',
    title: 'Water the garden',
    description: null,
    status: 'completed',
    priority: 'medium',
    tags: [],
    due_at: '2030-06-03T07:00:00.000Z',
    remind_at: null,
    remind_before_minutes: null,
    recurrence: 'FREQ=WEEKLY',
    timezone: 'Europe/Berlin',
    series_id: null,
    created_at: at,
    updated_at: at,
    completed_at: at,
    version: 2,
    ...fields,
  };
  return { event_type: eventType, task_id: id, task_data: task, user_id: 'u1', timestamp: at } satisfies TaskEvent;
};

/** A delivery from the app's own sidecar; answers the status it asks Dapr for. */
const deliver = async (data: unknown) => {
  const res = await app.request(subscriptionRoute(TOPICS.taskEvents), {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json', [APP_TOKEN_HEADER]: APP_TOKEN },
    body: JSON.stringify({
      specversion: '1.0',
      id: randomUUID(),
      type: 'task.completed',
      source: APP_IDS.backend,
      data,
    }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { status: string }).status;
};

it("asks the backend for a completed weekly task's next occurrence, keyed by the completed task, in the body the backend reads", async () => {
  const event = completed();
  expect(await deliver(event)).toBe('SUCCESS');
  expect(calls).toEqual([
    {
      app: APP_IDS.backend,
      path: NEXT_OCCURRENCE_ROUTE.path,
      body: {
        idempotency_key: nextOccurrenceKey(event.task_id),
        source_task_id: event.task_id,
        due_at: '2030-06-10T07:00:00.000Z',
        recurrence: 'FREQ=WEEKLY',
      },
    },
  ]);
  expect(NextOccurrenceRequestSchema.parse(calls[0]?.body)).toEqual(calls[0]?.body);
});

it('asks nothing for a task that does not recur, or an event other than completed', async () => {
  expect(await deliver(completed({ recurrence: null }))).toBe('SUCCESS');
  expect(await deliver(completed({}, 'updated'))).toBe('SUCCESS');
  expect(calls).toEqual([]);
});

it('asks for redelivery when the backend fails, and drops what the backend refuses or a rule it cannot read', async () => {
  backend = () => new Response('{}', { status: 503 });
  expect(await deliver(completed())).toBe('RETRY');
  backend = () => new Response('{"error":{"code":"VALIDATION_FAILED"}}', { status: 400 });
  expect(await deliver(completed())).toBe('DROP');
  expect(await deliver(completed({ recurrence: 'FREQ=NEVER' }))).toBe('DROP');
  expect(await deliver({ event_type: 'completed' })).toBe('DROP');
});

it('answers a bulk delivery per entry: the completions asked of the backend side by side, once each, a failing one alone retried', async () => {
  const [weekly, failing, plain] = [completed(), completed(), completed({}, 'updated')];
  const failingKey = nextOccurrenceKey(failing.task_id);
  backend = (body) =>
    new Response('{}', { status: (body as { idempotency_key: string }).idempotency_key === failingKey ? 503 : 201 });
  const res = await app.request(subscriptionRoute(TOPICS.taskEvents), {
    method: 'POST',
    headers: { 'content-type': 'application/json', [APP_TOKEN_HEADER]: APP_TOKEN },
    body: bulkDelivery(
      TOPICS.taskEvents,
      [weekly, failing, plain].map((data) => [randomUUID(), data]),
    ),
  });
  expect(await res.json()).toEqual({
    statuses: [
      { entryId: '0', status: 'SUCCESS' },
      { entryId: '1', status: 'RETRY' },
      { entryId: '2', status: 'SUCCESS' },
    ],
  });
  // each completion asked once: nothing that succeeded is asked again because another failed
  const asked = calls.map((c) => (c.body as { source_task_id: string }).source_task_id);
  expect(asked.sort()).toEqual([weekly.task_id, failing.task_id].sort());
});

it('counts a redelivery whose next task the backend had already made (200, not 201) on the metrics port', async () => {
  const counted = async () =>
    (await registry.getSingleMetric('todo_pubsub_duplicates_total')?.get())?.values.find(
      (v) => v.labels.topic === TOPICS.taskEvents,
    )?.value ?? 0;
  const before = await counted();
  expect(await deliver(completed())).toBe('SUCCESS');
  expect(await counted()).toBe(before);
  backend = () => new Response('{}', { status: 200 });
  expect(await deliver(completed())).toBe('SUCCESS');
  expect(await counted()).toBe(before + 1);
});

it('lists its subscription, in bulk, with its dead-letter topic, to its own sidecar only', async () => {
  const res = await app.request('/dapr/subscribe', { headers: { [APP_TOKEN_HEADER]: APP_TOKEN } });
  expect(await res.json()).toEqual([
    {
      pubsubname: COMPONENTS.pubsub,
      topic: TOPICS.taskEvents,
      route: subscriptionRoute(TOPICS.taskEvents),
      deadLetterTopic: deadLetterTopic(TOPICS.taskEvents),
      bulkSubscribe: { enabled: true, ...BULK_DELIVERY },
    },
  ]);
  expect((await (await app.request('/dapr/subscribe')).json()).error.code).toBe('APP_TOKEN_INVALID');
  const invoked = await app.request('/dapr/subscribe', {
    headers: { [APP_TOKEN_HEADER]: APP_TOKEN, [CALLER_APP_ID_HEADER]: APP_IDS.backend },
  });
  expect({ status: invoked.status, code: (await invoked.json()).error.code }).toEqual({
    status: 403,
    code: 'NOT_FOR_INVOCATION',
  });
});

it('answers /readyz once its sidecar answers, and 404 NOT_FOUND for a route it does not have', async () => {
  expect(await (await app.request('/readyz')).json()).toEqual({ status: 'ready', checks: ['sidecar'] });
  const missing = await app.request('/nowhere');
  expect({ status: missing.status, code: (await missing.json()).error.code }).toEqual({
    status: 404,
    code: 'NOT_FOUND',
  });
});
