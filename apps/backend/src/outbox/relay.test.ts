// The relay sends publishes in bulk, one request per topic and wave, keeps each task's rows in order, and a row that
// fails holds back the rows after it in its task (and only those) until it goes.
import { APP_IDS, TOPICS } from '@todo/contracts';
import type { BulkPublishEntry, Dapr } from '@todo/dapr';
import { migrateToLatest } from '@todo/service-kit';
import { eventually, freshDatabase } from '@todo/testkit';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { BACKEND_MIGRATIONS } from '../db/migrate';
import type { Database } from '../db/schema';
import { reminderJobRow, taskChangeRows, writeOutbox } from './outbox';
import { OutboxRelay } from './relay';

let database: Awaited<ReturnType<typeof freshDatabase>>;
let pool: pg.Pool;
let db: Kysely<Database>;

beforeAll(async () => {
  database = await freshDatabase();
  pool = new pg.Pool({ connectionString: database.url });
  db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrateToLatest(db, BACKEND_MIGRATIONS, APP_IDS.backend);
});

afterAll(async () => {
  await db.destroy();
  await database.drop();
});

afterEach(() => db.deleteFrom('outbox').execute());

/** A sidecar that records bulk requests and job calls, and refuses the event ids in `refuse` until told otherwise. */
function fakeDapr(refuse: Set<string>) {
  const requests: { topic: string; ids: string[] }[] = [];
  const sent: string[] = [];
  const jobs: string[] = [];
  const dapr = {
    pubsub: {
      async publishBulk(_pubsub: string, topic: string, entries: BulkPublishEntry[]) {
        requests.push({ topic, ids: entries.map((e) => e.options.id) });
        const failed = new Map<string, string>();
        for (const { options } of entries) {
          if (refuse.has(options.id)) failed.set(options.id, 'kafka: broker not available');
          else sent.push(options.id);
        }
        return failed;
      },
    },
    jobs: {
      async schedule(name: string) {
        jobs.push(name);
      },
      async delete(name: string) {
        jobs.push(`-${name}`);
      },
    },
  } as unknown as Dapr;
  return { dapr, requests, sent, jobs };
}

const task = (id: string, version: number) =>
  ({ id, user_id: '00000000-0000-4000-8000-000000000001', version, title: id }) as never;

async function outboxOf(...changes: [string, number][]) {
  const rows = changes.flatMap(([id, version]) =>
    taskChangeRows(version === 1 ? 'created' : 'updated', task(id, version), new Date()),
  );
  await writeOutbox(db, rows);
  return rows.map((r) => r.id as string);
}

const unsent = async () =>
  (await db.selectFrom('outbox').select('id').where('published_at', 'is', null).execute()).map((r) => r.id);

test('publishes a batch as one bulk request per topic and wave, then marks every row sent', async () => {
  const ids = await outboxOf(['a', 1], ['b', 1], ['c', 1]);
  await writeOutbox(db, [reminderJobRow('a', '2030-01-01T09:00:00.000Z')]);
  const fake = fakeDapr(new Set());
  const relay = new OutboxRelay(db, pool, fake.dapr, pino({ level: 'silent' }), 60_000);
  relay.start();
  await eventually(async () => expect(await unsent()).toEqual([]));
  await relay.stop();
  // wave 0: every task's task-events row in one request; wave 1: the task-updates rows; the job in wave 2
  expect(fake.requests).toEqual([
    { topic: TOPICS.taskEvents, ids: [ids[0], ids[2], ids[4]] },
    { topic: TOPICS.taskUpdates, ids: [ids[1], ids[3], ids[5]] },
  ]);
  expect(fake.jobs).toEqual(['reminder-a']);
});

test("a failed row holds back its own task's later rows, not other tasks', and goes first when the sidecar is back", async () => {
  const [aCreated, aUpdate, bCreated, bUpdate, aChanged, aChangedUpdate] = await outboxOf(['a', 1], ['b', 1], ['a', 2]);
  const refuse = new Set([aCreated as string]);
  const fake = fakeDapr(refuse);
  const relay = new OutboxRelay(db, pool, fake.dapr, pino({ level: 'silent' }), 50);
  relay.start();
  await eventually(async () => expect(await unsent()).toHaveLength(4));
  expect(fake.sent).toEqual([bCreated, bUpdate]);
  const failed = await db
    .selectFrom('outbox')
    .selectAll()
    .where('id', '=', aCreated as string)
    .executeTakeFirstOrThrow();
  expect(failed).toMatchObject({ attempts: 1, last_error: 'kafka: broker not available', published_at: null });
  refuse.clear();
  await eventually(async () => expect(await unsent()).toEqual([]), 15_000);
  await relay.stop();
  // task a's rows in their order, each once
  expect(fake.sent.filter((id) => ![bCreated, bUpdate].includes(id))).toEqual([
    aCreated,
    aUpdate,
    aChanged,
    aChangedUpdate,
  ]);
});
