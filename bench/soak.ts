// `npm run bench:soak [-- --minutes N]`: a working day in miniature on the embedded default (PGlite). Mixed load on
// `npm start` for N minutes (30 by default); each minute the RSS of every process and the runner's heap after a
// full GC; a table, a PNG chart, and whether the heap stayed flat. First, what fsync costs a create. Not in npm test.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { APP_IDS, LOCAL_PORTS } from '@todo/contracts';
import { claimPortOffset, systemPorts } from '@todo/testkit';
import { EMBEDDED_START_PARAMS } from '../packages/local-runtime/src/database';
import { DurableNodeFS } from '../packages/local-runtime/src/durable-fs';
import { percentile, rssMb } from './measure';
import { MixedLoad } from './mixed-load';
import { writePng } from './png';

const ROOT = resolve(__dirname, '..');
const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    'sample-seconds': { type: 'string', default: '60' },
    out: { type: 'string', default: join(ROOT, '.data', 'soak') },
    'heap-bound-mb': { type: 'string', default: '16' },
  },
});
const MINUTES = Number(args.minutes);
const SAMPLE_MS = Number(args['sample-seconds']) * 1000;
/** Heap after GC may grow this much from the first sample after warm-up to the last and still count as flat. */
const HEAP_BOUND_MB = Number(args['heap-bound-mb']);
const USERS = 4;
const WORKERS_PER_USER = 2;
const KEEP_TASKS = 100;
const DESCRIPTION = 'A task description long enough to matter. '.repeat(110).slice(0, 4_800);

/** The runner's heap after a full GC, written on SIGUSR2 (a preload: the runner itself has no such hook). */
const HEAP_PRELOAD = `data:text/javascript,${encodeURIComponent(
  `import { writeFileSync } from 'node:fs';
   process.on('SIGUSR2', () => { globalThis.gc(); writeFileSync(process.env.SOAK_HEAP_FILE, JSON.stringify(process.memoryUsage())); });`,
)}`;

async function fsyncCost(): Promise<{ off: number; on: number }> {
  const perCommit = async (durable: boolean) => {
    const dir = mkdtempSync(join(ROOT, '.data', 'fsync-bench-'));
    const db = await PGlite.create(
      durable
        ? { fs: new DurableNodeFS(dir), startParams: EMBEDDED_START_PARAMS }
        : { dataDir: dir, startParams: PGlite.defaultStartParams },
    );
    await db.exec('create table t (id serial primary key, title text, description text)');
    const n = 500;
    const started = performance.now();
    for (let i = 0; i < n; i++)
      await db.query('insert into t (title, description) values ($1, $2)', ['t', DESCRIPTION]);
    const ms = (performance.now() - started) / n;
    await db.close();
    rmSync(dir, { recursive: true, force: true });
    return ms;
  };
  // alternating rounds, medians: the machine is shared and one round alone is noise
  const off: number[] = [];
  const on: number[] = [];
  for (let round = 0; round < 3; round++) {
    off.push(await perCommit(false));
    on.push(await perCommit(true));
  }
  return { off: percentile(off, 50), on: percentile(on, 50) };
}

interface Sample {
  minute: number;
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  heapMb: number;
  rss: Record<string, number>;
}

async function heapAfterGc(runner: ChildProcess, file: string): Promise<number> {
  const before = existsSync(file) ? statSync(file).mtimeMs : 0;
  runner.kill('SIGUSR2');
  for (let waited = 0; !existsSync(file) || statSync(file).mtimeMs === before; waited += 50) {
    if (waited > 30_000) throw new Error('the runner wrote no heap figure');
    await sleep(50);
  }
  return JSON.parse(readFileSync(file, 'utf8')).heapUsed / 2 ** 20;
}

