// Entry point of the notification-service process.
import { APP_IDS, LOCAL_PORTS } from '@todo/contracts';
import { Dapr } from '@todo/dapr';
import { createLogger, envPort } from '@todo/service-kit';
import { startNotificationService } from './server';

startNotificationService({
  dapr: new Dapr(),
  logger: createLogger(APP_IDS.notificationService),
  port: envPort('APP_PORT', LOCAL_PORTS[APP_IDS.notificationService].app),
  // Prometheus scrapes this port; the app port may be public (the frontend's is)
  metricsPort: envPort('METRICS_PORT', envPort('APP_PORT', LOCAL_PORTS[APP_IDS.notificationService].app) + 1000),
  appToken: process.env.APP_API_TOKEN,
  migrate: process.env.MIGRATE_ON_START !== 'false',
  handleSignals: true,
  // tests shorten it to see the second layer of sign-out work
  streamRecheckMs: process.env.STREAM_RECHECK_MS ? Number(process.env.STREAM_RECHECK_MS) : undefined,
}).catch((error) => {
  console.error(error);
  process.exit(1);
});
