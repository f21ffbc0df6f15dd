// `npm run bench:profile`: where the backend spends its CPU while creating tasks at 32 connections (PROFILE_CONNECTIONS
// to change it; the request path;
// PROFILE_RELAY=on adds the relay; PROFILE_SCENARIO=list profiles `npm run bench`'s filtered list of 2,000 tasks
// instead; PROFILE_APP=notification-service or recurring-task-service profiles that app handling the creates' events,
// the relay on). Runs the profiled app's bundle (as deployed) with --cpu-prof beside the stand-in, loads the backend
// with autocannon, and prints the functions and the packages with the most self time. The .cpuprofile stays in
// test-results/ for Chrome DevTools or speedscope.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import { ALL_APP_IDS, APP_IDS } from '@todo/contracts';
import { BundleSystem } from '@todo/testkit';
import autocannon from 'autocannon';
import { seedTasks } from './seed';

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'test-results', 'profile');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** PROFILE_CONNECTIONS=4: the load at 4 connections, where latency rather than throughput bounds the whole system. */
const CONNECTIONS = Number(process.env.PROFILE_CONNECTIONS ?? 32);
/** The app whose CPU is profiled: the backend unless PROFILE_APP names another. */
const PROFILED = ALL_APP_IDS.find((id) => id === process.env.PROFILE_APP) ?? APP_IDS.backend;
/** PROFILE_RELAY=on profiles the relay's work too; by default the request path alone (a consumer needs the events). */
const PROFILE_RELAY = process.env.PROFILE_RELAY === 'on' || PROFILED !== APP_IDS.backend ? 'on' : 'off';
/** PROFILE_SCENARIO=list: the filtered, sorted page of `npm run bench`; by default the create. */
const SCENARIO = process.env.PROFILE_SCENARIO === 'list' ? 'list' : 'create';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
}

/** Frames in a bundle, traced back through its source map to the file they were bundled from. */
const maps = new Map<string, TraceMap | undefined>();
function original(frame: ProfileNode['callFrame']): string {
  if (!frame.url.endsWith('.js') || frame.url.startsWith('node:')) return frame.url;
  const path = frame.url.replace(/^file:\/\//, '');
  if (!maps.has(path)) {
    maps.set(path, existsSync(`${path}.map`) ? new TraceMap(readFileSync(`${path}.map`, 'utf8')) : undefined);
  }
  const map = maps.get(path);
  if (!map) return frame.url;
  const position = originalPositionFor(map, { line: frame.lineNumber + 1, column: frame.columnNumber });
  return position.source ? `${resolve(dirname(path), position.source)}:${position.line}` : frame.url;
}

/** Where a frame's code comes from: a package, the project's own code, Node itself, or the garbage collector. */
function owner(url: string, name: string): string {
  if (name === '(garbage collector)' || name === '(program)' || name === '(idle)') return name;
  if (!url) return '(native)';
  if (url.startsWith('node:')) return 'node';
  const source = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (source) return source;
  const app = /apps\/([^/]+)\/src|packages\/([^/]+)\/src/.exec(url);
  return app ? `ours: ${app[1] ?? app[2]}` : url;
}

async function main() {
  execFileSync(process.execPath, ['--import', 'tsx', 'tools/build.ts'], { cwd: ROOT, stdio: 'pipe' });
  mkdirSync(OUT, { recursive: true });
  const system = new BundleSystem();
  await system.start();
  try {
    for (const id of ALL_APP_IDS) {
      await system.startApp(id, {
        // the profile is written from the heap at exit: room for it above the deployed cap (128 MB)
        ...(id === PROFILED ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${OUT}`, '--max-old-space-size=512'] } : {}),
        ...(id === APP_IDS.backend ? { env: { OUTBOX_RELAY: PROFILE_RELAY } } : {}),
      });
    }
    const api = `http://127.0.0.1:${system.port(APP_IDS.backend)}`;
    const signUp = await fetch(`${api}/api/auth/sign-up`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'profile@example.com', password: 'profile password 1' }),
    });
    const { token } = (await signUp.json()) as { token: string };
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    if (SCENARIO === 'list') await seedTasks(`${api}/api/tasks`, token);
    const result = await autocannon({
      ...(SCENARIO === 'list'
        ? { url: `${api}/api/tasks?status=open&priority=high,medium&sort=due&limit=50` }
        : {
            url: `${api}/api/tasks`,
            method: 'POST' as const,
            body: JSON.stringify({ title: 'profiled task', tags: ['a', 'b'], priority: 'high' }),
          }),
      headers,
      connections: CONNECTIONS,
      duration: SECONDS,
    });
    console.log(
      `${SCENARIO === 'list' ? 'list tasks' : 'create task'}, ${PROFILED} bundle profiled (relay ${PROFILE_RELAY}), ${CONNECTIONS} connections, ${SECONDS} s: ${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${result.non2xx + result.errors} errors`,
    );
    await system.stopApp(PROFILED);
  } finally {
    await system.stop();
  }
  const file = readdirSync(OUT)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .at(-1);
  if (!file) throw new Error('no CPU profile was written');
  const profile = JSON.parse(readFileSync(join(OUT, file), 'utf8')) as {
    nodes: ProfileNode[];
    startTime: number;
    endTime: number;
    samples: number[];
  };
  const total = profile.samples.length;
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const { functionName } = node.callFrame;
    const source = original(node.callFrame);
    const where = owner(source, functionName);
    const key = `${functionName || '(anonymous)'} — ${source.startsWith('node:') || !source ? where : source.replace(/^.*node_modules\//, '')}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
    byOwner.set(where, (byOwner.get(where) ?? 0) + hits);
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, hits]) => `| ${((hits / total) * 100).toFixed(1)} % | ${name} |`)
      .join('\n');
  console.log(`\nprofile: ${join('test-results', 'profile', file)} (${total} samples over the whole run)`);
  console.log(`\n| self time | where |\n|---|---|\n${top(byOwner, 15)}`);
  console.log(`\n| self time | function |\n|---|---|\n${top(byFunction, 20)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
