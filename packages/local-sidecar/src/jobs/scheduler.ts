// The stand-in's scheduler: jobs persisted in Postgres, fired at POST /job/<name> on the app that scheduled them.
// Time comes from an injected clock (the real one by default), so tests move it instead of waiting.
import { prepareStatement } from '@todo/service-kit';
import type pg from 'pg';
import type { Logger } from 'pino';
import { type AppInstance, appHeaders, appUrl, isConnectionRefused } from '../app-instance';
import { parseGoDuration } from '../config/duration';
import { SCHEMA } from '../db';
import { DaprApiError } from '../errors';
import { firstTiming, nextTiming, type StoredJobSpec } from './schedule';

const LEASE_MS = 60_000;
const TRIGGER_TIMEOUT_MS = 30_000;

/** The due jobs, leased; run on every tick, so parsed and planned once per connection (prepareStatement). */
const FIRE_DUE = `with due as (
     select app_id, name from ${SCHEMA}.jobs
     where next_due_at <= $1 and (leased_until is null or leased_until < $1)
     order by next_due_at limit 50 for update skip locked)
   update ${SCHEMA}.jobs j set leased_until = $1::timestamptz + make_interval(secs => ${LEASE_MS / 1000})
   from due where j.app_id = due.app_id and j.name = due.name
   returning j.app_id, j.name, j.spec, j.fired, j.failures, j.expires_at, j.next_due_at`;
prepareStatement(FIRE_DUE);

interface JobRow {
  app_id: string;
  name: string;
  spec: StoredJobSpec;
  fired: number;
  failures: number;
  expires_at: Date | null;
  next_due_at: Date;
}

/** Dapr's default since 1.16: retry a failed trigger every second, three times. */
const retryOf = (spec: StoredJobSpec): { intervalMs: number; maxRetries: number } => {
  const policy = spec.failurePolicy;
  if (policy && 'drop' in policy) return { intervalMs: 0, maxRetries: 0 };
  if (policy && 'constant' in policy) {
    return {
      intervalMs: parseGoDuration(policy.constant.interval ?? '1s'),
      maxRetries: policy.constant.maxRetries ?? -1,
    };
  }
  return { intervalMs: 1_000, maxRetries: 3 };
};

export class JobScheduler {
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;
  private nextPass?: Promise<void>;

