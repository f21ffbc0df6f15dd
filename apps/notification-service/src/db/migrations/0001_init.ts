// Notifications, the audit log and the user event feed; each keyed so a redelivered event is stored once.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table notifications (
      id uuid primary key,
      event_id text not null unique,
      user_id text not null,
      task_id uuid not null,
      kind text not null,
      title text not null,
      due_at timestamptz,
      remind_at timestamptz not null,
      created_at timestamptz not null default now(),
      read_at timestamptz
    );
    create index notifications_user on notifications (user_id, created_at desc);

    create table audit_log (
      event_id text primary key,
      user_id text not null,
      task_id uuid not null,
      event_type text not null,
      occurred_at timestamptz not null,
      received_at timestamptz not null default now(),
      event jsonb not null
    );
    create index audit_log_user_time on audit_log (user_id, occurred_at);
    create index audit_log_task_time on audit_log (task_id, occurred_at);

    create table user_events (
      id bigserial primary key,
      event_id text not null unique,
      user_id text not null,
      kind text not null,
      payload jsonb not null,
      created_at timestamptz not null default now()
    );
    create index user_events_user on user_events (user_id, id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table user_events; drop table audit_log; drop table notifications;`.execute(db);
}
