// Typos corrected against the words of the user's own tasks, as pg_trgm's documentation suggests for spelling: a typo
// was a word_similarity() test on the text of every task the trigram index could not rule out (the heavy user at 1 M
// tasks: 8,456 candidates, the test three times on each, 195 ms for a page). Now the words each user has written are
// kept in task_words, one row per (user, word) under a per-user trigram index; a search first looks up the words
// alike a query word (task_typo_terms, a handful of rows) and then finds tasks by those words' lexemes, as a search
// for the words themselves would.
//
// The trigger adds a task's words as it writes the task (in sorted order, so two creates adding the same new words
// cannot deadlock); a word stays after its last task goes until the user does (a word no task has any more finds
// nothing). task_typo_terms sets the threshold for its own run (a function's SET clause), so a search needs no
// transaction to set it; it plans its lookup for the user at hand (a custom plan: the plan for any user walked the
// heavy user's 100 k words one by one, 116 ms, where the user's trigram index takes 0.7 ms).
import { type Kysely, sql } from 'kysely';

/**
 * The lexemes a query word's typos are corrected to, with how alike the word is to the written word (the likeliest
 * first, at most 32 words a query word): words whose lexeme a prefix search for the query word finds anyway are left
 * out. Only a word with one lexeme counts (not a stop word, not a hyphenated whole: its parts are words of their own).
 * Migration 0015 replaced it; its down puts this one back.
 */
export const typoTermsByWordSimilarity = sql`
    create or replace function task_typo_terms(owner uuid, words text[])
    returns table (word_index int, lexeme text, likeness real)
    language plpgsql stable
    set pg_trgm.word_similarity_threshold = 0.5
    set plan_cache_mode = force_custom_plan
    as $fn$
    begin
      return query
      select q.i::int, l.lexemes[1], max(word_similarity(q.w, t.word))
      from unnest(words) with ordinality q (w, i)
      cross join lateral (
        select tw.word from task_words tw
        where tw.user_id = owner and q.w <% tw.word
        order by word_similarity(q.w, tw.word) desc, tw.word
        limit 32
      ) t
      cross join lateral (
        select tsvector_to_array(to_tsvector('english', t.word)) lexemes,
          (tsvector_to_array(to_tsvector('english', q.w)))[1] stem
      ) l
      where length(q.w) >= 3
        and cardinality(l.lexemes) = 1
        and (l.stem is null or not starts_with(l.lexemes[1], l.stem))
      group by q.i, l.lexemes[1];
    end $fn$;
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table task_words (
      user_id uuid not null references users (id) on delete cascade,
      word text not null,
      primary key (user_id, word)
    );

    insert into task_words (user_id, word)
    select distinct user_id, word from tasks, unnest(tsvector_to_array(to_tsvector('simple', search_text))) word
    where length(word) >= 2 and word !~ '^[0-9]+$';
    create index task_words_user_trgm on task_words using gin (user_id, word gin_trgm_ops)
      with (gin_pending_list_limit = 64);

    -- the words (the simple parser's tokens, as written, lowercased) a typo is corrected to; not numbers, where one
    -- digit more or less is another number, not a typo. A BEFORE trigger named after tasks_search_update, so it runs
    -- after it (triggers run in name order) and reads the search_text that one made.
    create function tasks_words_add() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' or new.search_text is distinct from old.search_text then
        insert into task_words (user_id, word)
        select new.user_id, word from unnest(tsvector_to_array(to_tsvector('simple', new.search_text))) word
        where length(word) >= 2 and word !~ '^[0-9]+$'
        order by word
        on conflict do nothing;
      end if;
      return new;
    end $$;
    create trigger tasks_words_add before insert or update of title, description, tags on tasks
      for each row execute function tasks_words_add();
  `.execute(db);
  await typoTermsByWordSimilarity.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop function task_typo_terms;
    drop trigger tasks_words_add on tasks;
    drop function tasks_words_add;
    drop table task_words;
  `.execute(db);
}
