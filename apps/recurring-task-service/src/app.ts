// recurring-task-service: turns a completed recurring task into its next occurrence.

import { APP_IDS } from '@todo/contracts';
import { createSubscriberApp, type Dapr } from '@todo/dapr';
import { healthRoutes, installErrorHandlers, instrument, observePubsub, withTrace } from '@todo/service-kit';
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
  instrument(app, APP_IDS.recurringTaskService, deps.logger);
  app.route('/', healthRoutes({ sidecar: () => deps.dapr.health.check() }));
  app.route(
    '/',
    createSubscriberApp({
      subscriptions: [recurringConsumer(deps.dapr, deps.logger, deps.now)],
      logger: deps.logger,
      appToken: deps.appToken,
      observe: observePubsub(APP_IDS.recurringTaskService),
      inTrace: withTrace,
      deadLetter: (pubsub, topic, event) => deps.dapr.pubsub.forward(pubsub, topic, event),
    }),
  );
  return app;
}
