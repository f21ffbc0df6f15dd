// Test fixtures: a fresh Postgres database per test file, recording test apps, and a stand-in built from objects.
// Used only by tests (a dev dependency of the workspaces).
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { COMPONENTS } from '@todo/contracts';
import { type Resources, Runtime } from '@todo/local-sidecar';
import { Hono } from 'hono';
import pg from 'pg';
import pino from 'pino';
import { freePortIn } from './port-in';

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function freshDatabase(adminUrl = ADMIN_URL): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `standin_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

/** A small app on a random port whose handlers the test sets; every request is recorded. */
export class TestApp {
  readonly received: Received[] = [];
  readonly hono = new Hono();
  port = 0;
  private server?: Server;

  constructor() {
    this.hono.use('*', async (c, next) => {
      const body = c.req.method === 'GET' ? '' : await c.req.raw.clone().text();
      this.received.push({ path: c.req.path, headers: Object.fromEntries(c.req.raw.headers), body, at: Date.now() });
      await next();
    });
  }

  on(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve) => {
      this.server = serve({ fetch: this.hono.fetch, port, hostname: '127.0.0.1' }, (info) => {
        this.port = info.port;
        resolve();
      }) as Server;
    });
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

export const emptyResources = (): Resources => ({ components: [], subscriptions: [], resiliencies: [], ignored: [] });

export const pubsubComponent = (name: string, metadata: Record<string, string> = {}, scopes?: string[]) => ({
  kind: 'Component' as const,
  metadata: { name },
  spec: {
    type: 'pubsub.kafka',
    version: 'v1',
    metadata: Object.entries(metadata).map(([k, v]) => ({ name: k, value: v })),
  },
  ...(scopes ? { scopes } : {}),
});

export const stateComponent = (name: string, connectionString: string) => ({
  kind: 'Component' as const,
  metadata: { name },
  spec: {
    type: 'state.postgresql',
    version: 'v1',
    metadata: [
      { name: 'connectionString', value: connectionString },
      { name: 'tableName', value: 'dapr_state' },
    ],
  },
});

export function runtimeFor(
  databaseUrl: string,
  apps: { appId: string; appPort?: number }[],
  resources: Resources,
  extra: { apiToken?: string; appToken?: string; baseDir?: string; now?: () => Date } = {},
): Runtime {
  return new Runtime({
    instances: apps.map((a) => ({ appId: a.appId, appPort: a.appPort, channelAddress: '127.0.0.1', daprHttpPort: 0 })),
    resources,
    baseDir: extra.baseDir ?? process.cwd(),
    databaseUrl,
    apiToken: extra.apiToken,
    appToken: extra.appToken,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    subscriptionRefreshMs: 200,
    now: extra.now,
  });
}

export const sidecarUrl = (runtime: Runtime, appId: string, index = 0) =>
  `http://127.0.0.1:${runtime.instances(appId)[index]?.daprHttpPort}`;

export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw lastError;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * A port nothing listens on right now, claimed for this process until `releasePort` (or its exit). Picked from
 * 19000-22999: below Linux's ephemeral range (32768-60999), so no outgoing connection can take it between the pick and
 * the listen (a port from `listen(0)` could be, and was), and apart from every port a system at a test offset opens.
 */
export const freePort = () => freePortIn(19_000, 22_999);

/** A secretstores.local.file component reading `file` (multi-valued, as the local kubernetes-secrets store). */
export const secretFileComponent = (name: string, file: string) => ({
  kind: 'Component' as const,
  metadata: { name },
  spec: {
    type: 'secretstores.local.file',
    version: 'v1',
    metadata: [
      { name: 'secretsFile', value: file },
      { name: 'multiValued', value: 'true' },
    ],
  },
});
export { bulkDelivery } from './bulk-delivery';
export { BundleSystem } from './bundle-system';
export { type DeployedRuntime, deployedRuntime } from './deployed';
export { LocalSystem, type LocalSystemOptions, type SidecarKind, sidecarKind } from './local-system';
export { releasePort } from './port-claims';
export { freePortIn } from './port-in';
export { apiRoutesOf } from './routes';
export { claimPortOffset, type PortClaim, systemPorts } from './system-ports';

/** The components the apps use, as resources/ declares them: pub/sub (a consumer group per app id, from the oldest
 * message), the secret store reading `secretsFile` (relative to the runtime's baseDir), the state store. */
export function systemResources(databaseUrl: string, secretsFile = 'secrets.json'): Resources {
  const resources = emptyResources();
  resources.components.push(pubsubComponent(COMPONENTS.pubsub, { consumerGroup: '{appID}', initialOffset: 'oldest' }));
  resources.components.push(secretFileComponent(COMPONENTS.secretStore, secretsFile));
  resources.components.push(stateComponent(COMPONENTS.stateStore, databaseUrl));
  return resources;
}
export { DaprdSidecars, type DaprdSidecarsOptions, daprdMissing } from './daprd-sidecar';
