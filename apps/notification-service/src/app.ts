// notification-service: stores reminders once, keeps the audit log, pushes updates to browsers.
import type { Dapr } from '@todo/dapr';
import { healthRoutes, installErrorHandlers } from '@todo/service-kit';
import { Hono } from 'hono';
import type { Pool } from 'pg';
import type { Logger } from 'pino';

export interface NotificationDeps {
  logger: Logger;
  dapr: Dapr;
  pool: Pool;
  appToken?: string;
}

export function createApp(deps: NotificationDeps): Hono {
  const app = new Hono();
  installErrorHandlers(app, deps.logger);
  app.route(
    '/',
    healthRoutes({
      sidecar: () => deps.dapr.health.check(),
      database: async () => {
        await deps.pool.query('select 1');
      },
    }),
  );
  return app;
}
