// The stand-in as a whole: resources loaded once, shared backends, and one sidecar HTTP port per app instance.
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { type AccessControlSpec, parseAccessControl } from '@todo/contracts';
import { PreparingClient } from '@todo/service-kit';
import pg from 'pg';
import type { Logger } from 'pino';
import type { AppInstance } from './app-instance';
import { type ComponentResource, inScope, type Resources } from './config/resources';
import { migrate } from './db';
import { DaprApiError } from './errors';
import { Invoker } from './invoke';
import { JobScheduler } from './jobs/scheduler';
import { Broker } from './pubsub/broker';
import type { BulkEntry } from './pubsub/bulk';
import { envelope, NotACloudEvent } from './pubsub/cloud-event';
import { Dispatcher, type PubSubComponent } from './pubsub/dispatcher';
import { SubscriptionRegistry } from './pubsub/subscriptions';
import { ResiliencyPolicies } from './resiliency';
import { openSecretStore, resolveMetadata, type SecretStore } from './secret-stores';
import { sidecarApp } from './sidecar-app';
import { PostgresStateStore } from './state/store';

export interface RuntimeOptions {
  instances: AppInstance[];
  resources: Resources;
  /** Folder that relative paths in component metadata (secretsFile) are resolved against. */
  baseDir: string;
  /** Where the stand-in keeps messages and jobs; defaults to the first state.postgresql connection string. */
  databaseUrl?: string;
  /** Required from apps on the sidecar API (DAPR_API_TOKEN). */
  apiToken?: string;
  /** Sent to apps on every call (APP_API_TOKEN). */
  appToken?: string;
  logger: Logger;
  /** How often apps' GET /dapr/subscribe is read again. */
  subscriptionRefreshMs?: number;
  /** Each app's `spec.accessControl` (from its Configuration file): who may invoke it. None: anyone may. */
  accessControl?: Record<string, Partial<AccessControlSpec>>;
  /** The clock jobs come due by: the real one unless a test moves its own. */
  now?: () => Date;
}

interface Scoped<T> {
  component: ComponentResource;
  value: T;
}

/** What daprd 1.18 reports for the component types the stand-in implements. */
const CAPABILITIES: Record<string, string[]> = {
  'state.postgresql': ['ETAG', 'TRANSACTIONAL', 'TTL', 'KEYS_LIKE', 'QUERY_API', 'ACTOR'],
  'pubsub.kafka': ['BULK_PUBSUB'],
  'secretstores.local.file': ['MULTIPLE_KEY_VALUES_PER_SECRET'],
};

export class Runtime {
  ready = false;
  readonly invoker: Invoker;
  jobs!: JobScheduler;
  private readonly pools = new Map<string, pg.Pool>();
  private readonly secretStoreList: Scoped<SecretStore>[] = [];
  private readonly stateStoreList: Scoped<PostgresStateStore>[] = [];
  private readonly pubsubs = new Map<string, PubSubComponent & { component: ComponentResource }>();
  private readonly resiliency: ResiliencyPolicies;
  private broker!: Broker;
  private dispatcher!: Dispatcher;
  private registry!: SubscriptionRegistry;
  private readonly servers: Server[] = [];
  private refreshTimer?: NodeJS.Timeout;

  constructor(private readonly options: RuntimeOptions) {
    this.resiliency = new ResiliencyPolicies(options.resources.resiliencies);
    this.invoker = new Invoker(
      (id) => this.instances(id),
      this.resiliency,
      options.appToken,
      options.logger.child({ block: 'invoke' }),
      // parsed now, as daprd does at start: an invalid policy stops the stand-in
      new Map(Object.entries(options.accessControl ?? {}).map(([app, spec]) => [app, parseAccessControl(spec)])),
    );
  }

  instances(appId: string): AppInstance[] {
    return this.options.instances.filter((i) => i.appId === appId);
  }

  private pool(connectionString: string): pg.Pool {
    let pool = this.pools.get(connectionString);
    if (!pool) {
      // the hot statements marked with prepareStatement (broker, scheduler) go by name, parsed once per connection
      pool = new pg.Pool({ connectionString, max: 10, Client: PreparingClient });
      pool.on('error', (err) => this.options.logger.warn({ err }, 'idle database connection failed'));
      // checked-out clients are not covered by the pool's listener: a connection lost mid-query must not kill us
      pool.on('connect', (client) =>
        client.on('error', (err) => this.options.logger.warn({ reason: err.message }, 'database connection lost')),
      );
      this.pools.set(connectionString, pool);
    }
    return pool;
  }

