// The task domain: every write goes through here (REST, MCP tools, next occurrences, reminders), in one transaction
// with its outbox rows, so an event or a reminder job exists exactly when the change does.
import { randomUUID } from 'node:crypto';
import type {
  NextOccurrenceRequest,
  ReminderEvent,
  ReminderJobData,
  TaskEventType,
  TaskPage,
  TaskSnapshot,
} from '@todo/contracts';
import { ApiError, notFound } from '@todo/service-kit';
import { minutesBeforeOnWall } from '@todo/zoned-time';
import type { Kysely, Transaction } from 'kysely';
import { type Database, TASK_COLUMNS, type TaskRow } from '../db/schema';
import { reminderJobRow, reminderRow, taskChangeRows, writeOutbox } from '../outbox/outbox';
import { insertTask, insertTaskWithKey } from './create-statements';
import { deletedRecently, recordDeletion } from './deletions';
import { type CreateTaskInput, crossFieldIssues, type ListTasksQuery, type UpdateTaskInput } from './input';
import { checkVersion, type ExpectedVersion } from './preconditions';
import { listTasks } from './query';
import { effectiveRemindAt, toSnapshot } from './snapshot';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

export interface Owner {
  id: string;
  timezone: string;
}

/** A client's idempotency key for a create, with a hash of what it asked for. */
export interface CreateKey {
  key: string;
  requestHash: string;
}

/** The reminder job to schedule (a time), delete (null), or leave alone (undefined) after a change. */
function reminderJobChange(before: TaskRow | null, after: TaskRow | null): string | null | undefined {
  const had = before?.status === 'open' ? iso(before.remind_at) : null;
  const want = after?.status === 'open' ? iso(after.remind_at) : null;
  return had === want ? undefined : want;
}

