// Everything the backend tells the world is first a row here, written in the same transaction as the change.
import { randomUUID } from 'node:crypto';
import {
  CLOUD_EVENT_TYPES,
  type ReminderEvent,
  reminderJobName,
  type TaskEvent,
  type TaskEventType,
  type TaskSnapshot,
  type TaskUpdate,
  TOPICS,
} from '@todo/contracts';
import type { JobSpec } from '@todo/dapr';
import { currentTraceparent } from '@todo/service-kit';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema';

type Tx = Transaction<Database> | Kysely<Database>;

async function publishRow(tx: Tx, topic: string, eventType: string, partitionKey: string, payload: unknown) {
  await tx
    .insertInto('outbox')
    .values({
      id: randomUUID(),
      kind: 'publish',
      topic,
      event_type: eventType,
      partition_key: partitionKey,
      payload: JSON.stringify(payload),
      published_at: null,
      last_error: null,
      traceparent: currentTraceparent() ?? null,
    })
    .execute();
}

/** A task event on task-events and the matching update on task-updates. */
export async function recordTaskChange(tx: Tx, type: TaskEventType, task: TaskSnapshot, now: Date): Promise<void> {
  const timestamp = now.toISOString();
  const event: TaskEvent = { event_type: type, task_id: task.id, task_data: task, user_id: task.user_id, timestamp };
  const update: TaskUpdate =
    type === 'deleted'
      ? { op: 'delete', task_id: task.id, user_id: task.user_id, version: task.version, timestamp }
      : { op: 'upsert', task_id: task.id, user_id: task.user_id, version: task.version, task, timestamp };
  await publishRow(tx, TOPICS.taskEvents, CLOUD_EVENT_TYPES.task(type), task.id, event);
  await publishRow(tx, TOPICS.taskUpdates, CLOUD_EVENT_TYPES.taskUpdate, task.id, update);
}

export async function recordReminder(tx: Tx, reminder: ReminderEvent): Promise<void> {
  await publishRow(tx, TOPICS.reminders, CLOUD_EVENT_TYPES.reminder, reminder.task_id, reminder);
}

/** What the reminder job carries back to POST /job/reminder-<id>. */
export interface ReminderJobData {
  task_id: string;
  remind_at: string;
}

export async function recordReminderJob(tx: Tx, taskId: string, remindAt: string | null): Promise<void> {
  const name = reminderJobName(taskId);
  if (remindAt === null) {
    await tx
      .insertInto('outbox')
      .values({
        id: randomUUID(),
        kind: 'job.delete',
        topic: null,
        event_type: null,
        partition_key: taskId,
        payload: JSON.stringify({ name }),
        published_at: null,
        last_error: null,
      })
      .execute();
    return;
  }
  const data: ReminderJobData = { task_id: taskId, remind_at: remindAt };
  const spec: JobSpec<ReminderJobData> = {
    dueTime: remindAt,
    data,
    overwrite: true,
    failurePolicy: { constant: { interval: '5s', maxRetries: 12 } },
  };
  await tx
    .insertInto('outbox')
    .values({
      id: randomUUID(),
      kind: 'job.schedule',
      topic: null,
      event_type: null,
      partition_key: taskId,
      payload: JSON.stringify({ name, spec }),
      published_at: null,
      last_error: null,
    })
    .execute();
}
