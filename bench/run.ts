// `npm run bench`: figures for the running system (npm start processes on a fresh Postgres database) beside a raw
// node:http + pg baseline doing the same SQL, at the same concurrency. Not part of `npm test`: it prints, it does not
// judge. Needs Postgres at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { ALL_APP_IDS, APP_IDS, type AppId } from '@todo/contracts';
import { BundleSystem, LocalSystem, sidecarKind } from '@todo/testkit';
import pg from 'pg';
import { startBaseline } from './baseline';
import {
  CONNECTIONS,
  comparison,
  cpuSeconds,
  DURATION,
  type Load,
  load,
  percentile,
  rssMb,
  sidecarPids,
} from './measure';
import { seedTasks } from './seed';
import { reminderLateness, updateLatencies } from './stream-latency';

const system = new LocalSystem({ logLevel: 'warn' });

async function main() {
  await system.start();
  const api = (appId: AppId, path: string) => `http://127.0.0.1:${system.appPort(appId)}${path}`;
  const signUp = await fetch(api(APP_IDS.backend, '/api/auth/sign-up'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.com', password: 'bench password 1' }),
  });
  const { token, user } = (await signUp.json()) as { token: string; user: { id: string } };
  const sessionId = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).sid as string;
  const idle = Object.fromEntries(ALL_APP_IDS.map((id) => [id, rssMb(system.pid(id))]));

  // a list worth filtering: 2,000 tasks
  await seedTasks(api(APP_IDS.backend, '/api/tasks'), token);
  const baseline = await startBaseline(system.databaseUrl, sessionId, user.id);
  const base = (path: string) => `http://127.0.0.1:${baseline.port}${path}`;

  // what the load runs leave behind: the outbox's backlog...
  const backlog = async () => {
    const text = await (await fetch(`http://127.0.0.1:${system.metricsPort(APP_IDS.backend)}/metrics`)).text();
    return Number(/^todo_outbox_backlog (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
  };
  // ...and the stand-in deliver what it holds (its metadata lists the pending deliveries per consumer group)
  const pendingDeliveries = async () => {
    if (system.sidecarKind === 'daprd') return 0; // Kafka's consumers: settle() watches their processes' CPU
    const meta = (await (await system.sidecar(APP_IDS.backend, '/v1.0/metadata')).json()) as {
      extended: { backlog: string };
    };
    return (JSON.parse(meta.extended.backlog) as { pending: number }[]).reduce((n, b) => n + b.pending, 0);
  };
  /**
   * Each run starts on a quiet system (nothing in the outbox or the stand-in's deliveries, under a tenth of a core
   * used by the system's processes for a second): the events a run of ours left (the relay sending them, the
   * consumers taking them) would otherwise be work on the same two cores during the next run, ours or the
   * baseline's.
   */
  const pids = [...ALL_APP_IDS.map((id) => system.pid(id)), ...sidecarPids(system)];
  const busy = async () => {
    // on daprd Kafka's consumers are not in the backlog: the processes' own CPU says they are still at work
    const before = cpuSeconds(pids);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return cpuSeconds(pids) - before > 0.1;
  };
  const settle = async () => {
    const started = Date.now();
    while (
      ((await backlog()) !== 0 || (await pendingDeliveries()) !== 0 || (await busy())) &&
      Date.now() - started < 180_000
    );
    return Date.now() - started;
  };

  const rows: string[][] = [];
  const settled: number[] = [];
  const compare = async (name: string, ours: () => Promise<Load>, theirs?: () => Promise<Load>) => {
    settled.push(await settle());
    const mine = await ours();
    settled.push(await settle());
    rows.push(comparison(name, mine, theirs && (await theirs())));
    console.log(`${rows.at(-1)?.join(' | ')} (then ${(settled.at(-1) ?? 0) / 1000} s until its events were handled)`);
  };
  const create = JSON.stringify({ title: 'bench task' });
  // at 4 connections as well: how much of the p99 at 32 is queueing on this machine
  for (const connections of [CONNECTIONS, 4]) {
    await compare(
      `create task (backend)${connections === CONNECTIONS ? '' : `, ${connections} connections`}`,
      () => load(api(APP_IDS.backend, '/api/tasks'), { method: 'POST', body: create, token, connections }),
      () => load(base('/tasks'), { method: 'POST', body: create, token, connections }),
    );
  }
  // the browser sends every create with an Idempotency-Key: the key's claim is part of the same statement
  await compare(
    'create task with an Idempotency-Key (backend)',
    () => load(api(APP_IDS.backend, '/api/tasks'), { method: 'POST', body: create, token, keyed: true }),
    () => load(base('/tasks'), { method: 'POST', body: create, token, keyed: true }),
  );
  // the creates above grew the table about tenfold: the planner's statistics are refreshed before the reads (as
  // autovacuum would be by then on a running system), or which side happens to run after its analyze decides a plan
  const database = new pg.Client({ connectionString: system.databaseUrl });
  await database.connect();
  await database.query('analyze tasks');
  await database.end();
  await compare(
    'list, filtered (backend)',
    () => load(api(APP_IDS.backend, '/api/tasks?status=open&priority=high,medium&sort=due&limit=50'), { token }),
    () => load(base('/tasks'), { token }),
  );
  await compare('list via frontend + Dapr invocation', () =>
    load(api(APP_IDS.frontend, '/api/tasks?status=open&priority=high,medium&sort=due&limit=50'), { token }),
  );
  await compare(
    'search (backend)',
    () => load(api(APP_IDS.backend, '/api/tasks?q=dentist&status=open&limit=50'), { token }),
    () => load(base('/tasks?q=dentist'), { token }),
  );
  await compare('chat turn, offline agent (backend)', () =>
    load(api(APP_IDS.backend, '/api/chat'), {
      method: 'POST',
      body: JSON.stringify({ message: 'what is due this week?' }),
      token,
      connections: 8,
    }),
  );
  await baseline.stop();
  const loaded = Object.fromEntries(ALL_APP_IDS.map((id) => [id, rssMb(system.pid(id))]));

  // latency is measured on a quiet system: compare() settled after the chat run as after every run
  console.log(
    `each run started once the events before it were handled (waits ${settled.map((ms) => Math.round(ms / 1000)).join(', ')} s)`,
  );

  // create -> task-update at an open stream, and 100 reminders -> notification at the stream
  const sse = await updateLatencies(system, token);
  const lateness = await reminderLateness(system, token);

  console.log(
    `\n## Benchmarks (${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, real Postgres 15, ${sidecarKind() === 'daprd' ? 'daprd + Kafka (the request-path table: stand-in)' : 'stand-in sidecar'}, ${DURATION} s per run, ${CONNECTIONS} connections)\n`,
  );
  console.log('| scenario | req/s | p50 / p99 ms | baseline req/s | baseline p50 / p99 ms | ratio | errors |');
  console.log('|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log(`\n| latency | n | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|`);
  console.log(
    `| task create → task-update at an open stream | ${sse.length} | ${percentile(sse, 50)} | ${percentile(sse, 99)} | ${Math.max(...sse)} |`,
  );
  console.log(
    `| reminder lateness at the browser stream (remind_at → event) | ${lateness.length}/100 | ${percentile(lateness, 50)} | ${percentile(lateness, 99)} | ${Math.max(...lateness)} |`,
  );
  await system.stop();
  // as the images run them: the esbuild bundles on plain node, without tsx compiling sources at start
  execFileSync(process.execPath, ['--import', 'tsx', 'tools/build.ts'], { stdio: 'pipe' });
  const bundles = new BundleSystem();
  await bundles.start();
  const bundled: Record<string, number> = {};
  const requestPath: string[][] = [];
  try {
    // the backend with its relay paused: the request path alone, against the baseline's same SQL (which sends no
    // events either); above, the whole system also relays and delivers every event on the same two cores
    for (const id of ALL_APP_IDS) {
      await bundles.startApp(id, id === APP_IDS.backend ? { env: { OUTBOX_RELAY: 'off' } } : {});
    }
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    for (const id of ALL_APP_IDS) bundled[id] = rssMb(bundles.pid(id));
    const bundleApi = `http://127.0.0.1:${bundles.port(APP_IDS.backend)}`;
    const account = (await (
      await fetch(`${bundleApi}/api/auth/sign-up`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'bench@example.com', password: 'bench password 1' }),
      })
    ).json()) as { token: string; user: { id: string } };
    const sid = JSON.parse(Buffer.from(account.token.split('.')[1] as string, 'base64url').toString()).sid as string;
    const raw = await startBaseline(bundles.databaseUrl, sid, account.user.id);
    try {
      // both sides warmed first, as the whole-system runs above were (their 2,000 creates): the JIT, the pools and
      // the caches of a process that just started are not what a running service has
      for (const url of [`${bundleApi}/api/tasks`, `http://127.0.0.1:${raw.port}/tasks`]) {
        await load(url, { method: 'POST', body: create, token: account.token, connections: CONNECTIONS });
      }
      for (const connections of [CONNECTIONS, 4]) {
        const init = { method: 'POST' as const, body: create, token: account.token, connections };
        requestPath.push(
          comparison(
            `create task, ${connections} connections`,
            await load(`${bundleApi}/api/tasks`, init),
            await load(`http://127.0.0.1:${raw.port}/tasks`, init),
          ),
        );
      }
    } finally {
      await raw.stop();
    }
  } finally {
    await bundles.stop();
  }
  console.log(
    '\n| request path only (backend bundle, relay paused) | req/s | p50 / p99 ms | baseline req/s | baseline p50 / p99 ms | ratio | errors |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const row of requestPath) console.log(`| ${row.join(' | ')} |`);
  console.log(`\n| app | idle RSS MB (npm start, tsx) | loaded RSS MB (tsx) | idle RSS MB (bundle, as deployed) |`);
  console.log('|---|---|---|---|');
  for (const id of ALL_APP_IDS)
    console.log(
      `| ${id} | ${(idle[id] as number).toFixed(0)} | ${(loaded[id] as number).toFixed(0)} | ${(bundled[id] as number).toFixed(0)} |`,
    );
}

main().catch(async (error) => {
  console.error(error);
  await system.stop().catch(() => undefined);
  process.exit(1);
});
