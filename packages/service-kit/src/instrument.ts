// What every app does to every request: put it in its trace, count and time it, and log it.
import type { Hono } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import { httpMetrics } from './metrics';
import { traceRequests } from './trace';

const QUIET = new Set(['/healthz', '/readyz']);

// biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its env and schema
export function instrument(app: Hono<any, any, any>, appId: string, logger: Logger): void {
  app.use('*', traceRequests);
  app.use('*', httpMetrics(appId));
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    if (QUIET.has(c.req.path)) return;
    logger.info(
      {
        method: c.req.method,
        route: routePath(c, -1),
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    );
  });
}
