// A create is one statement, with an Idempotency-Key or without: the task, its outbox rows and the key must still exist
// together or not at all, and a key must make one task however often and however concurrently it is sent.
import { TOPICS } from '@todo/contracts';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../db/schema';
import { TaskService } from './service';
import { migratedDatabase } from './test-database';

let database: Awaited<ReturnType<typeof migratedDatabase>>;
let db: Kysely<Database>;
const owner = { id: '00000000-0000-4000-8000-000000000001', timezone: 'Europe/Berlin' };

beforeAll(async () => {
  database = await migratedDatabase();
  db = database.db;
  await db
    .insertInto('users')
    .values({ id: owner.id, email: 'one@example.com', password_hash: 'x', display_name: null, timezone: 'UTC' })
    .execute();
});

afterAll(() => database.drop());

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

describe('a create with an Idempotency-Key', () => {
  const keyed = (title: string, key: string) =>
    [owner, { ...input, title }, { key, requestHash: `hash of ${title}` }] as const;
  const titled = (title: string) => db.selectFrom('tasks').select('id').where('title', '=', title).execute();
  const outboxOf = async (taskId: string) =>
    (
      await db
        .selectFrom('outbox')
        .select(['kind', 'topic'])
        .where('partition_key', '=', taskId)
        .orderBy('seq')
        .execute()
    ).map((r) => [r.kind, r.topic]);
  const created = [
    ['publish', TOPICS.taskEvents],
    ['publish', TOPICS.taskUpdates],
    ['job.schedule', null],
  ];

  test('is one statement, and the same key and request again answer the first task, replayed', async () => {
    const statements: string[] = [];
    const counted = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 1 }) }),
      log: (event) => {
        if (event.level === 'query') statements.push(event.query.sql);
      },
    });
    let woken = 0;
    try {
      const service = new TaskService(counted, () => woken++);
      const first = await service.create(...keyed('keyed once', 'key-1'));
      expect(statements).toHaveLength(1);
      const again = await service.create(...keyed('keyed once', 'key-1'));
      expect(again).toEqual({ ...first, replayed: true });
      expect(await service.get(owner.id, first.id)).toEqual(first);
      expect(await outboxOf(first.id)).toEqual(created);
    } finally {
      await counted.destroy();
    }
    expect(woken).toBe(1);
    expect(await titled('keyed once')).toHaveLength(1);
  });

  test('ten at once with one key make one task with one set of outbox rows; the other nine replay it', async () => {
    const service = new TaskService(db);
    const answers = await Promise.all(Array.from({ length: 10 }, () => service.create(...keyed('together', 'key-2'))));
    expect(new Set(answers.map((a) => a.id)).size).toBe(1);
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    expect(await titled('together')).toHaveLength(1);
    expect(await outboxOf(answers[0]?.id ?? '')).toEqual(created);
  });

  test('the same key with another request is refused with 422 and writes nothing', async () => {
    const service = new TaskService(db);
    await service.create(...keyed('groceries', 'key-3'));
    const other = keyed('something else', 'key-3');
    await expect(service.create(...other)).rejects.toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await titled('something else')).toEqual([]);
  });

  test('a keyed create whose outbox rows cannot be written leaves no task and no key, so the key still works', async () => {
    let woken = 0;
    const service = new TaskService(db, () => woken++);
    await sql`alter table outbox add constraint refuse_all check (false) not valid`.execute(db);
    try {
      await expect(service.create(...keyed('after a failure', 'key-4'))).rejects.toThrow(/refuse_all/);
    } finally {
      await sql`alter table outbox drop constraint refuse_all`.execute(db);
    }
    expect(await titled('after a failure')).toEqual([]);
    const keys = await db.selectFrom('task_create_keys').select('key').where('key', '=', 'key-4').execute();
    expect([keys, woken]).toEqual([[], 0]);
    const retried = await service.create(...keyed('after a failure', 'key-4'));
    expect(retried.replayed).toBeUndefined();
    expect(await outboxOf(retried.id)).toEqual(created);
  });

  test('an expired key makes a new task, for another request too, and expired keys are cleared', async () => {
    const service = new TaskService(db);
    const old = await service.create(...keyed('a day ago', 'key-5'));
    await service.create(...keyed('also a day ago', 'key-6'));
    await sql`update task_create_keys set created_at = now() - interval '25 hours' where key in ('key-5', 'key-6')`.execute(
      db,
    );
    const fresh = await service.create(...keyed('today', 'key-5'));
    expect(fresh.replayed).toBeUndefined();
    expect(fresh.id).not.toBe(old.id);
    expect(await service.create(...keyed('today', 'key-5'))).toEqual({ ...fresh, replayed: true });
    const keys = await db
      .selectFrom('task_create_keys')
      .select('key')
      .where('user_id', '=', owner.id)
      .where('key', 'in', ['key-5', 'key-6'])
      .execute();
    expect(keys).toEqual([{ key: 'key-5' }]);
  });

  test("a keyed create inside a caller's transaction rolls back with it, key and all", async () => {
    const service = new TaskService(db);
    await expect(
      db.transaction().execute(async (trx) => {
        const first = await service.within(trx).create(...keyed('keyed, rolled back', 'key-7'));
        expect(await service.within(trx).create(...keyed('keyed, rolled back', 'key-7'))).toEqual({
          ...first,
          replayed: true,
        });
        throw new Error('the turn failed');
      }),
    ).rejects.toThrow('the turn failed');
    expect(await titled('keyed, rolled back')).toEqual([]);
    expect(await db.selectFrom('task_create_keys').select('key').where('key', '=', 'key-7').execute()).toEqual([]);
  });
});
