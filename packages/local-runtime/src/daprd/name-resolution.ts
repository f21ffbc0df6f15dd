// Each daprd's Configuration as the runner hands it over: the app's own file (access control) plus name resolution
// by one SQLite file per system. daprd's self-hosted default, mDNS, answers every daprd on the machine and the
// network alike, so a second system (the tests beside `npm start`) could be sent the other system's calls.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

interface ConfigurationDoc {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  spec?: Record<string, unknown>;
}

/** The SQLite file every daprd of this system registers in and resolves app ids from. */
export const nameResolutionDb = (dataDir: string) => join(dataDir, 'daprd-name-resolution.db');

/** Writes `<dataDir>/daprd-config/<appId>.yaml` and returns its path. */
export function daprdConfiguration(appId: string, configFile: string | undefined, dataDir: string): string {
  const doc: ConfigurationDoc = configFile
    ? (parse(readFileSync(configFile, 'utf8')) as ConfigurationDoc)
    : { apiVersion: 'dapr.io/v1alpha1', kind: 'Configuration', metadata: { name: `${appId}-config` }, spec: {} };
  if (doc.kind !== 'Configuration') throw new Error(`${configFile}: not a Dapr Configuration`);
  const spec = doc.spec ?? {};
  if (spec.nameResolution) throw new Error(`${configFile}: the runner sets nameResolution (one per system)`);
  doc.spec = {
    ...spec,
    nameResolution: {
      component: 'sqlite',
      version: 'v1',
      configuration: { connectionString: nameResolutionDb(dataDir) },
    },
  };
  const dir = join(dataDir, 'daprd-config');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${appId}.yaml`);
  writeFileSync(path, stringify(doc));
  return path;
}
