// Child processes with one prefixed, coloured log stream, stopped in reverse order on Ctrl-C.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const COLOURS = [36, 35, 33, 32, 34, 31];

export interface Supervised {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

export function startProcess(
  name: string,
  command: string[],
  options: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    colourIndex: number;
    width: number;
    onExit?: (code: number | null) => void;
  },
): Supervised {
  const [file, ...args] = command as [string, ...string[]];
  const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const colour = COLOURS[options.colourIndex % COLOURS.length];
  const prefix = process.stdout.isTTY
    ? `\x1b[${colour}m${name.padEnd(options.width)} |\x1b[0m`
    : `${name.padEnd(options.width)} |`;
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${prefix} ${line}\n`));
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      options.onExit?.(code);
      resolve(code);
    });
  });
  return { name, child, exited };
}

/** SIGTERM, then SIGKILL for what has not exited after `graceMs`. */
export async function stopProcess(proc: Supervised, graceMs = 10_000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
}
