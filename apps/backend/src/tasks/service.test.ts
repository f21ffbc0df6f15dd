// A create without a key is one statement: the task and its outbox rows must still exist together or not at all.
import { APP_IDS, TOPICS } from '@todo/contracts';
import { migrateToLatest } from '@todo/service-kit';
import { freshDatabase } from '@todo/testkit';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { BACKEND_MIGRATIONS } from '../db/migrate';
import type { Database } from '../db/schema';
import { TaskService } from './service';

let database: Awaited<ReturnType<typeof freshDatabase>>;
let db: Kysely<Database>;
const owner = { id: '00000000-0000-4000-8000-000000000001', timezone: 'Europe/Berlin' };

beforeAll(async () => {
  database = await freshDatabase();
  db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url }) }),
  });
  await migrateToLatest(db, BACKEND_MIGRATIONS, APP_IDS.backend);
  await db
    .insertInto('users')
    .values({ id: owner.id, email: 'one@example.com', password_hash: 'x', display_name: null, timezone: 'UTC' })
    .execute();
});

afterAll(async () => {
  await db.destroy();
  await database.drop();
});

const input = {
  title: 'pay the invoice',
  priority: 'high' as const,
  tags: ['money', 'money', 'work'],
  due_at: '2030-01-02T09:00:00.123Z',
  remind_before_minutes: 1440,
};

test('a create answers, stores and publishes the same task, with its reminder job', async () => {
  let woken = 0;
  const created = await new TaskService(db, () => woken++).create(owner, input);
  const stored = await new TaskService(db).get(owner.id, created.id);
  expect(stored).toEqual(created);
  expect(created.tags).toEqual(['money', 'work']);
  expect(created.remind_at).toBe('2030-01-01T09:00:00.123Z');
  const rows = await db
    .selectFrom('outbox')
    .selectAll()
    .where('partition_key', '=', created.id)
    .orderBy('seq')
    .execute();
  expect(rows.map((r) => [r.kind, r.topic])).toEqual([
    ['publish', TOPICS.taskEvents],
    ['publish', TOPICS.taskUpdates],
    ['job.schedule', null],
  ]);
  expect(rows[0]?.payload).toMatchObject({ task_data: stored });
  expect(woken).toBe(1);
});

test('a create whose outbox rows cannot be written leaves no task and wakes nobody', async () => {
  await sql`alter table outbox add constraint refuse_all check (false) not valid`.execute(db);
  let woken = 0;
  try {
    await expect(new TaskService(db, () => woken++).create(owner, { ...input, title: 'never stored' })).rejects.toThrow(
      /refuse_all/,
    );
  } finally {
    await sql`alter table outbox drop constraint refuse_all`.execute(db);
  }
  const tasks = await db.selectFrom('tasks').select('id').where('title', '=', 'never stored').execute();
  expect(tasks).toEqual([]);
  expect(woken).toBe(0);
});

test("a create inside a caller's transaction rolls back with it", async () => {
  const service = new TaskService(db);
  await expect(
    db.transaction().execute(async (trx) => {
      await service.within(trx).create(owner, { ...input, title: 'rolled back' });
      throw new Error('the turn failed');
    }),
  ).rejects.toThrow('the turn failed');
  const tasks = await db.selectFrom('tasks').select('id').where('title', '=', 'rolled back').execute();
  const events = await db
    .selectFrom('outbox')
    .select('id')
    .where(sql<boolean>`payload->'task_data'->>'title' = 'rolled back'`)
    .execute();
  expect([tasks, events]).toEqual([[], []]);
});
