// A Postgres server of the fault suite's own (initdb in a temporary folder, its own port), so that crashing and
// restarting it touches nothing else on the machine. Uses the Debian server binaries (PG_BIN to point elsewhere).
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'initdb')));
  if (!found) throw new Error('no Postgres server binaries found: install postgresql or set PG_BIN to their folder');
  return found;
}

export class PrivatePostgres {
  readonly dir = mkdtempSync(join(tmpdir(), 'faults-pg-'));
  private readonly bin = binDir();
  /** Postgres refuses to run as root: as root, run its tools as the postgres user. */
  private readonly asRoot = process.getuid?.() === 0;

  constructor(readonly port: number) {}

  get adminUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private run(tool: string, args: string[]): string {
    const command = join(this.bin, tool);
    const [file, argv] = this.asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  init(): void {
    if (this.asRoot) chownSync(this.dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), 0);
    this.run('initdb', ['-D', join(this.dir, 'data'), '-U', 'postgres', '-A', 'trust', '--no-sync']);
  }

  start(): void {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-o', options, '-l', join(this.dir, 'log'), '-w', 'start']);
  }

  /** Stops the server the way a crash does: no checkpoint, clients cut off mid-query; recovery runs at start. */
  crash(): void {
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
  }

  destroy(): void {
    try {
      this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    } catch {
      // not running
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
