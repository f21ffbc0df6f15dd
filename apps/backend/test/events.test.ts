import {
  APP_IDS,
  jobTriggerPath,
  NEXT_OCCURRENCE_ROUTE,
  nextOccurrenceKey,
  ReminderEventSchema,
  type ReminderJobData,
  reminderJobName,
  TaskEventSchema,
  TaskUpdateSchema,
  TOPICS,
} from '@todo/contracts';
import { eventually } from '@todo/testkit';
import pg from 'pg';
import { APP_TOKEN, BackendHarness } from './harness';

const h = new BackendHarness();
let token: string;

beforeAll(async () => {
  await h.start();
  token = await h.signUp('events@example.com');
}, 60_000);
afterAll(() => h.stop());

const job = async (taskId: string) => h.dapr().jobs.get<ReminderJobData>(reminderJobName(taskId));
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/** The backend's outbox rows publishing to `topic` about one task, and whether each has been sent. */
async function outboxRows(topic: string, taskId: string): Promise<{ sent: boolean }[]> {
  const client = new pg.Client({ connectionString: h.db.url });
  await client.connect();
  const { rows } = await client
    .query("select published_at is not null as sent from outbox where topic = $1 and payload::jsonb->>'task_id' = $2", [
      topic,
      taskId,
    ])
    .finally(() => client.end());
  return rows;
}

