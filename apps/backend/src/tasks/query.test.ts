// The search goes through one index per user (migration 0011) and the user's words (migrations 0014, 0015), and must
// find and rank exactly what the plain test on every row finds: the tsvector prefix, the substring, and a typo's
// likeliest written words a few edits away, here as the reference query.
import { TASK_TOTAL_CAP } from '@todo/contracts';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../db/schema';
import { ListTasksQuerySchema } from './input';
import { listTasks } from './query';
import { TaskService } from './service';
import { migratedDatabase } from './test-database';

let database: Awaited<ReturnType<typeof migratedDatabase>>;
let db: Kysely<Database>;
const owner = { id: '00000000-0000-4000-8000-000000000002', timezone: 'UTC' };
const other = { id: '00000000-0000-4000-8000-000000000003', timezone: 'UTC' };
/** More tasks than a page counts: TASK_TOTAL_CAP of high priority, one of low. */
const crowd = { id: '00000000-0000-4000-8000-000000000004', timezone: 'UTC' };
const ranked = { id: '00000000-0000-4000-8000-000000000005', timezone: 'UTC' };
const stale = { id: '00000000-0000-4000-8000-000000000006', timezone: 'UTC' };
/** Typos of words written in one task and then another. */
const typist = { id: '00000000-0000-4000-8000-000000000007', timezone: 'UTC' };

// inflections the stemmer changes (dying → die, skies → sky, studies → studi), parts of words, stop words, numbers
const WORDS = [
  'dying',
  'lying',
  'skies',
  'study',
  'studies',
  'running',
  'runner',
  'run',
  'happiness',
  'happy',
  'invoice',
  'invoices',
  'invoicing',
  'voice',
  'dentist',
  'sensibility',
  'organization',
  'check',
  'in',
  'the',
  'flight',
  'café',
  'straße',
  '2024',
  'v2',
  'e-mail',
  "don't",
];
const QUERIES = [
  ...WORDS,
  'di',
  'li',
  'ti',
  'sky',
  'stud',
  'runs',
  'invo',
  'happi',
  'sensib',
  'organiz',
  'dent',
  'invoce',
  'dentst',
  'flihgt',
  'cafe',
  'mail',
  'don',
  '202',
  'invoice money',
  'check in',
  'run the',
  'voice dent',
];

beforeAll(async () => {
  database = await migratedDatabase();
  db = database.db;
  await db
    .insertInto('users')
    .values(
      [owner, other, crowd, ranked, stale, typist].map((u, i) => ({
        ...u,
        email: `${i}@example.com`,
        password_hash: 'x',
        display_name: null,
      })),
    )
    .execute();
  // in bulk, as the scale bench does: the count's cap is the subject, not the create
  await sql`insert into tasks (id, user_id, title, status, priority, timezone, created_at, updated_at, version)
    select gen_random_uuid(), ${crowd.id}, 'bulk task ' || g, 'open', case when g < ${TASK_TOTAL_CAP} then 'high' else 'low' end,
      'UTC', now() - g * interval '1 second', now(), 1
    from generate_series(0, ${TASK_TOTAL_CAP}) g`.execute(db);
  const service = new TaskService(db);
  const word = (i: number) => WORDS[i % WORDS.length] as string;
  for (let i = 0; i < 120; i++) {
    await service.create(i % 4 === 3 ? other : owner, {
      title: `${word(i)} ${word(i * 7 + 3)}`,
      description: i % 3 ? `remember the ${word(i * 5 + 1)} and ${word(i * 11 + 2)}` : undefined,
      priority: 'medium',
      tags: i % 2 ? [word(i * 13).replace(/[^\p{L}\p{N}]/gu, '')] : [],
    });
  }
  await sql`analyze tasks`.execute(db);
});

afterAll(() => database.drop());

