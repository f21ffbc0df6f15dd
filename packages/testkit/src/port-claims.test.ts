// A port handed to one test process is claimed machine-wide until given back: another process picking the same port
// between the pick and the listen is refused, and a port from freePort() is never one an outgoing connection may take.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './index';
import { claimPort, releasePort } from './port-claims';

const claimedElsewhere = (port: number) => {
  const script = `process.stdout.write(String(require(${JSON.stringify(join(__dirname, 'port-claims.ts'))}).claimPort(${port})))`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  return child.stdout === 'false';
};

it('gives a port below the ephemeral range, claimed until released', async () => {
  const port = await freePort();
  expect(port).toBeGreaterThanOrEqual(19_000);
  expect(port).toBeLessThan(32_768);
  expect(claimedElsewhere(port)).toBe(true);
  releasePort(port);
  expect(claimedElsewhere(port)).toBe(false);
  // the other process gave its claim back when it exited
  expect(claimPort(port)).toBe(true);
  releasePort(port);
}, 30_000);

// ports above every range the tests pick from, so these hand-written claims meet no real one
it('takes over a claim left by a process that has died, and refuses one held by a live process', () => {
  const dir = join(tmpdir(), 'todo-chatbot-port-claims');
  mkdirSync(dir, { recursive: true });
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(join(dir, '65001'), dead.stdout);
  expect(claimPort(65_001)).toBe(true);
  releasePort(65_001);
  writeFileSync(join(dir, '65002'), String(process.ppid));
  try {
    expect(claimPort(65_002)).toBe(false);
  } finally {
    rmSync(join(dir, '65002'), { force: true });
  }
});
