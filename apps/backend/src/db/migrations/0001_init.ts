// Users, sessions, tasks with full-text search, and the outbox.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table users (
      id uuid primary key,
      email text not null,
      password_hash text not null,
      display_name text,
      timezone text not null default 'UTC',
      created_at timestamptz not null default now()
    );
    create unique index users_email on users (lower(email));

    create table sessions (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz
    );

    create table tasks (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      title text not null,
      description text,
      status text not null check (status in ('open', 'completed')),
      priority text not null check (priority in ('high', 'medium', 'low')),
      priority_rank smallint generated always as (
        case priority when 'high' then 3 when 'medium' then 2 else 1 end
      ) stored,
      tags text[] not null default '{}',
      due_at timestamptz,
      remind_at timestamptz,
      remind_before_minutes integer,
      recurrence text,
      timezone text not null,
      series_id uuid,
      occurrence_key text unique,
      reminded_for timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      completed_at timestamptz,
      version integer not null,
      search tsvector,
      check (remind_at is null or due_at is null or remind_at <= due_at)
    );
    create index tasks_user_status_due on tasks (user_id, status, due_at);
    create index tasks_user_created on tasks (user_id, created_at);
    create index tasks_tags on tasks using gin (tags);
    create index tasks_search on tasks using gin (search);

    -- title weighs more than tags, tags more than the description
    create function tasks_search_update() returns trigger language plpgsql as $$
    begin
      new.search :=
        setweight(to_tsvector('english', coalesce(new.title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(array_to_string(new.tags, ' '), '')), 'B') ||
        setweight(to_tsvector('english', coalesce(new.description, '')), 'C');
      return new;
    end $$;
    create trigger tasks_search_update before insert or update of title, description, tags on tasks
      for each row execute function tasks_search_update();

    create table outbox (
      id uuid primary key,
      seq bigserial unique,
      kind text not null check (kind in ('publish', 'job.schedule', 'job.delete')),
      topic text,
      event_type text,
      partition_key text,
      payload jsonb not null,
      created_at timestamptz not null default now(),
      published_at timestamptz,
      attempts integer not null default 0,
      last_error text
    );
    create index outbox_pending on outbox (seq) where published_at is null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table outbox; drop table tasks; drop function tasks_search_update; drop table sessions; drop table users;`.execute(
    db,
  );
}