function chart(samples: Sample[]): string {
  const series: [string, number[]][] = [
    ['runner heap after GC', samples.map((s) => s.heapMb)],
    ...Object.keys(samples[0]?.rss ?? {}).map((name): [string, number[]] => [
      `${name} RSS`,
      samples.map((s) => s.rss[name] ?? 0),
    ]),
  ];
  const w = 900;
  const h = 420;
  const pad = 50;
  const maxY = Math.max(50, ...series.flatMap(([, v]) => v)) * 1.1;
  const maxX = Math.max(1, samples.length - 1);
  const colours = ['#d62728', '#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  const x = (i: number) => pad + (i / maxX) * (w - 2 * pad);
  const y = (v: number) => h - pad - (v / maxY) * (h - 2 * pad);
  const lines = series.map(([name, values], k) => {
    const colour = colours[k % colours.length];
    const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    return `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points}"/>
      <text x="${w - pad + 8}" y="${pad + k * 16}" fill="${colour}" font-size="12">${name}</text>`;
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map(
    (f) => `<text x="${pad - 6}" y="${y(f * maxY) + 4}" font-size="11" text-anchor="end">${(f * maxY).toFixed(0)}</text>
      <line x1="${pad}" x2="${w - pad}" y1="${y(f * maxY)}" y2="${y(f * maxY)}" stroke="#eee"/>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w + 200}" height="${h}" font-family="sans-serif">
    <rect width="100%" height="100%" fill="white"/>
    <text x="${pad}" y="24" font-size="15">npm start (embedded PGlite) under mixed load: MB per sample</text>
    ${ticks.join('')}${lines.join('')}${samples
      .map((s, i) => `<text x="${x(i)}" y="${h - pad + 16}" font-size="11" text-anchor="middle">${s.minute}</text>`)
      .join('')}
    <text x="${w / 2}" y="${h - 12}" font-size="12" text-anchor="middle">minutes</text></svg>`;
}

async function main() {
  mkdirSync(args.out, { recursive: true });
  const cost = await fsyncCost();
  console.log(
    `fsync cost per create (one commit, 4.8 KB row, PGlite direct, median of 3 rounds of 500): off ${cost.off.toFixed(2)} ms, ` +
      `on ${cost.on.toFixed(2)} ms (+${(cost.on - cost.off).toFixed(2)} ms)`,
  );

  const ports = await claimPortOffset((offset) => systemPorts(offset));
  const dataDir = mkdtempSync(join(tmpdir(), 'soak-'));
  const heapFile = join(dataDir, 'heap.json');
  const { DATABASE_URL: _embedded, ...env } = process.env;
  const runner = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', '--import', HEAP_PRELOAD, 'packages/local-runtime/src/main.ts'],
    {
      cwd: ROOT,
      env: {
        ...env,
        TODO_DATA_DIR: dataDir,
        TODO_PORT_OFFSET: String(ports.offset),
        LOG_LEVEL: 'warn',
        SOAK_HEAP_FILE: heapFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  runner.stdout?.on('data', (c) => {
    log += c;
  });
  runner.stderr?.on('data', (c) => {
    log += c;
  });
  const samples: Sample[] = [];
  const load = new MixedLoad(`http://127.0.0.1:${LOCAL_PORTS[APP_IDS.backend].app + ports.offset}`, {
    description: DESCRIPTION,
    keepTasks: KEEP_TASKS,
    workersPerUser: WORKERS_PER_USER,
  });
  try {
    for (let waited = 0; !log.includes('apps ready in'); waited += 100) {
      if (runner.exitCode !== null || waited > 120_000) throw new Error(`npm start did not come up:\n${log}`);
      await sleep(100);
    }
    const pids = () => JSON.parse(readFileSync(join(dataDir, 'pids.json'), 'utf8')) as Record<string, number>;
    const sample = async (minute: number) => {
      const rss: Record<string, number> = { runner: rssMb(runner.pid as number) };
      for (const [name, pid] of Object.entries(pids())) if (name !== 'runner') rss[name] = rssMb(pid);
      const s = { minute, ...load.take(), heapMb: await heapAfterGc(runner, heapFile), rss };
      samples.push(s);
      console.log(
        `min ${minute}: ${s.requests} req, ${s.errors} errors, p50 ${s.p50.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms, ` +
          `runner heap after GC ${s.heapMb.toFixed(1)} MB, RSS ${Object.entries(rss)
            .map(([k, v]) => `${k} ${v.toFixed(0)}`)
            .join(', ')}`,
      );
    };
    await sample(0);
    const users = Array.from({ length: USERS }, (_, n) =>
      load.user(n).catch((error) => {
        load.failure = error;
      }),
    );
    const started = Date.now();
    for (let i = 1; Date.now() - started < MINUTES * 60_000; i++) {
      await sleep(Math.max(0, started + i * SAMPLE_MS - Date.now()));
      if (load.failure) throw new Error(`${load.failure}\n${log.slice(-4000)}`);
      await sample(Number(((Date.now() - started) / 60_000).toFixed(1)));
    }
    load.stopped = true;
    await Promise.all(users);
  } finally {
    load.stopped = true;
    if (runner.exitCode === null) {
      await new Promise((resolve) => {
        runner.once('exit', resolve);
        runner.kill('SIGINT');
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
    ports.release();
  }

  const names = Object.keys(samples[0]?.rss ?? {});
  console.log(
    `\n| min | req | errors | p50 ms | p99 ms | runner heap after GC MB | ${names.map((n) => `${n} RSS MB`).join(' | ')} |`,
  );
  console.log(`|${' --- |'.repeat(6 + names.length)}`);
  for (const s of samples) {
    console.log(
      `| ${s.minute} | ${s.requests} | ${s.errors} | ${s.p50.toFixed(0)} | ${s.p99.toFixed(0)} | ${s.heapMb.toFixed(1)} | ${names.map((n) => (s.rss[n] ?? 0).toFixed(0)).join(' | ')} |`,
    );
  }
  // warm-up: the first minute under load fills caches and JIT; flat means no growth after it
  const settled = samples.filter((s) => s.minute >= 1);
  const growth = (settled.at(-1)?.heapMb ?? 0) - (settled[0]?.heapMb ?? 0);
  const png = join(args.out, 'soak.png');
  await writePng(chart(samples), png, 1100);
  console.log(`\nchart: ${png}`);
  console.log(
    `runner heap after GC from minute ${settled[0]?.minute} to ${settled.at(-1)?.minute}: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB ` +
      `(bound ${HEAP_BOUND_MB} MB): ${growth <= HEAP_BOUND_MB ? 'flat' : 'GROWING'}`,
  );
  if (growth > HEAP_BOUND_MB) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
