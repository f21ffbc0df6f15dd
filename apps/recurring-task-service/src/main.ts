// Entry point: wait for the sidecar, serve.
import { APP_IDS, LOCAL_PORTS } from '@todo/contracts';
import { Dapr } from '@todo/dapr';
import { createLogger, envPort, startApp } from '@todo/service-kit';
import { createApp } from './app';

async function main() {
  const logger = createLogger(APP_IDS.recurringTaskService);
  const dapr = new Dapr();
  await dapr.health.waitForSidecar();
  await startApp({
    app: createApp({ logger, dapr, appToken: process.env.APP_API_TOKEN }),
    port: envPort('APP_PORT', LOCAL_PORTS[APP_IDS.recurringTaskService].app),
    // Prometheus scrapes this port; the app port may be public (the frontend's is)
    metricsPort: envPort('METRICS_PORT', envPort('APP_PORT', LOCAL_PORTS[APP_IDS.recurringTaskService].app) + 1000),
    logger,
    handleSignals: true,
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
