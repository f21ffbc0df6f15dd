#!/usr/bin/env -S node --import tsx
// `dapr-standin [-f dapr.yaml]`: serve the sidecar API for every app of a run file until SIGTERM.
import { createLogger } from '@todo/service-kit';
import { parseReplicas } from './config/run-file';
import { standInFromRunFile } from './standin';

async function main() {
  const args = process.argv.slice(2);
  const flag = args.indexOf('-f');
  const runFile = flag >= 0 ? (args[flag + 1] ?? 'dapr.yaml') : 'dapr.yaml';
  const logger = createLogger('dapr-standin');
  const runtime = standInFromRunFile(runFile.endsWith('.yaml') ? runFile : `${runFile}/dapr.yaml`, {
    logger,
    databaseUrl: process.env.STANDIN_DATABASE_URL,
    apiToken: process.env.DAPR_API_TOKEN,
    appToken: process.env.APP_API_TOKEN,
    portOffset: process.env.STANDIN_PORT_OFFSET ? Number(process.env.STANDIN_PORT_OFFSET) : undefined,
    // the same replicas the runner starts (it passes its environment on)
    replicas: parseReplicas(process.env.TODO_REPLICAS),
    // relative paths in components (secretsFile) resolve here instead of beside the run file
    baseDir: process.env.STANDIN_BASE_DIR || undefined,
  });
  await runtime.start();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      runtime.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
