// Reads the Dapr multi-app run file (dapr.yaml): the apps, their ports, commands and resource folders.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { LOCAL_REPLICA_PORTS } from '@todo/contracts';
import { parse } from 'yaml';
import { z } from 'zod';

const EnvSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional();

const AppSchema = z.object({
  appID: z.string().min(1).optional(),
  appDirPath: z.string().min(1),
  appPort: z.number().int().positive().optional(),
  daprHTTPPort: z.number().int().positive().optional(),
  appChannelAddress: z.string().optional(),
  appHealthCheckPath: z.string().optional(),
  resourcesPath: z.string().optional(),
  resourcesPaths: z.union([z.string(), z.array(z.string())]).optional(),
  configFilePath: z.string().optional(),
  command: z.array(z.string()).optional(),
  env: EnvSchema,
});

const RunFileSchema = z.object({
  version: z.literal(1),
  common: z
    .object({
      resourcesPath: z.string().optional(),
      resourcesPaths: z.union([z.string(), z.array(z.string())]).optional(),
      env: EnvSchema,
    })
    .optional(),
  apps: z.array(AppSchema).min(1),
});

export interface RunApp {
  appId: string;
  /** The app id, or `<appId>-<n>` for its n-th replica: the name of its processes. */
  name: string;
  /** 1 for the app dapr.yaml names, 2 and up for the replicas TODO_REPLICAS adds. */
  replica: number;
  appDir: string;
  appPort?: number;
  daprHttpPort: number;
  channelAddress: string;
  /** The app's Dapr Configuration file (`configFilePath`, relative to its appDirPath), if any. */
  configFile?: string;
  command?: string[];
  env: Record<string, string>;
}

export interface RunFile {
  path: string;
  resourcesPaths: string[];
  apps: RunApp[];
}

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : value.split(',').map((s) => s.trim());

const stringEnv = (env: Record<string, string | number | boolean> | undefined) =>
  Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, String(v)]));

/** `portOffset` shifts every app and sidecar port (to run a second copy of the system beside the first). */
/**
 * `<resources>/config/<appId>.yaml`, the app's access control, when it exists. Not named in dapr.yaml: under
 * `dapr run -f .` (no Sentry, no mTLS) daprd would apply its default deny to every call; `npm start` applies it with
 * the stand-in, and with real daprd behind a Sentry (TODO_SIDECAR=daprd).
 */
function accessControlFile(resourcesPaths: string[], appId: string | undefined): string | undefined {
  if (!appId) return undefined;
  return resourcesPaths.map((dir) => join(dir, 'config', `${appId}.yaml`)).find((f) => existsSync(f));
}

/** Most replicas of one app, and of all apps together (each daprd's ports are numbered by its place, up to 10). */
const MAX_REPLICAS = 3;
const MAX_EXTRA = 6;

/** `backend=2,notification-service=2` (TODO_REPLICAS): how many copies of each app to run. */
export function parseReplicas(text: string | undefined): Record<string, number> {
  const replicas: Record<string, number> = {};
  for (const part of (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([a-z0-9-]+)=(\d+)$/.exec(part);
    const count = Number(match?.[2]);
    if (!match || count < 1 || count > MAX_REPLICAS) {
      throw new Error(`TODO_REPLICAS: "${part}" is not <app id>=<1-${MAX_REPLICAS}> (e.g. backend=2)`);
    }
    replicas[match[1] as string] = count;
  }
  return replicas;
}

/** The run file's apps, then each extra replica: a copy of its app on ports of its own. */
function withReplicas(apps: RunApp[], replicas: Record<string, number>, offset: number): RunApp[] {
  const extra: RunApp[] = [];
  for (const [appId, count] of Object.entries(replicas)) {
    const app = apps.find((a) => a.appId === appId);
    if (!app) throw new Error(`TODO_REPLICAS: no app ${appId} in the run file`);
    if (app.appPort === undefined) throw new Error(`TODO_REPLICAS: ${appId} has no port to run a second copy on`);
    for (let replica = 2; replica <= count; replica += 1) {
      const k = extra.length;
      extra.push({
        ...app,
        name: `${appId}-${replica}`,
        replica,
        appPort: LOCAL_REPLICA_PORTS.app + k + offset,
        daprHttpPort: LOCAL_REPLICA_PORTS.daprHttp + k + offset,
      });
    }
  }
  if (extra.length > MAX_EXTRA) throw new Error(`TODO_REPLICAS: at most ${MAX_EXTRA} extra replicas in all`);
  return [...apps, ...extra];
}

export function readRunFile(
  path: string,
  options: { portOffset?: number; replicas?: Record<string, number> } = {},
): RunFile {
  const offset = options.portOffset ?? 0;
  const file = resolve(path);
  const parsed = RunFileSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`${file} is not a valid multi-app run file: ${issues}`);
  }
  const base = dirname(file);
  const at = (from: string, p: string) => (isAbsolute(p) ? p : resolve(from, p));
  const common = parsed.data.common;
  const commonResources = [...list(common?.resourcesPaths), ...list(common?.resourcesPath)].map((p) => at(base, p));
  const apps = parsed.data.apps.map((app, index): RunApp => {
    const appDir = at(base, app.appDirPath);
    if (!app.daprHTTPPort)
      throw new Error(`${file}: apps[${index}] needs daprHTTPPort (the stand-in opens one port per app)`);
    const appId = app.appID ?? appDir.split('/').filter(Boolean).at(-1) ?? `app-${index}`;
    return {
      appId,
      name: appId,
      replica: 1,
      appDir,
      appPort: app.appPort === undefined ? undefined : app.appPort + offset,
      daprHttpPort: app.daprHTTPPort + offset,
      channelAddress: app.appChannelAddress ?? '127.0.0.1',
      configFile:
        app.configFilePath === undefined
          ? accessControlFile(commonResources, app.appID)
          : at(appDir, app.configFilePath),
      command: app.command,
      env: { ...stringEnv(common?.env), ...stringEnv(app.env) },
    };
  });
  const appResources = parsed.data.apps.flatMap((app) =>
    [...list(app.resourcesPaths), ...list(app.resourcesPath)].map((p) => at(at(base, app.appDirPath), p)),
  );
  return {
    path: file,
    resourcesPaths: [...new Set([...commonResources, ...appResources])],
    apps: withReplicas(apps, options.replicas ?? {}, offset),
  };
}
