// A precompiled statement sends exactly what kysely would have built for the same values, for every shape and on
// every run after the first; a builder that uses a value for anything but a parameter is refused.
import { precompiled } from '@todo/service-kit';
import {
  type CompiledQuery,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import { taskChangeRows } from '../outbox/outbox';
import {
  insertTask,
  insertTaskWithKey,
  type KeyedCreate,
  keyedCreate,
  plainCreate,
  type TaskValues,
} from '../tasks/create-statements';
import { toSnapshot } from '../tasks/snapshot';
import type { Database } from './schema';

const sent: CompiledQuery[] = [];
const db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
  log: (event) => {
    if (event.level === 'query') sent.push(event.query);
  },
});

const sentBy = async (run: () => Promise<unknown>) => {
  sent.length = 0;
  await run();
  expect(sent).toHaveLength(1);
  const [query] = sent as [CompiledQuery];
  return { sql: query.sql, parameters: query.parameters };
};

let n = 0;
function task(overrides: Partial<TaskValues> = {}): TaskValues {
  n += 1;
  const now = new Date(Date.UTC(2030, 0, 1, 0, 0, n));
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    user_id: '00000000-0000-4000-8000-000000000001',
    title: `task ${n}`,
    description: n % 2 ? null : `about ${n}`,
    status: 'open',
    priority: n % 2 ? 'high' : 'low',
    tags: n % 2 ? [] : ['home', `t${n}`],
    due_at: n % 2 ? null : now,
    remind_at: null,
    remind_before_minutes: null,
    recurrence: n % 3 ? null : 'FREQ=DAILY',
    timezone: 'Europe/Berlin',
    series_id: null,
    occurrence_key: null,
    reminded_for: null,
    created_at: now,
    updated_at: now,
    completed_at: null,
    version: 1,
    ...overrides,
  };
}

const eventsOf = (values: TaskValues, extra = 0) => {
  const rows = taskChangeRows('created', toSnapshot({ ...values, priority_rank: 0 }), values.created_at);
  const more = Array.from({ length: extra }, (_, i) => ({ ...rows[0], id: `extra-${i}`, traceparent: `tp-${i}` }));
  return [...rows, ...more] as typeof rows;
};

test.each([
  ['two events', 0],
  ['three events', 1],
  ['two events again, other values', 0],
  ['four events', 2],
])('a create without a key (%s) sends what kysely builds', async (_, extra) => {
  for (let i = 0; i < 3; i++) {
    const values = task(i === 2 ? { remind_at: new Date(), remind_before_minutes: 5 } : {});
    const events = eventsOf(values, extra);
    const ours = await sentBy(() => insertTask(db, { task: values, events }));
    expect(ours).toEqual(await sentBy(() => plainCreate(db, { task: values, events }).execute()));
    expect(ours.parameters).toContain(values.title);
    expect(ours.parameters).toContain(events[0]?.id);
  }
});

test('a keyed create sends what kysely builds, on the first run and after', async () => {
  for (let i = 0; i < 3; i++) {
    const values = task();
    const args: KeyedCreate = {
      task: values,
      claim: { user_id: values.user_id, key: `key-${i}`, request_hash: `hash-${i}`, task: `{"n":${i}}` },
      events: JSON.stringify(eventsOf(values)),
    };
    const ours = await sentBy(() => insertTaskWithKey(db, args));
    expect(ours).toEqual(await sentBy(() => keyedCreate(db, args).execute()));
    expect(ours.parameters).toEqual(expect.arrayContaining([args.claim.key, args.events, values.title]));
  }
});

test('a builder that computes from a value instead of placing it is refused on its first compile', async () => {
  const computes = precompiled((d: Kysely<Database>, { title }: { title: string }) =>
    d.selectFrom('tasks').select('id').where('title', '=', String(title).toUpperCase()),
  );
  await expect(computes(db, { title: 'x' })).rejects.toThrow(/does not place value 0/);
});

test.each([
  [
    'null after `is`',
    precompiled((d: Kysely<Database>, { at }: { at: Date | null }) =>
      d.selectFrom('tasks').select('id').where('remind_at', 'is', at),
    ),
    { at: null },
  ],
  [
    'an array after `in`',
    precompiled((d: Kysely<Database>, { ids }: { ids: string[] }) =>
      d.selectFrom('tasks').select('id').where('id', 'in', ids),
    ),
    { ids: ['a', 'b'] },
  ],
  [
    'undefined in a row',
    precompiled((d: Kysely<Database>, { task: row }: { task: Partial<TaskValues> }) =>
      d.insertInto('tasks').values(row as TaskValues),
    ),
    { task: { ...task(), description: undefined } },
  ],
])('a value kysely writes into the SQL (%s) is refused, not sent wrong', async (_, statement, args) => {
  // biome-ignore lint/suspicious/noExplicitAny: each row's statement takes its own args
  await expect((statement as any)(db, args)).rejects.toThrow(/change the SQL kysely builds/);
});

test('a value of another kind gets a statement of its own', async () => {
  const due = precompiled((d: Kysely<Database>, { at }: { at: Date | null }) =>
    d.selectFrom('tasks').select('id').where('due_at', '=', at),
  );
  const at = new Date(Date.UTC(2030, 0, 1));
  expect(await sentBy(() => due(db, { at }))).toEqual(
    await sentBy(() => db.selectFrom('tasks').select('id').where('due_at', '=', at).execute()),
  );
  expect(await sentBy(() => due(db, { at: null }))).toEqual(
    await sentBy(() => db.selectFrom('tasks').select('id').where('due_at', '=', null).execute()),
  );
});
