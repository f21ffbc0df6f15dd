// `npm run bench:create-shape`: a create as one statement (TaskService's CTE) against the earlier shape (BEGIN, task
// INSERT, outbox INSERT, COMMIT) on the same pool, interleaved, without HTTP: the round trips' share of a create.

import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { APP_IDS } from '@todo/contracts';
import { migrateToLatest } from '@todo/service-kit';
import { freshDatabase } from '@todo/testkit';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { BACKEND_MIGRATIONS } from '../apps/backend/src/db/migrate';
import type { Database } from '../apps/backend/src/db/schema';
import { taskChangeRows } from '../apps/backend/src/outbox/outbox';
import { TaskService } from '../apps/backend/src/tasks/service';
import { toSnapshot } from '../apps/backend/src/tasks/snapshot';
import { percentile } from './measure';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const owner = { id: randomUUID(), timezone: 'UTC' };

/** The shape before: a transaction with the task INSERT … RETURNING and then the outbox INSERT. */
async function transactionShape(db: Kysely<Database>) {
  const now = new Date();
  await db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('tasks')
      .values({
        id: randomUUID(),
        user_id: owner.id,
        title: 'shape task',
        description: null,
        status: 'open',
        priority: 'medium',
        tags: [],
        due_at: null,
        remind_at: null,
        remind_before_minutes: null,
        recurrence: null,
        timezone: 'UTC',
        series_id: null,
        occurrence_key: null,
        reminded_for: null,
        created_at: now,
        updated_at: now,
        completed_at: null,
        version: 1,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('outbox')
      .values(taskChangeRows('created', toSnapshot(inserted), now))
      .execute();
  });
}

async function run(work: () => Promise<unknown>, connections: number) {
  const ms: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const start = performance.now();
        await work();
        ms.push(performance.now() - start);
      }
    }),
  );
  return { rate: ms.length / SECONDS, p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

async function main() {
  const database = await freshDatabase();
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 10 }) }),
  });
  try {
    await migrateToLatest(db, BACKEND_MIGRATIONS, APP_IDS.backend);
    await db
      .insertInto('users')
      .values({ id: owner.id, email: 'shape@example.com', password_hash: 'x', display_name: null, timezone: 'UTC' })
      .execute();
    const service = new TaskService(db);
    const cte = () => service.create(owner, { title: 'shape task', priority: 'medium', tags: [] });
    console.log(
      '| connections | round | transaction: creates/s, p50 / p99 ms | one statement: creates/s, p50 / p99 ms | ratio |',
    );
    console.log('|---|---|---|---|---|');
    for (const connections of [4, 32]) {
      for (let round = 1; round <= 3; round++) {
        const before = await run(() => transactionShape(db), connections);
        const after = await run(cte, connections);
        const f = (r: typeof before) => `${r.rate.toFixed(0)}, ${r.p50.toFixed(1)} / ${r.p99.toFixed(1)}`;
        console.log(
          `| ${connections} | ${round} | ${f(before)} | ${f(after)} | ${(after.rate / before.rate).toFixed(2)}× |`,
        );
      }
    }
    console.log(execFileSync('uptime').toString().trim());
  } finally {
    await db.destroy();
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
