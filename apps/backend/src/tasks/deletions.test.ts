// A DELETE sent again after its answer was lost (the sidecar's retry of a call the backend applied before it died)
// must answer as the first did and change nothing; for anyone else, and after a day, the id is unknown again.
import { TOPICS } from '@todo/contracts';
import { ApiError } from '@todo/service-kit';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import { pruneDeletions } from './deletions';
import { TaskService } from './service';
import { migratedDatabase } from './test-database';

let database: Awaited<ReturnType<typeof migratedDatabase>>;
let db: Kysely<Database>;
const ann = { id: '00000000-0000-4000-8000-0000000000a1', timezone: 'UTC' };
const bob = { id: '00000000-0000-4000-8000-0000000000b2', timezone: 'UTC' };

beforeAll(async () => {
  database = await migratedDatabase();
  db = database.db;
  for (const [user, email] of [
    [ann, 'ann@example.com'],
    [bob, 'bob@example.com'],
  ] as const) {
    await db
      .insertInto('users')
      .values({ id: user.id, email, password_hash: 'x', display_name: null, timezone: 'UTC' })
      .execute();
  }
});

afterAll(() => database.drop());

const deletedEvents = async (id: string) =>
  (
    await db
      .selectFrom('outbox')
      .select('id')
      .where('partition_key', '=', id)
      .where('topic', '=', TOPICS.taskEvents)
      .where(sql`payload->>'event_type'`, '=', 'deleted')
      .execute()
  ).length;

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'succeeded',
    (error: unknown) => (error instanceof ApiError ? `${error.status} ${error.code}` : String(error)),
  );

test('deleting a task again succeeds and publishes no second deletion', async () => {
  const service = new TaskService(db);
  const task = await service.create(ann, { title: 'deleted twice', priority: 'medium', tags: [] });
  await service.remove(ann.id, task.id);
  await service.remove(ann.id, task.id);
  await service.remove(ann.id, task.id, [1]);
  expect(await deletedEvents(task.id)).toBe(1);
  await expect(service.get(ann.id, task.id)).rejects.toMatchObject({ status: 404 });
});

test("another user's repeat, an id never used and an id that is not one are still 404", async () => {
  const service = new TaskService(db);
  const task = await service.create(ann, { title: 'only ann deleted it', priority: 'medium', tags: [] });
  await service.remove(ann.id, task.id);
  expect(await refusal(service.remove(bob.id, task.id))).toBe('404 NOT_FOUND');
  expect(await refusal(service.remove(ann.id, '00000000-0000-4000-8000-00000000ffff'))).toBe('404 NOT_FOUND');
  expect(await refusal(service.remove(ann.id, 'not-an-id'))).toBe('404 NOT_FOUND');
});

test('two deletes of one task at once both succeed, with one deletion published', async () => {
  const service = new TaskService(db);
  const task = await service.create(ann, { title: 'deleted by two tabs', priority: 'medium', tags: [] });
  const answers = await Promise.all([
    refusal(service.remove(ann.id, task.id)),
    refusal(service.remove(ann.id, task.id)),
  ]);
  expect(answers).toEqual(['succeeded', 'succeeded']);
  expect(await deletedEvents(task.id)).toBe(1);
});

test('a day later the id is unknown again, and housekeeping forgets it', async () => {
  const service = new TaskService(db);
  const old = await service.create(ann, { title: 'deleted yesterday', priority: 'medium', tags: [] });
  await service.remove(ann.id, old.id);
  const today = await service.create(ann, { title: 'deleted today', priority: 'medium', tags: [] });
  await service.remove(ann.id, today.id);
  await sql`update deleted_tasks set deleted_at = now() - interval '25 hours' where id = ${old.id}`.execute(db);
  expect(await refusal(service.remove(ann.id, old.id))).toBe('404 NOT_FOUND');
  expect(await pruneDeletions(db)).toBe(1);
  const kept = await db.selectFrom('deleted_tasks').select('id').where('id', 'in', [old.id, today.id]).execute();
  expect(kept).toEqual([{ id: today.id }]);
  await service.remove(ann.id, today.id);
});

test("a delete inside a caller's transaction that rolls back leaves the task and no record of a deletion", async () => {
  const service = new TaskService(db);
  const task = await service.create(ann, { title: 'kept after all', priority: 'medium', tags: [] });
  await expect(
    db.transaction().execute(async (trx) => {
      await service.within(trx).remove(ann.id, task.id);
      throw new Error('the turn failed');
    }),
  ).rejects.toThrow('the turn failed');
  expect((await service.get(ann.id, task.id)).title).toBe('kept after all');
  expect(await db.selectFrom('deleted_tasks').select('id').where('id', '=', task.id).execute()).toEqual([]);
  expect(await refusal(service.remove(bob.id, task.id))).toBe('404 NOT_FOUND');
});
