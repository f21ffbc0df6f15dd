// The search goes through one index per user (migration 0011) and must find and rank exactly what the plain test on
// every row found: the tsvector prefix, the substring and word_similarity() >= 0.5, here as the reference query.
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
    .values([owner, other].map((u, i) => ({ ...u, email: `${i}@example.com`, password_hash: 'x', display_name: null })))
    .execute();
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
      word_similarity(${words.join(' ')}, search_text) desc, created_at desc, id`.execute(db);
  return { ids: rows.map((r) => r.id), total: rows.length };
}

test.each(QUERIES)('q=%s finds and ranks what the test on every row finds', async (q) => {
  const page = await listTasks(db, owner.id, ListTasksQuerySchema.parse({ q, limit: '100' }));
  expect({ ids: page.items.map((t) => t.id), total: page.total }).toEqual(await reference(q));
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
