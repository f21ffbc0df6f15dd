// Observability of the running system: every named series has a value after a task-with-reminder flow and a chat
// turn, and one request carries one trace id through the frontend's and the backend's log lines.
import { randomBytes } from 'node:crypto';
import { ALL_APP_IDS, APP_IDS, type AppId, subscriptionRoute, TOPICS } from '@todo/contracts';
import { eventually, LocalSystem } from '@todo/testkit';

const system = new LocalSystem({ logLevel: 'info' });
let token: string;
const traceId = randomBytes(16).toString('hex');

const viaFrontend = async (
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) => {
  const res = await fetch(`http://127.0.0.1:${system.appPort(APP_IDS.frontend)}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, json: await res.json() };
};

/** The value of one series (name plus a label filter) in an app's /metrics. */
async function series(appId: AppId, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${system.metricsPort(appId)}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

beforeAll(async () => {
  await system.start();
  token = (
    await viaFrontend('/api/auth/sign-up', { body: { email: 'obs@example.com', password: 'correct horse battery' } })
  ).json.token;
}, 120_000);
afterAll(() => system.stop(), 30_000);

it('fills every named series after a task with a reminder and a chat turn', async () => {
  const created = await viaFrontend('/api/tasks', {
    body: { title: 'Observe me', remind_at: new Date(Date.now() + 2_000).toISOString() },
    headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
  });
  expect(created.status).toBe(201);
  const chat = await viaFrontend('/api/chat', { body: { message: 'add buy milk #shopping' } });
  expect(chat.json.tool_calls).toHaveLength(1);
  await viaFrontend(`/api/tasks/${created.json.id}`, {
    method: 'PATCH',
    body: { recurrence: 'daily', due_at: new Date(Date.now() + 3_600_000).toISOString() },
  });
  await eventually(
    async () => expect((await viaFrontend('/api/notifications')).json.items).toHaveLength(1),
    10_000,
    200,
  );
  await viaFrontend(`/api/tasks/${created.json.id}/complete`, { method: 'POST' });

  await eventually(
    async () => {
      expect(
        await series(APP_IDS.frontend, 'todo_http_requests_total', { app: APP_IDS.frontend, route: '/api/*' }),
      ).toBeGreaterThan(0);
      expect(await series(APP_IDS.frontend, 'todo_http_request_duration_seconds_count')).toBeGreaterThan(0);
      expect(
        await series(APP_IDS.backend, 'todo_http_requests_total', { route: '/api/tasks', method: 'POST' }),
      ).toBeGreaterThan(0);
      expect(await series(APP_IDS.backend, 'todo_outbox_published_total', { kind: 'publish' })).toBeGreaterThan(0);
      expect(await series(APP_IDS.backend, 'todo_outbox_published_total', { kind: 'job.schedule' })).toBeGreaterThan(0);
      expect(await series(APP_IDS.backend, 'todo_outbox_publish_lag_seconds_count')).toBeGreaterThan(0);
      expect(await series(APP_IDS.backend, 'todo_reminder_lateness_seconds_count')).toBeGreaterThan(0);
      expect(
        await series(APP_IDS.backend, 'todo_chat_turns_total', { agent: 'offline', outcome: 'ok' }),
      ).toBeGreaterThan(0);
      expect(
        await series(APP_IDS.backend, 'todo_chat_tool_calls_total', { tool: 'add_task', ok: 'true' }),
      ).toBeGreaterThan(0);
      expect(
        await series(APP_IDS.notificationService, 'todo_pubsub_messages_total', {
          topic: TOPICS.reminders,
          outcome: 'success',
        }),
      ).toBeGreaterThan(0);
      expect(
        await series(APP_IDS.notificationService, 'todo_pubsub_handle_seconds_count', { topic: TOPICS.taskUpdates }),
      ).toBeGreaterThan(0);
      expect(
        await series(APP_IDS.recurringTaskService, 'todo_pubsub_messages_total', {
          topic: TOPICS.taskEvents,
          outcome: 'success',
        }),
      ).toBeGreaterThan(0);
      expect(await series(APP_IDS.backend, 'todo_process_resident_memory_bytes')).toBeGreaterThan(0);
    },
    15_000,
    250,
  );
  // once the relay is idle, nothing is left to send
  await eventually(async () => expect(await series(APP_IDS.backend, 'todo_outbox_backlog')).toBe(0), 10_000, 250);
}, 60_000);

it('follows one create under one trace id from the frontend to the backend and on, through its events, to both consumers', async () => {
  const lines = system
    .output()
    .split('\n')
    .filter((line) => line.includes(traceId));
  const apps = new Set(lines.map((line) => line.split('|')[0]?.trim()));
  expect(apps).toEqual(new Set(ALL_APP_IDS));
  const entries = lines.map((line) => JSON.parse(line.slice(line.indexOf('{'))));
  // requests, and the consumers' deliveries: a bulk delivery carries many events, each logged in its own trace
  for (const entry of entries) {
    expect(entry).toMatchObject({ trace_id: traceId, msg: expect.stringMatching(/^(request|delivery)$/) });
  }
  // the consumers' lines are the deliveries of the created event (the relay published it within the trace)
  const routes = entries.map((e) => `${e.app} ${e.msg === 'delivery' ? 'delivered on' : e.method} ${e.route}`);
  expect(routes).toEqual(
    expect.arrayContaining([
      `${APP_IDS.frontend} POST /api/*`,
      `${APP_IDS.backend} POST /api/tasks`,
      `${APP_IDS.notificationService} delivered on ${subscriptionRoute(TOPICS.taskEvents)}`,
      `${APP_IDS.recurringTaskService} delivered on ${subscriptionRoute(TOPICS.taskEvents)}`,
    ]),
  );
});

it('keeps the metrics off the public port', async () => {
  expect((await fetch(`http://127.0.0.1:${system.appPort(APP_IDS.frontend)}/metrics`)).status).toBe(404);
});
