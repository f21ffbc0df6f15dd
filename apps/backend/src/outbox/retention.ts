// Sent outbox rows are kept a week, as long as Kafka keeps the messages they became (its retention is 7 days), for
// looking back at what was sent; then housekeeping deletes them. Unsent rows are never deleted, however old.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';

/** How long a sent row is kept. */
export const SENT_ROW_RETENTION = sql`'7 days'::interval`;

/**
 * Deletes sent rows older than the retention from the oldest `batch` rows of the table (by `seq`, its index), batch
 * after batch until one deletes nothing or `batches` have run; answers how many. Each batch reads at most `batch` rows,
 * so a pass with nothing to delete costs one short index read, never a walk through the week's rows. Rows behind
 * `batch` unsent ones wait until those are sent.
 */
export async function pruneSentRows(db: Kysely<Database>, { batch = 1_000, batches = 50 } = {}): Promise<number> {
  let deleted = 0;
  for (let n = 0; n < batches; n++) {
    const oldest = db.selectFrom('outbox').select(['seq', 'published_at']).orderBy('seq').limit(batch).as('oldest');
    const result = await db
      .deleteFrom('outbox')
      .where(
        'seq',
        'in',
        db
          .selectFrom(oldest)
          .select('oldest.seq')
          .where('oldest.published_at', '<', sql<Date>`now() - ${SENT_ROW_RETENTION}`),
      )
      .executeTakeFirst();
    const gone = Number(result.numDeletedRows);
    deleted += gone;
    if (gone === 0) break;
  }
  return deleted;
}
