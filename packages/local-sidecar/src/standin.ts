// Builds a stand-in runtime from a run file: its apps become sidecar ports, its resource folders the components.
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { readResources } from './config/resources';
import { readRunFile } from './config/run-file';
import { Runtime } from './runtime';

export function standInFromRunFile(
  runFilePath: string,
  options: {
    logger: Logger;
    databaseUrl?: string;
    apiToken?: string;
    appToken?: string;
    portOffset?: number;
    baseDir?: string;
  },
): Runtime {
  const { portOffset, baseDir, ...rest } = options;
  const runFile = readRunFile(runFilePath, { portOffset });
  return new Runtime({
    instances: runFile.apps.map((app) => ({
      appId: app.appId,
      appPort: app.appPort,
      channelAddress: app.channelAddress,
      daprHttpPort: app.daprHttpPort,
    })),
    resources: readResources(runFile.resourcesPaths),
    baseDir: baseDir ?? dirname(runFile.path),
    ...rest,
  });
}
