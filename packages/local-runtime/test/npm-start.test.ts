// `npm start` with nothing but Node: embedded Postgres, the stand-in, four apps ready; data kept across runs. On ports
// found free at run time (TODO_PORT_OFFSET), so it passes beside a developer's own `npm start`.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_APP_IDS, APP_IDS, type AppId, LOCAL_PORTS, SECRET } from '@todo/contracts';
import { claimPortOffset, type PortClaim, systemPorts } from '@todo/testkit';
import pg from 'pg';

const ROOT = join(__dirname, '..', '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'npm-start-'));
let ports: PortClaim;
beforeAll(async () => {
  ports = await claimPortOffset((offset) => systemPorts(offset));
});
afterAll(() => {
  ports?.release();
  rmSync(dataDir, { recursive: true, force: true });
});
const appPort = (id: AppId) => LOCAL_PORTS[id].app + ports.offset;

function start(): { child: ChildProcess; output: () => string } {
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/local-runtime/src/main.ts'], {
    cwd: ROOT,
    env: { ...env, TODO_DATA_DIR: dataDir, TODO_PORT_OFFSET: String(ports.offset), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  return { child, output: () => output };
}

async function allReady(timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const statuses = await Promise.all(
      ALL_APP_IDS.map((id) =>
        fetch(`http://127.0.0.1:${appPort(id)}/readyz`)
          .then((r) => r.status)
          .catch(() => 0),
      ),
    );
    if (statuses.every((s) => s === 200)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`not ready after ${timeoutMs} ms: ${statuses.join(',')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });

const pids = () => JSON.parse(readFileSync(join(dataDir, 'pids.json'), 'utf8')) as Record<string, number>;

const databaseUrl = () =>
  JSON.parse(readFileSync(join(dataDir, '.data', 'secrets.json'), 'utf8'))[SECRET.name][
    SECRET.keys.databaseUrl
  ] as string;

it('brings all four apps to ready within 60 s, stops cleanly on Ctrl-C, and keeps the data for the next run', async () => {
  const first = start();
  try {
    const tookMs = await allReady(60_000);
    expect(tookMs).toBeLessThan(60_000);
    // the runner says so itself, with the URL to open, once it has seen every app ready
    for (let waited = 0; !first.output().includes('all 4 apps ready') && waited < 5_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(first.output()).toContain('all 4 apps ready');
    expect(first.output()).toContain(`open http://localhost:${appPort(APP_IDS.frontend)}`);
    const client = new pg.Client({ connectionString: databaseUrl() });
    await client.connect();
    await client.query('create table if not exists kept (v text)');
    await client.query("insert into kept values ('from the first run')");
    // the backend's migrations ran on the embedded database, the search's too: a task's words are kept as it is
    // written, and a typo is looked up among them (pg_trgm, btree_gin, a function that sets its own threshold)
    const user = randomUUID();
    await client.query(`insert into users (id, email, password_hash, timezone) values ($1, $2, 'not-a-hash', 'UTC')`, [
      user,
      `${user}@example.com`,
    ]);
    await client.query(
      `insert into tasks (id, user_id, title, status, priority, timezone, created_at, updated_at, version)
       values (gen_random_uuid(), $1, 'Call the plumber', 'open', 'medium', 'UTC', now(), now(), 1)`,
      [user],
    );
    const typos = await client.query('select lexeme from task_typo_terms($1, $2)', [user, ['plumbr']]);
    expect(typos.rows).toEqual([{ lexeme: 'plumber' }]);
    await client.end();
  } catch (error) {
    await stop(first.child);
    throw new Error(`${(error as Error).message}\n${first.output()}`);
  }
  expect(await stop(first.child)).toBe(0);
  const portsFree = await Promise.all(
    ALL_APP_IDS.map((id) =>
      fetch(`http://127.0.0.1:${appPort(id)}/healthz`).then(
        () => false,
        () => true,
      ),
    ),
  );
  expect(portsFree).toEqual([true, true, true, true]);

  const second = start();
  try {
    await allReady(60_000);
    const client = new pg.Client({ connectionString: databaseUrl() });
    await client.connect();
    const { rows } = await client.query('select v from kept');
    await client.end();
    expect(rows).toEqual([{ v: 'from the first run' }]);

    // a crashed process is started again, as Kubernetes would: kill -9 an app and the stand-in sidecar (once the
    // runner has said all are ready: it restarts a process from when it saw it ready)
    for (let waited = 0; !second.output().includes('all 4 apps ready') && waited < 10_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const name of [APP_IDS.recurringTaskService, 'dapr-standin'] as const) {
      const before = pids()[name] as number;
      process.kill(before, 'SIGKILL');
      for (let waited = 0; pids()[name] === before && waited < 10_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(pids()[name]).not.toBe(before);
      await allReady(30_000);
    }
    expect(second.output()).toContain(`${APP_IDS.recurringTaskService} crashed (killed by SIGKILL)`);
    expect(second.output()).toContain('dapr-standin crashed (killed by SIGKILL)');
  } finally {
    await stop(second.child);
  }
}, 150_000);
