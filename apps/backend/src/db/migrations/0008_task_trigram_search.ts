// Forgiving search: trigrams of a task's text beside the tsvector, so a part of a word ("voice"), a stop word ("in")
// and a typo ("invoce") still find the task; the trigram index serves the substring match.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create extension if not exists pg_trgm;
    alter table tasks add column search_text text;

    create or replace function tasks_search_update() returns trigger language plpgsql as $$
    begin
      new.search :=
        setweight(to_tsvector('english', coalesce(new.title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(array_to_string(new.tags, ' '), '')), 'B') ||
        setweight(to_tsvector('english', coalesce(new.description, '')), 'C');
      new.search_text := lower(concat_ws(' ', new.title, array_to_string(new.tags, ' '), new.description));
      return new;
    end $$;

    update tasks set search_text = lower(concat_ws(' ', title, array_to_string(tags, ' '), description));
    create index tasks_search_trgm on tasks using gin (search_text gin_trgm_ops);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index tasks_search_trgm;
    create or replace function tasks_search_update() returns trigger language plpgsql as $$
    begin
      new.search :=
        setweight(to_tsvector('english', coalesce(new.title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(array_to_string(new.tags, ' '), '')), 'B') ||
        setweight(to_tsvector('english', coalesce(new.description, '')), 'C');
      return new;
    end $$;
    alter table tasks drop column search_text;
  `.execute(db);
}
