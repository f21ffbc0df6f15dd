// One pool and one Kysely per process, and migrations listed in code (a bundle carries them; no folder scan).

import type { Dapr } from '@todo/dapr';
import { Kysely, type Migration, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { PreparingClient } from './prepared';
import { type AppSecrets, loadSecrets } from './secrets';

export function openDatabase<DB>(
  connectionString: string,
  logger: Logger,
  max = 10,
): { db: Kysely<DB>; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString, max, Client: PreparingClient });
  pool.on('error', (err) => logger.error({ err: { message: err.message } }, 'idle database connection failed'));
  // a connection that breaks while checked out (Postgres restarted mid-transaction) emits 'error' on its client, and
  // pg-pool listens only while it is idle: without this the process dies of an unhandled 'error' event. The query in
  // flight fails on its own (its transaction rolls back) and the pool drops the client when it is released.
  pool.on('connect', (client) =>
    client.on('error', (err) => logger.warn({ reason: err.message }, 'database connection lost while in use')),
  );
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

/** What an app with a database does first: wait for its sidecar, read its secrets through it, open (and migrate). */
export async function connectThroughSidecar<DB>(options: {
  dapr: Dapr;
  logger: Logger;
  migrations: Record<string, Migration>;
  owner: string;
  migrate: boolean;
}): Promise<{ db: Kysely<DB>; pool: pg.Pool; secrets: AppSecrets }> {
  const { dapr, logger } = options;
  await dapr.health.waitForSidecar();
  const secrets = await loadSecrets(dapr);
  const { db, pool } = openDatabase<DB>(secrets.databaseUrl, logger);
  if (options.migrate) {
    const applied = await migrateToLatest(db, options.migrations, options.owner);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }
  return { db, pool, secrets };
}
