// What every benchmark measures with: autocannon runs, percentiles, process memory, a table row.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
export const CONNECTIONS = 32;

export const rssMb = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
};

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
