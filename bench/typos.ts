// `npm run bench:typos [-- --tasks 100000]`: typo correction on a real vocabulary, which the scale data's 40 words
// cannot show. One user's tasks are written from a dictionary (Debian's wamerican: `apt-get install wamerican`), with
// Zipf-like frequencies (a word's rank drawn log-uniformly over a shuffled list). Typos are made of 600 of the user's
// words (a letter left out, two neighbours swapped, one changed, the last doubled); the even-numbered words' typos are
// the half to tune a rule on, the odd-numbered ones' are held out (0015's rule was chosen on the tuning half of a
// scratch run of this kind, on another sample of words). For each typo: are the intended word's tasks
// found (its lexeme among the typo terms, or reached by the prefix search through the typo's stem), and how many other
// lexemes come with it; for words spelled as written: how many are "corrected" at all. Both for migration 0015's rule
// and for 0014's (word similarity >= 0.5, recreated in a schema of its own). Then page latencies on that user.
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { APP_IDS } from '@todo/contracts';
import { migrateToLatest } from '@todo/service-kit';
import { freshDatabase } from '@todo/testkit';
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { BACKEND_MIGRATIONS } from '../apps/backend/src/db/migrate';
import { typoTermsByWordSimilarity } from '../apps/backend/src/db/migrations/0014_task_words';
import type { Database } from '../apps/backend/src/db/schema';
import { ListTasksQuerySchema } from '../apps/backend/src/tasks/input';
import { listTasks } from '../apps/backend/src/tasks/query';
import { percentile } from './measure';
import { benchPool, bulkLoad } from './scale-data';

const { values: args } = parseArgs({
  options: {
    tasks: { type: 'string', default: '100000' },
    dictionary: { type: 'string', default: '/usr/share/dict/american-english' },
  },
});
const TASKS = Number(args.tasks);
const USER = '00000000-0000-4000-8000-0000000000aa';

if (!existsSync(args.dictionary)) {
  console.error(`bench:typos: no word list at ${args.dictionary}: apt-get install wamerican (or --dictionary <file>)`);
  process.exit(1);
}
const dictionary = [
  ...new Set(
    readFileSync(args.dictionary, 'utf8')
      .split('\n')
      .filter((w) => /^[a-z]+$/.test(w)),
  ),
];

/** Tasks of 2-4 title words and, for two in three, a note of 5 more, each word drawn by a hash of (task, slot). */
async function write(pool: pg.Pool) {
  await pool.query(
    `insert into users (id, email, password_hash, timezone) values ($1, 'typist@example.com', 'not-a-hash', 'UTC')`,
    [USER],
  );
  await pool.query(
    'create table dict as select row_number() over (order by md5(w))::int r, w from unnest($1::text[]) w',
    [dictionary],
  );
  await pool.query('alter table dict add primary key (r)');
  await bulkLoad(pool, async (client) => {
    await client.query(
      `insert into tasks (id, user_id, title, description, status, priority, tags, timezone, created_at, updated_at,
         completed_at, version)
       select gen_random_uuid(), $1, d.title, case when g % 3 = 0 then null else 'remember to ' || d.note end,
         case when g % 5 < 2 then 'completed' else 'open' end, 'medium', '{}', 'UTC',
         now() - g * interval '1 minute', now() - g * interval '1 minute',
         case when g % 5 < 2 then now() - g * interval '1 minute' end, 1
       from generate_series(1, $2::int) g
       cross join lateral (
         select string_agg(w, ' ' order by k) filter (where k <= 2 + g % 3) title,
           string_agg(w, ' ' order by k) filter (where k > 4) note
         from generate_series(1, 9) k
         join dict on dict.r = greatest(1, floor(exp((hashtext(g || ':' || k)::float8 + 2147483648) / 4294967296
           * ln((select count(*) from dict))))::int)
       ) d`,
      [USER, TASKS],
    );
  });
}

/** Typos of 600 of the user's words, none itself a word the user has written. */
async function makeTypos(pool: pg.Pool) {
  await pool.query(
    `create table typos as
     with source as (
       select word, row_number() over (order by md5(word)) n from task_words
       where user_id = $1 and length(word) >= 4 and word ~ '^[a-z]+$' order by md5(word) limit 600
     )
     select n, word, kind, typo, n % 2 = 1 held_out from source, lateral (values
       ('a letter left out', overlay(word placing '' from 1 + length(word) / 2 for 1)),
       ('two swapped', overlay(word placing substr(word, length(word) / 2 + 1, 1) || substr(word, length(word) / 2, 1)
         from length(word) / 2 for 2)),
       ('one changed', overlay(word placing chr(97 + (ascii(substr(word, 1 + length(word) / 2, 1)) - 96) % 26)
         from 1 + length(word) / 2 for 1)),
       ('the last doubled', word || right(word, 1))
     ) k (kind, typo)
     where typo <> word and not exists (select 1 from task_words w where w.user_id = $1 and w.word = typo)`,
    [USER],
  );
}

