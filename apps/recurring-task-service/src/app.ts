// recurring-task-service: turns a completed recurring task into its next occurrence.
import type { Dapr } from '@todo/dapr';
import { healthRoutes, installErrorHandlers } from '@todo/service-kit';
import { Hono } from 'hono';
import type { Logger } from 'pino';

export interface RecurringDeps {
  logger: Logger;
  dapr: Dapr;
  appToken?: string;
}

export function createApp(deps: RecurringDeps): Hono {
  const app = new Hono();
  installErrorHandlers(app, deps.logger);
  app.route('/', healthRoutes({ sidecar: () => deps.dapr.health.check() }));
  return app;
}
