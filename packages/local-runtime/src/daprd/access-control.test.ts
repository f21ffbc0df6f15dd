// The invocation policy through the sidecars: the stand-in, and real daprd with sentry's mTLS as
// `TODO_SIDECAR=daprd npm start` runs them, allow what the apps call and deny everything else, with the same answer.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AccessControlSpec,
  ALL_APP_IDS,
  APP_IDS,
  type AppId,
  accessControlFor,
  jobTriggerPath,
  LOCAL_NAMESPACE,
  NEXT_OCCURRENCE_ROUTE,
  reminderJobName,
  SESSION_CHECK_ROUTE,
  subscriptionRoute,
  TOPICS,
  TRUST_DOMAIN,
} from '@todo/contracts';
import { Runtime, readConfiguration, readRunFile } from '@todo/local-sidecar';
import { emptyResources, freshDatabase, TestApp } from '@todo/testkit';
import pino from 'pino';
import { stringify } from 'yaml';
import { daprdPath, schedulerPath, sentryPath } from '../../../../tools/dapr/paths';
import { configPath, configYaml } from './access-control';
import { daprdCommand } from './daprd';
import { schedulerCommand, schedulerHealthUrl } from './scheduler';
import { mtlsEnv, readTrustAnchors, sentryAddress, sentryCommand, sentryHealthUrl } from './sentry';

const START_TIMEOUT_MS = 90_000;
// daprd finds apps by mDNS: this run's app ids must not be another running system's
const suffix = Math.random().toString(36).slice(2, 8);
const ids = Object.fromEntries(ALL_APP_IDS.map((a) => [a, `${a}-${suffix}`])) as Record<AppId, string>;

/** The contracts' policy of `app`, naming this run's app ids. */
function specFor(app: AppId): AccessControlSpec {
  const spec = accessControlFor(app, LOCAL_NAMESPACE);
  return { ...spec, policies: spec.policies.map((p) => ({ ...p, appId: ids[p.appId as AppId] })) };
}

interface Sidecars {
  url(app: AppId): string;
  stop(): Promise<void>;
}

async function standIn(apps: Map<AppId, TestApp>): Promise<Sidecars> {
  const db = await freshDatabase();
  const runtime = new Runtime({
    instances: ALL_APP_IDS.map((a) => ({
      appId: ids[a],
      appPort: apps.get(a)?.port,
      channelAddress: '127.0.0.1',
      daprHttpPort: 0,
    })),
    resources: emptyResources(),
    baseDir: process.cwd(),
    databaseUrl: db.url,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    accessControl: Object.fromEntries(ALL_APP_IDS.map((a) => [ids[a], specFor(a)])),
  });
  await runtime.start();
  return {
    url: (app) => `http://127.0.0.1:${runtime.instances(ids[app])[0]?.daprHttpPort}`,
    stop: () => runtime.stop().finally(() => db.drop()),
  };
}

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

async function waitFor(url: string, child: ChildProcess, log: string[]): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: exited with ${child.exitCode}\n${log.join('')}`);
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url}: not ready\n${log.slice(-20).join('')}`);
}