async function score(pool: pg.Pool, rule: string) {
  const { rows } = await pool.query<{ kind: string; held_out: boolean; typos: number; found: number; other: number }>(
    `with r as (
       select t.kind, t.held_out, want, coalesce(terms, '{}') terms, (tsvector_to_array(to_tsvector('english', t.typo)))[1] stem
       from typos t, lateral (select (tsvector_to_array(to_tsvector('english', t.word)))[1] want) w,
         lateral (select array_agg(lexeme) terms from ${rule}($1, array[t.typo])) x
       where want is not null
     )
     select coalesce(kind, 'all') kind, held_out, count(*)::int typos,
       avg((want = any(terms) or coalesce(starts_with(want, stem), false))::int)::float8 found,
       avg(cardinality(terms) - (want = any(terms))::int)::float8 other
     from r group by rollup(kind), held_out order by held_out desc, kind`,
    [USER],
  );
  const { rows: right } = await pool.query<{ words: number; corrected: number; terms: number }>(
    `select count(*)::int words, count(*) filter (where n > 0)::int corrected, avg(n)::float8 terms from (
       select (select count(*) from ${rule}($1, array[word])) n from (select distinct word from typos where held_out) w
     ) c`,
    [USER],
  );
  return { rows, right: right[0] };
}

async function pages(db: Kysely<Database>, pool: pg.Pool) {
  // a word the user writes often (the most frequent 1 % of stems), one in the middle, a rare one, and a typo of each
  const { rows } = await pool.query<{ stem: string; tile: number }>(
    `select stem, tile from (
       select l stem, ntile(100) over (order by count(*) desc) tile
       from tasks, unnest(tsvector_to_array(to_tsvector('english', search_text))) l
       where user_id = $1 and l ~ '^[a-z]{7,}$' group by l
     ) c where tile in (1, 50, 100) order by tile, md5(stem)`,
    [USER],
  );
  const picks = [1, 50, 100].map((tile) => rows.find((r) => r.tile === tile)?.stem).filter((w) => w !== undefined);
  const out: string[] = [];
  for (const stem of picks) {
    const { rows: written } = await pool.query<{ word: string }>(
      `select word from task_words where user_id = $1 and starts_with(word, $2) order by length(word), word limit 1`,
      [USER, stem],
    );
    const whole = written[0]?.word ?? stem;
    const typo = `${whole.slice(0, 2)}${whole[3]}${whole[2]}${whole.slice(4)}`;
    for (const q of [whole, typo]) {
      const times: number[] = [];
      let total = '';
      for (let i = 0; i < 25; i++) {
        const started = performance.now();
        const page = await listTasks(db, USER, ListTasksQuerySchema.parse({ q, status: 'open', limit: '50' }));
        times.push(performance.now() - started);
        total = `${page.total}${page.total_exact ? '' : '+'}`;
      }
      out.push(
        `| ${q} | ${total} | ${percentile(times.slice(5), 50).toFixed(1)} | ${percentile(times.slice(5), 99).toFixed(1)} |`,
      );
    }
  }
  return out;
}

async function main() {
  const database = await freshDatabase();
  const pool = benchPool(database.url);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db, BACKEND_MIGRATIONS, APP_IDS.backend);
    const started = performance.now();
    await write(pool);
    const { rows } = await pool.query<{ n: number }>('select count(*)::int n from task_words where user_id = $1', [
      USER,
    ]);
    console.log(
      `${TASKS.toLocaleString('en')} tasks from ${dictionary.length.toLocaleString('en')} dictionary words ` +
        `(${rows[0]?.n.toLocaleString('en')} written) in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
    await makeTypos(pool);
    await pool.query('create schema rule_0014');
    // in a transaction of its own, so that no pooled connection keeps that search_path
    await pool.query(
      `begin; set local search_path = rule_0014, public; ${typoTermsByWordSimilarity.compile(db).sql}; commit`,
    );
    const rules = { '0015 (now)': 'public.task_typo_terms', '0014': 'rule_0014.task_typo_terms' };
    const scored = Object.fromEntries(
      await Promise.all(Object.entries(rules).map(async ([name, fn]) => [name, await score(pool, fn)] as const)),
    );
    const pct = (v: number | undefined) => `${((v ?? 0) * 100).toFixed(1)} %`;
    console.log('\n| typos | half | n | found, 0015 | other lexemes, 0015 | found, 0014 | other lexemes, 0014 |');
    console.log('|---|---|---|---|---|---|---|');
    const [now, before] = [scored['0015 (now)'], scored['0014']];
    for (const [i, row] of (now?.rows ?? []).entries()) {
      const old = before?.rows[i];
      console.log(
        `| ${row.kind} | ${row.held_out ? 'held out' : 'to tune on'} | ${row.typos} | ${pct(row.found)} | ` +
          `${row.other.toFixed(2)} | ${pct(old?.found)} | ${old?.other.toFixed(2)} |`,
      );
    }
    for (const [name, result] of Object.entries(scored))
      console.log(
        `\nwords spelled as written (held out), ${name}: ${result.right?.corrected} of ${result.right?.words} corrected, ` +
          `${result.right?.terms.toFixed(2)} lexemes each on average`,
      );
    console.log('\n| q (open tasks, first page) | matches | p50 ms | p99 ms |\n|---|---|---|---|');
    for (const line of await pages(db, pool)) console.log(line);
  } finally {
    await db.destroy();
    await database.drop();
  }
}

void main();
