// The task as every event carries it: what a consumer or a browser needs without asking the backend.
import { z } from 'zod';
import { TASK_TOTAL_CAP } from './task-total';

export const PRIORITIES = ['high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const TASK_STATUSES = ['open', 'completed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 5000;
export const TAG_MAX = 40;
export const TAGS_MAX = 20;

/** RFC 3339 with an explicit offset: a time without a zone means nothing across services. */
export const isoDateTime = z.iso.datetime({ offset: true });

export const TaskSnapshotSchema = z.object({
  id: z.uuid(),
  user_id: z.string().min(1),
  title: z.string().trim().min(1).max(TITLE_MAX),
  description: z.string().max(DESCRIPTION_MAX).nullable(),
  status: z.enum(TASK_STATUSES),
  priority: z.enum(PRIORITIES),
  tags: z.array(z.string().min(1).max(TAG_MAX)).max(TAGS_MAX),
  due_at: isoDateTime.nullable(),
  remind_at: isoDateTime.nullable(),
  /** Set when the reminder follows the due date at this offset; remind_at is then derived. */
  remind_before_minutes: z.number().int().nonnegative().nullable(),
  recurrence: z.string().min(1).nullable(),
  timezone: z.string().min(1),
  series_id: z.uuid().nullable(),
  created_at: isoDateTime,
  updated_at: isoDateTime,
  completed_at: isoDateTime.nullable(),
  /** Grows by one on every change of this task, so a browser can ignore an older update. */
  version: z.number().int().nonnegative(),
});
export type TaskSnapshot = z.infer<typeof TaskSnapshotSchema>;

/**
 * GET /api/tasks: one page of the list, the cursor of the next (null on the last), and how many match in all, counted
 * up to TASK_TOTAL_CAP.
 */
export const TaskPageSchema = z.object({
  items: z.array(TaskSnapshotSchema),
  next_cursor: z.string().nullable(),
  /** How many match in all, or TASK_TOTAL_CAP when more do. */
  total: z.number().int().nonnegative().max(TASK_TOTAL_CAP),
  /** False when more than `total` match: the count stopped at TASK_TOTAL_CAP ("1,000+"). */
  total_exact: z.boolean(),
});
export type TaskPage = z.infer<typeof TaskPageSchema>;
