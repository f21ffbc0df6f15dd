// recurring-task-service: turns a completed recurring task into its next occurrence.
import { createSubscriberApp, type Dapr } from '@todo/dapr';
import { healthRoutes, installErrorHandlers } from '@todo/service-kit';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { recurringConsumer } from './consumer';

export interface RecurringDeps {
  logger: Logger;
  dapr: Dapr;
  appToken?: string;
  now?: () => Date;
}

export function createApp(deps: RecurringDeps): Hono {
  const app = new Hono();
  installErrorHandlers(app, deps.logger);
  app.route('/', healthRoutes({ sidecar: () => deps.dapr.health.check() }));
  app.route(
    '/',
    createSubscriberApp({
      subscriptions: [recurringConsumer(deps.dapr, deps.logger, deps.now)],
      logger: deps.logger,
      appToken: deps.appToken,
    }),
  );
  return app;
}
