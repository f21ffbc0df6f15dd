// Sign-in and sign-up counters (rate-limiter-flexible's RateLimiterPostgres table), shared by every backend replica.
// Made here rather than by the library at start-up, so the migration job, not each replica, owns the schema.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table auth_throttle (
      key varchar(255) primary key,
      points integer not null default 0,
      expire bigint
    );
    create index auth_throttle_expire on auth_throttle (expire);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table auth_throttle;`.execute(db);
}
