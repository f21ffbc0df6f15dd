// The frontend process: the browser assets (prebuilt beside the bundle, else built now), the sidecar, serve.
import { join } from 'node:path';
import { APP_IDS } from '@todo/contracts';
import { Dapr } from '@todo/dapr';
import { type AppOptions, appPorts, createLogger, type RunningApp, startApp } from '@todo/service-kit';
import { createApp, type FrontendDeps } from './app';
import { buildAssets, prebuiltAssets } from './assets';

export interface FrontendOptions extends AppOptions {
  assets: FrontendDeps['assets'];
}

export async function startFrontend(options: FrontendOptions): Promise<RunningApp> {
  const { dapr, logger, assets } = options;
  await dapr.health.waitForSidecar();
  return startApp({
    app: createApp({ logger, dapr, assets }),
    port: options.port,
    hostname: options.hostname,
    metricsPort: options.metricsPort,
    logger,
    drainMs: 2_000,
    handleSignals: options.handleSignals,
  });
}

// run as the process (src/main.ts, dist/main.js), not imported by a test: options from the environment
if (require.main === module) {
  (async () => {
    const logger = createLogger(APP_IDS.frontend);
    // the image runs the bundle in dist/ with prebuilt assets in dist/public; from source they are built now
    const assets = prebuiltAssets(join(__dirname, 'public')) ?? (await buildAssets());
    logger.info(
      { scriptBytes: Buffer.byteLength(assets.script.body), stylesBytes: Buffer.byteLength(assets.styles.body) },
      'assets built',
    );
    await startFrontend({ dapr: new Dapr(), logger, assets, ...appPorts(APP_IDS.frontend), handleSignals: true });
  })().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
