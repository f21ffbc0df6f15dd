// Who sends the outbox: a lease row with an expiry, taken and renewed in one statement. An advisory lock did this on
// Postgres, but the embedded PGlite is one session for every client and granted the lock to all of them.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table outbox_relay_lease (
      name text primary key,
      holder text not null,
      expires_at timestamptz not null
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table outbox_relay_lease;`.execute(db);
}
