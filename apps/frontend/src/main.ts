// Entry point: build the browser assets, wait for the sidecar, serve.
import { join } from 'node:path';
import { APP_IDS, LOCAL_PORTS } from '@todo/contracts';
import { Dapr } from '@todo/dapr';
import { createLogger, envPort, startApp } from '@todo/service-kit';
import { createApp } from './app';
import { buildAssets, prebuiltAssets } from './assets';

async function main() {
  const logger = createLogger(APP_IDS.frontend);
  // the image runs the bundle in dist/ with prebuilt assets in dist/public; from source they are built now
  const assets = prebuiltAssets(join(__dirname, 'public')) ?? (await buildAssets());
  logger.info(
    { scriptBytes: Buffer.byteLength(assets.script.body), stylesBytes: Buffer.byteLength(assets.styles.body) },
    'assets built',
  );
  const dapr = new Dapr();
  await dapr.health.waitForSidecar();
  await startApp({
    app: createApp({ logger, dapr, assets }),
    port: envPort('APP_PORT', LOCAL_PORTS[APP_IDS.frontend].app),
    // Prometheus scrapes this port; the app port may be public (the frontend's is)
    metricsPort: envPort('METRICS_PORT', envPort('APP_PORT', LOCAL_PORTS[APP_IDS.frontend].app) + 1000),
    logger,
    drainMs: 2_000,
    handleSignals: true,
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
