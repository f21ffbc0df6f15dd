// `npm run dapr:build`: daprd (only our components), the scheduler and sentry (the mTLS CA), built from this Go
// module into .dapr-bin/.
// A second run is fast: go reuses its build cache and leaves up-to-date binaries alone.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DAPR_BIN_DIR, DAPR_MODULE_DIR, daprVersionFromGoMod } from './paths';

const BINARIES = ['daprd', 'scheduler', 'sentry'];
const APP_COPY = join(DAPR_MODULE_DIR, 'cmd', 'daprd', 'app', 'app.go');
// The one line removed from upstream's cmd/daprd/app/app.go (see cmd/daprd/main.go for why).
const COMPONENTS_IMPORT = '\t// Register all components\n\t_ "github.com/dapr/dapr/cmd/daprd/components"\n\n';

function go(args: string[]): string {
  const result = spawnSync('go', args, {
    cwd: DAPR_MODULE_DIR,
    env: { ...process.env, CGO_ENABLED: '0' }, // as upstream's release builds
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    fail(missing ? 'go not found on PATH: dapr:build needs Go (https://go.dev/dl/)' : result.error.message);
  }
  if (result.status !== 0) fail(`go ${args.join(' ')} exited with ${result.status}`);
  return result.stdout;
}

function fail(message: string): never {
  console.error(`dapr:build: ${message}`);
  process.exit(1);
}

/** Our cmd/daprd/app/app.go must be upstream's, minus the components import; --sync-app rewrites it. */
function checkAppCopy(sync: boolean) {
  const { Dir } = JSON.parse(go(['mod', 'download', '-json', 'github.com/dapr/dapr'])) as { Dir: string };
  const upstream = readFileSync(join(Dir, 'cmd', 'daprd', 'app', 'app.go'), 'utf8');
  if (!upstream.includes(COMPONENTS_IMPORT)) fail(`${Dir}/cmd/daprd/app/app.go no longer has the components import`);
  const expected = upstream.replace(COMPONENTS_IMPORT, '');
  if (sync) writeFileSync(APP_COPY, expected);
  else if (readFileSync(APP_COPY, 'utf8') !== expected) {
    fail('tools/dapr/cmd/daprd/app/app.go differs from upstream: node --import tsx tools/dapr/build.ts --sync-app');
  }
}

function main() {
  const version = daprVersionFromGoMod();
  checkAppCopy(process.argv.includes('--sync-app'));
  mkdirSync(DAPR_BIN_DIR, { recursive: true });
  // the version ldflags upstream's Makefile sets (its gitcommit and gitversion are left empty)
  const ldflags = [
    '-s -w',
    `-X github.com/dapr/dapr/pkg/buildinfo.version=${version}`,
    `-X github.com/dapr/kit/logger.DaprVersion=${version}`,
  ].join(' ');
  // -buildvcs=false: the project's git state is not the binaries' (and would relink them on every commit)
  const flags = ['-mod=readonly', '-trimpath', '-buildvcs=false', `-ldflags=${ldflags}`];
  const started = Date.now();
  go(['build', ...flags, '-o', DAPR_BIN_DIR, ...BINARIES.map((b) => `./cmd/${b}`)]);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const sizes = BINARIES.map((b) => `${b} ${(statSync(join(DAPR_BIN_DIR, b)).size / 2 ** 20).toFixed(1)} MiB`);
  console.log(`dapr ${version}: built ${sizes.join(', ')} into .dapr-bin/ in ${seconds}s`);
}

main();
