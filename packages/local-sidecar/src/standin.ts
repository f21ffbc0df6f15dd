// Builds a stand-in runtime from a run file: its apps become sidecar ports, its resource folders the components,
// each app's Configuration file its access control.
import { dirname } from 'node:path';
import type { AccessControlSpec } from '@todo/contracts';
import type { Logger } from 'pino';
import { readConfiguration } from './config/configuration';
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
    replicas?: Record<string, number>;
    baseDir?: string;
  },
): Runtime {
  const { portOffset, replicas, baseDir, ...rest } = options;
  const runFile = readRunFile(runFilePath, { portOffset, replicas });
  const accessControl: Record<string, Partial<AccessControlSpec>> = {};
  for (const app of runFile.apps) {
    if (!app.configFile) continue;
    const config = readConfiguration(app.configFile);
    if (config.accessControl) accessControl[app.appId] = config.accessControl;
    if (config.ignored.length) {
      options.logger.info(
        { app: app.appId, file: app.configFile, ignored: config.ignored },
        'configuration not applied',
      );
    }
  }
  return new Runtime({
    instances: runFile.apps.map((app) => ({
      appId: app.appId,
      appPort: app.appPort,
      channelAddress: app.channelAddress,
      daprHttpPort: app.daprHttpPort,
    })),
    resources: readResources(runFile.resourcesPaths),
    accessControl,
    baseDir: baseDir ?? dirname(runFile.path),
    ...rest,
  });
}