describe('events through the outbox', () => {
  it('delivers a task event that parses with the contract schema, and a task update, for a new task', async () => {
    const { json: task } = await h.api('/api/tasks', { token, body: { title: 'Water the plants', tags: ['home'] } });
    const [event] = await eventually(() => {
      const found = h.eventsOn(TOPICS.taskEvents, task.id);
      if (found.length === 0) throw new Error('no event yet');
      return found;
    });
    const parsed = TaskEventSchema.parse(event?.data);
    expect(parsed).toMatchObject({ event_type: 'created', task_id: task.id, user_id: task.user_id, task_data: task });
    expect(event?.type).toBe('task.created');
    const [update] = await eventually(() => {
      const found = h.eventsOn(TOPICS.taskUpdates, task.id);
      if (found.length === 0) throw new Error('no update yet');
      return found;
    });
    expect(TaskUpdateSchema.parse(update?.data)).toMatchObject({ op: 'upsert', version: 1, task });
  });

  it('publishes every change of a task in order, each with its own id', async () => {
    const { json: task } = await h.api('/api/tasks', { token, body: { title: 'Sequence' } });
    await h.api(`/api/tasks/${task.id}`, { method: 'PATCH', token, body: { title: 'Sequence 2' } });
    await h.api(`/api/tasks/${task.id}/complete`, { method: 'POST', token });
    await h.api(`/api/tasks/${task.id}`, { method: 'DELETE', token });
    await eventually(() => expect(h.eventsOn(TOPICS.taskEvents, task.id)).toHaveLength(4));
    const events = h.eventsOn(TOPICS.taskEvents, task.id);
    expect(events.map((e) => e.data.event_type)).toEqual(['created', 'updated', 'completed', 'deleted']);
    expect(new Set(events.map((e) => e.id)).size).toBe(4);
    await eventually(() => expect(h.eventsOn(TOPICS.taskUpdates, task.id)).toHaveLength(4));
    expect(h.eventsOn(TOPICS.taskUpdates, task.id).map((e) => [e.data.op, e.data.version])).toEqual([
      ['upsert', 1],
      ['upsert', 2],
      ['upsert', 3],
      ['delete', 4],
    ]);
  });

  it('continues the trace of the request that made the change in the events the relay publishes later', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const { json: task } = await h.api('/api/tasks', {
      token,
      body: { title: 'Traced' },
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    await eventually(() => expect(h.eventsOn(TOPICS.taskUpdates, task.id)).toHaveLength(1));
    await eventually(() => expect(h.eventsOn(TOPICS.taskEvents, task.id)).toHaveLength(1));
    for (const event of [...h.eventsOn(TOPICS.taskEvents, task.id), ...h.eventsOn(TOPICS.taskUpdates, task.id)]) {
      expect(event.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    }
  });
});

describe('reminders through the Jobs API', () => {
  it('schedules the job, replaces it when the reminder changes, and deletes it on completion', async () => {
    const first = inSeconds(3600);
    const { json: task } = await h.api('/api/tasks', { token, body: { title: 'Dentist', remind_at: first } });
    await eventually(async () => expect((await job(task.id))?.dueTime).toBe(new Date(first).toISOString()));
    expect((await job(task.id))?.data).toEqual({ task_id: task.id, remind_at: new Date(first).toISOString() });
    const second = inSeconds(7200);
    await h.api(`/api/tasks/${task.id}`, { method: 'PATCH', token, body: { remind_at: second } });
    await eventually(async () => expect((await job(task.id))?.dueTime).toBe(new Date(second).toISOString()));
    await h.api(`/api/tasks/${task.id}/complete`, { method: 'POST', token });
    await eventually(async () => expect(await job(task.id)).toBeUndefined());
  });

  it('deletes the job when the reminder is cleared or the task deleted', async () => {
    const { json: a } = await h.api('/api/tasks', { token, body: { title: 'A', remind_at: inSeconds(3600) } });
    const { json: b } = await h.api('/api/tasks', { token, body: { title: 'B', remind_at: inSeconds(3600) } });
    await eventually(async () => expect(await job(b.id)).toBeDefined());
    await h.api(`/api/tasks/${a.id}`, { method: 'PATCH', token, body: { remind_at: null } });
    await h.api(`/api/tasks/${b.id}`, { method: 'DELETE', token });
    await eventually(async () => {
      expect(await job(a.id)).toBeUndefined();
      expect(await job(b.id)).toBeUndefined();
    });
  });

  it('delivers a reminder event within 1 s of remind_at', async () => {
    const remindAt = new Date(Math.ceil((Date.now() + 2_500) / 1000) * 1000);
    const { json: task } = await h.api('/api/tasks', {
      token,
      body: {
        title: 'Call mom',
        remind_at: remindAt.toISOString(),
        due_at: new Date(remindAt.getTime() + 3_600_000).toISOString(),
      },
    });
    const [reminder] = await eventually(
      () => {
        const found = h.eventsOn(TOPICS.reminders, task.id);
        if (found.length === 0) throw new Error('no reminder yet');
        return found;
      },
      6_000,
      10,
    );
    const arrivedAt = Date.now();
    expect(arrivedAt - remindAt.getTime()).toBeLessThan(1_000);
    expect(arrivedAt).toBeGreaterThanOrEqual(remindAt.getTime());
    expect(ReminderEventSchema.parse(reminder?.data)).toEqual({
      task_id: task.id,
      title: 'Call mom',
      due_at: task.due_at,
      remind_at: remindAt.toISOString(),
      user_id: task.user_id,
    });
  });

  it('publishes nothing new for a second trigger of the same reminder, or for a stale one', async () => {
    const remindAt = inSeconds(3600);
    const { json: task } = await h.api('/api/tasks', { token, body: { title: 'Twice', remind_at: remindAt } });
    const trigger = (data: unknown) =>
      fetch(h.url(jobTriggerPath(reminderJobName(task.id))), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'dapr-api-token': APP_TOKEN },
        body: JSON.stringify(data),
      }).then((r) => r.json());
    const data = { task_id: task.id, remind_at: new Date(remindAt).toISOString() };
    expect(await trigger(data)).toEqual({ status: 'published' });
    expect(await trigger(data)).toEqual({ status: 'already-sent' });
    expect(await trigger({ ...data, remind_at: inSeconds(60) })).toEqual({ status: 'stale' });
    // one reminder in the outbox, sent: the second and the stale trigger wrote none, so none can arrive later
    expect(await outboxRows(TOPICS.reminders, task.id)).toHaveLength(1);
    await eventually(async () => expect(await outboxRows(TOPICS.reminders, task.id)).toEqual([{ sent: true }]));
    await eventually(() => expect(h.eventsOn(TOPICS.reminders, task.id)).toHaveLength(1));
  });

  it('refuses a job trigger without the app token', async () => {
    const res = await fetch(h.url(jobTriggerPath(reminderJobName('x'))), { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
  });

  it('refuses a job trigger that came by service invocation, even with the app token: nothing fires early', async () => {
    const remindAt = inSeconds(3600);
    const { json: task } = await h.api('/api/tasks', { token, body: { title: 'Not yet', remind_at: remindAt } });
    const res = await fetch(h.url(jobTriggerPath(reminderJobName(task.id))), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'dapr-api-token': APP_TOKEN,
        'dapr-caller-app-id': APP_IDS.frontend,
      },
      body: JSON.stringify({ task_id: task.id, remind_at: new Date(remindAt).toISOString() }),
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('NOT_FOR_INVOCATION');
    // refused before anything was written: nothing in the outbox to publish later
    expect(await outboxRows(TOPICS.reminders, task.id)).toEqual([]);
    expect(h.eventsOn(TOPICS.reminders, task.id)).toHaveLength(0);
  });
});

describe('next occurrence', () => {
  const call = (body: unknown, caller: string = APP_IDS.recurringTaskService) =>
    fetch(h.url(NEXT_OCCURRENCE_ROUTE.path), {
      method: NEXT_OCCURRENCE_ROUTE.method,
      headers: { 'content-type': 'application/json', 'dapr-api-token': APP_TOKEN, 'dapr-caller-app-id': caller },
      body: JSON.stringify(body),
    });

  it('creates the next task of a series once for one idempotency key', async () => {
    const { json: source } = await h.api('/api/tasks', {
      token,
      body: {
        title: 'Plan the week',
        recurrence: 'FREQ=WEEKLY;BYDAY=MO',
        due_at: '2030-01-07T09:00:00+01:00',
        remind_before_minutes: 15,
        tags: ['work'],
      },
    });
    const body = {
      idempotency_key: nextOccurrenceKey(source.id),
      source_task_id: source.id,
      due_at: '2030-01-14T08:00:00.000Z',
    };
    const first = await call(body);
    expect(first.status).toBe(201);
    const next = await first.json();
    expect(next).toMatchObject({
      title: 'Plan the week',
      recurrence: 'FREQ=WEEKLY;BYDAY=MO',
      due_at: '2030-01-14T08:00:00.000Z',
      remind_at: '2030-01-14T07:45:00.000Z',
      series_id: source.id,
      tags: ['work'],
      status: 'open',
    });
    const again = await Promise.all([call(body), call(body), call(body)]);
    expect(again.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(await Promise.all(again.map(async (r) => (await r.json()).id)))).toEqual(new Set([next.id]));
    const listed = await h.api('/api/tasks?q=plan%20the%20week', { token });
    expect(listed.json.items).toHaveLength(2);
  });

  it('answers 404 when the completed task is gone, and 403 to any other caller', async () => {
    const missing = await call({
      idempotency_key: 'gone:1234567',
      source_task_id: '00000000-0000-4000-8000-000000000000',
      due_at: null,
    });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('SOURCE_NOT_FOUND');
    const other = await call({ idempotency_key: 'x:12345678', source_task_id: 'x', due_at: null }, APP_IDS.frontend);
    expect(other.status).toBe(403);
  });
});
