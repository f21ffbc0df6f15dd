// Long-lived children (the apps, daprd, the scheduler, Kafka's JVM) must not outlive whoever started them, whatever
// killed it (kill -9 included; Node cannot set PR_SET_PDEATHSIG itself): util-linux's setpriv sets the parent-death
// signal and then execs, so the child's pid stays its own. Without setpriv (macOS) the command is unchanged, and the
// next `npm start` ends what a dead runner left (packages/local-runtime/src/leftovers.ts).
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const SETPRIV =
  process.platform === 'linux'
    ? (process.env.PATH ?? '')
        .split(delimiter)
        .map((dir) => join(dir, 'setpriv'))
        .find((path) => existsSync(path))
    : undefined;

/** The command, run so that the kernel kills it with SIGKILL when its parent dies. */
export function dieWithParent(command: string[]): string[] {
  return SETPRIV ? [SETPRIV, '--pdeathsig', 'KILL', '--', ...command] : command;
}
