// What the images run: each app's esbuild bundle starts from dist/ beside a (stand-in) sidecar and answers its probes.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_APP_IDS, type AppId, COMPONENTS, SECRET } from '@todo/contracts';
import type { Runtime } from '@todo/local-sidecar';
import {
  emptyResources,
  eventually,
  freePort,
  freshDatabase,
  pubsubComponent,
  runtimeFor,
  secretFileComponent,
  sidecarUrl,
  stateComponent,
} from '@todo/testkit';

const ROOT = join(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'bundles-'));
let db: Awaited<ReturnType<typeof freshDatabase>>;
let runtime: Runtime;
const ports = new Map<AppId, number>();
const children: ChildProcess[] = [];

beforeAll(async () => {
  execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'tools', 'build.ts')], { cwd: ROOT, stdio: 'pipe' });
  db = await freshDatabase();
  writeFileSync(
    join(dir, 'secrets.json'),
    JSON.stringify({ [SECRET.name]: { [SECRET.keys.databaseUrl]: db.url, [SECRET.keys.authSecret]: 'x'.repeat(40) } }),
  );
  for (const id of ALL_APP_IDS) ports.set(id, await freePort());
  const resources = emptyResources();
  resources.components.push(pubsubComponent(COMPONENTS.pubsub, { consumerGroup: '{appID}', initialOffset: 'oldest' }));
  resources.components.push(secretFileComponent(COMPONENTS.secretStore, 'secrets.json'));
  resources.components.push(stateComponent(COMPONENTS.stateStore, db.url));
  runtime = runtimeFor(
    db.url,
    ALL_APP_IDS.map((appId) => ({ appId, appPort: ports.get(appId) })),
    resources,
    { baseDir: dir },
  );
  await runtime.start();
}, 120_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map((c) => new Promise((resolve) => (c.exitCode === null ? c.once('exit', resolve) : resolve(null)))),
  );
  await runtime?.stop();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

it.each([...ALL_APP_IDS])(
  'the %s bundle starts from dist/ with no source beside it and answers /healthz and /readyz',
  async (appId) => {
    const child = spawn(process.execPath, [join(ROOT, 'apps', appId, 'dist', 'main.js')], {
      // run from an empty folder: the bundle must not reach for the workspace's sources or node_modules
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        APP_PORT: String(ports.get(appId)),
        DAPR_HTTP_PORT: new URL(sidecarUrl(runtime, appId)).port,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(child);
    await eventually(
      async () => {
        expect(child.exitCode).toBeNull();
        const health = await fetch(`http://127.0.0.1:${ports.get(appId)}/healthz`);
        expect(health.status).toBe(200);
        const ready = await fetch(`http://127.0.0.1:${ports.get(appId)}/readyz`);
        expect(ready.status).toBe(200);
      },
      30_000,
      200,
    );
  },
  60_000,
);
