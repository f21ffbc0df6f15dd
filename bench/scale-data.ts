// Bulk task data for the scale bench, made inside Postgres (INSERT … SELECT generate_series): a million rows without
// the API and without sending them over the wire; secondary indexes are rebuilt once at the end, as a bulk load does.
import pg from 'pg';

export const USERS = 1_000;

/** The heavy user's share: 100 k tasks at 1 M, a tenth of the table below that. */
export const heavyTasks = (size: number) => Math.min(100_000, Math.floor(size / 10));

/**
 * The probe user (1) has this many tasks at every size, about what each user has at 1 M: its list and search show
 * what the table's size costs, apart from what its own number of tasks costs (the heavy user shows that).
 */
export const PROBE_TASKS = 1_000;

/** The id of user `i` (0 is the heavy one): deterministic, so the bench can name users without reading them back. */
export const userIdSql = (i: string) => `md5('scale-user-' || (${i}))::uuid`;

export async function userId(client: pg.Pool, i: number): Promise<string> {
  const { rows } = await client.query(`select ${userIdSql('$1::int')}::text as id`, [i]);
  return rows[0].id;
}

/** Words the titles, tags and descriptions are made of; the bench searches for some of them. */
const WORDS = `array['buy','call','email','book','pay','fix','clean','plan','review','send','order','renew','water',
  'cancel','check','write','prepare','visit','invoice','dentist','milk','report','plants','bank','mom','taxes','car',
  'insurance','passport','garden','meeting','budget','laptop','birthday','groceries','doctor','school','rent','flight',
  'hotel']`;
const TAGS = `array['work','home','errand','family','health','money','travel','shopping']`;

const BATCH = 100_000;

export async function generate(pool: pg.Pool, size: number): Promise<void> {
  const heavy = heavyTasks(size);
  await pool.query(
    `insert into users (id, email, password_hash, timezone)
     select ${userIdSql('i')}, 'scale-' || i || '@example.com', 'not-a-hash', 'UTC' from generate_series(0, $1 - 1) i`,
    [USERS],
  );
  await bulkLoad(pool, async (client) => {
    for (let from = 0; from < size; from += BATCH) {
      const to = Math.min(size, from + BATCH) - 1;
      // task g belongs to the heavy user (user 0), the probe user (1) or one of the other 998 in turn; 40 % completed,
      // 20 % undated
      await client.query(
        `insert into tasks (id, user_id, title, description, status, priority, tags, due_at, remind_at,
           remind_before_minutes, recurrence, timezone, created_at, updated_at, completed_at, version)
         select gen_random_uuid(),
           ${userIdSql(`case when g < ${heavy} then 0 when g < ${heavy + PROBE_TASKS} then 1 else 2 + g % ${USERS - 2} end`)},
           w[1 + g % 40] || ' ' || w[1 + (g / 40) % 40] || ' ' || g,
           case when g % 3 = 0 then null else 'remember to ' || w[1 + (g * 7) % 40] || ' before the ' || w[1 + (g * 11) % 40] end,
           case when g % 5 < 2 then 'completed' else 'open' end,
           (array['high','medium','low'])[1 + g % 3],
           case g % 4 when 0 then '{}'::text[] when 1 then array[t[1 + g % 8]] else array[t[1 + g % 8], t[1 + (g / 8) % 8]] end,
           case when g % 5 = 4 then null else now() + ((g % 2000) - 600) * interval '1 hour' end,
           null, null, null, 'UTC',
           now() - (g % 200000) * interval '1 minute',
           now() - (g % 200000) * interval '1 minute',
           case when g % 5 < 2 then now() - (g % 5000) * interval '1 minute' end,
           1
         from generate_series($1::int, $2::int) g, (select ${WORDS} as w, ${TAGS} as t) v`,
        [from, to],
      );
    }
  });
}

/**
 * Runs `load` on one connection with the indexes the migrations made on tasks and task_words dropped (not the
 * constraints'), then rebuilds them and analyzes, as a bulk load does; task_words gets each task's words from the
 * tasks' trigger.
 */
export async function bulkLoad(pool: pg.Pool, load: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    const { rows: indexes } = await client.query<{ name: string; def: string }>(
      `select indexname as name, indexdef as def from pg_indexes i
       where tablename in ('tasks', 'task_words') and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
    );
    for (const index of indexes) await client.query(`drop index ${index.name}`);
    await client.query(`set maintenance_work_mem = '256MB'`);
    await load(client);
    for (const index of indexes) await client.query(index.def);
    await client.query('vacuum analyze tasks');
    await client.query('vacuum analyze task_words');
    await client.query('analyze users');
  } finally {
    client.release();
  }
}

/**
 * A pool on a bench's fresh database. pool.end() does not wait for its clients' sockets to close: one may still hear
 * the server's "terminating connection" as the database is dropped, which is no error of the bench's (any other is).
 */
export function benchPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', (error) => {
    if (!pool.ending) throw error;
  });
  return pool;
}
