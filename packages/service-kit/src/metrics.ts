// Prometheus metrics of an app, served on their own port (never on the public one): HTTP traffic, pub/sub outcomes,
// and the app's own series (outbox, reminders, chat) registered where they happen.
import { serve } from '@hono/node-server';
import { Hono, type MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import client from 'prom-client';
import { listenHost } from './listen-host';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'todo_' });

const httpRequests = new client.Counter({
  name: 'todo_http_requests_total',
  help: 'HTTP requests handled, by route and status',
  labelNames: ['app', 'method', 'route', 'status'],
  registers: [registry],
});
const httpDuration = new client.Histogram({
  name: 'todo_http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by route and status',
  labelNames: ['app', 'method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});
const pubsubMessages = new client.Counter({
  name: 'todo_pubsub_messages_total',
  help: 'Messages delivered to the app, by topic and what it answered (success, retry, drop)',
  labelNames: ['app', 'topic', 'outcome'],
  registers: [registry],
});
const pubsubDuration = new client.Histogram({
  name: 'todo_pubsub_handle_seconds',
  help: 'Time to handle one delivered message, by topic',
  labelNames: ['app', 'topic'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

/** Counts and times every request by its route pattern (not its path: ids would explode the series). */
export const httpMetrics =
  (app: string): MiddlewareHandler =>
  async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const labels = {
        app,
        method: c.req.method,
        route: routePath(c, -1) || 'unmatched',
        status: String(c.res.status),
      };
      httpRequests.inc(labels);
      httpDuration.observe(labels, (performance.now() - started) / 1000);
    }
  };

/** For the subscriber helper: what each delivery came to, and how long it took. */
export const observePubsub =
  (app: string) => (topic: string, outcome: 'SUCCESS' | 'RETRY' | 'DROP', seconds: number) => {
    pubsubMessages.inc({ app, topic, outcome: outcome.toLowerCase() });
    pubsubDuration.observe({ app, topic }, seconds);
  };

/** Serves GET /metrics on its own port; returns a stop function. */
export function serveMetrics(port: number, hostname = listenHost()): Promise<{ port: number; stop(): Promise<void> }> {
  const app = new Hono();
  app.get('/metrics', async (c) => c.text(await registry.metrics(), 200, { 'content-type': registry.contentType }));
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info) =>
      resolve({
        port: info.port,
        stop: () => new Promise<void>((done) => server.close(() => done())),
      }),
    );
  });
}

export { client as prom };
