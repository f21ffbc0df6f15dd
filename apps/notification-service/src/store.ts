// Durable, de-duplicated writes of what arrives from pub/sub, and the reads behind the API.
import { randomUUID } from 'node:crypto';
import {
  type NotificationView,
  type ReminderEvent,
  SESSION_ENDED_OP,
  STREAM_EVENTS,
  type TaskEvent,
  type TaskUpdate,
} from '@todo/contracts';
import { precompiled } from '@todo/service-kit';
import { type Insertable, type Kysely, sql } from 'kysely';
import type { AuditLogTable, Database, UserEventsTable } from './db/schema';

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

const view = (row: {
  id: string;
  task_id: string;
  kind: 'reminder';
  title: string;
  due_at: Date | null;
  remind_at: Date;
  created_at: Date;
  read_at: Date | null;
}): NotificationView => ({
  id: row.id,
  task_id: row.task_id,
  kind: row.kind,
  title: row.title,
  due_at: iso(row.due_at),
  remind_at: iso(row.remind_at) as string,
  created_at: iso(row.created_at) as string,
  read_at: iso(row.read_at),
});

// The two inserts of every task change, compiled once and prepared once per connection (service-kit's precompiled):
// planning them each time was a quarter of their Postgres time.
const insertAudit = precompiled((db: Kysely<Database>, { rows }: { rows: Insertable<AuditLogTable>[] }) =>
  db
    .insertInto('audit_log')
    .values(rows)
    .onConflict((oc) => oc.column('event_id').doNothing()),
);
const insertFeedEntry = precompiled((db: Kysely<Database>, { rows }: { rows: Insertable<UserEventsTable>[] }) =>
  db
    .insertInto('user_events')
    .values(rows)
    .onConflict((oc) => oc.column('event_id').doNothing()),
);

const auditRow = (eventId: string, event: TaskEvent): Insertable<AuditLogTable> => ({
  event_id: eventId,
  user_id: event.user_id,
  task_id: event.task_id,
  event_type: event.event_type,
  occurred_at: event.timestamp,
  event: JSON.stringify(event),
});

const feedRow = (eventId: string, update: TaskUpdate): Insertable<UserEventsTable> => ({
  event_id: eventId,
  user_id: update.user_id,
  kind: update.op === SESSION_ENDED_OP ? STREAM_EVENTS.sessionEnded : STREAM_EVENTS.taskUpdate,
  payload: JSON.stringify(update),
});

/**
 * Taken by every transaction that adds to the feed, until it commits: the feed's ids then commit in their order, so a
 * reader that has seen an id has seen every id below it (the live streams and a reconnect's Last-Event-ID read the
 * feed after the last id they saw). Without it a request's rows, holding low ids, could commit after another's higher
 * ones and be passed over.
 */
const lockFeed = (trx: Kysely<Database>) => sql`select pg_advisory_xact_lock(hashtext('user_events'))`.execute(trx);

export class NotificationStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Stores the reminder's notification and its feed entry once; false when this event was already stored. */
  async addReminder(eventId: string, reminder: ReminderEvent): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('notifications')
        .values({
          id: randomUUID(),
          event_id: eventId,
          user_id: reminder.user_id,
          task_id: reminder.task_id,
          kind: 'reminder',
          title: reminder.title,
          due_at: reminder.due_at,
          remind_at: reminder.remind_at,
          read_at: null,
        })
        .onConflict((oc) => oc.column('event_id').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!inserted) return false;
      await lockFeed(trx);
      await trx
        .insertInto('user_events')
        .values({
          event_id: eventId,
          user_id: reminder.user_id,
          kind: STREAM_EVENTS.notification,
          payload: JSON.stringify(view(inserted)),
        })
        .onConflict((oc) => oc.column('event_id').doNothing())
        .execute();
      return true;
    });
  }

  async addAudit(eventId: string, event: TaskEvent): Promise<boolean> {
    return (await this.addAudits([{ eventId, event }])) > 0;
  }

  /** Task events into the audit log in one statement (in their order); how many were new. */
  async addAudits(items: { eventId: string; event: TaskEvent }[]): Promise<number> {
    if (items.length === 0) return 0;
    const result = await insertAudit(this.db, { rows: items.map((i) => auditRow(i.eventId, i.event)) });
    return Number(result.numAffectedRows ?? 0);
  }

  /** A task update, or a session's end, into the feed every replica reads (so each closes its own streams). */
  async addTaskUpdate(eventId: string, update: TaskUpdate): Promise<void> {
    await this.addTaskUpdates([{ eventId, update }]);
  }

  /** Task updates into the feed in one statement, in their order (the feed's ids follow it). */
  async addTaskUpdates(items: { eventId: string; update: TaskUpdate }[]): Promise<void> {
    if (items.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      await lockFeed(trx);
      await insertFeedEntry(trx, { rows: items.map((i) => feedRow(i.eventId, i.update)) });
    });
  }

  async listNotifications(userId: string, options: { unread: boolean; limit: number }): Promise<NotificationView[]> {
    let query = this.db.selectFrom('notifications').selectAll().where('user_id', '=', userId);
    if (options.unread) query = query.where('read_at', 'is', null);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id').limit(options.limit).execute();
    return rows.map(view);
  }

  /** How many of the user's notifications are unread: the inbox's badge. */
  async unreadCount(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Marks one of the user's notifications read; false when the user has no such notification. */
  async markRead(userId: string, id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('notifications')
      .set({ read_at: sql`coalesce(read_at, now())` })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async markAllRead(userId: string): Promise<number> {
    const result = await this.db
      .updateTable('notifications')
      .set({ read_at: new Date() })
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async audit(userId: string, filter: { taskId?: string; from?: string; to?: string; limit: number }) {
    let query = this.db.selectFrom('audit_log').selectAll().where('user_id', '=', userId);
    if (filter.taskId) query = query.where('task_id', '=', filter.taskId);
    if (filter.from) query = query.where('occurred_at', '>=', new Date(filter.from));
    if (filter.to) query = query.where('occurred_at', '<=', new Date(filter.to));
    // one request's events are stored together (one received_at): the event id decides among equal times
    const rows = await query
      .orderBy('occurred_at')
      .orderBy('received_at')
      .orderBy('event_id')
      .limit(filter.limit)
      .execute();
    return rows.map((row) => ({
      event_id: row.event_id,
      task_id: row.task_id,
      event_type: row.event_type,
      occurred_at: iso(row.occurred_at),
      received_at: iso(row.received_at),
      event: row.event,
    }));
  }

  /** Feed entries after `afterId`, oldest first (all users, or one). */
  async feedAfter(afterId: string, userId?: string, limit = 500) {
    let query = this.db.selectFrom('user_events').selectAll().where('id', '>', afterId);
    if (userId) query = query.where('user_id', '=', userId);
    return query.orderBy('id').limit(limit).execute();
  }

  async feedHead(): Promise<string> {
    const row = await this.db
      .selectFrom('user_events')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    return String(row?.id ?? '0');
  }

  async pruneFeed(olderThanHours: number): Promise<void> {
    await this.db
      .deleteFrom('user_events')
      .where('created_at', '<', sql<Date>`now() - make_interval(hours => ${olderThanHours})`)
      .execute();
  }
}
