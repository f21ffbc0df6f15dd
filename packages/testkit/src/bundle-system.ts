// The apps as the images run them: each esbuild bundle (apps/<id>/dist/main.js) started from an empty folder, with the
// Dockerfile's node flags and ENV, beside an in-process stand-in sidecar, on a fresh Postgres database. Build first
// (`npm run build`).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_APP_IDS, type AppId, SECRET } from '@todo/contracts';
import type { Runtime } from '@todo/local-sidecar';
import { deployedRuntime } from './deployed';
import { eventually, freePort, freshDatabase, runtimeFor, sidecarUrl, systemResources } from './index';
import { releasePort } from './port-claims';

const ROOT = join(__dirname, '..', '..', '..');

export class BundleSystem {
  readonly dir = mkdtempSync(join(tmpdir(), 'bundles-'));
  private db?: Awaited<ReturnType<typeof freshDatabase>>;
  private runtime?: Runtime;
  private readonly ports = new Map<AppId, number>();
  private readonly metricsPorts = new Map<AppId, number>();
  private readonly children = new Map<AppId, ChildProcess>();

  /** The stand-in and the database; no app yet. */
  async start(): Promise<void> {
    this.db = await freshDatabase();
    writeFileSync(
      join(this.dir, 'secrets.json'),
      JSON.stringify({
        [SECRET.name]: { [SECRET.keys.databaseUrl]: this.db.url, [SECRET.keys.authSecret]: 'x'.repeat(40) },
      }),
    );
    for (const id of ALL_APP_IDS) {
      this.ports.set(id, await freePort());
      // its own port too: the default (app port + 1000) may be taken by anything on a random port's neighbourhood
      this.metricsPorts.set(id, await freePort());
    }
    const resources = systemResources(this.db.url);
    this.runtime = runtimeFor(
      this.db.url,
      ALL_APP_IDS.map((appId) => ({ appId, appPort: this.ports.get(appId) })),
      resources,
      { baseDir: this.dir },
    );
    await this.runtime.start();
  }

  get databaseUrl(): string {
    if (!this.db) throw new Error('start the system first');
    return this.db.url;
  }

  port(appId: AppId): number {
    return this.ports.get(appId) as number;
  }

  pid(appId: AppId): number {
    const pid = this.children.get(appId)?.pid;
    if (!pid) throw new Error(`${appId} is not running`);
    return pid;
  }

  /** Starts one bundle from the empty folder (it must not reach for sources or node_modules); resolves when ready. */
  async startApp(
    appId: AppId,
    options: { timeoutMs?: number; nodeArgs?: string[]; env?: Record<string, string> } = {},
  ): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!this.runtime) throw new Error('start the system first');
    const deployed = deployedRuntime();
    const args = [...deployed.nodeArgs, ...(options.nodeArgs ?? []), join(ROOT, 'apps', appId, 'dist', 'main.js')];
    const child = spawn(process.execPath, args, {
      cwd: this.dir,
      env: {
        ...deployed.env,
        PATH: process.env.PATH,
        APP_PORT: String(this.port(appId)),
        METRICS_PORT: String(this.metricsPorts.get(appId)),
        DAPR_HTTP_PORT: new URL(sidecarUrl(this.runtime, appId)).port,
        LOG_LEVEL: 'warn',
        ...options.env,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    this.children.set(appId, child);
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${appId} exited with ${child.exitCode}`);
        const health = await fetch(`http://127.0.0.1:${this.port(appId)}/healthz`);
        if (health.status !== 200) throw new Error(`${appId} /healthz ${health.status}`);
        const ready = await fetch(`http://127.0.0.1:${this.port(appId)}/readyz`);
        if (ready.status !== 200) throw new Error(`${appId} /readyz ${ready.status}`);
      },
      timeoutMs,
      200,
    );
  }

  /** Stops one app with SIGTERM (it exits cleanly, writing a CPU profile if it was started with --cpu-prof). */
  async stopApp(appId: AppId): Promise<void> {
    const child = this.children.get(appId);
    if (!child || child.exitCode !== null) return;
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  }

  async stop(): Promise<void> {
    const children = [...this.children.values()];
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((c) => new Promise((resolve) => (c.exitCode === null ? c.once('exit', resolve) : resolve(null)))),
    );
    await this.runtime?.stop();
    await this.db?.drop();
    for (const port of [...this.ports.values(), ...this.metricsPorts.values()]) releasePort(port);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
