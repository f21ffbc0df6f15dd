// Many clients at once on the embedded Postgres: parameterised queries and transactions must not mix.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';

// PGlite loads its WebAssembly with a dynamic import that jest's module system cannot run: serve it from a child
let server: ChildProcess;
let embedded: { url: string };
let pools: pg.Pool[];

beforeAll(async () => {
  server = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'src', 'embedded-postgres-cli.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  embedded = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/listening (\S+)/);
      if (match) resolve({ url: match[1] as string });
    });
    server.once('exit', (code) => reject(new Error(`embedded Postgres exited (${code})`)));
  });
  pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: embedded.url, max: 5 }));
  await pools[0]?.query('create table counters (id int primary key, n int not null)');
  await pools[0]?.query('insert into counters values (1, 0)');
}, 60_000);
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  server.kill('SIGTERM');
});

it('answers 400 concurrent parameterised queries from 20 connections, each with its own parameters', async () => {
  const results = await Promise.all(
    Array.from({ length: 400 }, (_, i) =>
      (pools[i % pools.length] as pg.Pool).query('select $1::int as a, $2::text as b, $3::int * 2 as c', [
        i,
        `v${i}`,
        i,
      ]),
    ),
  );
  expect(results.map((r) => r.rows[0])).toEqual(results.map((_, i) => ({ a: i, b: `v${i}`, c: i * 2 })));
});

it('keeps transactions whole: 100 concurrent read-modify-write transactions count to 100', async () => {
  await Promise.all(
    Array.from({ length: 100 }, async (_, i) => {
      const client = await (pools[i % pools.length] as pg.Pool).connect();
      try {
        await client.query('begin');
        const { rows } = await client.query('select n from counters where id = $1 for update', [1]);
        await client.query('update counters set n = $1 where id = $2', [rows[0].n + 1, 1]);
        await client.query('commit');
      } finally {
        client.release();
      }
    }),
  );
  const { rows } = await (pools[0] as pg.Pool).query('select n from counters where id = 1');
  expect(rows[0].n).toBe(100);
});

it('rolls back the transaction of a client that disconnects inside it, and serves the others', async () => {
  const quitter = new pg.Client({ connectionString: embedded.url });
  await quitter.connect();
  await quitter.query('begin');
  await quitter.query('update counters set n = 999 where id = 1');
  await quitter.end();
  const { rows } = await (pools[1] as pg.Pool).query('select n from counters where id = $1', [1]);
  expect(rows[0].n).toBe(100);
});

it('reports errors to the client that caused them without breaking the others', async () => {
  const [bad, good] = await Promise.allSettled([
    (pools[0] as pg.Pool).query('select * from no_such_table where id = $1', [1]),
    (pools[1] as pg.Pool).query('select $1::int as x', [7]),
  ]);
  expect(bad.status).toBe('rejected');
  expect(good).toMatchObject({ status: 'fulfilled', value: { rows: [{ x: 7 }] } });
});
