// `npm run bench:scale [-- --sizes 10000,100000]`: how the list, search and create grow with the table (10 k, 100 k,
// 1 M tasks; 1,000 users, one heavy). It calls the route's own functions (listTasks, TaskService.create) on a fresh
// migrated database, not HTTP: the question is the SQL's growth, and HTTP's constant cost is `npm run bench`'s subject.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { APP_IDS } from '@todo/contracts';
import { migrateToLatest } from '@todo/service-kit';
import { freshDatabase } from '@todo/testkit';
import { type CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { BACKEND_MIGRATIONS } from '../apps/backend/src/db/migrate';
import type { Database } from '../apps/backend/src/db/schema';
import { ListTasksQuerySchema } from '../apps/backend/src/tasks/input';
import { listTasks } from '../apps/backend/src/tasks/query';
import { TaskService } from '../apps/backend/src/tasks/service';
import { percentile } from './measure';
import { writePng } from './png';
import { scaleChart } from './scale-chart';
import { benchPool, generate, heavyTasks, PROBE_TASKS, USERS, userId } from './scale-data';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    samples: { type: 'string', default: '200' },
    out: { type: 'string', default: resolve(import.meta.dirname, '..', 'docs', 'bench') },
  },
});
const SIZES = args.sizes.split(',').map(Number);
const SAMPLES = Number(args.samples);
const load = () =>
  execFileSync('uptime')
    .toString()
    .trim()
    .replace(/.*load average/, 'load average');

type Scenario = { name: string; run: (db: Kysely<Database>) => Promise<unknown> };

function scenarios(probe: string, heavy: string, service: TaskService): Scenario[] {
  const list = (user: string, query: Record<string, string>) => (db: Kysely<Database>) =>
    listTasks(db, user, ListTasksQuerySchema.parse(query));
  const filtered = { status: 'open', priority: 'high,medium', sort: 'due', limit: '50' };
  let created = 0;
  const task = () => ({
    title: `scale create ${created++}`,
    priority: 'medium' as const,
    tags: ['work'],
    due_at: new Date().toISOString(),
  });
  return [
    { name: 'list, filtered + sorted (probe user)', run: list(probe, filtered) },
    {
      name: 'list, 2nd page by cursor (probe user)',
      run: async (db) => {
        const first = await listTasks(db, probe, ListTasksQuerySchema.parse(filtered));
        return list(probe, { ...filtered, cursor: first.next_cursor ?? '' })(db);
      },
    },
    { name: 'list, by priority (heavy user)', run: list(heavy, { status: 'open', sort: 'priority', limit: '50' }) },
    { name: 'list, filtered + sorted (heavy user)', run: list(heavy, filtered) },
    { name: 'search q=invoice (probe user)', run: list(probe, { q: 'invoice', status: 'open', limit: '50' }) },
    { name: 'search q=voice, part of a word (probe user)', run: list(probe, { q: 'voice', limit: '50' }) },
    { name: 'search q=invoice (heavy user)', run: list(heavy, { q: 'invoice', status: 'open', limit: '50' }) },
    { name: 'search q=invoce, a typo (heavy user)', run: list(heavy, { q: 'invoce', status: 'open', limit: '50' }) },
    { name: 'create (probe user)', run: () => service.create({ id: probe, timezone: 'UTC' }, task()) },
    {
      // what the browser sends
      name: 'create with an Idempotency-Key (probe user)',
      run: () => service.create({ id: probe, timezone: 'UTC' }, task(), { key: randomUUID(), requestHash: 'scale' }),
    },
  ];
}

async function timed(scenario: Scenario, db: Kysely<Database>) {
  for (let i = 0; i < Math.min(20, SAMPLES); i++) await scenario.run(db); // warm the cache and the plans
  const ms: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const start = performance.now();
    await scenario.run(db);
    ms.push(performance.now() - start);
  }
  return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of every statement a scenario sends, in one transaction: a search's set_config (its
 * typo threshold) runs as it is, and BEGIN and COMMIT are left out.
 */
