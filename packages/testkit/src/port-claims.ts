// Ports claimed across processes: one file per port, naming the pid that holds it, seen by every test process on the
// machine. A port is picked, claimed, then checked free; nothing else of ours takes it until it is given back.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLAIMS = join(tmpdir(), 'todo-chatbot-port-claims');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const held = new Set<number>();
// a process that ends without giving its ports back leaves no claim behind. Under jest this listener sits on the
// test's copy of `process` and does not fire: a worker's claims outlive it, and are taken over as a dead pid's.
process.once('exit', () => {
  for (const port of held) rmSync(join(CLAIMS, String(port)), { force: true });
});

const write = (file: string, port: number) => {
  writeFileSync(file, String(process.pid), { flag: 'wx' });
  held.add(port);
};

/** Claims one port for this process; a claim left by a process that has died is taken over. */
export function claimPort(port: number): boolean {
  mkdirSync(CLAIMS, { recursive: true });
  const file = join(CLAIMS, String(port));
  try {
    write(file, port);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // a takeover holds the port's lock, so two processes that both find the same dead owner cannot both claim the port
  // (the second would delete the first one's fresh claim); a process that cannot take the lock looks elsewhere
  const lock = `${file}.lock`;
  try {
    mkdirSync(lock);
  } catch {
    return false;
  }
  try {
    let owner = 0;
    try {
      owner = Number(readFileSync(file, 'utf8'));
    } catch {
      // given back meanwhile
    }
    // 0 with the file there: being written right now
    if (owner && alive(owner)) return false;
    if (!owner && existsSync(file)) return false;
    rmSync(file, { force: true });
    write(file, port);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Gives a claimed port back, once what used it has stopped. */
export function releasePort(port: number): void {
  if (!held.delete(port)) return;
  rmSync(join(CLAIMS, String(port)), { force: true });
}

/** Whether a listener could bind the port on loopback right now. */
export const bindable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
