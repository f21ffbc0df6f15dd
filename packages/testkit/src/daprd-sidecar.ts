// Real daprd sidecars for tests, from the same component objects a stand-in takes: the judge of the stand-in.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ComponentResource, ResiliencyResource } from '@todo/local-sidecar';
import { daprdPath, schedulerPath } from '../../../tools/dapr/paths';
import { type KafkaBroker, startKafka } from '../../../tools/kafka/broker';
import { kafkaJarsPresent } from '../../../tools/kafka/fetch';
import { daprdListenFlags } from '../../local-runtime/src/daprd/flags';
import { daprdConfiguration } from '../../local-runtime/src/daprd/name-resolution';
import { schedulerCommandOn } from '../../local-runtime/src/daprd/scheduler';
import { releasePort } from './port-claims';
import { freePortIn } from './port-in';

const READY_TIMEOUT_MS = 60_000;
const alive = new Set<ChildProcess>();
// a test run that dies before afterAll leaves no daprd behind
process.on('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});

export interface DaprdSidecarsOptions {
  apps: { appId: string; appPort?: number }[];
  /** Written as YAML to a temp --resources-path; a pubsub.kafka component gets the brokers of a Kafka started here. */
  components: ComponentResource[];
  /** Resiliency resources, written beside the components. */
  resiliencies?: ResiliencyResource[];
  /** Topics the Kafka broker creates before daprd starts (only when a pubsub.kafka component is given). */
  topics?: string[];
  /** daprd's working directory: where relative paths in component metadata (secretsFile) resolve. */
  baseDir?: string;
  apiToken?: string;
  appToken?: string;
  /** Range the harness takes its ports from (default: a slice of 24000-24999 per jest worker). */
  ports?: [number, number];
  logLevel?: string;
}

/** Why real daprd cannot run here, or undefined when it can (Kafka only matters to tests that publish). */
export function daprdMissing(needKafka = false): string | undefined {
  if (!existsSync(daprdPath())) return `no daprd at ${daprdPath()}: run \`npm run dapr:build\` (needs Go)`;
  if (!existsSync(schedulerPath())) return `no scheduler at ${schedulerPath()}: run \`npm run dapr:build\``;
  if (needKafka && !kafkaJarsPresent()) return 'no Kafka jars: run `node --import tsx tools/kafka/fetch.ts`';
  return undefined;
}

/** 100 ports of 24000-24999 per jest worker, so parallel test files never pick the same port. */
const workerRange = (): [number, number] => {
  const from = 24000 + ((Number(process.env.JEST_WORKER_ID ?? 1) - 1) % 10) * 100;
  return [from, from + 99];
};

const portIn = ([from, to]: [number, number]) => freePortIn(from, to);

async function waitFor(url: string, child: ChildProcess, log: string[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: exited with ${child.exitCode}\n${log.slice(-20).join('')}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} not ready within ${READY_TIMEOUT_MS} ms\n${log.slice(-20).join('')}`);
}

export class DaprdSidecars {
  private readonly children: ChildProcess[] = [];
  private readonly httpPorts = new Map<string, number>();
  private kafka?: KafkaBroker;
  private scheduler?: ChildProcess;
  private readonly ports: number[] = [];
  private dir = '';
  /** The last lines each process wrote, for a failing test to print. */
  readonly logs = new Map<string, string[]>();

  constructor(private readonly options: DaprdSidecarsOptions) {}

  url(appId: string): string {
    return `http://127.0.0.1:${this.httpPorts.get(appId)}`;
  }

  private spawn(name: string, command: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
    const [bin, ...args] = command as [string, ...string[]];
    const child = spawn(bin, args, {
      cwd: this.options.baseDir ?? this.dir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log: string[] = [];
    this.logs.set(name, log);
    const keep = (chunk: Buffer) => {
      log.push(chunk.toString());
      if (log.length > 200) log.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.children.push(child);
    alive.add(child);
    child.once('exit', () => alive.delete(child));
    return child;
  }

  private async port(range: [number, number]): Promise<number> {
    const port = await portIn(range);
    this.ports.push(port);
    return port;
  }

  private async startScheduler(range: [number, number], logLevel: string): Promise<number> {
    const [grpc, healthz, metrics, etcdClient, etcdPeer] = await Promise.all(
      Array.from({ length: 5 }, () => this.port(range)),
    );
    // every element is a port: the tuple only lost that in destructuring
    const ports = { grpc, healthz, metrics, etcdClient, etcdPeer } as Parameters<typeof schedulerCommandOn>[1];
    this.scheduler = this.spawn('scheduler', schedulerCommandOn(this.dir, ports, logLevel));
    await waitFor(`http://127.0.0.1:${healthz}/healthz`, this.scheduler, this.logs.get('scheduler') ?? []);
    return grpc as number;
  }

  async start(): Promise<this> {
    const range = this.options.ports ?? workerRange();
    const logLevel = this.options.logLevel ?? 'warn';
    this.dir = mkdtempSync(join(tmpdir(), 'daprd-sidecars-'));
    const resources = join(this.dir, 'resources');
    mkdirSync(resources);

    const components = structuredClone(this.options.components);
    const kafkaComponents = components.filter((c) => c.spec.type === 'pubsub.kafka');
    if (kafkaComponents.length) {
      const [port, controllerPort] = [await this.port(range), await this.port(range)];
      const topics = this.options.topics ?? [];
      this.kafka = await startKafka({ port, controllerPort, dataDir: join(this.dir, 'kafka'), topics, partitions: 1 });
      for (const c of kafkaComponents) {
        const meta = (c.spec.metadata ?? []).filter((m) => m.name !== 'brokers' && m.name !== 'authType');
        c.spec.metadata = [
          ...meta,
          { name: 'brokers', value: this.kafka.bootstrap },
          { name: 'authType', value: 'none' },
        ];
      }
    }
    // JSON is YAML: one file per resource (components, resiliencies)
    for (const c of [...components, ...(this.options.resiliencies ?? [])]) {
      writeFileSync(
        join(resources, `${c.metadata.name}.yaml`),
        JSON.stringify({ apiVersion: 'dapr.io/v1alpha1', ...c }),
      );
    }

    // always a scheduler: daprd 1.18 reports itself unhealthy (scheduler-watch-hosts) until it reaches one
    const schedulerGrpc = await this.startScheduler(range, logLevel);

    const env = {
      ...(this.options.apiToken ? { DAPR_API_TOKEN: this.options.apiToken } : {}),
      ...(this.options.appToken ? { APP_API_TOKEN: this.options.appToken } : {}),
    };
    const startOne = async ({ appId, appPort }: { appId: string; appPort?: number }) => {
      const [http, grpc, internalGrpc, metrics] = await Promise.all(Array.from({ length: 4 }, () => this.port(range)));
      this.httpPorts.set(appId, http as number);
      const child = this.spawn(
        `daprd-${appId}`,
        [
          daprdPath(),
          '--mode=standalone',
          `--app-id=${appId}`,
          ...(appPort ? [`--app-port=${appPort}`, '--app-protocol=http'] : []),
          '--app-channel-address=127.0.0.1',
          ...daprdListenFlags({
            http: http as number,
            grpc: grpc as number,
            internalGrpc: internalGrpc as number,
            metrics: metrics as number,
          }),
          `--scheduler-host-address=127.0.0.1:${schedulerGrpc}`,
          `--resources-path=${resources}`,
          // app ids resolve among these sidecars only, never another system's on this machine
          `--config=${daprdConfiguration(appId, undefined, this.dir)}`,
          `--log-level=${logLevel}`,
        ],
        env,
      );
      return { appId, child };
    };
    const outbound = async ({ appId, child }: { appId: string; child: ChildProcess }) =>
      waitFor(`${this.url(appId)}/v1.0/healthz/outbound`, child, this.logs.get(`daprd-${appId}`) ?? []);
    // the first one creates the state store's tables alone: two daprd creating them at once race in Postgres
    // ("type dapr_metadata already exists") and the loser exits
    const [first, ...rest] = this.options.apps;
    const started = first ? [await startOne(first)] : [];
    if (started[0]) await outbound(started[0]);
    started.push(...(await Promise.all(rest.map(startOne))));
    // outbound first (what the apps wait for), then full health: the scheduler stream is up, jobs can be scheduled
    await Promise.all(
      started.map(async (one) => {
        await outbound(one);
        await waitFor(`${this.url(one.appId)}/v1.0/healthz`, one.child, this.logs.get(`daprd-${one.appId}`) ?? []);
      }),
    );
    return this;
  }

  async stop(): Promise<void> {
    // daprd first (it drains its Kafka consumers), then the scheduler and the broker
    await Promise.all(this.children.filter((c) => c !== this.scheduler).map(stopProcess));
    if (this.scheduler) await stopProcess(this.scheduler);
    if (this.kafka) {
      const kafka = this.kafka;
      const timer = setTimeout(() => kafka.kill(), 5_000);
      await kafka.stop();
      clearTimeout(timer);
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    for (const port of this.ports) releasePort(port);
  }
}

/** SIGTERM, and SIGKILL if it has not exited within 5 s. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