async function explain(scenario: Scenario, db: Kysely<Database>, captured: CompiledQuery[], pool: pg.Pool) {
  captured.length = 0;
  await scenario.run(db);
  const queries = captured.filter((q) => !/^(begin|commit|rollback)\b/i.test(q.sql));
  console.log(`\n### ${scenario.name}`);
  const client = await pool.connect();
  try {
    await client.query('begin');
    for (const query of queries) {
      if (query.sql.startsWith('select set_config(')) {
        await client.query(query.sql, [...query.parameters]);
        continue;
      }
      const { rows } = await client.query(`explain (analyze, buffers) ${query.sql}`, [...query.parameters]);
      console.log(`\n${query.sql}\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`);
    }
  } finally {
    await client.query('rollback');
    client.release();
  }
}

async function measureSize(size: number) {
  const database = await freshDatabase();
  const pool = benchPool(database.url);
  const captured: CompiledQuery[] = [];
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === 'query') captured.push(event.query);
    },
  });
  try {
    await migrateToLatest(db, BACKEND_MIGRATIONS, APP_IDS.backend);
    const started = performance.now();
    await generate(pool, size);
    const generation = (performance.now() - started) / 1000;
    console.log(
      `${size.toLocaleString('en')} tasks (${USERS} users: heavy ${heavyTasks(size).toLocaleString('en')}, probe ${PROBE_TASKS}): ` +
        `generated and indexed in ${generation.toFixed(0)} s; ${load()}`,
    );
    const all = scenarios(await userId(pool, 1), await userId(pool, 0), new TaskService(db));
    const results: Record<string, { p50: number; p99: number }> = {};
    for (const scenario of all) {
      results[scenario.name] = await timed(scenario, db);
      console.log(
        `  ${scenario.name}: p50 ${fmt(results[scenario.name]?.p50)} / p99 ${fmt(results[scenario.name]?.p99)} ms`,
      );
    }
    if (size === Math.max(...SIZES)) {
      console.log(`\n## EXPLAIN (ANALYZE, BUFFERS) at ${size.toLocaleString('en')} tasks`);
      for (const scenario of all.filter((s) => !s.name.startsWith('create')))
        await explain(scenario, db, captured, pool);
    }
    return { size, generation, load: load(), results };
  } finally {
    await db.destroy();
    await database.drop();
  }
}

const fmt = (v: number | undefined) => (v === undefined ? '—' : v < 10 ? v.toFixed(2) : v.toFixed(1));

async function main() {
  const runs: Awaited<ReturnType<typeof measureSize>>[] = [];
  for (const size of SIZES) runs.push(await measureSize(size));
  const names = Object.keys(runs[0]?.results ?? {});
  const header = ['scenario', ...runs.map((r) => `${r.size.toLocaleString('en')}: p50 / p99 ms`), 'p50 growth'];
  const table = [header, header.map(() => '---')];
  for (const name of names) {
    const p50s = runs.map((r) => r.results[name]?.p50 ?? Number.NaN);
    table.push([
      name,
      ...runs.map((r) => `${fmt(r.results[name]?.p50)} / ${fmt(r.results[name]?.p99)}`),
      `${((p50s.at(-1) ?? Number.NaN) / (p50s[0] ?? Number.NaN)).toFixed(2)}×`,
    ]);
  }
  table.push(['generation (INSERT … SELECT, indexes rebuilt)', ...runs.map((r) => `${r.generation.toFixed(0)} s`), '']);
  console.log(`\n${table.map((row) => `| ${row.join(' | ')} |`).join('\n')}`);
  console.log(`\nload during the runs: ${runs.map((r) => `${r.size}: ${r.load}`).join('; ')}`);
  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, 'scale.json'), `${JSON.stringify(runs, null, 2)}\n`);
  const series = names.map((name) => ({
    name,
    points: runs.map((r) => [r.size, r.results[name]?.p50 ?? 0, r.results[name]?.p99 ?? 0] as [number, number, number]),
  }));
  const png = join(args.out, 'scale.png');
  await writePng(scaleChart('p50 latency vs table size (SQL path, 1 connection)', series), png, 1100);
  console.log(`chart: ${png}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
