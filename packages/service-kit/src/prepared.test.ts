// A marked statement is parsed once per connection and then run by name; every other query stays unnamed, a marked
// statement answers exactly as it would unnamed, and it survives a value that could not be sent and a DEALLOCATE.
import { freshDatabase } from '@todo/testkit';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import pino from 'pino';
import { openDatabase } from './database';
import { prepareStatement } from './prepared';

let database: Awaited<ReturnType<typeof freshDatabase>>;
let db: Kysely<unknown>;
let end: () => Promise<void>;
const marked = 'select $1::int + $2::int as sum';
const prepared = async () =>
  (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(db)).rows;

beforeAll(async () => {
  database = await freshDatabase();
  // one connection, so the session that prepared is the one asked
  const opened = openDatabase(database.url, pino({ level: 'silent' }), 1);
  db = opened.db;
  end = () => opened.pool.end();
  prepareStatement(marked);
});

afterAll(async () => {
  await end();
  await database.drop();
});

it('runs a marked statement by name, parsed once, and leaves the rest unnamed', async () => {
  for (const [a, b] of [
    [1, 2],
    [40, 2],
  ] as const) {
    const { rows } = await db.executeQuery(CompiledQuery.raw(marked, [a, b]));
    expect(rows).toEqual([{ sum: a + b }]);
  }
  await db.executeQuery(CompiledQuery.raw('select $1::int * 2 as twice', [21]));
  const [only, ...others] = await prepared();
  expect(only?.statement).toBe(marked);
  expect(others).toEqual([]);
  // marked again: the same name, not a second statement
  prepareStatement(marked);
  await expect(db.executeQuery(CompiledQuery.raw(marked, [2, 2]))).resolves.toMatchObject({ rows: [{ sum: 4 }] });
  expect((await prepared()).map((p) => p.name)).toEqual([only?.name]);
});

it('runs again after a value that could not be sent, and after the statement was deallocated', async () => {
  const unsendable = {
    toPostgres() {
      throw new Error('no text for this value');
    },
  };
  await expect(db.executeQuery(CompiledQuery.raw(marked, [unsendable, 1]))).rejects.toThrow('no text for this value');
  await expect(db.executeQuery(CompiledQuery.raw(marked, [1, 1]))).resolves.toMatchObject({ rows: [{ sum: 2 }] });
  await sql`deallocate all`.execute(db);
  await expect(db.executeQuery(CompiledQuery.raw(marked, [3, 1]))).rejects.toMatchObject({ code: '26000' });
  await expect(db.executeQuery(CompiledQuery.raw(marked, [3, 2]))).resolves.toMatchObject({ rows: [{ sum: 5 }] });
});

it('keeps a statement whose run failed in Postgres', async () => {
  await expect(db.executeQuery(CompiledQuery.raw(marked, [2_147_483_647, 1]))).rejects.toMatchObject({
    code: '22003',
  });
  await expect(db.executeQuery(CompiledQuery.raw(marked, [1, 2]))).resolves.toMatchObject({ rows: [{ sum: 3 }] });
});
