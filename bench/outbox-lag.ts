// `npm run bench:lag [-- --rates 20,40,80 --seconds 60]`: whether the outbox relay keeps up with a steady create rate
// on the whole system (npm start's processes, the stand-in): the backlog sampled every second stays bounded or grows.
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { APP_IDS } from '@todo/contracts';
import { LocalSystem } from '@todo/testkit';
import autocannon from 'autocannon';

const { values: args } = parseArgs({
  options: { rates: { type: 'string', default: '20,40,80,160' }, seconds: { type: 'string', default: '60' } },
});
const SECONDS = Number(args.seconds);
const system = new LocalSystem(1700, 'warn');
const backlog = () => system.metric(APP_IDS.backend, 'todo_outbox_backlog');
const load = () =>
  execFileSync('uptime')
    .toString()
    .trim()
    .replace(/.*load average/, 'load average');

/** Least-squares slope of the backlog over time, rows per second. */
function slope(samples: [number, number][]): number {
  const n = samples.length;
  const mx = samples.reduce((s, [x]) => s + x, 0) / n;
  const my = samples.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = samples.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = samples.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx ? sxy / sxx : 0;
}

async function main() {
  await system.start();
  try {
    const api = `http://127.0.0.1:${system.appPort(APP_IDS.backend)}`;
    const { token } = (await (
      await fetch(`${api}/api/auth/sign-up`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'lag@example.com', password: 'bench password 1' }),
      })
    ).json()) as { token: string };
    console.log(
      '| offered creates/s | served/s | errors | backlog start → end (max) | backlog slope rows/s | drained after | load |',
    );
    console.log('|---|---|---|---|---|---|---|');
    for (const rate of args.rates.split(',').map(Number)) {
      const samples: [number, number][] = [];
      const started = Date.now();
      const run = autocannon({
        url: `${api}/api/tasks`,
        method: 'POST',
        body: JSON.stringify({ title: 'lag bench task' }),
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        connections: 16,
        overallRate: rate,
        duration: SECONDS,
      });
      const sampling = (async () => {
        while (Date.now() - started < SECONDS * 1000) {
          samples.push([(Date.now() - started) / 1000, await backlog()]);
          await sleep(1000);
        }
      })();
      const [result] = await Promise.all([run, sampling]);
      const drainStart = Date.now();
      while ((await backlog()) > 0 && Date.now() - drainStart < 300_000) await sleep(500);
      const values = samples.map(([, v]) => v);
      console.log(
        `| ${rate} | ${result.requests.average.toFixed(0)} | ${result.non2xx + result.errors + result.timeouts} | ` +
          `${values[0]} → ${values.at(-1)} (${Math.max(...values)}) | ${slope(samples.slice(samples.length / 2)).toFixed(1)} | ` +
          `${((Date.now() - drainStart) / 1000).toFixed(0)} s | ${load()} |`,
      );
    }
  } finally {
    await system.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
