// Deletes, every minute, what has outlived its use: outbox rows sent over a week ago (outbox/retention.ts) and the ids
// of tasks deleted over a day ago (tasks/deletions.ts). Every replica runs it: the deletes are idempotent, so
// replicas running together only repeat a little work, and a pass with nothing to delete is a couple of index reads.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from './db/schema';
import { pruneSentRows } from './outbox/retention';
import { pruneDeletions } from './tasks/deletions';

const EVERY_MS = 60_000;

const CHORES: [what: string, run: (db: Kysely<Database>) => Promise<number>][] = [
  ['outbox rows sent over a week ago', pruneSentRows],
  ['ids of tasks deleted over a day ago', pruneDeletions],
];

export class Housekeeping {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly logger: Logger,
    private readonly everyMs = EVERY_MS,
  ) {}

  /** A pass now, then one every minute. */
  start(): void {
    this.timer = setInterval(() => void this.pass(), this.everyMs);
    this.timer.unref();
    void this.pass();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over every chore (the one in progress, if there is one); a chore that fails is tried again next pass. */
  pass(): Promise<void> {
    this.running ??= this.sweep().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweep(): Promise<void> {
    for (const [what, run] of CHORES) {
      try {
        const deleted = await run(this.db);
        if (deleted) this.logger.info({ deleted }, `${what} deleted`);
      } catch (error) {
        this.logger.warn({ err: error }, `deleting ${what} failed; will try again`);
      }
    }
  }
}
