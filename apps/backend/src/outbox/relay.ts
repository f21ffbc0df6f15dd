// Sends outbox rows through Dapr (publish, or schedule/delete a job) in order per task, several tasks at a time, and
// marks them sent. At least once:
// a crash after sending and before marking sends the row again, with the same CloudEvent id.
import { APP_IDS, COMPONENTS } from '@todo/contracts';
import type { Dapr, JobSpec } from '@todo/dapr';
import { type Kysely, type Selectable, sql } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Database, OutboxTable } from '../db/schema';
import { outboxBacklog, outboxLag, outboxPublished } from '../metrics';
import { RelayLease } from './lease';

const BATCH = 100;
/** Tasks whose rows are sent at the same time. */
const LANES = 8;

export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private readonly lease: RelayLease;
  private backoffUntil = 0;

  constructor(
    private readonly db: Kysely<Database>,
    pool: pg.Pool,
    private readonly dapr: Dapr,
    private readonly logger: Logger,
    private readonly pollMs = 500,
  ) {
    this.lease = new RelayLease(pool);
  }

  /** Who this relay is in the lease table (tests find the one sending). */
  get holder(): string {
    return this.lease.holder;
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.timer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    await this.lease.release().catch(() => undefined);
  }

  /** Run now (after a commit); if a run is in progress, run once more after it. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error) => this.logger.error({ err: error }, 'outbox relay failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async drain(): Promise<void> {
    if (Date.now() < this.backoffUntil) return;
    for (;;) {
      // one relay per database: the one holding the lease sends, the others wait for it to lapse
      if (this.stopped || !(await this.lease.held())) return;
      const rows = await this.db
        .selectFrom('outbox')
        .selectAll()
        .where('published_at', 'is', null)
        .orderBy('seq')
        .limit(BATCH)
        .execute();
      outboxBacklog.set(rows.length < BATCH ? rows.length : await this.backlog());
      if (rows.length === 0) return;
      // order matters per task, not across tasks: each task's rows go in order, different tasks side by side
      const lanes = new Map<string, Selectable<OutboxTable>[]>();
      for (const row of rows) {
        const key = row.partition_key ?? row.id;
        lanes.set(key, [...(lanes.get(key) ?? []), row]);
      }
      const queue = [...lanes.values()];
      let failed = false;
      const worker = async () => {
        for (let lane = queue.shift(); lane; lane = queue.shift()) {
          const sent: Selectable<OutboxTable>[] = [];
          for (const row of lane) {
            if (!(await this.trySend(row))) {
              failed = true;
              break; // the rest of this task's rows wait for this one
            }
            sent.push(row);
          }
          // one UPDATE per lane: a crash before it sends these rows again, with the same ids (at least once)
          await this.markSent(sent);
        }
      };
      await Promise.all(Array.from({ length: Math.min(LANES, queue.length) }, worker));
      if (failed) return;
    }
  }

  /** Sends one row; on failure counts the attempt, backs off, and answers false. */
  private async trySend(row: Selectable<OutboxTable>): Promise<boolean> {
    try {
      await this.send(row);
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.db
        .updateTable('outbox')
        .set({ attempts: sql`attempts + 1`, last_error: message.slice(0, 1000) })
        .where('id', '=', row.id)
        .execute();
      this.backoffUntil = Date.now() + Math.min(30_000, 250 * 2 ** Math.min(row.attempts, 7));
      this.logger.warn(
        { outboxId: row.id, kind: row.kind, attempts: row.attempts + 1, reason: message },
        'outbox row not sent; will retry',
      );
      return false;
    }
  }

  private async markSent(rows: Selectable<OutboxTable>[]): Promise<void> {
    if (!rows.length) return;
    await this.db
      .updateTable('outbox')
      .set({ published_at: new Date(), last_error: null })
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    for (const row of rows) {
      outboxPublished.inc({ kind: row.kind });
      outboxLag.observe((Date.now() - new Date(row.created_at).getTime()) / 1000);
    }
  }

  private async send(row: Selectable<OutboxTable>): Promise<void> {
    const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<
      string,
      unknown
    >;
    if (row.kind === 'publish') {
      await this.dapr.pubsub.publish(COMPONENTS.pubsub, row.topic as string, payload, {
        id: row.id,
        type: row.event_type as string,
        source: APP_IDS.backend,
        metadata: row.partition_key ? { partitionKey: row.partition_key } : undefined,
        // the event continues the trace of the request that made the change
        traceparent: row.traceparent ?? undefined,
      });
    } else if (row.kind === 'job.schedule') {
      await this.dapr.jobs.schedule(payload.name as string, payload.spec as JobSpec);
    } else {
      await this.dapr.jobs.delete(payload.name as string);
    }
  }

  /** Rows not yet sent (for readiness and metrics). */
  async backlog(): Promise<number> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('published_at', 'is', null)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}
