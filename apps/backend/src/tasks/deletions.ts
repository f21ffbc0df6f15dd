// The tasks a user deleted in the last day. A DELETE whose answer was lost is sent again: by the frontend's sidecar,
// which retries a call whose connection broke (the backend killed after its commit, before its answer), or by a client.
// That repeat finds no task; answering 404 would tell the user a delete that happened did not. So a delete leaves the
// task's id here, in its transaction, and a DELETE of an id the same user deleted within the day answers as the first.
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema';

/** How long a deleted task's id answers a repeated DELETE. */
const DELETION_TTL = sql`'24 hours'::interval`;

/** Notes the user's deletion of the task, in the delete's transaction. */
export async function recordDeletion(trx: Transaction<Database>, userId: string, id: string): Promise<void> {
  await trx
    .insertInto('deleted_tasks')
    .values({ id, user_id: userId })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** Forgets every deletion older than the TTL (housekeeping, every minute); answers how many. */
export async function pruneDeletions(db: Kysely<Database>): Promise<number> {
  const result = await db
    .deleteFrom('deleted_tasks')
    .where('deleted_at', '<', sql<Date>`now() - ${DELETION_TTL}`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Whether this user deleted this task within the TTL. */
export async function deletedRecently(db: Kysely<Database>, userId: string, id: string): Promise<boolean> {
  const row = await db
    .selectFrom('deleted_tasks')
    .select('id')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('deleted_at', '>=', sql<Date>`now() - ${DELETION_TTL}`)
    .executeTakeFirst();
  return row !== undefined;
}
