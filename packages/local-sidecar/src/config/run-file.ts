// Reads the Dapr multi-app run file (dapr.yaml): the apps, their ports, commands and resource folders.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
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

export function readRunFile(path: string, options: { portOffset?: number } = {}): RunFile {
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
    return {
      appId: app.appID ?? appDir.split('/').filter(Boolean).at(-1) ?? `app-${index}`,
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
  return { path: file, resourcesPaths: [...new Set([...commonResources, ...appResources])], apps };
}
