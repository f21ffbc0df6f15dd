// `npm run bench:sidecars`: what the sidecar costs, the stand-in beside real daprd + the scheduler + Kafka, on the
// same scenarios: a list through the frontend's Dapr invocation (and straight to the backend, to see the hop), a
// create until its task-update reaches the browser's stream (pub/sub), reminder lateness (Jobs API + pub/sub), and the
// memory of the sidecar processes. Each runtime gets a fresh system and database; needs `npm run dapr:build`.
import { cpus } from 'node:os';
import { APP_IDS } from '@todo/contracts';
import { LocalSystem, type SidecarKind } from '@todo/testkit';
import { CONNECTIONS, DURATION, type Load, load, percentile, rssMb, sidecarPids } from './measure';
import { reminderLateness, updateLatencies } from './stream-latency';

interface Figures {
  listViaFrontend: Load;
  listDirect: Load;
  updates: number[];
  lateness: number[];
  sidecarRssMb: number;
}

const LIST = '/api/tasks?status=open&sort=due&limit=50';

async function measure(kind: SidecarKind): Promise<Figures> {
  process.env.TODO_SIDECAR = kind;
  const system = new LocalSystem({ logLevel: 'warn' });
  await system.start();
  try {
    const backend = `http://127.0.0.1:${system.appPort(APP_IDS.backend)}`;
    const { json } = await system.call(APP_IDS.backend, '/api/auth/sign-up', {
      body: { email: 'bench@example.com', password: 'bench password 1' },
    });
    const token = json.token as string;
    for (let i = 0; i < 500; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          system.call(APP_IDS.backend, '/api/tasks', { token, body: { title: `task ${i + j}` } }),
        ),
      );
    }
    // let the relay and the consumers finish with the seeding before timing anything
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const listViaFrontend = await load(`http://127.0.0.1:${system.appPort(APP_IDS.frontend)}${LIST}`, { token });
    const listDirect = await load(`${backend}${LIST}`, { token });
    const updates = await updateLatencies(system, token);
    const lateness = await reminderLateness(system, token);
    const sidecarRssMb = sidecarPids(system).reduce((sum, pid) => sum + rssMb(pid), 0);
    return { listViaFrontend, listDirect, updates, lateness, sidecarRssMb };
  } finally {
    await system.stop();
  }
}

async function main() {
  const standin = await measure('standin');
  const daprd = await measure('daprd');
  const row = (name: string, pick: (f: Figures) => string) =>
    console.log(`| ${name} | ${pick(standin)} | ${pick(daprd)} |`);
  const rps = (l: Load) =>
    `${l.rps.toFixed(0)} req/s, p50 ${l.p50} / p99 ${l.p99} ms${l.bad ? `, ${l.bad} errors` : ''}`;
  const spread = (values: number[], n: number) =>
    `${values.length}/${n}: p50 ${percentile(values, 50)}, p99 ${percentile(values, 99)}, max ${Math.max(...values)} ms`;
  console.log(
    `\n## The sidecar's cost (${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, ${DURATION} s runs, ${CONNECTIONS} connections)\n`,
  );
  console.log('| scenario | stand-in | daprd 1.18 + scheduler + Kafka |\n|---|---|---|');
  row('list via the frontend (Dapr invocation)', (f) => rps(f.listViaFrontend));
  row('the same list straight to the backend', (f) => rps(f.listDirect));
  row(
    'invocation hop, share of the direct req/s',
    (f) => `${((f.listViaFrontend.rps / f.listDirect.rps) * 100).toFixed(0)} %`,
  );
  row('create → task-update at the stream (publish → delivery)', (f) => spread(f.updates, 50));
  row('reminder lateness at the stream (Jobs API → pub/sub)', (f) => spread(f.lateness, 100));
  row('sidecar processes, RSS after the runs', (f) => `${f.sidecarRssMb.toFixed(0)} MB`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
