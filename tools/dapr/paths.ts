// Where the real Dapr binaries are: the ones `npm run dapr:build` builds from this Go module, or a `dapr init` install.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DAPR_MODULE_DIR = __dirname;
export const DAPR_BIN_DIR = join(__dirname, '..', '..', '.dapr-bin');

const EXE = process.platform === 'win32' ? '.exe' : '';

/** The github.com/dapr/dapr version tools/dapr/go.mod requires, without the leading v (e.g. '1.18.0'). */
export function daprVersionFromGoMod(goMod = readFileSync(join(DAPR_MODULE_DIR, 'go.mod'), 'utf8')): string {
  const match = /^\s*(?:require\s+)?github\.com\/dapr\/dapr\s+v(\d+\.\d+\.\d+\S*)\s*(?:\/\/.*)?$/m.exec(goMod);
  if (!match) throw new Error('tools/dapr/go.mod does not require github.com/dapr/dapr');
  return match[1]!;
}

/** $envVar if set, else ~/.dapr/bin/<name> when `dapr init` put one there, else the one built into .dapr-bin/. */
function binary(envVar: string, name: string): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) return fromEnv;
  const installed = join(homedir(), '.dapr', 'bin', name + EXE);
  return existsSync(installed) ? installed : join(DAPR_BIN_DIR, name + EXE);
}

export const daprdPath = (): string => binary('DAPRD_PATH', 'daprd');
export const schedulerPath = (): string => binary('DAPR_SCHEDULER_PATH', 'scheduler');
export const sentryPath = (): string => binary('DAPR_SENTRY_PATH', 'sentry');