  /** Loads components, creates tables, opens the sidecar ports. Throws a clear error for a resource it cannot serve. */
  async start(): Promise<void> {
    const { resources, logger } = this.options;
    const secretStoresByName = new Map<string, SecretStore>();
    for (const component of resources.components.filter((c) => c.spec.type.startsWith('secretstores.'))) {
      const store = openSecretStore(component, this.options.baseDir);
      secretStoresByName.set(component.metadata.name, store);
      this.secretStoreList.push({ component, value: store });
    }
    let defaultDatabase = this.options.databaseUrl;
    const stateTables = new Map<string, string[]>();
    const stateComponents = resources.components.filter((c) => c.spec.type.startsWith('state.'));
    const stateMeta = new Map<string, Record<string, string>>();
    for (const component of stateComponents) {
      const meta = resolveMetadata(component, secretStoresByName);
      stateMeta.set(component.metadata.name, meta);
      if (component.spec.type === 'state.postgresql' && meta.connectionString)
        defaultDatabase ??= meta.connectionString;
    }
    if (!defaultDatabase) {
      throw new Error(
        'the stand-in needs Postgres: give it a database URL or a state.postgresql component with connectionString',
      );
    }
    for (const component of stateComponents) {
      const meta = stateMeta.get(component.metadata.name) ?? {};
      if (component.spec.type !== 'state.postgresql') {
        logger.info(
          { component: component.metadata.name, type: component.spec.type },
          'emulating this state store in Postgres',
        );
      }
      const url =
        component.spec.type === 'state.postgresql' && meta.connectionString ? meta.connectionString : defaultDatabase;
      const table = meta.tableName ?? 'state';
      stateTables.set(url, [...(stateTables.get(url) ?? []), table]);
      this.stateStoreList.push({
        component,
        value: new PostgresStateStore(component.metadata.name, this.pool(url), table),
      });
    }
    for (const component of resources.components.filter((c) => c.spec.type.startsWith('pubsub.'))) {
      const meta = resolveMetadata(component, secretStoresByName);
      const group = meta.consumerGroup;
      this.pubsubs.set(component.metadata.name, {
        name: component.metadata.name,
        component,
        scopes: component.scopes,
        consumerGroup: (appId) => (group ? group.replace(/\{appID\}/g, appId) : appId),
        initialOffset: meta.initialOffset === 'oldest' ? 'oldest' : 'newest',
      });
      logger.info(
        { component: component.metadata.name, type: component.spec.type },
        'emulating this pub/sub in Postgres',
      );
    }
    const own = this.pool(defaultDatabase);
    await migrate(own, []);
    for (const [url, tables] of stateTables) await migrate(this.pool(url), tables);

    this.broker = new Broker(own);
    await this.broker.releaseLeases();
    this.registry = new SubscriptionRegistry(
      resources.subscriptions,
      this.options.appToken,
      logger.child({ block: 'pubsub' }),
    );
    this.dispatcher = new Dispatcher(
      this.broker,
      this.registry,
      this.pubsubs,
      this.resiliency,
      this.options.appToken,
      logger.child({ block: 'pubsub' }),
    );
    this.jobs = new JobScheduler(
      own,
      (id) => this.instances(id),
      this.options.appToken,
      logger.child({ block: 'jobs' }),
      this.options.now,
    );

    for (const instance of this.options.instances) {
      const app = sidecarApp(this, instance.appId, this.options.apiToken);
      await new Promise<void>((resolve, reject) => {
        const server = serve({ fetch: app.fetch, port: instance.daprHttpPort, hostname: '127.0.0.1' }, (info) => {
          instance.daprHttpPort = info.port; // port 0 in tests: the one the system chose
          resolve();
        }) as Server;
        server.once('error', reject);
        this.servers.push(server);
      });
    }
    await this.jobs.start();
    this.dispatcher.start();
    await this.refreshSubscriptions();
    this.refreshTimer = setInterval(
      () => void this.refreshSubscriptions(),
      this.options.subscriptionRefreshMs ?? 2_000,
    );
    this.refreshTimer.unref();
    this.ready = true;
    logger.info(
      { sidecars: this.options.instances.map((i) => `${i.appId}:${i.daprHttpPort}`) },
      'stand-in sidecar ready',
    );
  }

  /** Reads every app's subscriptions again; new groups are registered, removed ones stop receiving. */
  async refreshSubscriptions(): Promise<void> {
    await Promise.all(this.options.instances.map((i) => this.registry.refresh(i)));
    await this.dispatcher.sync();
  }

  async stop(): Promise<void> {
    this.ready = false;
    clearInterval(this.refreshTimer);
    this.dispatcher?.stop();
    this.jobs?.stop();
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
    await Promise.all([...this.pools.values()].map((pool) => pool.end()));
  }

