// A fresh migrated database for the task domain's tests, dropped once its sessions are gone: DROP DATABASE … WITH
// (FORCE) ends a session that is still saying goodbye, and its client, out of the pool by then, throws the 57P01.
import { setTimeout as sleep } from 'node:timers/promises';
import { APP_IDS } from '@todo/contracts';
import { migrateToLatest } from '@todo/service-kit';
import { ADMIN_URL, freshDatabase } from '@todo/testkit';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { BACKEND_MIGRATIONS } from '../db/migrate';
import type { Database } from '../db/schema';

export async function migratedDatabase() {
  const database = await freshDatabase();
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url }) }),
  });
  await migrateToLatest(db, BACKEND_MIGRATIONS, APP_IDS.backend);
  return {
    url: database.url,
    db,
    /** Ends `db`; other pools on `url` must be ended first. */
    async drop() {
      await db.destroy();
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      try {
        const sessions = async () =>
          (
            await admin.query<{ n: number }>(
              `select count(*)::int as n from pg_stat_activity where datname = $1 and backend_type = 'client backend'`,
              [new URL(database.url).pathname.slice(1)],
            )
          ).rows[0]?.n;
        while ((await sessions()) !== 0) await sleep(10);
      } finally {
        await admin.end();
      }
      await database.drop();
    },
  };
}
