// A create's one statement, with a key and without, compiled once per shape (service-kit's precompiled): the same
// SQL kysely would build on every request.
import { precompiled } from '@todo/service-kit';
import { type Kysely, sql } from 'kysely';
import type { Database, TaskRow } from '../db/schema';
import { type NewOutboxRow, OUTBOX_COLUMNS } from '../outbox/outbox';

/** How long a create key answers with the task it made. */
const CREATE_KEY_TTL = '24 hours';

/** A task row as inserted (priority_rank is generated). */
export type TaskValues = Omit<TaskRow, 'priority_rank'>;

export type PlainCreate = { task: TaskValues; events: NewOutboxRow[] };

/** The task and its outbox rows, in one statement: they commit or fail together as any single statement does. */
export const plainCreate = (db: Kysely<Database>, { task, events }: PlainCreate) =>
  db
    .with('task', (d) => d.insertInto('tasks').values(task).returning('id'))
    .insertInto('outbox')
    .values(events);

export type KeyedCreate = {
  task: TaskValues;
  claim: { user_id: string; key: string; request_hash: string; task: string };
  /** The outbox rows as a JSON array, each payload as JSON inside it. */
  events: string;
};

/**
 * The key claimed (inserted, or taken over once expired; other expired keys of the user deleted), and the task and
 * its outbox rows inserted from that claim: a key that is taken inserts nothing and returns no row.
 */
export const keyedCreate = (db: Kysely<Database>, { task, claim, events }: KeyedCreate) => {
  const expired = sql<Date>`now() - ${CREATE_KEY_TTL}::interval`;
  return db
    .with('expired', (d) =>
      d
        .deleteFrom('task_create_keys')
        .where('user_id', '=', claim.user_id)
        .where('key', '<>', claim.key)
        .where('created_at', '<', expired),
    )
    .with('claim', (d) =>
      d
        .insertInto('task_create_keys')
        .values(claim)
        .onConflict((oc) =>
          oc
            .columns(['user_id', 'key'])
            .doUpdateSet((eb) => ({
              request_hash: eb.ref('excluded.request_hash'),
              task: eb.ref('excluded.task'),
              created_at: eb.ref('excluded.created_at'),
            }))
            .where('task_create_keys.created_at', '<', expired),
        )
        .returning('key'),
    )
    .with('task', (d) =>
      d
        .insertInto('tasks')
        .columns(Object.keys(task) as (keyof TaskValues)[])
        .expression((eb) =>
          eb.selectFrom('claim').select(Object.entries(task).map(([column, value]) => eb.val(value).as(column))),
        )
        .returning('id'),
    )
    .with('events', (d) =>
      d
        .insertInto('outbox')
        .columns(OUTBOX_COLUMNS)
        .expression((eb) =>
          eb
            // the rows typed by the table's own row type
            .selectFrom(['task', sql`jsonb_populate_recordset(null::outbox, ${events})`.as('r')])
            .select(OUTBOX_COLUMNS.map((column) => sql.ref(`r.${column}`).as(column))),
        ),
    )
    .selectFrom('task')
    .select('id');
};

export const insertTask = precompiled(plainCreate);
export const insertTaskWithKey = precompiled(keyedCreate);
