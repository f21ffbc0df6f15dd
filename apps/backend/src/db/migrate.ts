// Migrations are code, listed here in order, so a bundle carries them (no folder scan at run time).
import { type Kysely, type Migration, Migrator } from 'kysely';
import * as init from './migrations/0001_init';

const migrations: Record<string, Migration> = {
  '0001_init': init,
};

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'backend_migrations',
    migrationLockTableName: 'backend_migrations_lock',
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
