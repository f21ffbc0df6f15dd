// Migration 0012: the search index's pending list stays small while tasks arrive, so a search reads few pending
// entries (at Postgres's default of 4 MB the thousand tasks below would all wait in it).
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { migratedDatabase } from '../tasks/test-database';

let database: Awaited<ReturnType<typeof migratedDatabase>>;

beforeAll(async () => {
  database = await migratedDatabase();
});
afterAll(() => database.drop());

test('a thousand new tasks leave at most a couple of hundred in the search index pending list', async () => {
  const { db } = database;
  const user = randomUUID();
  await db
    .insertInto('users')
    .values({ id: user, email: 'pending@example.com', password_hash: 'x', display_name: null, timezone: 'UTC' })
    .execute();
  // one statement per task, as creates arrive (one bulk statement would be one insert into the list)
  for (let i = 0; i < 1_000; i += 1) {
    await sql`insert into tasks (id, user_id, title, description, status, priority, timezone, created_at, updated_at, version)
      values (gen_random_uuid(), ${user}, ${`call the dentist about invoice ${i}`}, 'remember the receipts and the form',
        'open', 'medium', 'UTC', now(), now(), 1)`.execute(db);
  }
  await sql`create extension if not exists pgstattuple`.execute(db);
  const { rows } = await sql<{ pending_tuples: string }>`
    select pending_tuples from pgstatginindex('tasks_user_search')`.execute(db);
  const pending = Number(rows[0]?.pending_tuples);
  expect(pending).toBeLessThan(200);
});
