// Three real Dapr schedulers forming one embedded etcd cluster on loopback, as the Dapr chart runs them in HA mode
// (statefulset dapr-scheduler-server, 3 replicas, ids dapr-scheduler-server-0..2, `--etcd-initial-cluster` naming
// all three peers), and one daprd given every scheduler's address. Test-only: ports from a base the caller picks.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { daprdPath, schedulerPath } from '../../../tools/dapr/paths';
import { controlPlaneListenFlags, daprdListenFlags } from '../src/daprd/flags';
import { waitUntilReady } from '../src/readiness';

export const SCHEDULER_REPLICAS = 3;
export const schedulerId = (i: number) => `dapr-scheduler-server-${i}`;

/** Scheduler i's ports: base + 10·i + {0 gRPC, 1 healthz, 2 metrics, 3 etcd client, 4 etcd peer}. */
export function clusterSchedulerPorts(base: number, i: number) {
  const p = base + 10 * i;
  return { grpc: p, healthz: p + 1, metrics: p + 2, etcdClient: p + 3, etcdPeer: p + 4 };
}

/** The daprd's and its app's ports, after the schedulers' block. */
export function clusterDaprdPorts(base: number) {
  const p = base + 10 * SCHEDULER_REPLICAS;
  return { http: p, grpc: p + 1, internalGrpc: p + 2, metrics: p + 3, app: p + 4 };
}

/** Every port the cluster and its daprd would take. */
export function allClusterPorts(base: number): number[] {
  const schedulers = Array.from({ length: SCHEDULER_REPLICAS }, (_, i) =>
    Object.values(clusterSchedulerPorts(base, i)),
  ).flat();
  return [...schedulers, ...Object.values(clusterDaprdPorts(base))];
}

/** The ports of `ports` someone already listens on (on 127.0.0.1). */
export async function busyPorts(ports: number[]): Promise<number[]> {
  const busy: number[] = [];
  for (const port of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (!free) busy.push(port);
  }
  return busy;
}

export function schedulerClusterArgs(base: number, i: number, dataDir: string, logLevel = 'info'): string[] {
  const ports = clusterSchedulerPorts(base, i);
  const initialCluster = Array.from(
    { length: SCHEDULER_REPLICAS },
    (_, j) => `${schedulerId(j)}=http://127.0.0.1:${clusterSchedulerPorts(base, j).etcdPeer}`,
  ).join(',');
  return [
    '--mode=standalone',
    `--id=${schedulerId(i)}`,
    ...controlPlaneListenFlags(ports),
    `--etcd-data-dir=${dataDir}`,
    '--etcd-client-listen-address=127.0.0.1',
    `--etcd-client-port=${ports.etcdClient}`,
    // The etcd peer URL of this member is its own entry here (listen and advertise): no separate peer-port flag.
    `--etcd-initial-cluster=${initialCluster}`,
    `--log-level=${logLevel}`,
  ];
}

export function daprdClusterArgs(base: number, appId: string, resourcesPath: string, logLevel = 'info'): string[] {
  const ports = clusterDaprdPorts(base);
  const schedulers = Array.from(
    { length: SCHEDULER_REPLICAS },
    (_, i) => `127.0.0.1:${clusterSchedulerPorts(base, i).grpc}`,
  );
  return [
    '--mode=standalone',
    `--app-id=${appId}`,
    `--app-port=${ports.app}`,
    '--app-protocol=http',
    '--app-channel-address=127.0.0.1',
    ...daprdListenFlags(ports),
    `--scheduler-host-address=${schedulers.join(',')}`,
    `--resources-path=${resourcesPath}`,
    '--dapr-graceful-shutdown-seconds=1',
    `--log-level=${logLevel}`,
  ];
}

/** A child process whose output goes to a log file; `exited` resolves once it is gone. */
export class Proc {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private readonly log: WriteStream;
  private gone = false;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    readonly logFile: string,
  ) {
    this.log = createWriteStream(logFile);
    this.child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
    this.child.stdout?.pipe(this.log, { end: false });
    this.child.stderr?.pipe(this.log, { end: false });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.gone = true;
        this.log.end(`\n[${name} exited: code ${code} signal ${signal}]\n`);
        resolve(code);
      });
      this.child.once('error', (error) => {
        this.gone = true;
        this.log.end(`\n[${name} failed to start: ${error.message}]\n`);
        resolve(null);
      });
    });
  }

  get alive(): boolean {
    return !this.gone;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** SIGKILL, then wait (bounded) until it is gone. */
  async kill(): Promise<void> {
    if (!this.gone && this.child.pid !== undefined) {
      try {
        process.kill(this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
    clearTimeout(timer);
  }
}

export interface SchedulerCluster {
  schedulers: Proc[];
  stop(): Promise<void>;
}

/** Starts all three members at once (each waits for its peers to form the etcd cluster) and waits for healthz. */
export async function startSchedulerCluster(
  base: number,
  workDir: string,
  timeoutMs = 45_000,
): Promise<SchedulerCluster> {
  const schedulers = Array.from({ length: SCHEDULER_REPLICAS }, (_, i) => {
    const dataDir = join(workDir, `scheduler-${i}`);
    mkdirSync(dataDir, { recursive: true });
    return new Proc(
      schedulerId(i),
      schedulerPath(),
      schedulerClusterArgs(base, i, dataDir),
      join(workDir, `scheduler-${i}.log`),
    );
  });
  const cluster = { schedulers, stop: () => Promise.all(schedulers.map((s) => s.kill())).then(() => undefined) };
  try {
    await Promise.all(
      schedulers.map((s, i) =>
        waitUntilReady(`http://127.0.0.1:${clusterSchedulerPorts(base, i).healthz}/healthz`, timeoutMs, () => s.alive),
      ),
    );
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

export async function startDaprd(base: number, appId: string, resourcesPath: string, workDir: string): Promise<Proc> {
  const daprd = new Proc(
    'daprd',
    daprdPath(),
    daprdClusterArgs(base, appId, resourcesPath),
    join(workDir, 'daprd.log'),
  );
  try {
    await waitUntilReady(`http://127.0.0.1:${clusterDaprdPorts(base).http}/v1.0/healthz`, 30_000, () => daprd.alive);
  } catch (error) {
    await daprd.kill();
    throw error;
  }
  return daprd;
}

/** The etcd member id of the raft leader and of each member, through etcd's gRPC gateway on the client port. */
export async function etcdStatus(base: number, i: number): Promise<{ memberId: string; leader: string } | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${clusterSchedulerPorts(base, i).etcdClient}/v3/maintenance/status`, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.timeout(2_000),
    });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { header?: { member_id?: string }; leader?: string };
    if (!body.header?.member_id || !body.leader) return undefined;
    return { memberId: body.header.member_id, leader: body.leader };
  } catch {
    return undefined;
  }
}

/** Which scheduler (index) is the etcd raft leader, if the members say so. */
export async function etcdLeaderIndex(base: number): Promise<number | undefined> {
  const statuses = await Promise.all(Array.from({ length: SCHEDULER_REPLICAS }, (_, i) => etcdStatus(base, i)));
  const index = statuses.findIndex((s) => s !== undefined && s.memberId === s.leader);
  return index >= 0 ? index : undefined;
}