export class TaskService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly afterCommit: () => void = () => {},
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * The same service writing inside `trx` (a chat turn's): its changes commit or roll back with the turn, and the
   * one who commits wakes the relay.
   */
  within(trx: Transaction<Database>): TaskService {
    return new TaskService(trx, () => {}, this.now);
  }

  private async write<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return work(this.db as Transaction<Database>);
    const result = await this.db.transaction().execute(work);
    this.afterCommit();
    return result;
  }

  private async lock(
    trx: Transaction<Database>,
    userId: string,
    id: string,
    expected?: ExpectedVersion,
  ): Promise<TaskRow> {
    const row = await this.lockIfThere(trx, userId, id);
    if (!row) throw notFound('task');
    checkVersion(toSnapshot(row), expected);
    return row;
  }

  /** The user's task, locked for the transaction's write; undefined when the user has no such task. */
  private lockIfThere(trx: Transaction<Database>, userId: string, id: string): Promise<TaskRow | undefined> {
    if (!UUID.test(id)) return Promise.resolve(undefined);
    return trx
      .selectFrom('tasks')
      .select(TASK_COLUMNS)
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
  }

  /** A change's outbox rows: its task event and update, and the reminder job's change if it has one. */
  private outboxRows(type: TaskEventType, before: TaskRow | null, after: TaskRow) {
    const job = reminderJobChange(before, type === 'deleted' ? null : after);
    return [
      ...taskChangeRows(type, toSnapshot(after), this.now()),
      ...(job !== undefined ? [reminderJobRow(after.id, job)] : []),
    ];
  }

  private async record(trx: Transaction<Database>, type: TaskEventType, before: TaskRow | null, after: TaskRow) {
    await writeOutbox(trx, this.outboxRows(type, before, after));
  }

  /** A page of the user's tasks: filtered, searched, sorted (query.ts); the REST list and list_tasks both read here. */
  list(userId: string, query: ListTasksQuery): Promise<TaskPage> {
    return listTasks(this.db, userId, query);
  }

  async get(userId: string, id: string): Promise<TaskSnapshot> {
    if (!UUID.test(id)) throw notFound('task');
    const row = await this.db
      .selectFrom('tasks')
      .select(TASK_COLUMNS)
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!row) throw notFound('task');
    return toSnapshot(row);
  }

  /**
   * Creates a task. With a key, the same key and request give the same task however often they are sent (a retry
   * after a lost answer), `replayed` saying so; the same key with another request is refused.
   */
  async create(owner: Owner, input: CreateTaskInput, key?: CreateKey): Promise<TaskSnapshot & { replayed?: true }> {
    const fields = {
      due_at: input.due_at ?? null,
      remind_at: input.remind_at ?? null,
      remind_before_minutes: input.remind_before_minutes ?? null,
    };
    const issues = crossFieldIssues(fields);
    if (issues.length)
      throw new ApiError(400, 'VALIDATION_FAILED', issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
    const now = this.now();
    const row: TaskRow = {
      id: randomUUID(),
      user_id: owner.id,
      title: input.title,
      description: input.description ?? null,
      status: 'open',
      priority: input.priority,
      priority_rank: 0,
      tags: [...new Set(input.tags)],
      due_at: fields.due_at ? new Date(fields.due_at) : null,
      remind_at: null,
      remind_before_minutes: fields.remind_before_minutes,
      recurrence: input.recurrence ?? null,
      timezone: input.timezone ?? owner.timezone,
      series_id: null,
      occurrence_key: null,
      reminded_for: null,
      created_at: now,
      updated_at: now,
      completed_at: null,
      version: 1,
    };
    const remindAt = effectiveRemindAt(fields, row.timezone);
    row.remind_at = remindAt ? new Date(remindAt) : null;
    return key ? this.insertWithKey(row, key) : this.insertWithOutbox(row);
  }

  /**
   * A create without a key in one statement (one round trip instead of BEGIN, two INSERTs, COMMIT): a CTE inserts the
   * task and its outbox rows, which commit or fail together as any single statement does. The events carry the
   * snapshot of the row as written here, which is what the INSERT stores (no column of a snapshot is computed in SQL).
   */
  private async insertWithOutbox(row: TaskRow): Promise<TaskSnapshot> {
    const { priority_rank: _generated, ...task } = row;
    await insertTask(this.db, { task, events: this.outboxRows('created', null, row) });
    if (!this.db.isTransaction) this.afterCommit();
    return toSnapshot(row);
  }

  /**
   * A create with a key, in one statement too: the key is claimed (inserted, or taken over once it expired), and the
   * task and its outbox rows are inserted from that claim, so all three commit together or not at all and a key that
   * is taken inserts nothing. A concurrent create with the same key waits on the key's row until the first commits
   * (then it claims nothing and replays) or rolls back (then it claims the key). Only a replay or a refusal reads the
   * key, in a second statement: this one's snapshot is older than the commit it waited for.
   */
  private async insertWithKey(row: TaskRow, key: CreateKey): Promise<TaskSnapshot & { replayed?: true }> {
    const { priority_rank: _generated, ...task } = row;
    const snapshot = toSnapshot(row);
    const events = this.outboxRows('created', null, row).map((event) => ({
      ...event,
      payload: JSON.parse(event.payload as string),
    }));
    const { rows } = await insertTaskWithKey(this.db, {
      task,
      claim: { user_id: row.user_id, key: key.key, request_hash: key.requestHash, task: JSON.stringify(snapshot) },
      events: JSON.stringify(events),
    });
    const created = rows[0];
    if (created) {
      if (!this.db.isTransaction) this.afterCommit();
      return snapshot;
    }
    const earlier = await this.db
      .selectFrom('task_create_keys')
      .select(['request_hash', 'task'])
      .where('user_id', '=', row.user_id)
      .where('key', '=', key.key)
      .executeTakeFirstOrThrow();
    if (earlier.request_hash !== key.requestHash || !earlier.task) {
      throw new ApiError(
        422,
        'IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was already used for a different task; use a new key for a new task',
      );
    }
    return { ...earlier.task, replayed: true };
  }

  /** `expected`: the versions the caller saw (If-Match); another one is refused with TaskChanged. */
  async update(userId: string, id: string, patch: UpdateTaskInput, expected?: ExpectedVersion): Promise<TaskSnapshot> {
    return this.write(async (trx) => {
      const before = await this.lock(trx, userId, id, expected);
      const merged = {
        due_at: patch.due_at !== undefined ? patch.due_at : iso(before.due_at),
        // an explicit time replaces an offset and the other way round
        remind_at:
          patch.remind_at !== undefined
            ? patch.remind_at
            : patch.remind_before_minutes !== undefined || before.remind_before_minutes !== null
              ? null
              : iso(before.remind_at),
        remind_before_minutes:
          patch.remind_before_minutes !== undefined
            ? patch.remind_before_minutes
            : patch.remind_at !== undefined
              ? null
              : before.remind_before_minutes,
      };
      const issues = crossFieldIssues(merged);
      if (issues.length)
        throw new ApiError(400, 'VALIDATION_FAILED', issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
      const remindAt = effectiveRemindAt(merged, patch.timezone ?? before.timezone);
      const after = await trx
        .updateTable('tasks')
        .set({
          ...(patch.title !== undefined ? { title: patch.title } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.priority !== undefined ? { priority: patch.priority } : {}),
          ...(patch.tags !== undefined ? { tags: [...new Set(patch.tags)] } : {}),
          ...(patch.recurrence !== undefined ? { recurrence: patch.recurrence } : {}),
          ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}),
          due_at: merged.due_at ? new Date(merged.due_at) : null,
          remind_at: remindAt ? new Date(remindAt) : null,
          remind_before_minutes: merged.remind_before_minutes,
          updated_at: this.now(),
          version: before.version + 1,
        })
        .where('id', '=', id)
        .returning(TASK_COLUMNS)
        .executeTakeFirstOrThrow();
      await this.record(trx, 'updated', before, after);
      return toSnapshot(after);
    });
  }

  async complete(userId: string, id: string, expected?: ExpectedVersion): Promise<TaskSnapshot> {
    return this.setStatus(userId, id, 'completed', expected);
  }

  async reopen(userId: string, id: string, expected?: ExpectedVersion): Promise<TaskSnapshot> {
    return this.setStatus(userId, id, 'open', expected);
  }

  private async setStatus(
    userId: string,
    id: string,
    status: 'open' | 'completed',
    expected?: ExpectedVersion,
  ): Promise<TaskSnapshot> {
    return this.write(async (trx) => {
      const before = await this.lock(trx, userId, id, expected);
      // completing a completed task (or reopening an open one) changes nothing and says nothing
      if (before.status === status) return toSnapshot(before);
      const now = this.now();
      const after = await trx
        .updateTable('tasks')
        .set({
          status,
          completed_at: status === 'completed' ? now : null,
          updated_at: now,
          version: before.version + 1,
        })
        .where('id', '=', id)
        .returning(TASK_COLUMNS)
        .executeTakeFirstOrThrow();
      await this.record(trx, status === 'completed' ? 'completed' : 'updated', before, after);
      return toSnapshot(after);
    });
  }

  /**
   * Deletes the user's task. A repeat of a delete that happened (its answer lost, the call sent again) succeeds as the
   * first did and changes nothing (deletions.ts); any other id the user has no task under is a 404.
   */
  async remove(userId: string, id: string, expected?: ExpectedVersion): Promise<void> {
    await this.write(async (trx) => {
      const before = await this.lockIfThere(trx, userId, id);
      if (!before) {
        if (UUID.test(id) && (await deletedRecently(trx, userId, id))) return;
        throw notFound('task');
      }
      checkVersion(toSnapshot(before), expected);
      await trx.deleteFrom('tasks').where('id', '=', id).execute();
      await recordDeletion(trx, userId, id);
      await this.record(trx, 'deleted', before, { ...before, version: before.version + 1, updated_at: this.now() });
    });
  }

  /** The next task of a series; the same idempotency key always gives the same task. */
  async createNextOccurrence(input: NextOccurrenceRequest): Promise<{ task: TaskSnapshot; created: boolean }> {
    const existing = await this.db
      .selectFrom('tasks')
      .select(TASK_COLUMNS)
      .where('occurrence_key', '=', input.idempotency_key)
      .executeTakeFirst();
    if (existing) return { task: toSnapshot(existing), created: false };
    if (!UUID.test(input.source_task_id))
      throw new ApiError(404, 'SOURCE_NOT_FOUND', 'the completed task no longer exists');
    return this.write(async (trx) => {
      const source = await trx
        .selectFrom('tasks')
        .select(TASK_COLUMNS)
        .where('id', '=', input.source_task_id)
        .executeTakeFirst();
      if (!source) throw new ApiError(404, 'SOURCE_NOT_FOUND', 'the completed task no longer exists');
      const due = input.due_at ? new Date(input.due_at) : null;
      let remindAt: Date | null = null;
      if (due && source.remind_before_minutes !== null)
        remindAt = minutesBeforeOnWall(due, source.remind_before_minutes, source.timezone);
      else if (due && source.remind_at && source.due_at) {
        remindAt = new Date(due.getTime() - (new Date(source.due_at).getTime() - new Date(source.remind_at).getTime()));
      }
      const now = this.now();
      const inserted = await trx
        .insertInto('tasks')
        .values({
          id: randomUUID(),
          user_id: source.user_id,
          title: source.title,
          description: source.description,
          status: 'open',
          priority: source.priority,
          tags: source.tags,
          due_at: due,
          remind_at: remindAt,
          remind_before_minutes: source.remind_before_minutes,
          recurrence: input.recurrence ?? source.recurrence,
          timezone: source.timezone,
          series_id: source.series_id ?? source.id,
          occurrence_key: input.idempotency_key,
          reminded_for: null,
          created_at: now,
          updated_at: now,
          completed_at: null,
          version: 1,
        })
        .onConflict((oc) => oc.column('occurrence_key').doNothing())
        .returning(TASK_COLUMNS)
        .executeTakeFirst();
      if (!inserted) {
        const raced = await trx
          .selectFrom('tasks')
          .select(TASK_COLUMNS)
          .where('occurrence_key', '=', input.idempotency_key)
          .executeTakeFirstOrThrow();
        return { task: toSnapshot(raced), created: false };
      }
      await this.record(trx, 'created', null, inserted);
      return { task: toSnapshot(inserted), created: true };
    });
  }

  /** A reminder job fired: publish the reminder if the task still wants it, once per reminder time. */
  async reminderDue(data: ReminderJobData): Promise<'published' | 'stale' | 'already-sent' | 'missing'> {
    if (!UUID.test(data.task_id)) return 'missing';
    return this.write(async (trx) => {
      const row = await trx
        .selectFrom('tasks')
        .select(TASK_COLUMNS)
        .where('id', '=', data.task_id)
        .forUpdate()
        .executeTakeFirst();
      if (!row) return 'missing';
      const remindAt = iso(row.remind_at);
      if (row.status !== 'open' || !remindAt || remindAt !== iso(data.remind_at)) return 'stale';
      if (iso(row.reminded_for) === remindAt) return 'already-sent';
      await trx.updateTable('tasks').set({ reminded_for: row.remind_at }).where('id', '=', row.id).execute();
      const reminder: ReminderEvent = {
        task_id: row.id,
        title: row.title,
        due_at: iso(row.due_at),
        remind_at: remindAt,
        user_id: row.user_id,
      };
      await writeOutbox(trx, [reminderRow(reminder)]);
      return 'published';
    });
  }
}
