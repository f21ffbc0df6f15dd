// kill -9 between commit and publish: the outbox row survives and is sent after the restart, once per id.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { TOPICS } from '@todo/contracts';
import { eventually } from '@todo/testkit';
import pg from 'pg';
import { APP_TOKEN, BackendHarness } from './harness';

const h = new BackendHarness();
let child: ChildProcess | undefined;

function startProcess(relay: 'on' | 'off'): Promise<void> {
  child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'src', 'main.ts')], {
    env: {
      ...process.env,
      APP_PORT: String(h.backendPort),
      DAPR_HTTP_PORT: new URL(h.sidecarUrl).port,
      APP_API_TOKEN: APP_TOKEN,
      OUTBOX_RELAY: relay,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return eventually(
    async () => {
      const res = await fetch(h.url('/readyz'));
      if (res.status !== 200) throw new Error('not ready');
    },
    30_000,
    100,
  );
}

/** The outbox rows, how many sent; and the stand-in's deliveries not yet answered. */
async function pending(): Promise<{ rows: number; sent: number; undelivered: number }> {
  const client = new pg.Client({ connectionString: h.db.url });
  await client.connect();
  const { rows } = await client
    .query(
      `select (select count(*) from outbox)::int as rows,
              (select count(*) from outbox where published_at is not null)::int as sent,
              (select count(*) from dapr_standin.deliveries where status = 'pending')::int as undelivered`,
    )
    .finally(() => client.end());
  return rows[0];
}

const kill9 = () =>
  new Promise<void>((resolve) => {
    child?.once('exit', () => resolve());
    child?.kill('SIGKILL');
  });

beforeAll(() => h.start({ startBackend: false }), 60_000);
afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) await kill9();
  await h.stop();
});

it('delivers the events of changes committed before a kill -9, once per id, after the restart', async () => {
  await startProcess('off');
  const token = await h.signUp('crash@example.com');
  const ids: string[] = [];
  for (const title of ['one', 'two', 'three']) {
    const { json } = await h.api('/api/tasks', { token, body: { title } });
    ids.push(json.id);
  }
  await h.api(`/api/tasks/${ids[0]}/complete`, { method: 'POST', token });
  expect(await pending()).toEqual({ rows: 8, sent: 0, undelivered: 0 }); // committed, not published
  expect(h.delivered).toHaveLength(0);

  await kill9();
  await startProcess('on');
  await eventually(() => {
    expect(h.eventsOn(TOPICS.taskEvents)).toHaveLength(4);
    expect(h.eventsOn(TOPICS.taskUpdates)).toHaveLength(4);
  }, 10_000);
  // every row sent and every message answered: nothing more can arrive
  await eventually(async () => expect(await pending()).toEqual({ rows: 8, sent: 8, undelivered: 0 }), 10_000);
  const events = h.eventsOn(TOPICS.taskEvents);
  expect(events).toHaveLength(4);
  expect(new Set(h.delivered.map((d) => d.id)).size).toBe(h.delivered.length);
  // in order per task (the relay sends different tasks side by side)
  const typesOf = (id: string | undefined) => events.filter((e) => e.data.task_id === id).map((e) => e.data.event_type);
  expect(typesOf(ids[0])).toEqual(['created', 'completed']);
  expect(typesOf(ids[1])).toEqual(['created']);
  expect(typesOf(ids[2])).toEqual(['created']);
}, 90_000);
