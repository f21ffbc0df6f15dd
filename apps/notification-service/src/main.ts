// Entry point: wait for the sidecar, read the database URL from the secret store, serve.
import { APP_IDS, COMPONENTS, LOCAL_PORTS, SECRET } from '@todo/contracts';
import { Dapr } from '@todo/dapr';
import { createLogger, envPort, startApp } from '@todo/service-kit';
import { Pool } from 'pg';
import { createApp } from './app';

async function main() {
  const logger = createLogger(APP_IDS.notificationService);
  const dapr = new Dapr();
  await dapr.health.waitForSidecar();
  const databaseUrl = await dapr.secrets.require(COMPONENTS.secretStore, SECRET.name, SECRET.keys.databaseUrl);
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  pool.on('error', (err) => logger.error({ err }, 'idle database connection failed'));
  const app = createApp({ logger, dapr, pool, appToken: process.env.APP_API_TOKEN });
  await startApp({
    app,
    port: envPort('APP_PORT', LOCAL_PORTS[APP_IDS.notificationService].app),
    logger,
    onClose: [() => pool.end()],
    handleSignals: true,
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
