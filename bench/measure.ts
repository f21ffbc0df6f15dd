// What every benchmark measures with: autocannon runs, percentiles, process memory and CPU, a table row.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ALL_APP_IDS } from '@todo/contracts';
import type { LocalSystem } from '@todo/testkit';
import autocannon from 'autocannon';

export const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
export const CONNECTIONS = 32;

export const rssMb = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
};

/** The processes that stand beside the apps: the one stand-in, or every daprd, the scheduler and the broker. */
export function sidecarPids(system: LocalSystem): number[] {
  if (system.sidecarKind === 'standin') return [system.pid('dapr-standin')];
  return [...ALL_APP_IDS.map((id) => system.pid(`daprd-${id}`)), system.pid('dapr-scheduler'), system.pid('kafka')];
}

/** CPU seconds (user and system) the processes have used so far; one that has exited counts nothing. */
export const cpuSeconds = (pids: number[]) =>
  pids.reduce((sum, pid) => {
    try {
      // the fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in clock ticks
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return sum + (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return sum;
    }
  }, 0);

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

export async function load(
  url: string,
  init: {
    method?: 'GET' | 'POST';
    body?: string;
    token: string;
    connections?: number;
    /** A fresh Idempotency-Key on every request, as the browser sends its creates. */
    keyed?: boolean;
  },
) {
  const result = await autocannon({
    url,
    method: init.method ?? 'GET',
    body: init.body,
    headers: { authorization: `Bearer ${init.token}`, 'content-type': 'application/json' },
    connections: init.connections ?? CONNECTIONS,
    duration: DURATION,
    ...(init.keyed && {
      requests: [
        {
          setupRequest: (request: autocannon.Request) => ({
            ...request,
            headers: { ...request.headers, 'idempotency-key': randomUUID() },
          }),
        },
      ],
    }),
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, bad };
}

export type Load = Awaited<ReturnType<typeof load>>;

/** One table row: ours beside the baseline's figures (when there is a baseline) and the ratio of req/s. */
export function comparison(name: string, ours: Load, theirs?: Load): string[] {
  return [
    name,
    ours.rps.toFixed(0),
    `${ours.p50} / ${ours.p99}`,
    theirs ? theirs.rps.toFixed(0) : '—',
    theirs ? `${theirs.p50} / ${theirs.p99}` : '—',
    theirs ? `${((ours.rps / theirs.rps) * 100).toFixed(0)} %` : '—',
    String(ours.bad),
  ];
}
