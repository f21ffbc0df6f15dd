// recurring-task-service in the running system (npm start processes, real Postgres).
import type { ChildProcess } from 'node:child_process';
import { APP_IDS, COMPONENTS, type TaskEvent, TOPICS } from '@todo/contracts';
import { eventually, LocalSystem } from '@todo/testkit';

const system = new LocalSystem();
let token: string;
let restarted: ChildProcess | undefined;

beforeAll(async () => {
  await system.start();
  const { json } = await system.call(APP_IDS.backend, '/api/auth/sign-up', {
    body: { email: 'recur@example.com', password: 'correct horse battery', timezone: 'Europe/Berlin' },
  });
  token = json.token;
}, 120_000);
afterAll(async () => {
  if (restarted && restarted.exitCode === null) {
    await new Promise<void>((resolve) => {
      restarted?.once('exit', () => resolve());
      restarted?.kill('SIGTERM');
    });
  }
  await system.stop();
}, 30_000);

const series = async (title: string) => {
  const { json } = await system.call(APP_IDS.backend, `/api/tasks?q=${encodeURIComponent(title)}&sort=due`, { token });
  return json.items as { id: string; status: string; due_at: string; recurrence: string; series_id: string | null }[];
};

const publishTaskEvent = (
  from: typeof APP_IDS.backend | typeof APP_IDS.recurringTaskService,
  id: string,
  event: TaskEvent,
) =>
  system.sidecar(from, `/v1.0/publish/${COMPONENTS.pubsub}/${TOPICS.taskEvents}`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify({ specversion: '1.0', id, type: 'task.completed', source: APP_IDS.backend, data: event }),
  });

it('creates exactly one next task when task.completed is delivered three times', async () => {
  const { json: task } = await system.call(APP_IDS.backend, '/api/tasks', {
    token,
    body: { title: 'Water the garden', recurrence: 'weekly', due_at: '2030-06-03T07:00:00+02:00' },
  });
  const { json: done } = await system.call(APP_IDS.backend, `/api/tasks/${task.id}/complete`, {
    method: 'POST',
    token,
  });
  // the original event, as the audit log received it, delivered twice more with its own CloudEvent id
  const audit = await eventually(
    async () => {
      const { json } = await system.call(APP_IDS.notificationService, `/api/audit?task_id=${task.id}`, { token });
      const found = (json.items as { event_id: string; event_type: string; event: TaskEvent }[]).find(
        (i) => i.event_type === 'completed',
      );
      if (!found) throw new Error('not audited yet');
      return found;
    },
    10_000,
    100,
  );
  expect(audit.event.task_data.version).toBe(done.version);
  for (let i = 0; i < 2; i += 1)
    expect((await publishTaskEvent(APP_IDS.backend, audit.event_id, audit.event)).status).toBe(204);

  // handled, all three: one made the next task, the backend answered the other two that it had made it already
  const duplicates = `todo_pubsub_duplicates_total{topic="${TOPICS.taskEvents}"}`;
  await eventually(
    async () => expect(await system.metric(APP_IDS.recurringTaskService, duplicates)).toBeGreaterThanOrEqual(2),
    10_000,
    100,
  );
  const tasks = await series('Water the garden');
  expect(tasks).toHaveLength(2);
  expect(tasks[1]).toMatchObject({
    status: 'open',
    due_at: '2030-06-10T05:00:00.000Z',
    recurrence: 'FREQ=WEEKLY',
    series_id: task.id,
  });
}, 40_000);

it('retries while the backend is down and creates the next task once it is back', async () => {
  const { json: task } = await system.call(APP_IDS.backend, '/api/tasks', {
    token,
    body: { title: 'Take out the bins', recurrence: 'FREQ=WEEKLY;BYDAY=TU', due_at: '2030-06-04T19:00:00+02:00' },
  });
  const completed: TaskEvent = {
    event_type: 'completed',
    task_id: task.id,
    task_data: { ...task, status: 'completed', completed_at: new Date().toISOString(), version: 2 },
    user_id: task.user_id,
    timestamp: new Date().toISOString(),
  };
  // stop the backend, then let the event arrive
  process.kill(system.pid(APP_IDS.backend), 'SIGTERM');
  await eventually(
    async () => {
      const up = await fetch(`http://127.0.0.1:${system.appPort(APP_IDS.backend)}/healthz`).then(
        () => true,
        () => false,
      );
      expect(up).toBe(false);
    },
    10_000,
    100,
  );
  expect((await publishTaskEvent(APP_IDS.recurringTaskService, 'bins-completed-1', completed)).status).toBe(204);

  // recurring-task-service answers RETRY while the backend is away, and the sidecar keeps redelivering
  const retries = `todo_pubsub_messages_total{app="${APP_IDS.recurringTaskService}",topic="${TOPICS.taskEvents}",outcome="retry"}`;
  await eventually(
    async () => expect(await system.metric(APP_IDS.recurringTaskService, retries)).toBeGreaterThanOrEqual(1),
    20_000,
    200,
  );

  restarted = system.startApp(APP_IDS.backend, 'backend');
  const found = await eventually(
    async () => {
      const list = await series('Take out the bins');
      expect(list).toHaveLength(2);
      return list;
    },
    40_000,
    250,
  );
  expect(found[1]).toMatchObject({ due_at: '2030-06-11T17:00:00.000Z', series_id: task.id });
}, 90_000);
