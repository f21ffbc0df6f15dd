// `npm run bench:bodies`: a burst of oversized request bodies against the running system (npm start, stand-in), and
// the memory of every process before, right after and 10 s after. Each body is streamed chunked (no declared length,
// the case a limit must count as it reads) and as a declared length (refused unread). Prints; does not judge.
import { request } from 'node:http';
import { ALL_APP_IDS, APP_IDS, type AppId } from '@todo/contracts';
import { LocalSystem } from '@todo/testkit';
import { rssMb } from './measure';

const BODY_MB = Number(process.env.BENCH_BODY_MB ?? 64);
const REQUESTS = Number(process.env.BENCH_BODY_REQUESTS ?? 8);
const system = new LocalSystem({ logLevel: 'warn' });

/** Streams `mb` MiB to `path` (chunked, or with a declared length) and resolves with the status, or 0 if cut off. */
function send(port: number, path: string, mb: number, chunked: boolean): Promise<number> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (!chunked) headers['content-length'] = String(mb * 2 ** 20);
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    const chunk = Buffer.alloc(2 ** 20, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < mb) {
        sent += 1;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

async function main() {
  await system.start();
  const names = [...ALL_APP_IDS, 'dapr-standin'] as const;
  const rss = () => Object.fromEntries(names.map((n) => [n, rssMb(system.pid(n as AppId | 'dapr-standin'))]));
  const before = rss();
  const statuses: number[] = [];
  for (const chunked of [true, false]) {
    for (let i = 0; i < REQUESTS; i += 1) {
      statuses.push(await send(system.appPort(APP_IDS.frontend), '/api/auth/sign-in', BODY_MB, chunked));
      statuses.push(await send(system.appPort(APP_IDS.backend), '/api/auth/sign-in', BODY_MB, chunked));
    }
  }
  const right = rss();
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const later = rss();
  const counts: Record<string, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  console.log(
    `\n${statuses.length} bodies of ${BODY_MB} MiB (half chunked, half declared) to the frontend and the backend: statuses ${JSON.stringify(counts)}\n`,
  );
  console.log('| process | RSS before | right after | 10 s after |\n|---|---|---|---|');
  for (const n of names) {
    console.log(`| ${n} | ${before[n]?.toFixed(0)} MB | ${right[n]?.toFixed(0)} MB | ${later[n]?.toFixed(0)} MB |`);
  }
  await system.stop();
}

main().catch(async (error) => {
  console.error(error);
  await system.stop().catch(() => undefined);
  process.exit(1);
});
