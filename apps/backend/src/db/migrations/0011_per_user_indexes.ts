// A user with 100 k tasks. Search: the three ways a word matches (a stem's beginning, a part of a word, a typo) are all
// served by one GIN index that starts with the user (btree_gin), so a search reads that user's matches only. A stem's
// beginning is a trigram LIKE on the task's lexemes as text, because a prefix query on the tsvector's own GIN index
// reads every user's tasks with that prefix before it can drop the other users' (the search rechecks the tsvector, so
// the lexemes only narrow it down). Create keys: a keyed create clears the user's expired keys, which without an
// index on their time read all of the user's keys of the last 24 hours.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create extension if not exists btree_gin;
    alter table tasks add column search_lexemes text;

    create or replace function tasks_search_update() returns trigger language plpgsql as $$
    begin
      new.search :=
        setweight(to_tsvector('english', coalesce(new.title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(array_to_string(new.tags, ' '), '')), 'B') ||
        setweight(to_tsvector('english', coalesce(new.description, '')), 'C');
      new.search_text := lower(concat_ws(' ', new.title, array_to_string(new.tags, ' '), new.description));
      -- each lexeme after a space, so "a lexeme starts with S" is LIKE '% S%'
      new.search_lexemes := ' ' || array_to_string(tsvector_to_array(new.search), ' ');
      return new;
    end $$;

    update tasks set search_lexemes = ' ' || array_to_string(tsvector_to_array(search), ' ');
    create index tasks_user_search on tasks using gin (user_id, search_text gin_trgm_ops, search_lexemes gin_trgm_ops);
    drop index tasks_search;
    drop index tasks_search_trgm;

    create index task_create_keys_user_created on task_create_keys (user_id, created_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index task_create_keys_user_created;
    create index tasks_search on tasks using gin (search);
    create index tasks_search_trgm on tasks using gin (search_text gin_trgm_ops);
    drop index tasks_user_search;
    create or replace function tasks_search_update() returns trigger language plpgsql as $$
    begin
      new.search :=
        setweight(to_tsvector('english', coalesce(new.title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(array_to_string(new.tags, ' '), '')), 'B') ||
        setweight(to_tsvector('english', coalesce(new.description, '')), 'C');
      new.search_text := lower(concat_ws(' ', new.title, array_to_string(new.tags, ' '), new.description));
      return new;
    end $$;
    alter table tasks drop column search_lexemes;
    drop extension btree_gin;
  `.execute(db);
}
