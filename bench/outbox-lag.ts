// `npm run bench:lag [-- --fractions 0.5,0.75,1 --seconds 60 --sustain 300]`: whether the outbox relay keeps up with
// creates on the whole system (npm start's processes; TODO_SIDECAR=daprd for daprd + Kafka). First the request path's
// own maximum create rate (unthrottled); then steady rates as fractions of it, the backlog sampled every second; then
// the highest rate that stayed bounded held for --sustain seconds. Writes docs/bench/lag-<sidecar>.json and .png.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { APP_IDS } from '@todo/contracts';
import { LocalSystem, sidecarKind } from '@todo/testkit';
import autocannon from 'autocannon';
import pg from 'pg';
import { type LagStep, lagChart } from './lag-chart';
import { writePng } from './png';

const { values: args } = parseArgs({
  options: {
    fractions: { type: 'string', default: '0.5,0.75,1' },
    seconds: { type: 'string', default: '60' },
    sustain: { type: 'string', default: '300' },
    connections: { type: 'string', default: '16' },
  },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const system = new LocalSystem({ logLevel: 'warn' });
const kind = sidecarKind();
let db: pg.Pool;
/** Rows not yet sent, counted in the backend's database (the relay's gauge is only set when a batch starts). */
const backlog = async () =>
  Number((await db.query('select count(*) as n from outbox where published_at is null')).rows[0].n);
const lagSeries = 'todo_outbox_publish_lag_seconds';
const loadAverage = () =>
  execFileSync('uptime')
    .toString()
    .trim()
    .replace(/.*load average: /, '');

/** Least-squares slope of the backlog over time, rows per second. */
function slope(samples: [number, number][]): number {
  const n = samples.length;
  const mx = samples.reduce((s, [x]) => s + x, 0) / n;
  const my = samples.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = samples.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = samples.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx ? sxy / sxx : 0;
}

async function step(api: string, token: string, rate: number | undefined, seconds: number): Promise<LagStep> {
  const samples: [number, number][] = [];
  const [lagSum, lagCount] = await Promise.all([
    system.metric(APP_IDS.backend, `${lagSeries}_sum`),
    system.metric(APP_IDS.backend, `${lagSeries}_count`),
  ]);
  const started = Date.now();
  const run = autocannon({
    url: `${api}/api/tasks`,
    method: 'POST',
    body: JSON.stringify({ title: 'lag bench task' }),
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    connections: CONNECTIONS,
    ...(rate ? { overallRate: rate } : {}),
    duration: seconds,
  });
  const sampling = (async () => {
    while (Date.now() - started < seconds * 1000) {
      samples.push([(Date.now() - started) / 1000, await backlog()]);
      await sleep(1000);
    }
  })();
  const [result] = await Promise.all([run, sampling]);
  const drainStart = Date.now();
  while ((await backlog()) > 0 && Date.now() - drainStart < 600_000) await sleep(250);
  const drained = (Date.now() - drainStart) / 1000;
  const [sum, count] = await Promise.all([
    system.metric(APP_IDS.backend, `${lagSeries}_sum`),
    system.metric(APP_IDS.backend, `${lagSeries}_count`),
  ]);
  const served = result.requests.average;
  const rowsPerSecond = served * 2; // a create writes its task-events and task-updates rows
  const trend = slope(samples.slice(Math.floor(samples.length / 2)));
  const values = samples.map(([, v]) => v);
  return {
    offered: rate ?? 0,
    served,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
    backlogMax: Math.max(...values),
    backlogEnd: values.at(-1) ?? 0,
    slope: trend,
    // bounded: never more than 2 s of writes behind, or over the second half growing by under 2 % of them per second
    bounded: Math.max(...values) <= 2 * rowsPerSecond || trend <= Math.max(1, 0.02 * rowsPerSecond),
    meanLagSeconds: count > lagCount ? (sum - lagSum) / (count - lagCount) : 0,
    drainedSeconds: drained,
    seconds,
    load: loadAverage(),
  };
}

const row = (name: string, s: LagStep) =>
  `| ${name} | ${s.offered ? s.offered.toFixed(0) : 'max'} | ${s.served.toFixed(1)} | ${s.p99} | ${s.errors} | ` +
  `${s.backlogMax} / ${s.backlogEnd} | ${s.slope.toFixed(2)} | ${s.bounded ? 'yes' : '**no**'} | ` +
  `${s.meanLagSeconds.toFixed(2)} | ${s.drainedSeconds.toFixed(1)} s | ${s.load} |`;

async function main() {
  await system.start();
  db = new pg.Pool({ connectionString: system.databaseUrl, max: 1 });
  try {
    const api = `http://127.0.0.1:${system.appPort(APP_IDS.backend)}`;
    const { token } = (await (
      await fetch(`${api}/api/auth/sign-up`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'lag@example.com', password: 'bench password 1' }),
      })
    ).json()) as { token: string };
    console.log(`sidecar: ${kind}, ${CONNECTIONS} connections`);
    console.log(
      '| step | offered creates/s | served/s | p99 ms | errors | backlog max / end | slope rows/s | bounded | mean publish lag s | drained after | load |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    const max = await step(api, token, undefined, Math.min(SECONDS, 30));
    console.log(row('request path unthrottled', max));
    const steps: LagStep[] = [max];
    for (const fraction of args.fractions.split(',').map(Number)) {
      const rate = Math.max(1, Math.round(max.served * fraction));
      const s = await step(api, token, rate, SECONDS);
      steps.push(s);
      console.log(row(`${fraction} × max`, s));
    }
    const highest = steps
      .slice(1)
      .filter((s) => s.bounded)
      .reduce<LagStep | undefined>((best, s) => (!best || s.offered > best.offered ? s : best), undefined);
    let sustained: LagStep | undefined;
    if (highest && Number(args.sustain) > 0) {
      sustained = await step(api, token, highest.offered, Number(args.sustain));
      console.log(row(`held ${args.sustain} s`, sustained));
    }
    const verdict = !sustained
      ? 'no hold run (no bounded rate, or --sustain 0)'
      : sustained.bounded
        ? `the relay kept up with ${sustained.served.toFixed(1)} creates/s for ${args.sustain} s ` +
          `(${((sustained.served / max.served) * 100).toFixed(0)} % of the request path's unthrottled ${max.served.toFixed(1)}/s)`
        : 'no rate stayed bounded for the whole hold';
    console.log(`\n${verdict}`);
    const out = `docs/bench/lag-${kind}`;
    writeFileSync(`${out}.json`, `${JSON.stringify({ kind, connections: CONNECTIONS, steps, sustained }, null, 2)}\n`);
    await writePng(
      lagChart(`outbox backlog vs create rate (${kind})`, [...steps, ...(sustained ? [sustained] : [])]),
      `${out}.png`,
    );
    console.log(`wrote ${out}.json and ${out}.png`);
  } finally {
    await db.end();
    await system.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
