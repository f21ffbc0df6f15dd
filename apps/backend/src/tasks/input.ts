// What callers may send for tasks: zod schemas at the edge, with field-level reasons.
import { z } from '@hono/zod-openapi';
import {
  DESCRIPTION_MAX,
  isoDateTime,
  multiLineText,
  PRIORITIES,
  singleLineText,
  TAG_MAX,
  TAGS_MAX,
  TITLE_MAX,
} from '@todo/contracts';
import { timeZone } from '../http/fields';
import { normalizeRecurrence } from './recurrence';

const tag = z
  .string()
  .transform((t) => t.trim().replace(/^#+/, '').toLowerCase())
  .pipe(
    z
      .string()
      .min(1, 'a tag cannot be empty')
      .max(TAG_MAX)
      .regex(/^[\p{L}\p{N}_-]+$/u, 'tags are letters, digits, - and _'),
  );

export const recurrenceField = singleLineText().transform((value, ctx) => {
  try {
    return normalizeRecurrence(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

export const MAX_REMIND_BEFORE_MINUTES = 60 * 24 * 30;

const fields = {
  title: singleLineText({ trim: true }).min(1, 'a task needs a title').max(TITLE_MAX),
  description: multiLineText().max(DESCRIPTION_MAX).nullable(),
  priority: z.enum(PRIORITIES),
  tags: z.array(tag).max(TAGS_MAX),
  due_at: isoDateTime.nullable(),
  remind_at: isoDateTime.nullable(),
  remind_before_minutes: z.number().int().min(0).max(MAX_REMIND_BEFORE_MINUTES).nullable(),
  recurrence: recurrenceField.nullable(),
  timezone: timeZone,
};

export const CreateTaskSchema = z
  .object({
    title: fields.title,
    description: fields.description.optional(),
    priority: fields.priority.default('medium'),
    tags: fields.tags.default([]),
    due_at: fields.due_at.optional(),
    remind_at: fields.remind_at.optional(),
    remind_before_minutes: fields.remind_before_minutes.optional(),
    recurrence: fields.recurrence.optional(),
    timezone: fields.timezone.optional(),
  })
  .strict()
  .openapi('CreateTask');
export type CreateTaskInput = z.infer<typeof CreateTaskSchema>;

export const UpdateTaskSchema = z
  .object({
    title: fields.title.optional(),
    description: fields.description.optional(),
    priority: fields.priority.optional(),
    tags: fields.tags.optional(),
    due_at: fields.due_at.optional(),
    remind_at: fields.remind_at.optional(),
    remind_before_minutes: fields.remind_before_minutes.optional(),
    recurrence: fields.recurrence.optional(),
    timezone: fields.timezone.optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: 'send at least one field to change' })
  .openapi('UpdateTask');
export type UpdateTaskInput = z.infer<typeof UpdateTaskSchema>;

export const SORT_FIELDS = ['due', 'priority', 'title', 'created', 'completed'] as const;
export type SortField = (typeof SORT_FIELDS)[number];

/** A list in a query string: separated by commas, or (as the task form takes tags) by spaces too. */
const csv = <T extends z.ZodType<unknown, string>>(item: T, separator: RegExp = /,/) =>
  z
    .string()
    .transform((s) =>
      s
        .split(separator)
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).min(1));

export const ListTasksQuerySchema = z
  .object({
    q: singleLineText({ trim: true }).max(200).optional(),
    status: z.enum(['open', 'completed', 'all']).default('all'),
    priority: csv(z.enum(PRIORITIES)).optional(),
    tags: csv(tag, /[\s,]+/).optional(),
    due_from: isoDateTime.optional(),
    due_to: isoDateTime.optional(),
    completed_from: isoDateTime.optional(),
    completed_to: isoDateTime.optional(),
    overdue: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    sort: z.enum(SORT_FIELDS).optional(),
    order: z.enum(['asc', 'desc']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z
      .string()
      .max(500)
      .regex(/^[\w-]*$/, 'not a cursor this API gave out')
      .optional(),
  })
  .strict()
  .openapi('ListTasksQuery');
export type ListTasksQuery = z.infer<typeof ListTasksQuerySchema>;

/** The checks that need the task's other fields: run on the merged result of a create or an update. */
export function crossFieldIssues(task: {
  due_at: string | null;
  remind_at: string | null;
  remind_before_minutes: number | null;
}): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if (task.remind_at && task.remind_before_minutes !== null) {
    issues.push({ path: 'remind_before_minutes', message: 'give either remind_at or remind_before_minutes, not both' });
  }
  if (task.remind_before_minutes !== null && !task.due_at) {
    issues.push({ path: 'remind_before_minutes', message: 'a reminder before the due date needs a due_at' });
  }
  if (task.remind_at && task.due_at && Date.parse(task.remind_at) > Date.parse(task.due_at)) {
    issues.push({ path: 'remind_at', message: 'the reminder must not come after the due date' });
  }
  return issues;
}
