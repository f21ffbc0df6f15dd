// The Dapr sources at the version the program installs, as the Go module proxy serves them (the same zip
// `npm run dapr:build` downloads): the Helm chart in charts/dapr, the injector's annotation keys.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DAPR_MODULE_DIR, daprVersionFromGoMod } from '../../tools/dapr/paths';

/** Why the module cannot be had here (no Go), or undefined. */
export function daprModuleMissing(): string | undefined {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  return go.error ? 'go not found on PATH: the Dapr module is downloaded with `go mod download`' : undefined;
}

/** The extracted github.com/dapr/dapr module at tools/dapr/go.mod's version (= infra's daprVersion). */
export function daprModuleDir(): string {
  const version = daprVersionFromGoMod();
  const result = spawnSync('go', ['mod', 'download', '-json', `github.com/dapr/dapr@v${version}`], {
    cwd: DAPR_MODULE_DIR,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`go mod download github.com/dapr/dapr@v${version}: ${result.stderr}`);
  const { Dir } = JSON.parse(result.stdout) as { Dir: string };
  if (!existsSync(Dir)) throw new Error(`go mod download reported ${Dir}, which does not exist`);
  return Dir;
}
