// Everything the backend tells the world is first a row here, written in the same transaction as the change.
import { randomUUID } from 'node:crypto';
import {
  CLOUD_EVENT_TYPES,
  type ReminderEvent,
  type ReminderJobData,
  reminderJobName,
  SESSION_ENDED_OP,
  type SessionEndedUpdate,
  type TaskEvent,
  type TaskEventType,
  type TaskSnapshot,
  type TaskUpdate,
  TOPICS,
} from '@todo/contracts';
import type { JobSpec } from '@todo/dapr';
import { currentTraceparent } from '@todo/service-kit';
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Database, OutboxTable } from '../db/schema';

type Tx = Transaction<Database> | Kysely<Database>;
type OutboxRow = Insertable<OutboxTable>;

/** Every column an outbox row is written with (the rest take their defaults: seq, created_at, attempts…). */
export const OUTBOX_COLUMNS = [
  'id',
  'kind',
  'topic',
  'event_type',
  'partition_key',
  'payload',
  'published_at',
  'last_error',
  'traceparent',
] as const satisfies readonly (keyof OutboxRow)[];
/** An outbox row as this module writes it: every column of OUTBOX_COLUMNS, no other. */
export type NewOutboxRow = { [K in (typeof OUTBOX_COLUMNS)[number]]: OutboxRow[K] };

function outboxRow(
  kind: OutboxRow['kind'],
  topic: string | null,
  eventType: string | null,
  partitionKey: string,
  payload: unknown,
): NewOutboxRow {
  return {
    id: randomUUID(),
    kind,
    topic,
    event_type: eventType,
    partition_key: partitionKey,
    payload: JSON.stringify(payload),
    published_at: null,
    last_error: null,
    // the relay publishes later, outside the request: the event continues the request's trace
    traceparent: currentTraceparent() ?? null,
  };
}

/** One INSERT for all of a change's rows (one round trip); rows get their seq in the order given. */
export async function writeOutbox(tx: Tx, rows: OutboxRow[]): Promise<void> {
  if (rows.length) await tx.insertInto('outbox').values(rows).execute();
}

/** A task event on task-events and the matching update on task-updates. */
export function taskChangeRows(type: TaskEventType, task: TaskSnapshot, now: Date): NewOutboxRow[] {
  const timestamp = now.toISOString();
  const event: TaskEvent = { event_type: type, task_id: task.id, task_data: task, user_id: task.user_id, timestamp };
  const update: TaskUpdate =
    type === 'deleted'
      ? { op: 'delete', task_id: task.id, user_id: task.user_id, version: task.version, timestamp }
      : { op: 'upsert', task_id: task.id, user_id: task.user_id, version: task.version, task, timestamp };
  return [
    outboxRow('publish', TOPICS.taskEvents, CLOUD_EVENT_TYPES.task(type), task.id, event),
    outboxRow('publish', TOPICS.taskUpdates, CLOUD_EVENT_TYPES.taskUpdate, task.id, update),
  ];
}

/** A sign-in ended: notification-service closes that session's open streams. */
export function sessionEndedRow(userId: string, sessionId: string, now: Date): NewOutboxRow {
  const update: SessionEndedUpdate = {
    op: SESSION_ENDED_OP,
    session_id: sessionId,
    user_id: userId,
    timestamp: now.toISOString(),
  };
  return outboxRow('publish', TOPICS.taskUpdates, CLOUD_EVENT_TYPES.sessionEnded, sessionId, update);
}

export function reminderRow(reminder: ReminderEvent): NewOutboxRow {
  return outboxRow('publish', TOPICS.reminders, CLOUD_EVENT_TYPES.reminder, reminder.task_id, reminder);
}

/** Schedule (a time) or delete (null) job reminder-<taskId>. */
export function reminderJobRow(taskId: string, remindAt: string | null): NewOutboxRow {
  const name = reminderJobName(taskId);
  if (remindAt === null) return outboxRow('job.delete', null, null, taskId, { name });
  const data: ReminderJobData = { task_id: taskId, remind_at: remindAt };
  const spec: JobSpec<ReminderJobData> = {
    dueTime: remindAt,
    data,
    overwrite: true,
    failurePolicy: { constant: { interval: '5s', maxRetries: 12 } },
  };
  return outboxRow('job.schedule', null, null, taskId, { name, spec });
}
