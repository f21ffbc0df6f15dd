// One relay sends per database: the one holding a lease row that expires unless renewed. Taken or renewed in one
// statement, so it works alike on Postgres and on the embedded PGlite (one session, where every client got the
// advisory lock this replaced).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';

/** A relay that stops renewing (killed, frozen) is replaced this long after its last renewal at most. */
export const LEASE_MS = 10_000;
const NAME = 'outbox';

const TAKE_OR_RENEW = `
  insert into outbox_relay_lease (name, holder, expires_at)
  values ($1, $2, now() + $3 * interval '1 millisecond')
  on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
  where outbox_relay_lease.holder = excluded.holder or outbox_relay_lease.expires_at < now()
  returning holder`;

export class RelayLease {
  readonly holder = randomUUID();
  /** Local time until which the lease is surely ours (the database's expiry is at least this late). */
  private validUntil = 0;
  private nextAttempt = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly leaseMs = LEASE_MS,
  ) {}

  /** Whether this relay may send now; asks the database once a third of the lease has passed. */
  async held(): Promise<boolean> {
    const asked = Date.now();
    if (asked < this.nextAttempt) return asked < this.validUntil;
    const { rowCount } = await this.pool.query(TAKE_OR_RENEW, [NAME, this.holder, this.leaseMs]);
    // a fifth of the lease kept in hand: renewals come every third, and clocks are not perfect
    this.validUntil = rowCount === 1 ? asked + (this.leaseMs * 4) / 5 : 0;
    this.nextAttempt = asked + this.leaseMs / 3;
    return this.validUntil > 0;
  }

  /** Gives the lease up at once (a clean stop), so another relay need not wait for it to expire. */
  async release(): Promise<void> {
    if (!this.validUntil) return;
    this.validUntil = 0;
    await this.pool.query('delete from outbox_relay_lease where name = $1 and holder = $2', [NAME, this.holder]);
  }
}
