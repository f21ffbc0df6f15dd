// A connection cut while a transaction holds it (Postgres restarting): the transaction fails, the process lives on,
// and the pool serves the next query on a fresh connection.
import { freshDatabase } from '@todo/testkit';
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { openDatabase } from './database';

it('survives a connection terminated mid-transaction and serves the next query', async () => {
  const database = await freshDatabase();
  const { db, pool } = openDatabase(database.url, pino({ level: 'silent' }));
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  try {
    const failed = db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
      await admin.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await sql`select 1`.execute(trx);
    });
    await expect(failed).rejects.toThrow();
    const { rows } = await sql<{ ok: number }>`select 1 as ok`.execute(db);
    expect(rows).toEqual([{ ok: 1 }]);
  } finally {
    await admin.end();
    await pool.end();
    await database.drop();
  }
});
