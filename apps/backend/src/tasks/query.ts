// Listing a user's tasks: forgiving search (whole words first, then parts of words and typos), filters, sort in
// both directions, cursor pagination.
import { isoDateTime, pageTotal, SINGLE_LINE, TASK_TOTAL_CAP, type TaskPage } from '@todo/contracts';
import { ApiError } from '@todo/service-kit';
import { type Expression, type ExpressionBuilder, type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import { type Database, TASK_COLUMNS, type TaskRow } from '../db/schema';
import type { ListTasksQuery, SortField } from './input';
import { toSnapshot } from './snapshot';

/**
 * Key expression and the direction a plain "sort by X" means to a person; `column` when the key is a column the page
 * selects anyway (the cursor takes it from the row; only the title's lowercase is selected beside it).
 */
const SORTS: Record<
  SortField,
  { key: RawBuilder<unknown>; nullable: boolean; natural: 'asc' | 'desc'; column?: keyof TaskRow }
> = {
  due: { key: sql`due_at`, nullable: true, natural: 'asc', column: 'due_at' },
  priority: { key: sql`priority_rank`, nullable: false, natural: 'desc', column: 'priority_rank' },
  title: { key: sql`lower(title)`, nullable: false, natural: 'asc' },
  created: { key: sql`created_at`, nullable: false, natural: 'desc', column: 'created_at' },
  completed: { key: sql`completed_at`, nullable: true, natural: 'desc', column: 'completed_at' },
};

type Cursor = { k: string | number | null; id: string } | { o: number };

const encode = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A cursor this API could have given out for `sort`: a forged one must be a 400, not a failed SQL cast. */
function decode(text: string, sort: SortField): Cursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || !value) throw new Error('not an object');
    if (Number.isSafeInteger(value.o) && value.o >= 0 && value.o <= 1_000_000) return { o: value.o };
    const k = value.k;
    const key =
      k === null ||
      (sort === 'priority' && Number.isSafeInteger(k)) ||
      (sort === 'title' && typeof k === 'string' && SINGLE_LINE.test(k)) ||
      ((sort === 'due' || sort === 'created' || sort === 'completed') &&
        typeof k === 'string' &&
        isoDateTime.safeParse(k).success);
    if (key && typeof value.id === 'string' && UUID.test(value.id)) return { k, id: value.id };
  } catch {
    // fall through
  }
  throw new ApiError(400, 'VALIDATION_FAILED', 'cursor: not a cursor this API gave out', [
    { path: 'cursor', message: 'not a cursor this API gave out' },
  ]);
}

const queryWords = (q: string) => q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Words of the query as prefix terms, so "dent" finds "dentist". */
const prefixQuery = (words: string[]) => words.map((w) => `${w}:*`).join(' & ');

/** A lexeme a typo of a query word is corrected to (task_typo_terms, migrations 0014 and 0015). */
type TypoTerm = { lexeme: string; likeness: number };

/**
 * The lexemes each query word may be a typo of, if it is one (3 to 64 letters, not a number, beginning none of the
 * words the user has written): lexemes of the user's own words at most 1 edit away (3 to 5 letters) or 2 (6 or
 * more), a swap of neighbouring letters counting 1; found through the user's words, not the tasks.
 */
async function typoTerms(db: Kysely<Database>, userId: string, words: string[]): Promise<TypoTerm[][]> {
  const terms: TypoTerm[][] = words.map(() => []);
  if (!words.some((w) => w.length >= 3)) return terms;
  const { rows } = await sql<{ word_index: number; lexeme: string; likeness: number }>`
    select word_index, lexeme, likeness from task_typo_terms(${userId}, ${sql.val(words)}::text[])
    order by word_index, likeness desc, lexeme`.execute(db);
  for (const row of rows) terms[row.word_index - 1]?.push(row);
  return terms;
}

/** Text to find with LIKE: its backslashes, % and _ escaped. */
const likeEscaped = (text: string) => text.replace(/[\\%_]/g, '\\$&');

