// What the images run: each app's esbuild bundle starts from dist/ beside a (stand-in) sidecar and answers its probes.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ALL_APP_IDS } from '@todo/contracts';
import { BundleSystem } from '@todo/testkit';

const ROOT = join(__dirname, '..');
const system = new BundleSystem();

beforeAll(async () => {
  execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'tools', 'build.ts')], { cwd: ROOT, stdio: 'pipe' });
  await system.start();
}, 120_000);

afterAll(() => system.stop(), 30_000);

it.each([...ALL_APP_IDS])(
  'the %s bundle starts from dist/ with no source beside it and answers /healthz and /readyz',
  async (appId) => {
    await expect(system.startApp(appId)).resolves.toBeUndefined();
  },
  60_000,
);
