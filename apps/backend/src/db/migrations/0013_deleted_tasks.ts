// The tasks a user deleted in the last day, by id: a DELETE repeated after its answer was lost (a sidecar's retry of a
// call whose first attempt was applied, a client's retry) answers as the first one did instead of 404.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table deleted_tasks (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      deleted_at timestamptz not null default now()
    );
    create index deleted_tasks_age on deleted_tasks (deleted_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table deleted_tasks;`.execute(db);
}