/** Sentry, the scheduler and one daprd per app, with the commands `TODO_SIDECAR=daprd npm start` uses. */
async function daprd(apps: Map<AppId, TestApp>): Promise<Sidecars> {
  // ports 26000-26999: an offset of 3000 + 100·slot moves every engine port there (see ports.ts)
  let offset = 0;
  for (const slot of [...Array(10).keys()].sort(() => Math.random() - 0.5)) {
    if (await portFree(sentryAddressPort(3000 + slot * 100))) {
      offset = 3000 + slot * 100;
      break;
    }
  }
  if (!offset) throw new Error('no free slot in 26000-26999');
  const dir = mkdtempSync(join(tmpdir(), 'acl-daprd-'));
  const children: ChildProcess[] = [];
  const run = (command: string[], env: NodeJS.ProcessEnv) => {
    const [bin, ...args] = command as [string, ...string[]];
    const child = spawn(bin, args, { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    const keep = (chunk: Buffer) => log.push(chunk.toString()) > 200 && log.shift();
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    children.push(child);
    return { child, log };
  };
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const sentry = run(sentryCommand(dir, offset, 'info'), mtlsEnv);
    await waitFor(sentryHealthUrl(offset), sentry.child, sentry.log);
    const mtls = { ...mtlsEnv, DAPR_TRUST_ANCHORS: await readTrustAnchors(dir, START_TIMEOUT_MS, () => true) };
    const scheduler = run(schedulerCommand(dir, offset, 'info', sentryAddress(offset)), mtls);
    await waitFor(schedulerHealthUrl(offset), scheduler.child, scheduler.log);
    mkdirSync(join(dir, 'resources'));
    const httpPort = (i: number) => 26050 + (offset - 3000) + i;
    await Promise.all(
      ALL_APP_IDS.map(async (app, index) => {
        const config = join(dir, `${app}.yaml`);
        writeFileSync(
          config,
          stringify({
            apiVersion: 'dapr.io/v1alpha1',
            kind: 'Configuration',
            metadata: { name: app },
            spec: { accessControl: specFor(app) },
          }),
        );
        const runApp = {
          appId: ids[app],
          name: ids[app],
          replica: 1,
          appDir: dir,
          appPort: apps.get(app)?.port,
          daprHttpPort: httpPort(index),
          channelAddress: '127.0.0.1',
          env: {},
        };
        const sidecar = run(
          daprdCommand({
            app: runApp,
            index,
            offset,
            resourcesPaths: [join(dir, 'resources')],
            logLevel: 'info',
            config,
            sentryAddress: sentryAddress(offset),
          }),
          mtls,
        );
        await waitFor(`http://127.0.0.1:${runApp.daprHttpPort}/v1.0/healthz`, sidecar.child, sidecar.log);
      }),
    );
    return { url: (app) => `http://127.0.0.1:${httpPort(ALL_APP_IDS.indexOf(app))}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
const sentryAddressPort = (offset: number) => Number(sentryAddress(offset).split(':')[1]);

const TASK = '5b7c1e2a-0000-4000-8000-000000000001';
const { frontend, backend, notificationService: notifications, recurringTaskService: recurring } = APP_IDS;
const NEXT = NEXT_OCCURRENCE_ROUTE.path;
const REMINDER = jobTriggerPath(reminderJobName('1'));
/** [caller, callee, verb, path, allowed] */
const CALLS: [AppId, AppId, string, string, boolean][] = [
  [frontend, backend, 'GET', '/api/tasks', true],
  [frontend, backend, 'POST', '/api/tasks', true],
  [frontend, backend, 'PATCH', `/api/tasks/${TASK}`, true],
  [frontend, backend, 'POST', `/api/tasks/${TASK}/complete`, true],
  [frontend, notifications, 'POST', '/api/notifications/read-all', true],
  [frontend, notifications, 'POST', `/api/notifications/${TASK}/read`, true],
  [recurring, backend, NEXT_OCCURRENCE_ROUTE.method, NEXT, true],
  [notifications, backend, SESSION_CHECK_ROUTE.method, SESSION_CHECK_ROUTE.path, true],
  [frontend, backend, 'POST', REMINDER, false],
  [frontend, backend, 'POST', NEXT, false],
  [frontend, backend, 'POST', subscriptionRoute(TOPICS.taskEvents), false],
  [frontend, backend, 'GET', '/dapr/subscribe', false],
  [frontend, backend, 'POST', `/api/tasks/%2e%2e/%2e%2e${REMINDER}`, false],
  [frontend, notifications, 'GET', '/api/tasks', false],
  [recurring, backend, 'GET', '/api/tasks', false],
  [backend, frontend, 'GET', '/healthz', false],
  [backend, notifications, 'GET', '/api/audit', false],
];

function eachRuntime(body: (start: (apps: Map<AppId, TestApp>) => Promise<Sidecars>) => void) {
  describe('on the stand-in', () => body(standIn));
  const missing = [daprdPath(), schedulerPath(), sentryPath()].filter((p) => !existsSync(p));
  if (missing.length) {
    console.warn(`access-control.test.ts: the daprd variant is skipped: no ${missing.join(', ')} (npm run dapr:build)`);
  }
  (missing.length ? describe.skip : describe)('on daprd 1.18 with sentry (mTLS)', () => body(daprd));
}

eachRuntime((start) => {
  const apps = new Map<AppId, TestApp>();
  let sidecars: Sidecars;
  beforeAll(async () => {
    for (const app of ALL_APP_IDS) {
      const testApp = new TestApp();
      testApp.hono.get('/dapr/subscribe', (c) => c.json([]));
      testApp.hono.all('*', (c) => c.json({ app }));
      apps.set(app, await testApp.start());
    }
    sidecars = await start(apps);
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await sidecars?.stop();
    for (const app of apps.values()) await app.stop();
  }, 30_000);

  it.each(CALLS)('%s → %s %s %s: allowed %s', async (caller, callee, verb, path, allowed) => {
    const seen = apps.get(callee)?.received.length ?? 0;
    const response = await fetch(`${sidecars.url(caller)}/v1.0/invoke/${ids[callee]}/method${path}`, {
      method: verb,
      ...(verb === 'GET' ? {} : { body: '{}', headers: { 'content-type': 'application/json' } }),
    });
    const body = await response.json();
    if (allowed) {
      expect([response.status, body]).toEqual([200, { app: callee }]);
      return;
    }
    const operation = path.replace('/api/tasks/%2e%2e/%2e%2e', '').slice(1);
    expect([response.status, body]).toEqual([
      403,
      {
        errorCode: 'ERR_DIRECT_INVOKE',
        message: `failed to invoke, id: ${ids[callee]}, err: rpc error: code = PermissionDenied desc = access control policy has denied access to id: spiffe://${TRUST_DOMAIN}/ns/${LOCAL_NAMESPACE}/${ids[caller]} operation: ${operation} verb: ${verb}`,
      },
    ]);
    // the denial came from the callee's sidecar: the app never saw the call
    const reached = apps.get(callee)?.received.slice(seen) ?? [];
    expect(reached.map((r) => r.path)).not.toContain(`/${operation}`);
  });
});

it('each app of dapr.yaml gets resources/config/<appId>.yaml, which holds the policy in the contracts', () => {
  const runFile = readRunFile(join(__dirname, '..', '..', '..', '..', 'dapr.yaml'));
  for (const app of runFile.apps) {
    const id = app.appId as AppId;
    expect(app.configFile).toBe(configPath(id));
    expect(readFileSync(configPath(id), 'utf8')).toBe(configYaml(id));
    expect(readConfiguration(configPath(id)).accessControl).toEqual(accessControlFor(id, LOCAL_NAMESPACE));
  }
});
