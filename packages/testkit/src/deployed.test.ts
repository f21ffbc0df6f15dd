import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployedRuntime } from './deployed';

const dockerfile = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'dockerfile-')), 'Dockerfile');
  writeFileSync(path, text);
  return path;
};

it("takes the run stage's ENV and the node flags of its CMD, not the build stage's", () => {
  const path = dockerfile(
    [
      'FROM node:20 AS build',
      'ENV BUILD_ONLY=1',
      'CMD ["node", "--build-flag", "x.js"]',
      'FROM node:20',
      'ENV NODE_ENV=production MALLOC_ARENA_MAX=2',
      'ENV OTHER=yes',
      'CMD ["node", "--enable-source-maps", "--max-old-space-size=128", "dist/main.js"]',
    ].join('\n'),
  );
  expect(deployedRuntime(path)).toEqual({
    nodeArgs: ['--enable-source-maps', '--max-old-space-size=128'],
    env: { NODE_ENV: 'production', MALLOC_ARENA_MAX: '2', OTHER: 'yes' },
  });
});

it('reads a single-stage Dockerfile too', () => {
  expect(deployedRuntime(dockerfile('FROM node:20\nENV A=1\nCMD ["node", "main.js"]\n'))).toEqual({
    nodeArgs: [],
    env: { A: '1' },
  });
});

it('refuses a run stage whose CMD is missing or does not run node', () => {
  expect(() => deployedRuntime(dockerfile('FROM node:20\nFROM node:20\nENV A=1\n'))).toThrow(/no CMD/);
  expect(() => deployedRuntime(dockerfile('FROM a\nFROM node:20\nCMD ["sh", "-c", "x"]\n'))).toThrow(
    /does not run node/,
  );
});

it("reads the repository's Dockerfile: the image runs node on the bundle with its flags", () => {
  const { nodeArgs, env } = deployedRuntime();
  expect(nodeArgs.every((arg) => arg.startsWith('--'))).toBe(true);
  expect(env.NODE_ENV).toBe('production');
});
