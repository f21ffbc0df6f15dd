// Child processes with one prefixed, coloured log stream, stopped in reverse order on Ctrl-C. A process that crashes
// (a signal or a non-zero exit) once the system is up is started again with backoff, as Kubernetes would restart a
// container; one that exits cleanly (exit 0, e.g. after a SIGTERM) stays stopped. None outlives the runner.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dieWithParent } from '../../../tools/die-with-parent';

const COLOURS = [36, 35, 33, 32, 34, 31];
const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
/** Up this long and the next crash starts the backoff over. */
const HEALTHY_AFTER_MS = 60_000;

export interface ProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  colourIndex: number;
  width: number;
  say: (text: string) => void;
  /** Called after every start, the first included (to record the pid). */
  onStart?: (pid: number) => void;
}

export class Supervised {
  child: ChildProcess;
  /** Restart after a crash; off until the system is first ready, so a broken start fails fast. */
  restart = false;
  restarts = 0;
  private stopped = false;
  private startedAt = Date.now();
  private backoffMs = FIRST_BACKOFF_MS;
  private pendingRestart?: NodeJS.Timeout;
  private exitedOnce?: Promise<void>;

  constructor(
    readonly name: string,
    private readonly command: string[],
    private readonly options: ProcessOptions,
  ) {
    this.child = this.spawn();
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private spawn(): ChildProcess {
    const [file, ...args] = dieWithParent(this.command) as [string, ...string[]];
    const child = spawn(file, args, {
      cwd: this.options.cwd,
      env: this.options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const colour = COLOURS[this.options.colourIndex % COLOURS.length];
    const prefix = process.stdout.isTTY
      ? `\x1b[${colour}m${this.name.padEnd(this.options.width)} |\x1b[0m`
      : `${this.name.padEnd(this.options.width)} |`;
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${prefix} ${line}\n`));
    }
    this.startedAt = Date.now();
    this.exitedOnce = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve(this.exited(code, signal))),
    );
    if (child.pid) this.options.onStart?.(child.pid);
    return child;
  }

  private exited(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopped) return;
    const how = signal ? `killed by ${signal}` : `exit code ${code}`;
    if (!this.restart || code === 0) {
      this.options.say(
        `${this.name} exited (${how})${this.restart ? '; it stopped cleanly, so it stays stopped' : ''}`,
      );
      return;
    }
    if (Date.now() - this.startedAt > HEALTHY_AFTER_MS) this.backoffMs = FIRST_BACKOFF_MS;
    this.options.say(`${this.name} crashed (${how}); starting it again in ${this.backoffMs} ms`);
    this.pendingRestart = setTimeout(() => {
      this.pendingRestart = undefined;
      if (this.stopped) return;
      this.restarts += 1;
      this.child = this.spawn();
    }, this.backoffMs);
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
  }

  /** SIGTERM, then SIGKILL for what has not exited after `graceMs`; no restart afterwards. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pendingRestart);
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exitedOnce;
    clearTimeout(timer);
  }
}
