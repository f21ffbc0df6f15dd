// The baseline: a raw node:http + pg server doing the same SQL as the backend for the same requests (session lookup,
// then the create as one statement, with the Idempotency-Key's claim when the request has one, or the filtered list,
// or the search) — no framework, no validation, no Dapr. What the backend does beyond this is what the ratio measures.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { pageTotal, TASK_TOTAL_CAP, TOPICS } from '@todo/contracts';
import pg from 'pg';
import { TASK_COLUMNS } from '../apps/backend/src/db/schema';

const COLUMNS = TASK_COLUMNS.join(', ');
const INSERTED = 'id, user_id, title, description, status, priority, tags, timezone, created_at, updated_at, version';

export async function startBaseline(
  databaseUrl: string,
  sessionId: string,
  userId: string,
): Promise<{ port: number; stop(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const session = () =>
    pool.query(
      'select u.id from sessions s join users u on u.id = s.user_id where s.id = $1 and s.revoked_at is null',
      [sessionId],
    );

  /** As the backend does: the task and its two outbox rows in one statement; with a key, inserted from its claim. */
  async function create(title: string, key: string | undefined, requestHash: string) {
    const id = randomUUID();
    const now = new Date().toISOString();
    const task = {
      id,
      user_id: userId,
      title,
      description: null,
      status: 'open',
      priority: 'medium',
      tags: [],
      timezone: 'UTC',
      created_at: now,
      updated_at: now,
      version: 1,
    };
    const events = [TOPICS.taskEvents, TOPICS.taskUpdates].map((topic) => ({
      id: randomUUID(),
      kind: 'publish',
      topic,
      event_type: 'task.created',
      partition_key: id,
      payload: task,
    }));
    const values = [id, userId, title, null, 'open', 'medium', [], 'UTC', now, now, 1];
    if (!key) {
      await pool.query(
        `with task as (insert into tasks (${INSERTED}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id)
         insert into outbox (id, kind, topic, event_type, partition_key, payload)
         values ($12, 'publish', $13, 'task.created', $1, $14), ($15, 'publish', $16, 'task.created', $1, $14)`,
        [...values, events[0]?.id, TOPICS.taskEvents, JSON.stringify(task), events[1]?.id, TOPICS.taskUpdates],
      );
      return { status: 201, body: task };
    }
    const { rows } = await pool.query(
      `with expired as (
         delete from task_create_keys where user_id = $2 and key <> $12 and created_at < now() - '24 hours'::interval),
       claim as (
         insert into task_create_keys (user_id, key, request_hash, task) values ($2, $12, $13, $14)
         on conflict (user_id, key) do update
           set request_hash = excluded.request_hash, task = excluded.task, created_at = excluded.created_at
           where task_create_keys.created_at < now() - '24 hours'::interval
         returning key),
       task as (
         insert into tasks (${INSERTED}) select $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 from claim returning id),
       events as (
         insert into outbox (id, kind, topic, event_type, partition_key, payload)
         select r.id, r.kind, r.topic, r.event_type, r.partition_key, r.payload
         from task, jsonb_populate_recordset(null::outbox, $15) r)
       select id from task`,
      [...values, key, requestHash, JSON.stringify(task), JSON.stringify(events)],
    );
    if (rows.length) return { status: 201, body: task };
    const earlier = await pool.query(
      'select request_hash, task from task_create_keys where user_id = $1 and key = $2',
      [userId, key],
    );
    return earlier.rows[0]?.request_hash === requestHash
      ? { status: 201, body: earlier.rows[0].task }
      : { status: 422, body: { error: { code: 'IDEMPOTENCY_KEY_REUSED' } } };
  }

  /** As the backend does: the lexemes each word of 3+ letters may be a typo of, from the user's own words. */
  async function typoTerms(words: string[]) {
    const terms: { lexeme: string; likeness: number }[][] = words.map(() => []);
    if (!words.some((w) => w.length >= 3)) return terms;
    const { rows } = await pool.query(
      'select word_index, lexeme, likeness from task_typo_terms($1, $2::text[]) order by word_index, likeness desc, lexeme',
      [userId, words],
    );
    for (const row of rows) terms[row.word_index - 1]?.push(row);
    return terms;
  }
  const quoted = (lexeme: string) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

  const server: Server = createServer(async (req, res) => {
    try {
      await session();
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'POST') {
        let body = '';
        for await (const chunk of req) body += chunk;
        const input = JSON.parse(body) as { title: string };
        const key = req.headers['idempotency-key'];
        const { status, body: answer } = await create(
          input.title,
          typeof key === 'string' ? key : undefined,
          createHash('sha256').update(body).digest('hex'),
        );
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        return;
      }
      // the search's words as the backend matches them: a stem's beginning, a part of a word, a typo
      const words =
        url.searchParams
          .get('q')
          ?.toLowerCase()
          .match(/[\p{L}\p{N}]+/gu) ?? [];
      const typos = await typoTerms(words);
      const params: unknown[] = [userId];
      const param = (value: unknown) => `$${params.push(value)}`;
      const where = [`user_id = $1 and status = 'open'`];
      if (!words.length) where.push(`priority = any(${param(['high', 'medium'])}::text[])`);
      for (const [i, w] of words.entries()) {
        const word = param(w);
        const terms = typos[i] ?? [];
        const typo = terms.length
          ? ` or (search_lexemes like any(${param(terms.map((t) => `% ${t.lexeme.replace(/[\\%_]/g, '\\$&')}%`))}::text[]) and search @@ ${param(terms.map((t) => quoted(t.lexeme)).join(' | '))}::tsquery)`
          : '';
        where.push(
          `((search_lexemes like '% ' || (tsvector_to_array(to_tsvector('english', ${word})))[1] || '%' and search @@ to_tsquery('english', ${param(`${w}:*`)})) or search_text like ${param(`%${w}%`)}${typo})`,
        );
      }
      const filtered = where.join(' and ');
      const counted = [...params];
      const capped = `(select count(*) from (select 1 from tasks where ${filtered} limit ${TASK_TOTAL_CAP + 1}) matches)`;
      const tsquery = words.length ? `to_tsquery('english', ${param(words.map((w) => `${w}:*`).join(' & '))})` : '';
      const likeness = words
        .map((w, i) => {
          const terms = (typos[i] ?? []).map(
            (t) => `when search @@ ${param(quoted(t.lexeme))}::tsquery then ${t.likeness}::real`,
          );
          return `case when search @@ to_tsquery('english', ${param(`${w}:*`)}) then 1 ${terms.join(' ')} else 0 end`;
        })
        .join(' + ');
      // as the backend does (every column but the search columns): a list counts its matches (up to TASK_TOTAL_CAP
      // and one) in its own statement, a ranked search in a second one beside it
      const [rows, matched] = words.length
        ? await Promise.all([
            pool
              .query(
                `select ${COLUMNS} from tasks where ${filtered} order by search @@ ${tsquery} desc, ts_rank(search, ${tsquery}) desc, search @@ to_tsquery('english', ${param(words.join(' & '))}) desc, case when not search @@ ${tsquery} then (${likeness}) end desc, created_at desc, id limit 51`,
                params,
              )
              .then((r) => r.rows),
            pool.query(`select ${capped} as n`, counted).then((r) => r.rows[0].n),
          ])
        : await pool
            .query(
              `select ${COLUMNS}, ${capped} as matched from tasks where ${filtered} order by due_at asc nulls last, id limit 51`,
              params,
            )
            .then((r) => [r.rows, r.rows[0]?.matched ?? 0]);
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          items: rows.slice(0, 50).map(({ matched: _m, ...task }: { matched?: unknown }) => task),
          ...pageTotal(Number(matched)),
        }),
      );
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}
