// What a runner that died (kill -9, a crash, a closed laptop) left behind, found through its pids.json: a new
// `npm start` ends those processes instead of refusing to start because their ports are taken.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** The runner's own entry in pids.json, beside the processes it started. */
export const RUNNER = 'runner';

/** When the process with this pid started (ms), or undefined if there is none. */
function startedAt(pid: number): number | undefined {
  try {
    const text = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return text ? Date.parse(text) : undefined;
  } catch {
    return undefined; // ps exits 1 when there is no such process
  }
}

/** Running (a zombie waiting for its new parent to reap it holds no port, so it does not count). */
export function running(pid: number): boolean {
  try {
    const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return state !== '' && !state.startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * Ends the processes a dead runner recorded in `pidsFile`. A pid counts as theirs only if its process started before
 * the file was last written (the runner rewrites it at every start of a child): a pid the system has since given to
 * someone else is left alone. Throws if that runner is still alive: another `npm start` owns this data folder.
 */
export async function endLeftovers(pidsFile: string, say: (text: string) => void): Promise<void> {
  if (!existsSync(pidsFile)) return;
  let pids: Record<string, number>;
  try {
    pids = JSON.parse(readFileSync(pidsFile, 'utf8'));
  } catch {
    return; // unreadable: nothing to go on
  }
  // ps prints whole seconds
  const writtenAt = statSync(pidsFile).mtimeMs + 1_000;
  const ours = (pid: number) => pid !== process.pid && (startedAt(pid) ?? Number.POSITIVE_INFINITY) <= writtenAt;
  const runner = pids[RUNNER];
  if (runner && ours(runner)) {
    throw new Error(`another npm start (pid ${runner}) is running with this data folder: stop it first (Ctrl-C)`);
  }
  const left = Object.entries(pids).filter(([name, pid]) => name !== RUNNER && ours(pid));
  if (!left.length) return;
  say(`a previous npm start died and left ${left.map(([name, pid]) => `${name} (${pid})`).join(', ')}: ending them`);
  for (const [, pid] of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  for (let waited = 0; left.some(([, pid]) => running(pid)); waited += 100) {
    if (waited > 10_000) throw new Error(`could not end ${left.map(([, pid]) => pid).join(', ')}`);
    await sleep(100);
  }
}
