// The whole system as `npm start` runs it, on a fresh Postgres database and ports found free at start, for system tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppId } from '@todo/contracts';
import { type RunApp, readRunFile } from '@todo/local-sidecar';
import pg from 'pg';
import { readTopic } from '../../../tools/kafka/read-topic';
import { kafkaPorts } from '../../local-runtime/src/daprd/ports';
import { freshDatabase } from './index';
import { claimPortOffset, type PortClaim, systemPorts } from './system-ports';

const ROOT = join(__dirname, '..', '..', '..');

/** Which sidecars `npm start` runs: the stand-in, or real daprd with a Kafka broker (TODO_SIDECAR=daprd). */
export type SidecarKind = 'standin' | 'daprd';
export const sidecarKind = (): SidecarKind => (process.env.TODO_SIDECAR === 'daprd' ? 'daprd' : 'standin');

/** One process's name in pids.json: an app or its replica (`backend-2`), a sidecar, or an engine. */
type ProcessName =
  | AppId
  | `${AppId}-${number}`
  | 'dapr-standin'
  | 'kafka'
  | 'dapr-scheduler'
  | `daprd-${AppId}`
  | `daprd-${AppId}-${number}`;

export interface LocalSystemOptions {
  /** LOG_LEVEL of every process (TEST_LOG_LEVEL, else warn). */
  logLevel?: string;
  /** The Postgres server to make the system's database on (the test server by default). */
  adminUrl?: string;
  /** Copies of apps to run beside the first (TODO_REPLICAS), e.g. `{ backend: 2 }`. */
  replicas?: Partial<Record<AppId, number>>;
}