/**
 * The search as a plain test on every row of the user, no index and no task_words: a word is found as a stem's
 * beginning, inside a word, or as a typo of a word written in the user's tasks (not a number). A typo is a query word
 * of 3 to 64 letters, not a number, that begins no written word; it is corrected to the written words that share a
 * fifth of their trigrams with it (pg_trgm similarity >= 0.2) or are it with two neighbouring letters swapped, and are
 * at most 1 edit away (3 to 5 letters) or 2 (6 or more), a swap counting 1: the 32 likeliest (fewest edits, then most
 * similar), each then found by its lexeme. Whole-word matches first, ranked; then by likeness: per word 1 where its
 * stem begins a word of the task, else 1 - edits / the longer word's length for the likeliest of its typo words whose
 * lexeme the task has, else 0. (The app also counts as written a word no task has any more; the queries compared with
 * this reference meet no such word, and a test of their own checks it.)
 */
async function reference(q: string, user = owner): Promise<{ ids: string[]; total: number }> {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const tsquery = sql`to_tsquery('english', ${words.map((w) => `${w}:*`).join(' & ')})`;
  const written = sql`(select distinct word from tasks, unnest(tsvector_to_array(to_tsvector('simple', search_text))) word
    where user_id = ${user.id} and length(word) >= 2 and word !~ '^[0-9]+$')`;
  const typos = (i: number) => {
    const w = words[i] ?? '';
    const swapped = sql`exists (select 1 from generate_series(1, length(word) - 1) p
      where overlay(${w} placing substr(${w}, p + 1, 1) || substr(${w}, p, 1) from p for 2) = word)`;
    const edits = sql`case when abs(length(word) - length(${w})) > 2 then null
      when length(word) = length(${w}) and ${swapped} then 1
      when levenshtein(${w}, word) <= case when length(${w}) <= 5 then 1 else 2 end then levenshtein(${w}, word) end`;
    return sql`(
      select tsvector_to_array(to_tsvector('english', word)) lexemes,
        (1 - edits::real / greatest(length(${w}), length(word)))::real likeness from (
        select word, ${edits} edits, similarity(${w}, word) alike from ${written} written
      ) near
      where length(${w}) between 3 and 64 and ${w} !~ '^[0-9]+$' and edits is not null
        and (alike >= 0.2 or (length(word) = length(${w}) and ${swapped}))
        and not exists (select 1 from ${written} b where starts_with(b.word, ${w}))
      order by edits, alike desc, word limit 32
    )`;
  };
  const typoOf = (i: number) =>
    sql`(select max(t.likeness) from ${typos(i)} t where cardinality(t.lexemes) = 1
      and search @@ array_to_tsvector(t.lexemes)::text::tsquery)`;
  const prefix = (w: string) => sql`search @@ to_tsquery('english', ${`${w}:*`})`;
  const matches = words.map((w, i) => sql`(${prefix(w)} or search_text like ${`%${w}%`} or ${typoOf(i)} is not null)`);
  const likeness = words.map((w, i) => sql`case when ${prefix(w)} then 1 else coalesce(${typoOf(i)}, 0) end`);
  const { rows } = await sql<{ id: string }>`
    select id from tasks where user_id = ${user.id} and ${sql.join(matches, sql` and `)}
    order by search @@ ${tsquery} desc, ts_rank(search, ${tsquery}) desc,
      search @@ to_tsquery('english', ${words.join(' & ')}) desc,
      case when not search @@ ${tsquery} then ${sql.join(likeness, sql` + `)} end desc,
      created_at desc, id`.execute(db);
  return { ids: rows.map((r) => r.id), total: rows.length };
}

test.each(QUERIES)('q=%s finds and ranks what the test on every row finds', async (q) => {
  const page = await listTasks(db, owner.id, ListTasksQuerySchema.parse({ q, limit: '100' }));
  expect({ ids: page.items.map((t) => t.id), total: page.total, exact: page.total_exact }).toEqual({
    ...(await reference(q)),
    exact: true,
  });
});

test('the stems, parts of words and typos that the reference finds are there to find', async () => {
  const found = async (q: string) => (await reference(q)).total;
  // the prefix of a stem that is no substring of the text (dying → die), a typo, a stop word inside a word
  expect(await found('di')).toBeGreaterThan(0);
  expect(await found('invoce')).toBeGreaterThan(0);
  expect(await found('in')).toBeGreaterThan(0);
});

