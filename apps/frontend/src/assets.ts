// The browser code: TypeScript in src/client bundled once by esbuild (minified), served with an ETag.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Asset {
  body: string;
  etag: string;
  type: string;
}

const asset = (body: string, type: string): Asset => ({
  body,
  type,
  etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
});

/** The assets `npm run build` wrote beside the bundle, or undefined when running from source. */
export function prebuiltAssets(dir: string): { script: Asset; styles: Asset } | undefined {
  if (!existsSync(join(dir, 'app.js'))) return undefined;
  return {
    script: asset(readFileSync(join(dir, 'app.js'), 'utf8'), 'text/javascript; charset=utf-8'),
    styles: asset(readFileSync(join(dir, 'app.css'), 'utf8'), 'text/css; charset=utf-8'),
  };
}

export async function buildAssets(): Promise<{ script: Asset; styles: Asset }> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(__dirname, 'client', 'main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2022',
    write: false,
    legalComments: 'none',
  });
  const script = result.outputFiles[0]?.text ?? '';
  const styles = readFileSync(join(__dirname, 'client', 'styles.css'), 'utf8');
  return { script: asset(script, 'text/javascript; charset=utf-8'), styles: asset(styles, 'text/css; charset=utf-8') };
}
