// The stand-in as a separate process, killed with SIGKILL: jobs and undelivered messages survive in Postgres.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, freshDatabase, TestApp } from '@todo/testkit';
import pg from 'pg';
import { SCHEMA } from '../src/db';

const MAIN = join(__dirname, '..', 'src', 'main.ts');

let db: Awaited<ReturnType<typeof freshDatabase>>;
let dir: string;
let sidecarPort: number;
let appPort: number;
let child: ChildProcess | undefined;
const app = new TestApp();

function startStandIn(): Promise<void> {
  child = spawn(process.execPath, ['--import', 'tsx', MAIN, '-f', join(dir, 'dapr.yaml')], {
    env: { ...process.env, STANDIN_DATABASE_URL: db.url, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return eventually(
    async () => {
      const res = await fetch(`http://127.0.0.1:${sidecarPort}/v1.0/healthz`);
      if (res.status !== 204) throw new Error('not ready');
    },
    20_000,
    100,
  );
}

function killStandIn(): Promise<void> {
  return new Promise((resolve) => {
    child?.once('exit', () => resolve());
    child?.kill('SIGKILL');
  });
}

beforeAll(async () => {
  db = await freshDatabase();
  dir = mkdtempSync(join(tmpdir(), 'standin-restart-'));
  mkdirSync(join(dir, 'resources'));
  [sidecarPort, appPort] = [await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'dapr.yaml'),
    `version: 1
common:
  resourcesPath: ./resources
apps:
  - appID: worker
    appDirPath: .
    appPort: ${appPort}
    daprHTTPPort: ${sidecarPort}
`,
  );
  writeFileSync(
    join(dir, 'resources', 'pubsub.yaml'),
    `apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: kafka-pubsub
spec:
  type: pubsub.kafka
  version: v1
  metadata:
    - name: consumerGroup
      value: "{appID}"
    - name: initialOffset
      value: oldest
---
apiVersion: dapr.io/v2alpha1
kind: Subscription
metadata:
  name: work
spec:
  pubsubname: kafka-pubsub
  topic: work
  routes:
    rules:
      - match: event.type == "urgent"
        path: /urgent
    default: /work
`,
  );
  app.hono.post('/job/:name', (c) => c.body(null, 200));
  app.hono.post('/work', (c) => c.json({ status: 'SUCCESS' }));
  app.hono.post('/urgent', (c) => c.json({ status: 'SUCCESS' }));
});

afterAll(async () => {
  if (child && child.exitCode === null) await killStandIn();
  await app.stop();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
}, 20_000);

const api = (path: string, body: unknown, contentType = 'application/json') =>
  fetch(`http://127.0.0.1:${sidecarPort}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: JSON.stringify(body),
  });

it('fires jobs and delivers messages that were pending when the stand-in was killed', async () => {
  await startStandIn();
  // the app is not running yet: messages wait, the job is stored
  expect((await api('/v1.0-alpha1/jobs/reminder-late', { dueTime: '1s', data: { n: 1 } })).status).toBe(204);
  expect(
    (await api('/v1.0-alpha1/jobs/reminder-future', { dueTime: new Date(Date.now() + 4_000).toISOString() })).status,
  ).toBe(204);
  for (const [id, type] of [
    ['m1', 'normal'],
    ['m2', 'urgent'],
    ['m3', 'normal'],
  ]) {
    const res = await api(
      '/v1.0/publish/kafka-pubsub/work',
      { specversion: '1.0', id, type, source: 't', data: {} },
      'application/cloudevents+json',
    );
    expect(res.status).toBe(204);
  }
  await killStandIn();
  await new Promise((resolve) => setTimeout(resolve, 1_500)); // reminder-late comes due while nothing runs
  await app.start(appPort);
  await startStandIn();

  await eventually(() => {
    expect(app.on('/job/reminder-late')).toHaveLength(1);
    expect(app.on('/work').map((r) => JSON.parse(r.body).id)).toEqual(['m1', 'm3']);
    expect(app.on('/urgent').map((r) => JSON.parse(r.body).id)).toEqual(['m2']);
  }, 10_000);
  await eventually(() => expect(app.on('/job/reminder-future')).toHaveLength(1), 10_000);
  // done, as the stand-in's own tables say: every job fired and removed, every message marked delivered
  await eventually(
    async () => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const left = await client
        .query(
          `select (select count(*) from ${SCHEMA}.jobs)::int as jobs,
                  (select count(*) from ${SCHEMA}.deliveries where status <> 'delivered')::int as undelivered,
                  (select count(*) from ${SCHEMA}.deliveries)::int as deliveries`,
        )
        .finally(() => client.end());
      expect(left.rows[0]).toEqual({ jobs: 0, undelivered: 0, deliveries: 3 });
    },
    10_000,
    100,
  );
  expect(app.on('/job/reminder-late')).toHaveLength(1);
  expect(app.on('/job/reminder-future')).toHaveLength(1);
  expect(app.on('/work')).toHaveLength(2);
}, 60_000);
