// The search goes through one index per user (migration 0011) and must find and rank exactly what the plain test on
// every row found: the tsvector prefix, the substring and word_similarity() >= 0.5, here as the reference query.
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
      [owner, other, crowd, ranked, stale].map((u, i) => ({
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

/** The search before migration 0011: each test on every row of the user, no index. */
async function reference(q: string): Promise<{ ids: string[]; total: number }> {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const tsquery = sql`to_tsquery('english', ${words.map((w) => `${w}:*`).join(' & ')})`;
  const matches = words.map((w) => {
    const typo = w.length >= 3 ? sql`or word_similarity(${w}, search_text) >= 0.5` : sql``;
    return sql`(search @@ to_tsquery('english', ${`${w}:*`}) or search_text like ${`%${w}%`} ${typo})`;
  });
  const { rows } = await sql<{ id: string }>`
    select id from tasks where user_id = ${owner.id} and ${sql.join(matches, sql` and `)}
    order by search @@ ${tsquery} desc, ts_rank(search, ${tsquery}) desc,
      search @@ to_tsquery('english', ${words.join(' & ')}) desc,
      case when not search @@ ${tsquery} then word_similarity(${words.join(' ')}, search_text) end desc,
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

test("the typo threshold is set for the search's transaction only, or for the caller's", async () => {
  const one = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 1 }) }),
  });
  const threshold = async (on: Kysely<Database>) =>
    (await sql<{ t: string }>`select current_setting('pg_trgm.word_similarity_threshold') as t`.execute(on)).rows[0]?.t;
  try {
    await listTasks(one, owner.id, ListTasksQuerySchema.parse({ q: 'invoce' }));
    expect(await threshold(one)).toBe('0.6');
    await one.transaction().execute(async (trx) => {
      const page = await listTasks(trx, owner.id, ListTasksQuerySchema.parse({ q: 'invoce', limit: '100' }));
      expect(page.total).toBe((await reference('invoce')).total);
      expect(await threshold(trx)).toBe('0.5');
    });
    expect(await threshold(one)).toBe('0.6');
  } finally {
    await one.destroy();
  }
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
