// The Minikube tag follows the build context: what docker build is sent changes it, what .dockerignore drops does not.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextHash } from './build-context';

let dir: string;
const write = (path: string, content: string) => {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), content);
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'build-context-'));
  write('.dockerignore', '# generated\nnode_modules\n**/dist\n*.log\n/.data/\n');
  write('Dockerfile', 'FROM node:20\nCOPY . .\n');
  write('apps/backend/src/main.ts', 'export const port = 8000;\n');
  write('package-lock.json', '{}\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('is 16 hex digits and the same for the same context', () => {
  expect(contextHash(dir)).toMatch(/^[0-9a-f]{16}$/);
  expect(contextHash(dir)).toBe(contextHash(dir));
});

it('changes with a source file, a new file, the Dockerfile, the lock file or an executable bit', () => {
  const changes: [string, () => void][] = [
    ['source edited', () => write('apps/backend/src/main.ts', 'export const port = 8001;\n')],
    ['file added', () => write('packages/contracts/src/names.ts', 'export {};\n')],
    ['Dockerfile edited', () => write('Dockerfile', 'FROM node:22\nCOPY . .\n')],
    ['lock file edited', () => write('package-lock.json', '{"lockfileVersion":3}\n')],
    ['mode changed', () => chmodSync(join(dir, 'apps/backend/src/main.ts'), 0o755)],
    [
      'file renamed',
      () => {
        rmSync(join(dir, 'apps/backend/src/main.ts'));
        write('apps/backend/src/app.ts', 'export const port = 8001;\n');
      },
    ],
  ];
  for (const [what, change] of changes) {
    const before = contextHash(dir);
    change();
    expect({ what, changed: contextHash(dir) !== before }).toEqual({ what, changed: true });
  }
});

it('stays the same when only files .dockerignore drops change', () => {
  const before = contextHash(dir);
  write('node_modules/hono/index.js', 'module.exports = 1;\n');
  write('apps/backend/dist/main.js', 'console.log(1);\n');
  write('debug.log', 'noise\n');
  write('.data/pglite/base', 'rows\n');
  expect(contextHash(dir)).toBe(before);
  // Docker matches a pattern without **/ from the root only: a nested node_modules or .log is sent, so it counts
  write('apps/backend/node_modules/x/index.js', '1\n');
  const nested = contextHash(dir);
  expect(nested).not.toBe(before);
  write('apps/backend/debug.log', 'noise\n');
  expect(contextHash(dir)).not.toBe(nested);
});

it('refuses a .dockerignore exception it would not honour', () => {
  write('.dockerignore', 'docs\n!docs/keep.md\n');
  expect(() => contextHash(dir)).toThrow(/exceptions are not supported/);
});
