// notification-service's HTTP surface: its subscriptions, the user API and stream, health.

import { APP_IDS } from '@todo/contracts';
import type { Dapr } from '@todo/dapr';
import { createSubscriberApp } from '@todo/dapr';
import { healthRoutes, installErrorHandlers, instrument, observePubsub, withTrace } from '@todo/service-kit';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { RemoteSessions } from './auth';
import { consumers } from './consumers';
import type { Database } from './db/schema';
import type { Fanout } from './fanout';
import { userRoutes } from './routes';
import type { NotificationStore } from './store';

export interface NotificationDeps {
  logger: Logger;
  dapr: Dapr;
  db: Kysely<Database>;
  store: NotificationStore;
  fanout: Fanout;
  sessions: RemoteSessions;
  appToken?: string;
  /** How often an open stream asks whether its sign-in still holds (default STREAM_RECHECK_MS). */
  streamRecheckMs?: number;
}

export function createApp(deps: NotificationDeps): Hono {
  const app = new Hono();
  installErrorHandlers(app, deps.logger);
  instrument(app, APP_IDS.notificationService, deps.logger);
  app.route(
    '/',
    healthRoutes({
      sidecar: () => deps.dapr.health.check(),
      database: async () => {
        await deps.db.selectFrom('user_events').select('id').limit(1).execute();
      },
    }),
  );
  app.route(
    '/',
    createSubscriberApp({
      subscriptions: consumers(deps.store),
      logger: deps.logger,
      appToken: deps.appToken,
      observe: observePubsub(APP_IDS.notificationService),
      inTrace: withTrace,
      deadLetter: (pubsub, topic, event) => deps.dapr.pubsub.forward(pubsub, topic, event),
    }),
  );
  app.route('/', userRoutes(deps.store, deps.fanout, deps.sessions, { recheckMs: deps.streamRecheckMs }));
  return app;
}