test('a typo search sets its threshold for its own lookup only, in a transaction or not', async () => {
  const one = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 1 }) }),
  });
  const threshold = async (on: Kysely<Database>) =>
    (await sql<{ t: string }>`select current_setting('pg_trgm.similarity_threshold') as t`.execute(on)).rows[0]?.t;
  try {
    await listTasks(one, owner.id, ListTasksQuerySchema.parse({ q: 'invoce' }));
    expect(await threshold(one)).toBe('0.3');
    await one.transaction().execute(async (trx) => {
      const page = await listTasks(trx, owner.id, ListTasksQuerySchema.parse({ q: 'invoce', limit: '100' }));
      expect(page.total).toBe((await reference('invoce')).total);
      expect(await threshold(trx)).toBe('0.3');
    });
    expect(await threshold(one)).toBe('0.3');
  } finally {
    await one.destroy();
  }
});

describe("typos are corrected to the words of the user's own tasks", () => {
  const search = async (q: string) =>
    (await listTasks(db, typist.id, ListTasksQuerySchema.parse({ q }))).items.map((t) => t.title);

  test('a word is there to correct to from the moment its task is written, and as long as a task has it', async () => {
    const service = new TaskService(db);
    expect(await search('plumbr')).toEqual([]);
    const task = await service.create(typist, { title: 'Call the plumber', priority: 'medium', tags: [] });
    expect(await search('plumbr')).toEqual(['Call the plumber']);
    await service.update(typist.id, task.id, { title: 'Call the electrician' });
    expect(await search('electrican')).toEqual(['Call the electrician']);
    // the word stays among the user's words, but no task has it any more
    expect(await search('plumbr')).toEqual([]);
    await service.update(typist.id, task.id, { description: 'and the plumbers' });
    expect(await search('plumbr')).toEqual(['Call the electrician']);
  });

  test("another user's words are not corrected to", async () => {
    // owner has written "invoice" (and "invoices", "invoicing"); typist has not
    expect((await reference('invoce')).total).toBeGreaterThan(0);
    expect(await search('invoce')).toEqual([]);
  });

  test('words with quotes, backslashes and LIKE wildcards are corrected to as written', async () => {
    const service = new TaskService(db);
    const titles = ["O'Brien's pay\\slip", 'mail ann_o%neil@example.com', "see http://ex.com/it's_100%/x"];
    for (const title of titles) await service.create(typist, { title, priority: 'medium', tags: [] });
    const written = await sql<{ word: string }>`select word from task_words where user_id = ${typist.id}`.execute(db);
    // the parser keeps some of these whole: a typo of each is looked up, and finds its task or nothing, never an error
    expect(written.rows.map((r) => r.word)).toEqual(expect.arrayContaining(['neil@example.com', "/it's_100%/x"]));
    for (const { word } of written.rows) {
      const typo = word.length > 3 ? `${word.slice(0, -2)}${word.at(-1)}${word.at(-2)}` : word;
      const page = await listTasks(db, typist.id, ListTasksQuerySchema.parse({ q: typo, limit: '100' }));
      expect({ typo, ids: page.items.map((t) => t.id) }).toEqual({ typo, ids: (await reference(typo, typist)).ids });
    }
    expect(await search('obrien')).toContain("O'Brien's pay\\slip");
    expect(await search('pay slpi')).toEqual(["O'Brien's pay\\slip"]);
    expect(await search('ann_o%neil@example.com')).toEqual(['mail ann_o%neil@example.com']);
  });

  test('a typo is a word never written, a few edits from one that was', async () => {
    const service = new TaskService(db);
    for (const title of ['Stock the larder', 'Fix the ladder', 'Read about the abacus', 'Pay the rent'])
      await service.create(typist, { title, priority: 'medium', tags: [] });
    const cases: [string, string[]][] = [
      ['larder', ['Stock the larder']], // written as it is: not a typo of "ladder", one edit away
      ['laddr', ['Fix the ladder']], // one edit from "ladder", two from "larder"
      ['rnet', ['Pay the rent']], // two letters swapped: one edit, though the words share one trigram of five
      ['abate', []], // shares a beginning with "abacus", but three edits away
    ];
    for (const [q, titles] of cases) {
      const page = await listTasks(db, typist.id, ListTasksQuerySchema.parse({ q, limit: '100' }));
      expect({ q, titles: page.items.map((t) => t.title) }).toEqual({ q, titles });
      expect(page.items.map((t) => t.id)).toEqual((await reference(q, typist)).ids);
    }
  });

  test('a word once written is no typo, even after its last task has lost it', async () => {
    const service = new TaskService(db);
    const task = await service.create(typist, { title: 'Buy a cable', priority: 'medium', tags: [] });
    await service.create(typist, { title: 'Clean the table', priority: 'medium', tags: [] });
    await service.update(typist.id, task.id, { title: 'Buy a charger' });
    // "cable" is one edit from "table", but it was written: not looked up (the reference, from the tasks as they are
    // now, would correct it), and its typo finds its word, which no task has now
    expect(await search('cable')).toEqual([]);
    expect(await search('cabel')).toEqual([]);
    expect(await search('tabel')).toEqual(['Clean the table']);
  });
});

