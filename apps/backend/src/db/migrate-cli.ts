// `npm run migrate -w @todo/backend`: the command the Pulumi program runs as a Job before the backend rolls out.
import { APP_IDS } from '@todo/contracts';
import { Dapr } from '@todo/dapr';
import { createLogger, loadSecrets, migrateToLatest, openDatabase } from '@todo/service-kit';
import { BACKEND_MIGRATIONS } from './migrate';

async function main() {
  const logger = createLogger(`${APP_IDS.backend}-migrate`);
  const dapr = new Dapr();
  await dapr.health.waitForSidecar();
  const secrets = await loadSecrets(dapr);
  const { db } = openDatabase(secrets.databaseUrl, logger, 1);
  try {
    const applied = await migrateToLatest(db, BACKEND_MIGRATIONS, APP_IDS.backend);
    logger.info({ applied }, applied.length ? 'migrations applied' : 'schema is up to date');
  } finally {
    await db.destroy();
    if (process.env.DAPR_SHUTDOWN_ON_EXIT === 'true') await dapr.health.shutdown();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
