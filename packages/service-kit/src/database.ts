// One pool and one Kysely per process, and migrations listed in code (a bundle carries them; no folder scan).
import { Kysely, type Migration, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';

export function openDatabase<DB>(
  connectionString: string,
  logger: Logger,
  max = 10,
): { db: Kysely<DB>; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString, max });
  pool.on('error', (err) => logger.error({ err: { message: err.message } }, 'idle database connection failed'));
  return { db: new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }), pool };
}

/** Applies the migrations not yet applied, in name order; each app keeps its own bookkeeping tables. */
export async function migrateToLatest(
  // biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
  db: Kysely<any>,
  migrations: Record<string, Migration>,
  owner: string,
): Promise<string[]> {
  const prefix = owner.replace(/[^a-z0-9]+/gi, '_');
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: `${prefix}_migrations`,
    migrationLockTableName: `${prefix}_migrations_lock`,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(
      `migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return (results ?? []).map((r) => r.migrationName);
}