  stateStores(appId: string): Map<string, PostgresStateStore> {
    return new Map(
      this.stateStoreList.filter((s) => inScope(s.component.scopes, appId)).map((s) => [s.value.name, s.value]),
    );
  }

  secretStores(appId: string): Map<string, SecretStore> {
    return new Map(
      this.secretStoreList
        .filter((s) => inScope(s.component.scopes, appId))
        .map((s) => [s.component.metadata.name, s.value]),
    );
  }

  async publish(
    appId: string,
    pubsub: string,
    topic: string,
    message: {
      contentType: string;
      rawBody: string;
      rawPayload: boolean;
      ttlSeconds?: number;
      traceparent?: string;
      partitionKey?: string;
    },
  ): Promise<void> {
    const wrap = this.publisher(appId, pubsub, topic);
    if (message.ttlSeconds !== undefined && !(Number.isInteger(message.ttlSeconds) && message.ttlSeconds > 0)) {
      throw new DaprApiError(
        400,
        'ERR_PUBSUB_REQUEST_METADATA',
        'metadata.ttlInSeconds must be a positive whole number',
      );
    }
    await this.broker.publish(pubsub, topic, wrap(message), message.ttlSeconds, message.partitionKey);
  }

  /**
   * daprd's bulk publish: every entry wrapped or completed as a single publish would be (entry metadata over the
   * request's), all stored together; on failure every entry is reported failed, as daprd reports a failed batch.
   */
  async publishBulk(
    appId: string,
    pubsub: string,
    topic: string,
    entries: BulkEntry[],
    requestMetadata: Record<string, string>,
  ): Promise<void> {
    const wrap = this.publisher(appId, pubsub, topic);
    const rawPayload = requestMetadata.rawPayload === 'true';
    const items = entries.map((entry) => {
      const metadata = { ...requestMetadata, ...entry.metadata };
      const ttl = metadata.ttlInSeconds ? Number(metadata.ttlInSeconds) : undefined;
      return {
        message: wrap({ contentType: entry.contentType, rawBody: entry.rawBody, rawPayload }),
        ttlSeconds: ttl !== undefined && Number.isInteger(ttl) && ttl > 0 ? ttl : undefined,
        partitionKey: metadata.partitionKey || undefined,
      };
    });
    await this.broker.publishMany(pubsub, topic, items);
  }

  /**
   * daprd's checks before any publish, single or bulk (the component in the app's scope, a topic), and the wrapping
   * of each message then published: a body that cannot become a CloudEvent is its 500.
   */
  private publisher(appId: string, pubsub: string, topic: string) {
    const component = this.pubsubs.get(pubsub);
    if (!component || !inScope(component.scopes, appId)) {
      throw new DaprApiError(404, 'ERR_PUBSUB_NOT_FOUND', `pubsub ${pubsub} not found`);
    }
    if (!topic) throw new DaprApiError(404, 'ERR_TOPIC_NAME_EMPTY', 'topic is empty');
    return (message: Omit<Parameters<typeof envelope>[0], 'appId' | 'pubsub' | 'topic'>) => {
      try {
        return envelope({ appId, pubsub, topic, ...message });
      } catch (error) {
        if (error instanceof NotACloudEvent) throw new DaprApiError(500, 'ERR_PUBSUB_CLOUD_EVENTS_SER', error.message);
        throw error;
      }
    };
  }

  async metadata(appId: string) {
    const instance = this.instances(appId)[0];
    const visible = this.options.resources.components.filter((c) => inScope(c.scopes, appId));
    const subs = this.options.instances.filter((i) => i.appId === appId).flatMap((i) => this.registry.of(i));
    // daprd's shape: empty lists are left out, rules are a plain list with the default route last
    return {
      id: appId,
      runtimeVersion: 'stand-in',
      components: visible.map((c) => ({
        name: c.metadata.name,
        type: c.spec.type,
        version: c.spec.version ?? 'v1',
        capabilities: CAPABILITIES[c.spec.type] ?? [],
      })),
      ...(subs.length
        ? {
            subscriptions: subs.map((s) => ({
              pubsubname: s.pubsubname,
              topic: s.topic,
              ...(s.metadata ? { metadata: s.metadata } : {}),
              rules: [...s.rules.map((r) => ({ path: r.path })), ...(s.defaultRoute ? [{ path: s.defaultRoute }] : [])],
              deadLetterTopic: s.deadLetterTopic ?? '',
              type: s.type,
            })),
          }
        : {}),
      appConnectionProperties: instance
        ? { port: instance.appPort, protocol: 'http', channelAddress: instance.channelAddress }
        : undefined,
      extended: { standIn: 'true', backlog: JSON.stringify(await this.broker.backlog()) },
    };
  }
}
