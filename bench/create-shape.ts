// `npm run bench:create-shape`: a create as one statement (TaskService's CTE), without an Idempotency-Key and with one
// (what the browser sends), against the earlier shapes on the same pool, interleaved, without HTTP: the round trips'
// share of a create. Before, without a key: BEGIN, task INSERT, outbox INSERT, COMMIT; with a key: BEGIN, expired keys
// DELETE, key INSERT … ON CONFLICT DO NOTHING, task INSERT, outbox INSERT, key UPDATE, COMMIT.

import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type Kysely, sql } from 'kysely';
import { type Database, TASK_COLUMNS } from '../apps/backend/src/db/schema';
import { taskChangeRows } from '../apps/backend/src/outbox/outbox';
import { TaskService } from '../apps/backend/src/tasks/service';
import { toSnapshot } from '../apps/backend/src/tasks/snapshot';
import { migratedDatabase } from '../apps/backend/src/tasks/test-database';
import { percentile } from './measure';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const owner = { id: randomUUID(), timezone: 'UTC' };

/** The shape before: a transaction with the task INSERT … RETURNING and then the outbox INSERT (and the key's rows). */
async function transactionShape(db: Kysely<Database>, key?: string) {
  const now = new Date();
  await db.transaction().execute(async (trx) => {
    if (key) {
      await trx
        .deleteFrom('task_create_keys')
        .where('user_id', '=', owner.id)
        .where('created_at', '<', sql<Date>`now() - '24 hours'::interval`)
        .execute();
      await trx
        .insertInto('task_create_keys')
        .values({ user_id: owner.id, key, request_hash: 'shape', task: null })
        .onConflict((oc) => oc.doNothing())
        .returning('key')
        .executeTakeFirst();
    }
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
      .returning(TASK_COLUMNS)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('outbox')
      .values(taskChangeRows('created', toSnapshot(inserted), now))
      .execute();
    if (key)
      await trx
        .updateTable('task_create_keys')
        .set({ task: JSON.stringify(toSnapshot(inserted)) })
        .where('user_id', '=', owner.id)
        .where('key', '=', key)
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
  // dropped once its sessions are gone (a forced DROP racing a pool's goodbyes threw 57P01 at the end of a run)
  const database = await migratedDatabase();
  const db = database.db;
  try {
    await db
      .insertInto('users')
      .values({ id: owner.id, email: 'shape@example.com', password_hash: 'x', display_name: null, timezone: 'UTC' })
      .execute();
    const service = new TaskService(db);
    const input = { title: 'shape task', priority: 'medium' as const, tags: [] };
    const shapes = [
      { name: 'no key', before: () => transactionShape(db), after: () => service.create(owner, input) },
      {
        name: 'Idempotency-Key',
        before: () => transactionShape(db, randomUUID()),
        after: () => service.create(owner, input, { key: randomUUID(), requestHash: 'shape' }),
      },
    ];
    console.log(
      '| create | connections | round | transaction: creates/s, p50 / p99 ms | one statement: creates/s, p50 / p99 ms | ratio |',
    );
    console.log('|---|---|---|---|---|---|');
    for (const shape of shapes) {
      for (const connections of [4, 32]) {
        for (let round = 1; round <= 3; round++) {
          const before = await run(shape.before, connections);
          const after = await run(shape.after, connections);
          const f = (r: typeof before) => `${r.rate.toFixed(0)}, ${r.p50.toFixed(1)} / ${r.p99.toFixed(1)}`;
          console.log(
            `| ${shape.name} | ${connections} | ${round} | ${f(before)} | ${f(after)} | ${(after.rate / before.rate).toFixed(2)}× |`,
          );
        }
      }
    }
    console.log(execFileSync('uptime').toString().trim());
  } finally {
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
