// Many clients at once on the embedded Postgres: parameterised queries and transactions must not mix.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { IDLE_IN_TRANSACTION_MS } from '../src/pglite-server';

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

it('refuses a wrong password, and a client that skips authentication, as Postgres does (28P01)', async () => {
  const wrong = new URL(embedded.url);
  wrong.password = 'not-the-password';
  const client = new pg.Client({ connectionString: wrong.toString() });
  await expect(client.connect()).rejects.toMatchObject({ code: '28P01' });

  // a startup message, then a query straight away instead of the SCRAM exchange
  const { port } = new URL(embedded.url);
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let received = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
    });
    socket.on('close', () => resolve(received.toString('latin1')));
    socket.on('error', reject);
    const params = Buffer.from('user\0postgres\0database\0postgres\0\0');
    const startup = Buffer.alloc(8);
    startup.writeInt32BE(8 + params.length, 0);
    startup.writeInt32BE(196608, 4);
    const sql = Buffer.from('select secret\0');
    const query = Buffer.alloc(5);
    query.write('Q', 0);
    query.writeInt32BE(4 + sql.length, 1);
    socket.write(Buffer.concat([startup, params, query, sql]));
  });
  expect(answer).toContain('C28P01');
  expect(answer).not.toContain('secret');
  const { rows } = await (pools[0] as pg.Pool).query('select 1 as ok');
  expect(rows).toEqual([{ ok: 1 }]);
});

it('keeps named prepared statements apart per connection (one PGlite session under them)', async () => {
  const a = new pg.Client({ connectionString: embedded.url });
  const b = new pg.Client({ connectionString: embedded.url });
  await Promise.all([a.connect(), b.connect()]);
  const name = 'the-same-name';
  for (let round = 0; round < 3; round++) {
    const [fromA, fromB] = await Promise.all([
      a.query({ name, text: "select 'a' || $1::text as v", values: [round] }),
      b.query({ name, text: "select 'b' || $1::text as v", values: [round] }),
    ]);
    expect([fromA.rows[0].v, fromB.rows[0].v]).toEqual([`a${round}`, `b${round}`]);
  }
  await a.end();
  // gone with its connection: a new one prepares the name afresh
  const c = new pg.Client({ connectionString: embedded.url });
  await c.connect();
  const { rows } = await c.query({ name, text: "select 'c' as v" });
  expect(rows[0].v).toBe('c');
  await Promise.all([b.end(), c.end()]);
});

it('ends a transaction left idle once another client needs the database, and serves that client', async () => {
  const idler = new pg.Client({ connectionString: embedded.url });
  await idler.connect();
  // the FATAL first, then the end of the connection
  const idlerError = new Promise<Error>((resolve) => idler.on('error', resolve));
  await idler.query('begin');
  await idler.query('update counters set n = -1 where id = 1');
  const started = Date.now();
  await (pools[2] as pg.Pool).query('insert into counters values (2, 0)');
  const tookMs = Date.now() - started;
  // the bound: the idle allowance, plus slack for a loaded machine
  expect(tookMs).toBeLessThan(IDLE_IN_TRANSACTION_MS + 5_000);
  expect(await idlerError).toMatchObject({ code: '25P03' });
  const { rows } = await (pools[2] as pg.Pool).query('select n from counters where id = 1');
  expect(rows[0].n).toBe(100); // its update was rolled back
  await idler.end().catch(() => undefined);
});
