// `npm run bench:memory [-- --minutes 5]`: the backend as deployed (its esbuild bundle on plain node, beside the
// other bundles and the stand-in) under mixed load — creates, lists, searches, updates, completes, deletes and chat
// turns — for N minutes; its RSS every 10 s against the 200 MB target; then, if over it or growing (or --snapshots), a
// heap snapshot diff over one more minute naming what grew. Build first (`npm run build`). Not in npm test.
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ALL_APP_IDS, APP_IDS } from '@todo/contracts';
import { BundleSystem, deployedRuntime } from '@todo/testkit';
import { heapByConstructor, heapGrowth } from './heap-diff';
import { rssMb } from './measure';
import { MixedLoad } from './mixed-load';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    users: { type: 'string', default: '4' },
    'target-mb': { type: 'string', default: '200' },
    snapshots: { type: 'boolean', default: false },
  },
});
const TARGET_MB = Number(args['target-mb']);

/** Writes a heap snapshot of the backend (started with --heapsnapshot-signal) and answers its path once complete. */
async function snapshot(system: BundleSystem): Promise<string> {
  const existing = new Set(readdirSync(system.dir));
  process.kill(system.pid(APP_IDS.backend), 'SIGUSR2');
  for (let waited = 0; waited < 600_000; waited += 500) {
    await sleep(500);
    const written = readdirSync(system.dir).find((f) => f.endsWith('.heapsnapshot') && !existing.has(f));
    if (!written) continue;
    // V8 writes the JSON in one pass: complete when it ends with the closing brackets of its last array and object
    const path = join(system.dir, written);
    const size = statSync(path).size;
    if (size < 2) continue;
    const tail = Buffer.alloc(Math.min(size, 16));
    const fd = openSync(path, 'r');
    readSync(fd, tail, 0, tail.length, size - tail.length);
    closeSync(fd);
    if (/\]\s*\}\s*$/.test(tail.toString())) return path;
  }
  throw new Error('the backend wrote no heap snapshot');
}

async function main() {
  const deployed = deployedRuntime();
  console.log(`as the Dockerfile runs it: node ${deployed.nodeArgs.join(' ')}, ${JSON.stringify(deployed.env)}`);
  const system = new BundleSystem();
  await system.start();
  try {
    for (const id of ALL_APP_IDS) {
      await system.startApp(id, {
        nodeArgs: id === APP_IDS.backend ? ['--heapsnapshot-signal=SIGUSR2'] : [],
      });
    }
    const backend = system.pid(APP_IDS.backend);
    const idle = rssMb(backend);
    const load = new MixedLoad(`http://127.0.0.1:${system.port(APP_IDS.backend)}`, {
      description: 'A task description long enough to matter. '.repeat(40),
      keepTasks: 100,
      workersPerUser: 2,
      chat: true,
    });
    const users = Array.from({ length: Number(args.users) }, (_, n) => load.user(n).catch((e) => (load.failure = e)));
    // warm-up: caches, JIT and pools fill in the first 30 s
    await sleep(30_000);
    load.take();
    // RSS without heap snapshots (writing one costs the process hundreds of MB it keeps)
    const samples: { second: number; rss: number; requests: number; errors: number; p50: number; p99: number }[] = [];
    const started = Date.now();
    while (Date.now() - started < Number(args.minutes) * 60_000) {
      await sleep(10_000);
      if (load.failure) throw load.failure;
      samples.push({ second: Math.round((Date.now() - started) / 1000), rss: rssMb(backend), ...load.take() });
      const s = samples.at(-1) as (typeof samples)[number];
      console.log(
        `${s.second} s: RSS ${s.rss.toFixed(0)} MB, ${s.requests} req, ${s.errors} errors, p99 ${s.p99.toFixed(0)} ms`,
      );
    }
    const rss = samples.map((s) => s.rss);
    const requests = samples.reduce((n, s) => n + s.requests, 0);
    const errors = samples.reduce((n, s) => n + s.errors, 0);
    const max = Math.max(...rss);
    const grew = (rss.at(-1) ?? 0) - (rss[Math.floor(rss.length / 2)] ?? 0);
    console.log(
      `\nbackend bundle RSS: idle ${idle.toFixed(0)} MB; under load first ${rss[0]?.toFixed(0)}, max ${max.toFixed(0)}, ` +
        `last ${rss.at(-1)?.toFixed(0)} MB over ${args.minutes} min (${requests} requests, ${errors} errors, ` +
        `second half ${grew >= 0 ? '+' : ''}${grew.toFixed(0)} MB); target ≤ ${TARGET_MB} MB: ${max <= TARGET_MB ? 'met' : 'NOT MET'}`,
    );
    if (max > TARGET_MB || grew > 10 || args.snapshots) {
      // what holds the memory: two snapshots a minute of load apart, diffed by constructor
      const first = await snapshot(system);
      await sleep(60_000);
      const last = await snapshot(system);
      console.log('\nheap growth over one more minute of load, by constructor (self size):');
      console.log('| constructor | grew KB | grew count | size at end KB |\n|---|---|---|---|');
      const live = [...heapByConstructor(last).values()].reduce((n, e) => n + e.size, 0);
      console.log(`live heap at the end (the snapshot collects garbage first): ${(live / 2 ** 20).toFixed(1)} MB`);
      for (const g of heapGrowth(first, last)) {
        console.log(
          `| ${g.name} | ${(g.grewBytes / 1024).toFixed(0)} | ${g.grewCount} | ${(g.size / 1024).toFixed(0)} |`,
        );
      }
    }
    load.stopped = true;
    await Promise.all(users);
    if (max > TARGET_MB) process.exitCode = 1;
  } finally {
    await system.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
