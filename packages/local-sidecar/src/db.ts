// The stand-in keeps what daprd's backends would keep (state, undelivered messages, jobs) in Postgres.
import type pg from 'pg';

export const SCHEMA = 'dapr_standin';

const quoteIdent = (name: string) =>
  name
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');

/** Creates the stand-in's own tables once, under an advisory lock so concurrent starts do not race. */
export async function migrate(pool: pg.Pool, stateTables: string[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock(724011)');
    await client.query(`
      create schema if not exists ${SCHEMA};
      create table if not exists ${SCHEMA}.messages (
        id bigserial primary key,
        pubsub text not null,
        topic text not null,
        content_type text not null,
        body jsonb not null,
        expires_at timestamptz,
        published_at timestamptz not null default now()
      );
      create index if not exists messages_topic on ${SCHEMA}.messages (pubsub, topic, id);
      -- metadata.partitionKey: one key's messages are delivered in order, different keys side by side (Kafka partitions)
      alter table ${SCHEMA}.messages add column if not exists partition_key text;
      create table if not exists ${SCHEMA}.consumer_groups (
        pubsub text not null,
        topic text not null,
        group_name text not null,
        created_at timestamptz not null default now(),
        primary key (pubsub, topic, group_name)
      );
      create table if not exists ${SCHEMA}.deliveries (
        message_id bigint not null references ${SCHEMA}.messages (id) on delete cascade,
        group_name text not null,
        status text not null default 'pending',
        attempts int not null default 0,
        next_attempt_at timestamptz not null default now(),
        leased_until timestamptz,
        last_error text,
        primary key (message_id, group_name)
      );
      -- a group's pending deliveries in message order: a claim reads the first few, however long the history is
      create index if not exists deliveries_pending on ${SCHEMA}.deliveries (group_name, message_id)
        where status = 'pending';
      drop index if exists ${SCHEMA}.deliveries_due;
      create table if not exists ${SCHEMA}.jobs (
        app_id text not null,
        name text not null,
        spec jsonb not null,
        next_due_at timestamptz,
        fired int not null default 0,
        failures int not null default 0,
        leased_until timestamptz,
        expires_at timestamptz,
        created_at timestamptz not null default now(),
        primary key (app_id, name)
      );
      create index if not exists jobs_due on ${SCHEMA}.jobs (next_due_at) where next_due_at is not null;
    `);
    for (const table of stateTables) {
      // the table layout of Dapr's state.postgresql v1 component; the ETag is the row's xmin
      await client.query(`
        create table if not exists ${quoteIdent(table)} (
          key text not null primary key,
          value jsonb not null,
          isbinary boolean not null,
          insertdate timestamptz not null default now(),
          updatedate timestamptz,
          expiredate timestamptz
        )`);
    }
  } finally {
    await client.query('select pg_advisory_unlock(724011)').catch(() => undefined);
    client.release();
  }
}

export { quoteIdent };

/** Runs `work` in a transaction; rolls back on any error. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
