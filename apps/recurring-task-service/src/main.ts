// The recurring-task-service process: wait for the sidecar, serve.
import { APP_IDS } from '@todo/contracts';
import { Dapr } from '@todo/dapr';
import { type AppOptions, appPorts, createLogger, type RunningApp, startApp } from '@todo/service-kit';
import { createApp } from './app';

export type RecurringOptions = AppOptions;

export async function startRecurringTaskService(options: RecurringOptions): Promise<RunningApp> {
  const { dapr, logger } = options;
  await dapr.health.waitForSidecar();
  return startApp({
    app: createApp({ logger, dapr, appToken: options.appToken }),
    deliveries: { appToken: options.appToken }, // bulk deliveries of task events
    port: options.port,
    hostname: options.hostname,
    metricsPort: options.metricsPort,
    logger,
    handleSignals: options.handleSignals,
  });
}

// run as the process (src/main.ts, dist/main.js), not imported by a test: options from the environment
if (require.main === module) {
  startRecurringTaskService({
    dapr: new Dapr(),
    logger: createLogger(APP_IDS.recurringTaskService),
    ...appPorts(APP_IDS.recurringTaskService),
    appToken: process.env.APP_API_TOKEN,
    handleSignals: true,
  }).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
