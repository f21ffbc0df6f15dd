// The baseline: a raw node:http + pg server doing the same SQL as the backend for the same requests (session lookup,
// then the insert with its outbox rows in one transaction, or the filtered list, or the search) — no framework, no
// validation, no Dapr. What the backend does beyond this is what the ratio measures.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { TOPICS } from '@todo/contracts';
import pg from 'pg';
import { TASK_COLUMNS } from '../apps/backend/src/db/schema';

const COLUMNS = TASK_COLUMNS.join(', ');

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
  const server: Server = createServer(async (req, res) => {
    try {
      await session();
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'POST') {
        let body = '';
        for await (const chunk of req) body += chunk;
        const input = JSON.parse(body) as { title: string };
        const client = await pool.connect();
        try {
          await client.query('begin');
          const id = randomUUID();
          const now = new Date();
          const { rows } = await client.query(
            `insert into tasks (id, user_id, title, description, status, priority, tags, timezone, created_at, updated_at, version)
             values ($1, $2, $3, null, 'open', 'medium', '{}', 'UTC', $4, $4, 1) returning ${COLUMNS}`,
            [id, userId, input.title, now],
          );
          // as the backend does: the change's outbox rows in one INSERT
          await client.query(
            `insert into outbox (id, kind, topic, event_type, partition_key, payload)
             values ($1, 'publish', $2, 'task.created', $3, $4), ($5, 'publish', $6, 'task.created', $3, $4)`,
            [randomUUID(), TOPICS.taskEvents, id, JSON.stringify(rows[0]), randomUUID(), TOPICS.taskUpdates],
          );
          await client.query('commit');
          res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(rows[0]));
        } finally {
          client.release();
        }
        return;
      }
      const q = url.searchParams.get('q');
      const where = q
        ? `user_id = $1 and status = 'open' and search @@ to_tsquery('english', $2)`
        : `user_id = $1 and status = 'open' and priority = any($2::text[])`;
      const param = q ? `${q}:*` : ['high', 'medium'];
      const order = q
        ? `ts_rank(search, to_tsquery('english', $2)) desc, created_at desc, id`
        : 'due_at asc nulls last, id';
      // as the backend does: the count beside the page, every column but the search vector
      const [count, { rows }] = await Promise.all([
        pool.query(`select count(*) from tasks where ${where}`, [userId, param]),
        pool.query(`select ${COLUMNS} from tasks where ${where} order by ${order} limit 50`, [userId, param]),
      ]);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ items: rows, total: Number(count.rows[0].count) }));
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