  constructor(
    private readonly pool: pg.Pool,
    private readonly instances: (appId: string) => AppInstance[],
    private readonly appToken: string | undefined,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async start(intervalMs = 100): Promise<void> {
    // leases of a stand-in that died mid-trigger: fire those jobs again now
    await this.pool.query(`update ${SCHEMA}.jobs set leased_until = null where leased_until is not null`);
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async schedule(appId: string, name: string, spec: StoredJobSpec): Promise<void> {
    let timing: ReturnType<typeof firstTiming>;
    try {
      timing = firstTiming(spec, this.now());
    } catch (error) {
      throw new DaprApiError(400, 'ERR_MALFORMED_REQUEST', (error as Error).message);
    }
    const sql = `insert into ${SCHEMA}.jobs (app_id, name, spec, next_due_at, expires_at)
       values ($1, $2, $3::jsonb, $4, $5)
       on conflict (app_id, name) do ${
         spec.overwrite
           ? 'update set spec = excluded.spec, next_due_at = excluded.next_due_at, expires_at = excluded.expires_at, fired = 0, failures = 0, leased_until = null, created_at = now()'
           : 'nothing'
       }`;
    const { rowCount } = await this.pool.query(sql, [
      appId,
      name,
      JSON.stringify(spec),
      timing.firstDueAt,
      timing.expiresAt ?? null,
    ]);
    if (rowCount === 0) {
      throw new DaprApiError(
        409,
        'DAPR_SCHEDULER_SCHEDULE_JOB',
        `failed to schedule job due to: rpc error: code = AlreadyExists desc = job already exists: 'app||default||${appId}||${name}'`,
      );
    }
  }

  async get(appId: string, name: string): Promise<(StoredJobSpec & { name: string }) | undefined> {
    const { rows } = await this.pool.query(`select spec from ${SCHEMA}.jobs where app_id = $1 and name = $2`, [
      appId,
      name,
    ]);
    if (!rows[0]) return undefined;
    const { overwrite: _overwrite, ...spec } = rows[0].spec as StoredJobSpec;
    return { name, ...spec };
  }

  async delete(appId: string, name: string): Promise<void> {
    await this.pool.query(`delete from ${SCHEMA}.jobs where app_id = $1 and name = $2`, [appId, name]);
  }

  /**
   * Fires every job due by the clock's time; resolves once a pass that began after this call has ended (a call while
   * one runs waits for the next), so a test that moved the clock knows every job due by then has been fired.
   */
  tick(): Promise<void> {
    if (!this.pass) {
      this.pass = this.fireDue().finally(() => {
        this.pass = undefined;
      });
      return this.pass;
    }
    this.nextPass ??= this.pass.then(() => {
      this.nextPass = undefined;
      return this.tick();
    });
    return this.nextPass;
  }

  private async fireDue(): Promise<void> {
    try {
      const { rows } = await this.pool.query<JobRow>(FIRE_DUE, [this.now()]);
      await Promise.all(rows.map((row) => this.fire(row)));
    } catch (error) {
      this.logger.error({ err: error }, 'job scheduler tick failed');
    }
  }

  private async fire(job: JobRow): Promise<void> {
    const log = this.logger.child({ appId: job.app_id, job: job.name });
    if (job.expires_at && job.expires_at < this.now()) {
      await this.remove(job);
      return;
    }
    const target = this.instances(job.app_id)[0];
    const result = target ? await this.trigger(target, job) : 'app-down';
    if (result === 'app-down') {
      // the scheduler only streams jobs to a connected app: wait for it, without spending retries
      await this.reschedule(job, new Date(this.now().getTime() + 1_000), job.fired, job.failures);
      return;
    }
    if (result !== 'ok') {
      const retry = retryOf(job.spec);
      if (retry.maxRetries < 0 || job.failures < retry.maxRetries) {
        log.warn({ reason: result, failures: job.failures + 1 }, 'job trigger failed; retrying');
        await this.reschedule(job, new Date(this.now().getTime() + retry.intervalMs), job.fired, job.failures + 1);
        return;
      }
      log.warn({ reason: result }, 'job trigger failed; failure policy exhausted');
    }
    const fired = job.fired + 1;
    const next = nextTiming(job.spec, job.next_due_at, fired, job.expires_at ?? undefined);
    // a late firing: the next one is due now, not in the past
    if (next) await this.reschedule(job, new Date(Math.max(next.getTime(), this.now().getTime())), fired, 0);
    else await this.remove(job);
  }

  private async trigger(target: AppInstance, job: JobRow): Promise<'ok' | 'app-down' | string> {
    if (target.appPort === undefined) return 'app-down';
    try {
      const response = await fetch(appUrl(target, `/job/${encodeURIComponent(job.name)}`), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...appHeaders(this.appToken) },
        body: JSON.stringify(job.spec.data ?? null),
        signal: AbortSignal.timeout(TRIGGER_TIMEOUT_MS),
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.ok ? 'ok' : `HTTP ${response.status}`;
    } catch (error) {
      if (isConnectionRefused(error)) return 'app-down';
      return error instanceof Error ? error.message : String(error);
    }
  }

  private async reschedule(job: JobRow, at: Date, fired: number, failures: number) {
    await this.pool.query(
      `update ${SCHEMA}.jobs set next_due_at = $3, fired = $4, failures = $5, leased_until = null
       where app_id = $1 and name = $2 and next_due_at = $6`,
      [job.app_id, job.name, at, fired, failures, job.next_due_at],
    );
  }

  private async remove(job: JobRow) {
    // only if nobody overwrote the job while it fired
    await this.pool.query(`delete from ${SCHEMA}.jobs where app_id = $1 and name = $2 and next_due_at = $3`, [
      job.app_id,
      job.name,
      job.next_due_at,
    ]);
  }
}
