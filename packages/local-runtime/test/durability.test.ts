// fsync is on in the embedded database, and reaches the disk: each commit of the embedded default calls fsync(2)
// (PGlite starts Postgres with fsync off, and its Emscripten filesystem had no fsync at all).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'fsync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('calls fsync(2) for every commit on the embedded settings', () => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'fsync-probe.ts'), dir, '20'], {
    encoding: 'utf8',
  });
  const { syncs, fsync } = JSON.parse(out.trim().split('\n').at(-1) as string);
  expect(fsync).toBe('on');
  expect(syncs).toBeGreaterThanOrEqual(20);
}, 60_000);
