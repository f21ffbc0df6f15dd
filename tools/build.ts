// `npm run build`: each app bundled by esbuild into apps/<app>/dist (what the image runs), the browser assets too.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_IDS, type AppId } from '@todo/contracts';
import { build } from 'esbuild';
import { asciiRegExps } from './ascii-regexps';

const ROOT = join(__dirname, '..');
// apps/<app id>/src/<entry>.ts
const ENTRIES: Record<AppId, string[]> = {
  [APP_IDS.frontend]: ['main'],
  [APP_IDS.backend]: ['main', 'db/migrate-cli'],
  [APP_IDS.notificationService]: ['main'],
  [APP_IDS.recurringTaskService]: ['main'],
};

async function main() {
  for (const [app, entries] of Object.entries(ENTRIES)) {
    for (const entry of entries) {
      const outfile = join(
        ROOT,
        'apps',
        app,
        'dist',
        `${entry.split('/').at(-1) === 'migrate-cli' ? 'migrate' : entry}.js`,
      );
      const result = await build({
        entryPoints: [join(ROOT, 'apps', app, 'src', `${entry}.ts`)],
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        outfile,
        // whitespace and comments out: V8 keeps each bundle's text for lazy compiling (the backend's was 9.8 MB, held
        // as 19.6 MB of two-byte string because comments carried a few non-ASCII characters); names stay as written
        minifyWhitespace: true,
        sourcemap: 'linked',
        // stack traces need the mappings only; the sources' text in the map cost the backend ~85 MB of RSS from its start
        sourcesContent: false,
        legalComments: 'none',
        // optional native driver pg looks for; esbuild the bundler is only needed at build time
        external: ['pg-native', 'esbuild'],
        metafile: true,
        logLevel: 'warning',
        // ASCII text throughout (esbuild leaves regular expressions as written): V8 holds it one byte per character
        plugins: [asciiRegExps],
      });
      const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
      console.log(`${app}/${entry}: ${(bytes / 1024).toFixed(0)} KiB -> ${outfile.slice(ROOT.length + 1)}`);
    }
  }
  // the frontend's browser assets, so the image does not need esbuild at run time
  const { buildAssets } = await import('../apps/frontend/src/assets');
  const assets = await buildAssets();
  const out = join(ROOT, 'apps', APP_IDS.frontend, 'dist', 'public');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'app.js'), assets.script.body);
  writeFileSync(join(out, 'app.css'), assets.styles.body);
  console.log(
    `frontend/public: app.js ${(assets.script.body.length / 1024).toFixed(1)} KiB, app.css ${(assets.styles.body.length / 1024).toFixed(1)} KiB`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
