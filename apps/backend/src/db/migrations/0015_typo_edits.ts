// A typo is a word a few edits from one the user has written, and a word they have written is never one.
// 0014 corrected every query word to the written words with pg_trgm word_similarity >= 0.5: on a real vocabulary (a
// user with 100 k tasks and 52,851 words of an English dictionary, held-out typos of their words) that found the
// intended word for 71 % of typos (23 % of swapped letters), and it corrected words spelled as written too ("abate"
// found "abacus" and "celibate", "larder" found "ladder").
//
// Now: a query word of 3 to 64 letters, not a number (0-9), that begins none of the words the user has written (in
// task_words, which keeps a word after its last task has gone) is looked up among those words: the ones a trigram
// similarity >= 0.2 finds through the index, and the word with two neighbouring letters swapped (trigrams miss that in
// a short word), kept if at most 1 edit away (3 to 5 letters) or 2 (6 or more): Elasticsearch's AUTO budget, with
// fuzzystrmatch's levenshtein, where a swap counts 1 only when it is the whole slip. Likeness is 1 - edits / the
// longer word's length. The 32 likeliest words of a query word (fewest edits, then most similar), each by its one
// lexeme, as before.
import { type Kysely, sql } from 'kysely';
import { typoTermsByWordSimilarity } from './0014_task_words';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create extension if not exists fuzzystrmatch;

    -- text to find with LIKE: its backslashes, % and _ escaped
    create function typo_like_escaped(text) returns text language sql immutable parallel safe as $$
      select replace(replace(replace($1, '\\', '\\\\'), '%', '\\%'), '_', '\\_')
    $$;

    -- the word with each pair of neighbouring letters swapped: a typist's one slip, which levenshtein counts as 2
    -- edits and trigrams miss in a short word ("rnet" shares one trigram of nine with "rent")
    create function typo_swaps(typed text) returns text[] language sql immutable parallel safe as $$
      select coalesce(array_agg(overlay(typed placing substr(typed, i + 1, 1) || substr(typed, i, 1) from i for 2)), '{}')
      from generate_series(1, length(typed) - 1) i
    $$;

    -- edits from a query word to a written word, or null past what a word of its length may have (levenshtein counts
    -- a swap as 2; it is tested only where that is the count)
    create function typo_edits(typed text, written text) returns int language sql immutable parallel safe as $$
      select case
        when abs(length(typed) - length(written)) > 2 then null
        when levenshtein_less_equal(typed, written, 2) <= 1 then levenshtein_less_equal(typed, written, 2)
        when levenshtein_less_equal(typed, written, 2) > 2 then null
        when written = any(typo_swaps(typed)) then 1
        when length(typed) >= 6 then 2
      end
    $$;

    create or replace function task_typo_terms(owner uuid, words text[])
    returns table (word_index int, lexeme text, likeness real)
    language plpgsql stable
    set pg_trgm.similarity_threshold = 0.2
    set plan_cache_mode = force_custom_plan
    as $fn$
    begin
      return query
      with typed as materialized (
        -- the query words to correct: 3 to 64 letters, not a number, beginning none of the words the user has written
        -- (task_words: a word stays there after its last task has gone, so a word once written is never a typo)
        select q.w, q.i from unnest(words) with ordinality q (w, i)
        where length(q.w) between 3 and 64 and q.w !~ '^[0-9]+$' and not exists (
          select 1 from task_words b where b.user_id = owner and b.word like typo_like_escaped(q.w) || '%')
      )
      select q.i::int, l.lexemes[1], max(1 - t.edits::real / greatest(length(q.w), length(t.word)))::real
      from typed q
      cross join lateral (
        select tw.word, typo_edits(q.w, tw.word) edits from task_words tw
        where tw.user_id = owner and (q.w % tw.word or tw.word = any(typo_swaps(q.w)))
          and typo_edits(q.w, tw.word) is not null
        order by 2, similarity(q.w, tw.word) desc, tw.word
        limit 32
      ) t
      cross join lateral (
        select tsvector_to_array(to_tsvector('english', t.word)) lexemes,
          (tsvector_to_array(to_tsvector('english', q.w)))[1] stem
      ) l
      where cardinality(l.lexemes) = 1
        and (l.stem is null or not starts_with(l.lexemes[1], l.stem))
      group by q.i, l.lexemes[1];
    end $fn$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop function task_typo_terms;
    drop function typo_edits;
    drop function typo_swaps;
    drop function typo_like_escaped;
  `.execute(db);
  await typoTermsByWordSimilarity.execute(db);
}
