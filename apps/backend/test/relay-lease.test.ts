// Two backends on one embedded database (PGlite, one session for every client): one relay sends each outbox row,
// once; when it stops, the other takes over.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_IDS, COMPONENTS, SECRET, TOPICS } from '@todo/contracts';
import { Dapr } from '@todo/dapr';
import type { Runtime } from '@todo/local-sidecar';
import { eventually, freePort, runtimeFor, sidecarUrl, systemResources, TestApp } from '@todo/testkit';
import pg from 'pg';
import pino from 'pino';
import { type RunningBackend, startBackend } from '../src/main';
import { APP_TOKEN, AUTH_SECRET, SUBSCRIBER } from './harness';

const dir = mkdtempSync(join(tmpdir(), 'relay-lease-'));
const subscriber = new TestApp();
const delivered: string[] = [];
let embedded: ChildProcess;
let url: string;
let runtime: Runtime;
let db: pg.Pool;
const backends: { port: number; running?: RunningBackend }[] = [];

// PGlite loads its WebAssembly with a dynamic import that jest's module system cannot run: serve it from a child
async function startEmbedded(): Promise<string> {
  embedded = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(__dirname, '..', '..', '..', 'packages', 'local-runtime', 'src', 'embedded-postgres-cli.ts'),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    embedded.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/listening (\S+)/);
      if (match) resolve(match[1] as string);
    });
    embedded.once('exit', (code) => reject(new Error(`embedded Postgres exited (${code})`)));
  });
}

beforeAll(async () => {
  url = await startEmbedded();
  db = new pg.Pool({ connectionString: url, max: 2 });
  writeFileSync(
    join(dir, 'secrets.json'),
    JSON.stringify({ [SECRET.name]: { [SECRET.keys.databaseUrl]: url, [SECRET.keys.authSecret]: AUTH_SECRET } }),
  );
  subscriber.hono.get('/dapr/subscribe', (c) =>
    c.json([{ pubsubname: COMPONENTS.pubsub, topic: TOPICS.taskEvents, route: '/events' }]),
  );
  subscriber.hono.post('/events', async (c) => {
    delivered.push((await c.req.json()).id);
    return c.json({ status: 'SUCCESS' });
  });
  await subscriber.start();
  for (let i = 0; i < 2; i++) backends.push({ port: await freePort() });
  runtime = runtimeFor(
    url,
    [
      ...backends.map((b) => ({ appId: APP_IDS.backend, appPort: b.port })),
      { appId: SUBSCRIBER, appPort: subscriber.port },
    ],
    systemResources(url),
    { appToken: APP_TOKEN, baseDir: dir },
  );
  await runtime.start();
  // one after the other: both would migrate, and the first does it
  for (const [i, backend] of backends.entries()) {
    backend.running = await startBackend({
      dapr: new Dapr({
        endpoint: sidecarUrl(runtime, APP_IDS.backend, i),
        timeoutMs: 5_000,
        jobsApiVersion: 'v1.0-alpha1',
      }),
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      port: backend.port,
      hostname: '127.0.0.1',
      appToken: APP_TOKEN,
      migrate: true,
      relay: true,
    });
  }
}, 120_000);

afterAll(async () => {
  for (const backend of backends) await backend.running?.stop();
  await runtime?.stop();
  await subscriber.stop();
  await db?.end();
  embedded?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

async function createTasks(token: string, count: number, on: number[]): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const port = backends[on[i % on.length] as number]?.port;
      const res = await fetch(`http://127.0.0.1:${port}/api/tasks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: `task ${i}` }),
      });
      if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
    }),
  );
}

/** Every outbox row sent, and each sent exactly once: as many messages as rows, no CloudEvent id twice. */
async function publishedOnce(): Promise<number> {
  return eventually(
    async () => {
      const { rows: unsent } = await db.query('select count(*)::int as n from outbox where published_at is null');
      expect(unsent[0].n).toBe(0);
      const { rows: outbox } = await db.query("select id from outbox where kind = 'publish'");
      const { rows: messages } = await db.query("select body->>'id' as id from dapr_standin.messages");
      expect(messages.map((m) => m.id).sort()).toEqual(outbox.map((r) => r.id).sort());
      return outbox.length;
    },
    30_000,
    200,
  );
}

it('publishes each outbox row once with two backends on one embedded database, and fails over on a stop', async () => {
  const signUp = await fetch(`http://127.0.0.1:${backends[0]?.port}/api/auth/sign-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'lease@example.com', password: 'correct horse battery', timezone: 'Europe/Berlin' }),
  });
  const { token } = (await signUp.json()) as { token: string };
  await createTasks(token, 60, [0, 1]);
  const rows = await publishedOnce();
  expect(rows).toBeGreaterThanOrEqual(120); // a task event and a task update per create
  // the subscriber got each task event once
  await eventually(() => expect(delivered.length).toBe(60), 30_000, 200);
  expect(new Set(delivered).size).toBe(delivered.length);

  // the holder stops (and gives the lease up): the other sends what comes next
  const { rows: lease } = await db.query('select holder from outbox_relay_lease');
  expect(lease).toHaveLength(1);
  const holderIndex = backends.findIndex((b) => b.running?.relay.holder === lease[0].holder);
  expect(holderIndex).toBeGreaterThanOrEqual(0);
  await backends[holderIndex]?.running?.stop();
  backends[holderIndex] = { port: backends[holderIndex]?.port as number };
  const other = 1 - holderIndex;
  await createTasks(token, 20, [other]);
  expect(await publishedOnce()).toBe(rows + 40);
  await eventually(() => expect(delivered.length).toBe(80), 30_000, 200);
  expect(new Set(delivered).size).toBe(80);
}, 180_000);
