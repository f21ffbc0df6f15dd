// Entry point of the backend process.
import { APP_IDS, LOCAL_PORTS } from '@todo/contracts';
import { Dapr } from '@todo/dapr';
import { createLogger, envPort } from '@todo/service-kit';
import { startBackend } from './server';

startBackend({
  dapr: new Dapr(),
  logger: createLogger(APP_IDS.backend),
  port: envPort('APP_PORT', LOCAL_PORTS[APP_IDS.backend].app),
  // Prometheus scrapes this port; the app port may be public (the frontend's is)
  metricsPort: envPort('METRICS_PORT', envPort('APP_PORT', LOCAL_PORTS[APP_IDS.backend].app) + 1000),
  appToken: process.env.APP_API_TOKEN,
  migrate: process.env.MIGRATE_ON_START !== 'false',
  // OUTBOX_RELAY=off leaves sending to another process (and lets a test stop between commit and publish)
  relay: process.env.OUTBOX_RELAY !== 'off',
  handleSignals: true,
  openaiBaseUrl: process.env.OPENAI_BASE_URL || undefined,
  openaiModel: process.env.OPENAI_MODEL || undefined,
}).catch((error) => {
  console.error(error);
  process.exit(1);
});
