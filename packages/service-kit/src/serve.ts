// Start an app on its port and stop it cleanly on SIGTERM/SIGINT: no new connections, in-flight requests finished (their
// handlers too, when the client has left), then pools closed.
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { type AppId, BULK_DELIVERY_MAX_BYTES, LOCAL_PORTS } from '@todo/contracts';
import type { Dapr } from '@todo/dapr';
import type { Logger } from 'pino';
import { limitBodies, MAX_BODY_BYTES } from './body-limit';
import { answerClientErrors } from './client-errors';
import { trackInFlight } from './in-flight';
import { listenHost } from './listen-host';
import { serveMetrics } from './metrics';

/** What every app's start<App>() takes besides its own options: its sidecar, logger, ports and app token. */
export interface AppOptions {
  dapr: Dapr;
  logger: Logger;
  port: number;
  hostname?: string;
  metricsPort?: number;
  /** The token the sidecar presents on calls to the app (dapr.io/app-token-secret). */
  appToken?: string;
  handleSignals?: boolean;
}

export interface RunningApp {
  port: number;
  stop(): Promise<void>;
}

export interface ServeOptions {
  app: { fetch: (request: Request) => Response | Promise<Response> };
  port: number;
  /** Defaults to APP_HOST, else loopback: only a deployment that is reached from outside the pod listens wider. */
  hostname?: string;
  logger: Logger;
  /** Closed in order after the server stopped accepting and drained (database pools, timers). */
  onClose?: (() => Promise<void> | void)[];
  /** Longest wait for in-flight requests before connections are cut. */
  drainMs?: number;
  /** Install SIGTERM/SIGINT handlers that stop and exit the process. */
  handleSignals?: boolean;
  /** Serve GET /metrics on this port (kept off the app's own port, which may be public). */
  metricsPort?: number;
  /** A subscriber's: its sidecar's deliveries (with this app token) may be up to BULK_DELIVERY_MAX_BYTES. */
  deliveries?: { appToken: string | undefined };
}

export function envPort(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${name} must be a port number, got "${raw}"`);
  return port;
}

/** An app's port (APP_PORT, else its local port) and its metrics port (METRICS_PORT, else the app's + 1000). */
export function appPorts(appId: AppId): { port: number; metricsPort: number } {
  const port = envPort('APP_PORT', LOCAL_PORTS[appId].app);
  // Prometheus scrapes its own port: the app port may be public (the frontend's is)
  return { port, metricsPort: envPort('METRICS_PORT', port + 1000) };
}

export async function startApp(options: ServeOptions): Promise<RunningApp> {
  const metrics = options.metricsPort === undefined ? undefined : await serveMetrics(options.metricsPort);
  if (metrics) options.logger.info({ port: metrics.port }, 'metrics on /metrics');
  const closers = [...(options.onClose ?? []), ...(metrics ? [() => metrics.stop()] : [])];
  const deliveries = options.deliveries && { ...options.deliveries, maxBytes: BULK_DELIVERY_MAX_BYTES };
  const handlers = trackInFlight(limitBodies(options.app.fetch, MAX_BODY_BYTES, deliveries));
  const drainMs = options.drainMs ?? 10_000;
  return new Promise((resolve) => {
    const server = serve(
      { fetch: handlers.fetch, port: options.port, hostname: options.hostname ?? listenHost() },
      (info) => {
        answerClientErrors(server as Server);
        options.logger.info({ port: info.port }, 'listening');
        let stopping: Promise<void> | undefined;
        const stop = () => {
          stopping ??= (async () => {
            options.logger.info('stopping: draining in-flight requests');
            const started = Date.now();
            await closeServer(server as Server, drainMs);
            if (!(await handlers.settled(Math.max(0, drainMs - (Date.now() - started))))) {
              options.logger.warn('stopping with requests still running: the drain time is over');
            }
            for (const close of closers) await close();
            options.logger.info('stopped');
          })();
          return stopping;
        };
        if (options.handleSignals) {
          for (const signal of ['SIGTERM', 'SIGINT'] as const) {
            process.once(signal, () => {
              stop().then(
                () => process.exit(0),
                (error) => {
                  options.logger.error({ err: error }, 'unclean stop');
                  process.exit(1);
                },
              );
            });
          }
        }
        resolve({ port: info.port, stop });
      },
    );
  });
}

function closeServer(server: Server, drainMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), drainMs);
    // keep-alive connections become idle as their last request ends: close them then, not at keepAliveTimeout
    const sweeper = setInterval(() => server.closeIdleConnections(), 50);
    server.close(() => {
      clearTimeout(timer);
      clearInterval(sweeper);
      resolve();
    });
    server.closeIdleConnections();
  });
}
