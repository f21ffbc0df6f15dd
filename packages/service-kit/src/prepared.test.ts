// A marked statement is parsed once per connection and then run by name; every other query stays unnamed, and a
// marked statement answers exactly as it would unnamed.
import { freshDatabase } from '@todo/testkit';
import { CompiledQuery, sql } from 'kysely';
import pino from 'pino';
import { openDatabase } from './database';
import { prepareStatement } from './prepared';

it('runs a marked statement by name on every connection, and leaves the rest unnamed', async () => {
  const database = await freshDatabase();
  // one connection, so the session that prepared is the one asked
  const { db, pool } = openDatabase(database.url, pino({ level: 'silent' }), 1);
  try {
    const marked = 'select $1::int + $2::int as sum';
    prepareStatement(marked);
    for (const [a, b] of [
      [1, 2],
      [40, 2],
    ]) {
      const { rows } = await db.executeQuery(CompiledQuery.raw(marked, [a, b]));
      expect(rows).toEqual([{ sum: (a as number) + (b as number) }]);
    }
    await db.executeQuery(CompiledQuery.raw('select $1::int * 2 as twice', [21]));
    const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(db);
    expect(rows.map((r) => r.statement)).toEqual([marked]);
    // a statement marked twice keeps one name
    prepareStatement(marked);
    await expect(db.executeQuery(CompiledQuery.raw(marked, [2, 2]))).resolves.toMatchObject({ rows: [{ sum: 4 }] });
  } finally {
    await pool.end();
    await database.drop();
  }
});
