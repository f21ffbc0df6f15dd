// The search index's pending list bounded to 64 kB (Postgres's default is 4 MB). A GIN index with fastupdate puts new
// entries in a pending list that every search reads whole until a vacuum or an insert past the limit moves them into
// the index: with 5,667 tasks pending (2.6 MB) one user's search took 54 ms through the index, 0.7 ms once they were
// moved. At 64 kB about a hundred tasks wait, so a search pays about a millisecond for them; an insert that passes the
// limit moves them in one go, and creates/s did not change measurably (interleaved, 4 connections: 1,573-1,753 against
// 1,585-1,728 with the default; without the pending list, fastupdate off, 1,095-1,177).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter index tasks_user_search set (gin_pending_list_limit = 64)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter index tasks_user_search reset (gin_pending_list_limit)`.execute(db);
}
