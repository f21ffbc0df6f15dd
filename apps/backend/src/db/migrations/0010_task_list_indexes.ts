// A user's list at a million tasks: the first page comes in index order (nulls last, id breaking ties, as the query
// sorts) instead of sorting all of the user's tasks, and its count is read from the index (priority, a filter, rides
// along).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index tasks_user_status_due_id on tasks (user_id, status, due_at, id) include (priority);
    drop index tasks_user_status_due;
    create index tasks_user_status_priority on tasks (user_id, status, priority_rank desc nulls last, id) include (priority);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index tasks_user_status_priority;
    create index tasks_user_status_due on tasks (user_id, status, due_at);
    drop index tasks_user_status_due_id;
  `.execute(db);
}
