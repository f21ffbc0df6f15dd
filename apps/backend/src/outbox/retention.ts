// Sent outbox rows are kept a week, as long as Kafka keeps the messages they became (its retention is 7 days), for
// looking back at what was sent; then they are deleted, oldest first, a thousand at a time. Unsent rows are never
// deleted, however old. Without this the table grew by every change's rows for good.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';

/** How long a sent row is kept. */
export const SENT_ROW_RETENTION = sql`'7 days'::interval`;
const BATCH = 1_000;
/** At most this many batches per pass, so a pass after a long pause stays short; the next pass goes on. */
const BATCHES_PER_PASS = 50;

/** Deletes sent rows older than the retention, oldest first; answers how many. */
export async function pruneSentRows(db: Kysely<Database>): Promise<number> {
  let deleted = 0;
  for (let batch = 0; batch < BATCHES_PER_PASS; batch++) {
    const result = await db
      .deleteFrom('outbox')
      .where(
        'seq',
        'in',
        db
          .selectFrom('outbox')
          .select('seq')
          .where('published_at', '<', sql<Date>`now() - ${SENT_ROW_RETENTION}`)
          .orderBy('seq')
          .limit(BATCH),
      )
      .executeTakeFirst();
    const n = Number(result.numDeletedRows);
    deleted += n;
    if (n < BATCH) break;
  }
  return deleted;
}