describe('a page counts its matches up to TASK_TOTAL_CAP', () => {
  const list = (query: Record<string, string>) => listTasks(db, crowd.id, ListTasksQuerySchema.parse(query));

  test('more than the cap: total is the cap, and not exact', async () => {
    const queries: Record<string, string>[] = [{}, { q: 'bulk' }, { q: 'bulx' }, { sort: 'priority' }];
    for (const query of queries) {
      const page = await list(query);
      expect({ query, total: page.total, exact: page.total_exact }).toEqual({
        query,
        total: TASK_TOTAL_CAP,
        exact: false,
      });
    }
  });

  test('the cap itself, and fewer, are exact', async () => {
    expect(await list({ priority: 'high', limit: '1' })).toMatchObject({ total: TASK_TOTAL_CAP, total_exact: true });
    expect(await list({ priority: 'low' })).toMatchObject({ total: 1, total_exact: true });
  });

  test('the cursor still reaches every task past the cap', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const page = await list({ limit: '100', ...(cursor ? { cursor } : {}) });
      for (const task of page.items) seen.add(task.id);
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.size).toBe(TASK_TOTAL_CAP + 1);
  });
});

test('a search ranks the word itself above words it only begins, whatever their age', async () => {
  const service = new TaskService(db);
  for (const title of ['Fix the dent', 'Call the dentist', 'Dentures cleaning'])
    await service.create(ranked, { title, priority: 'medium', tags: [] });
  const page = await listTasks(db, ranked.id, ListTasksQuerySchema.parse({ q: 'dent' }));
  expect(page.items.map((t) => t.title)).toEqual(['Fix the dent', 'Dentures cleaning', 'Call the dentist']);
});

test('a page past the last match still counts the matches (a cursor that outlived its tasks)', async () => {
  const service = new TaskService(db);
  const made = [];
  for (const title of ['Pay the rent', 'Pay the gas bill', 'Pay the water bill'])
    made.push(await service.create(stale, { title, priority: 'medium', tags: [] }));
  const list = (query: Record<string, string>) => listTasks(db, stale.id, ListTasksQuerySchema.parse(query));
  const sorted = await list({ sort: 'created', limit: '1' });
  const ranked = await list({ q: 'pay', limit: '1' });
  const twoOn = await list({ sort: 'created', limit: '1', cursor: sorted.next_cursor as string });
  expect({ total: sorted.total, more: Boolean(sorted.next_cursor), next: twoOn.items.length }).toEqual({
    total: 3,
    more: true,
    next: 1,
  });
  // the tasks after both cursors go
  for (const task of made) if (task.id !== sorted.items[0]?.id) await service.remove(stale.id, task.id);
  const past: Record<string, string>[] = [
    { sort: 'created', limit: '1', cursor: sorted.next_cursor as string },
    { q: 'pay', limit: '1', cursor: ranked.next_cursor as string },
  ];
  for (const query of past) {
    expect({ query, page: await list(query) }).toEqual({
      query,
      page: { items: [], next_cursor: null, total: 1, total_exact: true },
    });
  }
});
