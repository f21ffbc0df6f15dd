// kill -9 of `npm start` itself: its children go with it, the writes it acknowledged are there after the next
// start, and a start finds and ends what a dead runner left holding the ports instead of refusing.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ALL_APP_IDS, APP_IDS, LOCAL_PORTS, SECRET } from '@todo/contracts';
import { claimPortOffset, type PortClaim, systemPorts } from '@todo/testkit';
import pg from 'pg';
import { running } from '../src/leftovers';

const ROOT = join(__dirname, '..', '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'runner-killed-'));
let runner: ChildProcess | undefined;
let output = '';
let ports: PortClaim;

beforeAll(async () => {
  ports = await claimPortOffset((offset) => systemPorts(offset));
});
afterAll(async () => {
  if (runner && runner.exitCode === null && runner.signalCode === null) {
    await new Promise((resolve) => {
      runner?.once('exit', resolve);
      runner?.kill('SIGINT');
    });
  }
  ports?.release();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<ChildProcess> {
  const { DATABASE_URL: _embedded, ...env } = process.env;
  output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/local-runtime/src/main.ts'], {
    cwd: ROOT,
    env: { ...env, TODO_DATA_DIR: dataDir, TODO_PORT_OFFSET: String(ports.offset), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  for (let waited = 0; !output.includes('apps ready in'); waited += 100) {
    if (child.exitCode !== null || waited > 120_000) throw new Error(`npm start did not come up:\n${output}`);
    await sleep(100);
  }
  runner = child;
  return child;
}

const pids = () => JSON.parse(readFileSync(join(dataDir, 'pids.json'), 'utf8')) as Record<string, number>;

const databaseUrl = () =>
  JSON.parse(readFileSync(join(dataDir, '.data', 'secrets.json'), 'utf8'))[SECRET.name][
    SECRET.keys.databaseUrl
  ] as string;

const readyz = (id: (typeof ALL_APP_IDS)[number]) =>
  fetch(`http://127.0.0.1:${LOCAL_PORTS[id].app + ports.offset}/readyz`).then(
    (r) => r.status,
    () => 0,
  );

it('takes every child down with a runner killed by SIGKILL, keeps every acknowledged write, and starts again', async () => {
  const first = await start();
  const children = Object.entries(pids()).filter(([name]) => name !== 'runner');
  expect(children.map(([name]) => name).sort()).toEqual(['dapr-standin', ...ALL_APP_IDS].sort());

  // a writer that keeps inserting, one acknowledged row after another, until the database goes away
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  client.on('error', () => undefined);
  await client.query('create table acknowledged (n int primary key)');
  const acknowledged: number[] = [];
  const writer = (async () => {
    for (let n = 1; ; n++) {
      try {
        await client.query('insert into acknowledged values ($1)', [n]);
      } catch {
        return;
      }
      acknowledged.push(n);
    }
  })();
  while (acknowledged.length < 200) await sleep(10);
  first.kill('SIGKILL');
  await writer;
  await client.end().catch(() => undefined);

  for (let waited = 0; children.some(([, pid]) => running(pid)); waited += 100) {
    if (waited > 10_000) {
      throw new Error(`still running: ${children.filter(([, pid]) => running(pid)).map(([name]) => name)}`);
    }
    await sleep(100);
  }

  await start();
  expect(await Promise.all(ALL_APP_IDS.map(readyz))).toEqual(ALL_APP_IDS.map(() => 200));
  const again = new pg.Client({ connectionString: databaseUrl() });
  await again.connect();
  const { rows } = await again.query('select n from acknowledged order by n');
  await again.end();
  // every acknowledged insert is there (one more may be too: committed, its answer lost with the runner)
  expect(rows.map((r) => r.n).slice(0, acknowledged.length)).toEqual(acknowledged);
  expect(rows.length - acknowledged.length).toBeLessThanOrEqual(1);
  expect(statSync(join(dataDir, 'pglite.password')).mode & 0o777).toBe(0o600);
}, 300_000);

it('ends what a dead runner left holding a port, as its pids.json says, instead of refusing to start', async () => {
  await new Promise((resolve) => {
    runner?.once('exit', resolve);
    runner?.kill('SIGINT');
  });
  const port = LOCAL_PORTS[APP_IDS.frontend].app + ports.offset;
  // an orphan of a runner that died where the kernel does not end children with it (macOS, or a lost race)
  const orphan = spawn(
    process.execPath,
    ['-e', `require('node:net').createServer().listen(${port}, '127.0.0.1', () => console.log('holding'))`],
    { detached: true, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  await new Promise((resolve) => orphan.stdout?.once('data', resolve));
  const deadRunner = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => deadRunner.once('exit', resolve));
  writeFileSync(join(dataDir, 'pids.json'), JSON.stringify({ runner: deadRunner.pid, frontend: orphan.pid }));

  await start();
  expect(output).toContain(`left frontend (${orphan.pid}): ending them`);
  expect(running(orphan.pid as number)).toBe(false);
  expect(await readyz(APP_IDS.frontend)).toBe(200);
}, 300_000);
