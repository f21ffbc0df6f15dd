// What the images run: each app's esbuild bundle starts from dist/ beside a (stand-in) sidecar and answers its probes,
// and is ASCII throughout, so that V8 holds its text one byte per character (tools/ascii-regexps.ts).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

it.each([...ALL_APP_IDS])('the %s bundle is ASCII throughout', (appId) => {
  const text = readFileSync(join(ROOT, 'apps', appId, 'dist', 'main.js'), 'utf8');
  const at = text.search(/[^\p{ASCII}]/u);
  // a non-ASCII character in our own source's regular expression or tagged template: write it as \u… or an entity
  expect(at === -1 ? 'ASCII' : text.slice(Math.max(0, at - 60), at + 20)).toBe('ASCII');
});