/** A lexeme as a tsquery operand: quoted, so that no character in it is read as an operator. */
const quoted = (lexeme: string) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * Every word of the query must be found somewhere in the task: as a word or its beginning (the tsvector), inside a
 * word, stop words too, or as a typo of a word of the task (one of its typo terms' lexemes). Each is served by the
 * index on (user_id, search_text, search_lexemes) (migration 0011): a lexeme beginning with a stem is first a LIKE on
 * the lexemes as text (the word has letters and digits only, nothing LIKE would read as a wildcard; a typo term's
 * lexeme is escaped), then the tsvector decides.
 */
function wordMatches(word: string, typos: TypoTerm[]): RawBuilder<SqlBool> {
  const stem = sql`(tsvector_to_array(to_tsvector('english', ${word})))[1]`;
  const prefix = sql`(search_lexemes like '% ' || ${stem} || '%' and search @@ to_tsquery('english', ${`${word}:*`}))`;
  const typo = typos.length
    ? sql`or (search_lexemes like any(${sql.val(typos.map((t) => `% ${likeEscaped(t.lexeme)}%`))}::text[])
        and search @@ ${typos.map((t) => quoted(t.lexeme)).join(' | ')}::tsquery)`
    : sql``;
  return sql<SqlBool>`(${prefix} or search_text like ${`%${likeEscaped(word)}%`} ${typo})`;
}

/**
 * How alike a task is to the query, for tasks the words do not all find whole: each word counts 1 where the task has
 * a word it begins, else how alike it is to the likeliest word of the task it is a typo of (1 - edits / length), else 0.
 */
function likeness(words: string[], typos: TypoTerm[][]): RawBuilder<number> {
  const perWord = words.map((word, i) => {
    const terms = (typos[i] ?? []).map(
      (t) => sql`when search @@ ${quoted(t.lexeme)}::tsquery then ${sql.lit(t.likeness)}::real`,
    );
    return sql`case when search @@ to_tsquery('english', ${`${word}:*`}) then 1 ${sql.join(terms, sql` `)} else 0 end`;
  });
  return sql<number>`(${sql.join(perWord, sql` + `)})`;
}

export async function listTasks(db: Kysely<Database>, userId: string, query: ListTasksQuery): Promise<TaskPage> {
  const words = query.q ? queryWords(query.q) : [];
  const typos = await typoTerms(db, userId, words);
  const tsquery = words.length ? sql`to_tsquery('english', ${prefixQuery(words)})` : undefined;
  const filters = (eb: ExpressionBuilder<Database, 'tasks'>) => {
    const parts: Expression<SqlBool>[] = [eb('user_id', '=', userId)];
    if (query.status !== 'all') parts.push(eb('status', '=', query.status));
    if (query.priority) parts.push(eb('priority', 'in', query.priority));
    if (query.tags) parts.push(sql<SqlBool>`tags @> ${sql.val(query.tags)}::text[]`);
    if (query.due_from) parts.push(eb('due_at', '>=', new Date(query.due_from)));
    if (query.due_to) parts.push(eb('due_at', '<=', new Date(query.due_to)));
    if (query.completed_from) parts.push(eb('completed_at', '>=', new Date(query.completed_from)));
    if (query.completed_to) parts.push(eb('completed_at', '<=', new Date(query.completed_to)));
    if (query.overdue === true) parts.push(sql<SqlBool>`status = 'open' and due_at < now()`);
    if (query.overdue === false)
      parts.push(sql<SqlBool>`not (status = 'open' and due_at is not null and due_at < now())`);
    for (const [i, word] of words.entries()) parts.push(wordMatches(word, typos[i] ?? []));
    if (query.q && !words.length) parts.push(sql<SqlBool>`false`);
    return eb.and(parts);
  };

  // the matches counted up to one past the cap: a column of a list's own statement (an index-only scan of at most
  // 1,001 entries), or a statement of its own: beside a ranked search (on a second connection, while the page ranks
  // every match; in the page's statement the count would wait for the ranking), or for a list's page past the last
  // match (a cursor that outlived its tasks)
  const matches = db
    .selectFrom('tasks')
    .select(sql`1`.as('one'))
    .where(filters)
    .limit(TASK_TOTAL_CAP + 1);
  const capped = sql<string>`(select count(*) from (${matches}) matches)`;
  const counting = () =>
    db
      .selectNoFrom(capped.as('n'))
      .executeTakeFirst()
      .then((row) => pageTotal(Number(row?.n ?? 0)));
  const cursor = query.cursor ? decode(query.cursor, query.sort ?? 'due') : undefined;

  // relevance order (a search without an explicit sort): ranks shift as tasks change, so page by offset
  if (tsquery && !query.sort) {
    const offset = cursor && 'o' in cursor ? cursor.o : 0;
    const [rows, count] = await Promise.all([
      db
        .selectFrom('tasks')
        .select(TASK_COLUMNS)
        .where(filters)
        // whole words (ranked, title above description; the words themselves before words they only begin) before
        // parts of words and typos (by likeness, computed for those alone)
        .orderBy(sql`search @@ ${tsquery}`, 'desc')
        .orderBy(sql`ts_rank(search, ${tsquery})`, 'desc')
        .orderBy(sql`search @@ to_tsquery('english', ${words.join(' & ')})`, 'desc')
        .orderBy(sql`case when not search @@ ${tsquery} then ${likeness(words, typos)} end`, 'desc')
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .offset(offset)
        .limit(query.limit + 1)
        .execute(),
      counting(),
    ]);
    const more = rows.length > query.limit;
    return {
      items: rows.slice(0, query.limit).map(toSnapshot),
      next_cursor: more ? encode({ o: offset + query.limit }) : null,
      ...count,
    };
  }

  const sort = SORTS[query.sort ?? 'due'];
  const direction = query.order ?? sort.natural;
  const cmp = direction === 'asc' ? sql`>` : sql`<`;
  let after: RawBuilder<SqlBool> | undefined;
  if (cursor && 'id' in cursor) {
    const value = cursor.k;
    // keyset: after (value, id) in this order, with nulls last in both directions
    after =
      value === null
        ? sql<SqlBool>`(${sort.key} is null and id > ${cursor.id})`
        : sql<SqlBool>`(${sort.key} ${cmp} ${value} or (${sort.key} = ${value} and id > ${cursor.id})${
            sort.nullable ? sql` or ${sort.key} is null` : sql``
          })`;
  }
  const rows = await db
    .selectFrom('tasks')
    .select(TASK_COLUMNS)
    .$if(!sort.column, (qb) => qb.select(sql<string | number | null>`${sort.key}`.as('sort_key')))
    .select(capped.as('matched'))
    .where(filters)
    .$call((qb) => (after ? qb.where(after) : qb))
    .orderBy(sql`${sort.key} ${sql.raw(direction)} nulls last`)
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const more = rows.length > query.limit;
  const key = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string | number | null));
  return {
    items: page.map(({ sort_key: _k, matched: _m, ...row }) => toSnapshot(row)),
    next_cursor: more && last ? encode({ k: key(sort.column ? last[sort.column] : last.sort_key), id: last.id }) : null,
    ...(page.length || !after ? pageTotal(Number(rows[0]?.matched ?? 0)) : await counting()),
  };
}
