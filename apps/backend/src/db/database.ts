// One pool and one Kysely per process.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Database } from './schema';

// timestamptz and bigint as the driver gives them: Date, and string (bigint does not fit a JS number)
export function openDatabase(
  connectionString: string,
  logger: Logger,
  max = 10,
): { db: Kysely<Database>; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString, max });
  pool.on('error', (err) => logger.error({ err: { message: err.message } }, 'idle database connection failed'));
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), pool };
}
