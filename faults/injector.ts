// The faults, one after another: kill -9 each service (npm start restarts it, as Kubernetes would), kill -9 the
// stand-in sidecar (or, on real daprd, each daprd, the scheduler and the Kafka broker), crash Postgres. After each,
// wait until the system answers again and say how long it took.
import { setTimeout as sleep } from 'node:timers/promises';
import { ALL_APP_IDS } from '@todo/contracts';
import type { LocalSystem } from '@todo/testkit';
import type { PrivatePostgres } from './postgres';

export interface FaultRecord {
  fault: string;
  atChange: number;
  recoveredMs: number;
}

/** The processes of the system the suite kills, by their name in pids.json. */
type Victim = Parameters<LocalSystem['pid']>[0];
/** A broker on a loaded machine takes a while: the runtime records its new pid only once its topics are ready. */
const RESTART_TIMEOUT_MS = 90_000;

async function allReady(system: LocalSystem, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await Promise.all(
      system.apps.map((app) =>
        fetch(`http://127.0.0.1:${app.appPort}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
          (r) => r.ok,
          () => false,
        ),
      ),
    );
    if (ok.every(Boolean)) return;
    if (Date.now() > deadline) throw new Error(`not ready ${timeoutMs / 1000} s after a fault: ${ok.join(', ')}`);
    await sleep(200);
  }
}

async function killAndAwaitRestart(system: LocalSystem, name: Victim): Promise<void> {
  const before = system.pid(name);
  process.kill(before, 'SIGKILL');
  const deadline = Date.now() + RESTART_TIMEOUT_MS;
  while (system.pid(name) === before) {
    if (Date.now() > deadline) throw new Error(`${name} was not restarted after kill -9`);
    await sleep(100);
  }
}

export function faultPlan(system: LocalSystem, postgres: PrivatePostgres) {
  const kill = (name: Victim) => ({
    fault: `kill -9 ${name}`,
    inject: () => killAndAwaitRestart(system, name),
  });
  const sidecars =
    system.sidecarKind === 'daprd'
      ? [...ALL_APP_IDS.map((id) => kill(`daprd-${id}` as const)), kill('dapr-scheduler'), kill('kafka')]
      : [kill('dapr-standin')];
  // second replicas go down too (on daprd, one of them by its sidecar): the first replica carries on meanwhile
  const replicas = system.apps
    .filter((a) => a.replica > 1)
    .map((a, i) => kill((i % 2 === 1 && system.sidecarKind === 'daprd' ? `daprd-${a.name}` : a.name) as Victim));
  return [
    ...ALL_APP_IDS.map(kill),
    ...sidecars,
    ...replicas,
    {
      fault: 'Postgres crash (immediate stop), down 2 s, start',
      inject: async () => {
        postgres.crash();
        await sleep(2_000);
        postgres.start();
      },
    },
  ];
}

/** Runs each fault once the stream has made `every` more changes, until the plan is done. */
export async function injectFaults(
  plan: ReturnType<typeof faultPlan>,
  system: LocalSystem,
  changesDone: () => number,
  every: number,
  log: (line: string) => void,
): Promise<FaultRecord[]> {
  const records: FaultRecord[] = [];
  for (const [index, step] of plan.entries()) {
    while (changesDone() < (index + 1) * every) await sleep(50);
    const atChange = changesDone();
    const started = Date.now();
    await step.inject();
    await allReady(system);
    const recoveredMs = Date.now() - started;
    records.push({ fault: step.fault, atChange, recoveredMs });
    log(`  ${step.fault} at change ${atChange}: every app ready again after ${(recoveredMs / 1000).toFixed(1)} s`);
  }
  return records;
}
