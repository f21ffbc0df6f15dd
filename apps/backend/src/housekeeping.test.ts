// A housekeeping pass deletes what has outlived its use, and only that: sent outbox rows past a week, deleted-task ids
// past a day.
import { type Kysely, sql } from 'kysely';
import pino from 'pino';
import type { Database } from './db/schema';
import { Housekeeping } from './housekeeping';
import { migratedDatabase } from './tasks/test-database';

let database: Awaited<ReturnType<typeof migratedDatabase>>;
let db: Kysely<Database>;
const user = '00000000-0000-4000-8000-0000000000c3';

beforeAll(async () => {
  database = await migratedDatabase();
  db = database.db;
  await db
    .insertInto('users')
    .values({ id: user, email: 'cleo@example.com', password_hash: 'x', display_name: null, timezone: 'UTC' })
    .execute();
});

afterAll(() => database.drop());

test('a pass deletes outbox rows sent over a week ago and deletions over a day old, and keeps the rest', async () => {
  await sql`insert into outbox (id, kind, topic, payload, created_at, published_at) values
      (gen_random_uuid(), 'publish', 'task-events', '{"age": "sent 8 days ago"}', now() - interval '9 days', now() - interval '8 days'),
      (gen_random_uuid(), 'publish', 'task-events', '{"age": "sent 6 days ago"}', now() - interval '9 days', now() - interval '6 days'),
      (gen_random_uuid(), 'publish', 'task-events', '{"age": "unsent"}', now() - interval '9 days', null)`.execute(db);
  await sql`insert into deleted_tasks (id, user_id, deleted_at) values
      ('00000000-0000-4000-8000-00000000d001', ${user}, now() - interval '25 hours'),
      ('00000000-0000-4000-8000-00000000d002', ${user}, now() - interval '23 hours')`.execute(db);
  const housekeeping = new Housekeeping(db, pino({ level: 'silent' }));
  await housekeeping.pass();
  const outbox = await db.selectFrom('outbox').select(sql<string>`payload->>'age'`.as('age')).orderBy('seq').execute();
  expect(outbox.map((r) => r.age)).toEqual(['sent 6 days ago', 'unsent']);
  const deletions = await db.selectFrom('deleted_tasks').select('id').execute();
  expect(deletions).toEqual([{ id: '00000000-0000-4000-8000-00000000d002' }]);
});
