// Event payloads on the three topics; every publisher and consumer parses with these schemas.
import { z } from 'zod';
import { SESSION_ENDED_OP } from './sessions';
import { isoDateTime, TaskSnapshotSchema } from './task';

export const TASK_EVENT_TYPES = ['created', 'updated', 'completed', 'deleted'] as const;
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];

/** `task-events`: what happened to a task. */
export const TaskEventSchema = z.object({
  event_type: z.enum(TASK_EVENT_TYPES),
  task_id: z.uuid(),
  task_data: TaskSnapshotSchema,
  user_id: z.string().min(1),
  timestamp: isoDateTime,
});
export type TaskEvent = z.infer<typeof TaskEventSchema>;

/** `reminders`: a reminder came due. */
export const ReminderEventSchema = z.object({
  task_id: z.uuid(),
  title: z.string().min(1),
  due_at: isoDateTime.nullable(),
  remind_at: isoDateTime,
  user_id: z.string().min(1),
});
export type ReminderEvent = z.infer<typeof ReminderEventSchema>;

/** `task-updates`: what a browser needs to patch its list without a reload, or that one of its sign-ins ended. */
export const TaskUpdateSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('upsert'),
    task_id: z.uuid(),
    user_id: z.string().min(1),
    version: z.number().int().nonnegative(),
    task: TaskSnapshotSchema,
    timestamp: isoDateTime,
  }),
  z.object({
    op: z.literal('delete'),
    task_id: z.uuid(),
    user_id: z.string().min(1),
    version: z.number().int().nonnegative(),
    timestamp: isoDateTime,
  }),
  // added later: a consumer that predates it drops it as invalid, and the upsert/delete shapes are unchanged
  z.object({
    op: z.literal(SESSION_ENDED_OP),
    session_id: z.uuid(),
    user_id: z.string().min(1),
    timestamp: isoDateTime,
  }),
]);
export type TaskUpdate = z.infer<typeof TaskUpdateSchema>;
export type SessionEndedUpdate = Extract<TaskUpdate, { op: typeof SESSION_ENDED_OP }>;

/** CloudEvent `type` of each payload; subscription rules route on it. */
export const CLOUD_EVENT_TYPES = {
  task: (eventType: TaskEventType) => `task.${eventType}` as const,
  reminder: 'reminder.due',
  taskUpdate: 'task.update',
  sessionEnded: 'session.ended',
} as const;
