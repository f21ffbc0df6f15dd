// Sent outbox rows go after a week, oldest first and in batches; a row not yet sent stays however old it is.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import { migratedDatabase } from '../tasks/test-database';
import { pruneSentRows } from './retention';

let database: Awaited<ReturnType<typeof migratedDatabase>>;
let db: Kysely<Database>;

beforeAll(async () => {
  database = await migratedDatabase();
  db = database.db;
});

afterAll(() => database.drop());

afterEach(() => db.deleteFrom('outbox').execute());

/** `n` publish rows created `createdDaysAgo` days ago and sent `sentDaysAgo` days ago (null: not sent). */
const rows = (label: string, n: number, createdDaysAgo: number, sentDaysAgo: number | null) =>
  sql`insert into outbox (id, kind, topic, event_type, partition_key, payload, created_at, published_at)
      select gen_random_uuid(), 'publish', 'task-events', 'com.todo.task.created', ${label}, '{}'::jsonb,
        now() - make_interval(days => ${createdDaysAgo}),
        case when ${sentDaysAgo}::int is null then null else now() - make_interval(days => ${sentDaysAgo}::int) end
      from generate_series(1, ${n})`.execute(db);

const left = async () =>
  (
    await db
      .selectFrom('outbox')
      .select(['partition_key', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('partition_key')
      .orderBy('partition_key')
      .execute()
  ).map((r) => `${r.partition_key} ${r.n}`);

test('deletes rows sent over a week ago and keeps the ones sent since and the ones never sent', async () => {
  await rows('unsent for 30 days', 2, 30, null);
  await rows('sent 8 days ago', 3, 9, 8);
  await rows('sent 6 days ago', 2, 9, 6);
  await rows('new', 1, 0, null);
  expect(await pruneSentRows(db)).toBe(3);
  expect(await left()).toEqual(['new 1', 'sent 6 days ago 2', 'unsent for 30 days 2']);
  expect(await pruneSentRows(db)).toBe(0);
});

test('goes batch by batch, at most so many batches a pass, and the next pass goes on', async () => {
  await rows('sent 8 days ago', 45, 9, 8);
  await rows('sent today', 5, 0, 0);
  expect(await pruneSentRows(db, { batch: 10, batches: 3 })).toBe(30);
  expect(await left()).toEqual(['sent 8 days ago 15', 'sent today 5']);
  expect(await pruneSentRows(db, { batch: 10, batches: 3 })).toBe(15);
  expect(await left()).toEqual(['sent today 5']);
});

test('reads only the oldest rows of a batch: a batch of unsent rows at the head stops the pass', async () => {
  await rows('unsent for 30 days', 10, 30, null);
  await rows('sent 8 days ago', 5, 9, 8);
  expect(await pruneSentRows(db, { batch: 10 })).toBe(0);
  expect(await pruneSentRows(db, { batch: 15 })).toBe(5);
  expect(await left()).toEqual(['unsent for 30 days 10']);
});
