// Real daprd (built into .dapr-bin by `npm run dapr:build`) for infra tests: one process per app id on loopback,
// ports from 25000-25999, stopped with SIGTERM (SIGKILL after 10 s).
import { type ChildProcess, spawn } from 'node:child_process';
import { freePortIn } from '@todo/testkit';
import { daprdListenFlags } from '../../packages/local-runtime/src/daprd/flags';
import { daprdPath } from '../../tools/dapr/paths';

const READY_TIMEOUT_MS = 30_000;
const alive = new Set<ChildProcess>();
// a test run that dies before afterAll leaves no daprd behind
process.on('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});

/** A free port in 25000-25999, this suite's range. */
export const freePort = () => freePortIn(25000, 25999);

export interface Daprd {
  readonly appId: string;
  readonly url: string;
  /** Everything daprd wrote, line by line. */
  readonly log: string[];
  readonly exitCode: number | null;
  stop(): Promise<void>;
}

export interface DaprdOptions {
  appId: string;
  resourcesPath: string;
  appPort?: number;
  env?: NodeJS.ProcessEnv;
}

/** Starts daprd and resolves once /v1.0/healthz answers 204; rejects with its log if it exits or never does. */
export async function startDaprd(options: DaprdOptions): Promise<Daprd> {
  const [http, grpc, internalGrpc, metrics] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const child = spawn(
    daprdPath(),
    [
      '--mode=standalone',
      `--app-id=${options.appId}`,
      ...(options.appPort ? [`--app-port=${options.appPort}`, '--app-protocol=http'] : []),
      '--app-channel-address=127.0.0.1',
      ...daprdListenFlags({ http, grpc, internalGrpc, metrics }),
      `--resources-path=${options.resourcesPath}`,
      '--dapr-graceful-shutdown-seconds=2',
      '--log-level=info',
    ],
    { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  alive.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => alive.delete(child));
  const log: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (buffer + chunk).split('\n');
      buffer = lines.pop() ?? '';
      log.push(...lines);
    });
  }
  const url = `http://127.0.0.1:${http}`;
  const daprd: Daprd = {
    appId: options.appId,
    url,
    log,
    get exitCode() {
      return child.exitCode;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`daprd ${options.appId} exited with ${child.exitCode}:\n${log.slice(-30).join('\n')}`);
    }
    const status = await fetch(`${url}/v1.0/healthz`, { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 204) return daprd;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await daprd.stop();
  throw new Error(`daprd ${options.appId} not healthy within ${READY_TIMEOUT_MS} ms:\n${log.slice(-30).join('\n')}`);
}