export class LocalSystem {
  readonly sidecarKind = sidecarKind();
  readonly apiToken = `api-${Math.random().toString(36).slice(2)}`;
  readonly appToken = `app-${Math.random().toString(36).slice(2)}`;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'system-'));
  readonly replicas: Partial<Record<AppId, number>>;
  private readonly logLevel: string;
  private readonly adminUrl?: string;
  private process?: ChildProcess;
  private db?: Awaited<ReturnType<typeof freshDatabase>>;
  private ports?: PortClaim;
  private log = '';
  private runApps?: RunApp[];

  constructor(options: LocalSystemOptions = {}) {
    this.logLevel = options.logLevel ?? process.env.TEST_LOG_LEVEL ?? 'warn';
    this.adminUrl = options.adminUrl;
    this.replicas = options.replicas ?? {};
  }

  private get replicaCounts(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.replicas).map(([id, n]) => [id, n ?? 1]));
  }

  private get replicasText(): string {
    return Object.entries(this.replicaCounts)
      .map(([id, n]) => `${id}=${n}`)
      .join(',');
  }

  /** What every port of the system is shifted by (TODO_PORT_OFFSET): chosen at start, where all of them are free. */
  get portOffset(): number {
    if (!this.ports) throw new Error('start the system first: its ports are found then');
    return this.ports.offset;
  }

  /** Every app process the system runs, replicas included, with its ports (as the runner reads dapr.yaml). */
  get apps(): RunApp[] {
    this.runApps ??= readRunFile(join(ROOT, 'dapr.yaml'), {
      portOffset: this.portOffset,
      replicas: this.replicaCounts,
    }).apps;
    return this.runApps;
  }

  private app(appId: AppId, replica: number): RunApp {
    const app = this.apps.find((a) => a.appId === appId && a.replica === replica);
    if (!app) throw new Error(`the system runs no replica ${replica} of ${appId}`);
    return app;
  }

  get databaseUrl(): string {
    if (!this.db) throw new Error('start the system first');
    return this.db.url;
  }

  appPort(appId: AppId, replica = 1): number {
    const port = this.app(appId, replica).appPort;
    if (port === undefined) throw new Error(`${appId} has no port`);
    return port;
  }

  /** Where the app serves Prometheus metrics (its port + 1000, as the apps default to). */
  metricsPort(appId: AppId, replica = 1): number {
    return this.appPort(appId, replica) + 1000;
  }

  sidecarPort(appId: AppId, replica = 1): number {
    return this.app(appId, replica).daprHttpPort;
  }

  output(): string {
    return this.log;
  }

  async start(timeoutMs = 90_000): Promise<void> {
    this.ports = await claimPortOffset((offset) =>
      systemPorts(offset, this.replicaCounts, this.sidecarKind === 'daprd'),
    );
    this.db = await freshDatabase(this.adminUrl);
    this.process = spawn(process.execPath, ['--import', 'tsx', 'packages/local-runtime/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: this.db.url,
        TODO_DATA_DIR: this.dataDir,
        TODO_PORT_OFFSET: String(this.portOffset),
        DAPR_API_TOKEN: this.apiToken,
        APP_API_TOKEN: this.appToken,
        LOG_LEVEL: this.logLevel,
        TODO_REPLICAS: this.replicasText,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout?.on('data', (chunk) => {
      this.log += chunk;
    });
    this.process.stderr?.on('data', (chunk) => {
      this.log += chunk;
    });
    const deadline = Date.now() + timeoutMs;
    while (!this.log.includes('apps ready in')) {
      if (this.process.exitCode !== null) throw new Error(`npm start exited:\n${this.log}`);
      if (Date.now() > deadline) throw new Error(`npm start was not ready within ${timeoutMs} ms:\n${this.log}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    const proc = this.process;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGINT');
      });
    }
    this.ports?.release();
    await this.db?.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** The pid of one process of the system (to stop it in a test). */
  pid(name: ProcessName): number {
    const pids = JSON.parse(readFileSync(join(this.dataDir, 'pids.json'), 'utf8')) as Record<string, number>;
    const pid = pids[name];
    if (!pid) throw new Error(`no pid for ${name}`);
    return pid;
  }

  /** Starts one app again by hand, as npm start did (after a test stopped it). */
  startApp(appId: AppId, dir: string): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: join(ROOT, 'apps', dir),
      env: {
        ...process.env,
        DATABASE_URL: '',
        APP_ID: appId,
        APP_PORT: String(this.appPort(appId)),
        DAPR_HTTP_PORT: String(this.sidecarPort(appId)),
        DAPR_API_TOKEN: this.apiToken,
        APP_API_TOKEN: this.appToken,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    return child;
  }

  /** The value of one Prometheus series of an app (0 when it has not been counted yet). */
  async metric(appId: AppId, series: string, replica = 1): Promise<number> {
    const text = await fetch(`http://127.0.0.1:${this.metricsPort(appId, replica)}/metrics`).then((r) => r.text());
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  }

  /** The sum of every series of a Prometheus metric of one app process (all label values). */
  async metricTotal(appId: AppId, name: string, replica = 1): Promise<number> {
    const text = await fetch(`http://127.0.0.1:${this.metricsPort(appId, replica)}/metrics`).then((r) => r.text());
    return text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  }

  /** The CloudEvent ids published on `topic` so far, from whichever broker this system runs. */
  async messageIds(topic: string): Promise<string[]> {
    if (this.sidecarKind === 'daprd') {
      const values = await readTopic(`127.0.0.1:${kafkaPorts(this.portOffset).broker}`, topic);
      return values.map((value) => (JSON.parse(value) as { id: string }).id);
    }
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query("select body->>'id' as id from dapr_standin.messages where topic = $1", [
        topic,
      ]);
      return rows.map((r) => r.id as string);
    } finally {
      await client.end();
    }
  }

  /** Calls an app directly (as a browser would through the frontend later). */
  async call(appId: AppId, path: string, init: { method?: string; token?: string; body?: unknown } = {}) {
    const res = await fetch(`http://127.0.0.1:${this.appPort(appId)}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
    return { status: res.status, json: (text ? JSON.parse(text) : undefined) as any };
  }

  /** Calls an app's sidecar with the API token. */
  sidecar(appId: AppId, path: string, init: RequestInit = {}) {
    return fetch(`http://127.0.0.1:${this.sidecarPort(appId)}${path}`, {
      ...init,
      headers: { 'dapr-api-token': this.apiToken, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
  }

  /** The Kafka broker's PLAINTEXT address when the system runs real daprd (for Kafka's own tools). */
  get kafkaBootstrap(): string {
    return `127.0.0.1:${kafkaPorts(this.portOffset).broker}`;
  }
}
