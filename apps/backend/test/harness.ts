// A backend on real Postgres behind the stand-in sidecar, with a subscriber app that records every event.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_IDS, COMPONENTS, SECRET, SUBSCRIPTION_ROUTE, subscriptionRoute, TOPICS } from '@todo/contracts';
import { Dapr } from '@todo/dapr';
import type { Runtime } from '@todo/local-sidecar';
import { freePort, freshDatabase, runtimeFor, sidecarUrl, systemResources, TestApp } from '@todo/testkit';
import pino from 'pino';
import { type RunningBackend, startBackend } from '../src/main';

export const APP_TOKEN = 'test-app-token';
export const AUTH_SECRET = 'a-test-auth-secret-that-is-long-enough-0123456789';
export const SUBSCRIBER = 'test-subscriber';

export interface Delivered {
  topic: string;
  id: string;
  type: string;
  data: Record<string, unknown>;
  traceparent?: string;
}

export class BackendHarness {
  db!: Awaited<ReturnType<typeof freshDatabase>>;
  runtime!: Runtime;
  backend?: RunningBackend;
  backendPort = 0;
  readonly subscriber = new TestApp();
  readonly delivered: Delivered[] = [];
  private dir = mkdtempSync(join(tmpdir(), 'backend-test-'));
  private openai?: { apiKey: string; baseUrl: string };

  async start(options: { startBackend?: boolean; openai?: { apiKey: string; baseUrl: string } } = {}): Promise<this> {
    this.db = await freshDatabase();
    this.openai = options.openai;
    writeFileSync(
      join(this.dir, 'secrets.json'),
      JSON.stringify({
        [SECRET.name]: {
          [SECRET.keys.databaseUrl]: this.db.url,
          [SECRET.keys.authSecret]: AUTH_SECRET,
          ...(options.openai ? { [SECRET.keys.openaiApiKey]: options.openai.apiKey } : {}),
        },
      }),
    );
    this.subscriber.hono.get('/dapr/subscribe', (c) =>
      c.json(
        Object.values(TOPICS).map((topic) => ({
          pubsubname: COMPONENTS.pubsub,
          topic,
          route: subscriptionRoute(topic),
        })),
      ),
    );
    this.subscriber.hono.post(SUBSCRIPTION_ROUTE.path, async (c) => {
      const event = await c.req.json();
      this.delivered.push({
        topic: c.req.param('topic'),
        id: event.id,
        type: event.type,
        data: event.data,
        traceparent: event.traceparent,
      });
      return c.json({ status: 'SUCCESS' });
    });
    await this.subscriber.start();
    this.backendPort = await freePort();
    const resources = systemResources(this.db.url);
    this.runtime = runtimeFor(
      this.db.url,
      [
        { appId: APP_IDS.backend, appPort: this.backendPort },
        { appId: SUBSCRIBER, appPort: this.subscriber.port },
      ],
      resources,
      { appToken: APP_TOKEN, baseDir: this.dir },
    );
    await this.runtime.start();
    if (options.startBackend !== false) await this.startBackend();
    return this;
  }

  get sidecarUrl(): string {
    return sidecarUrl(this.runtime, APP_IDS.backend);
  }

  dapr(): Dapr {
    return new Dapr({ endpoint: this.sidecarUrl, timeoutMs: 5_000, jobsApiVersion: 'v1.0-alpha1' });
  }

  async startBackend(): Promise<RunningBackend> {
    this.backend = await startBackend({
      dapr: this.dapr(),
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      port: this.backendPort,
      hostname: '127.0.0.1',
      appToken: APP_TOKEN,
      migrate: true,
      relay: true,
      openaiBaseUrl: this.openai?.baseUrl,
      openaiModel: 'test-model',
    });
    return this.backend;
  }

  async stop(): Promise<void> {
    await this.backend?.stop();
    await this.runtime.stop();
    await this.subscriber.stop();
    await this.db.drop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.backendPort}${path}`;
  }

  /** Calls the backend directly with an optional bearer token and JSON body. */
  async api(
    path: string,
    init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const res = await fetch(this.url(path), {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
    const json: any = text ? JSON.parse(text) : undefined;
    return { status: res.status, json, headers: res.headers };
  }

  async signUp(email: string, timezone = 'Europe/Berlin'): Promise<string> {
    const { status, json } = await this.api('/api/auth/sign-up', {
      body: { email, password: 'correct horse battery', timezone },
    });
    if (status !== 201) throw new Error(`sign-up failed: ${status} ${JSON.stringify(json)}`);
    return json.token as string;
  }

  eventsOn(topic: string, taskId?: string): Delivered[] {
    return this.delivered.filter((d) => d.topic === topic && (!taskId || d.data.task_id === taskId));
  }
}
