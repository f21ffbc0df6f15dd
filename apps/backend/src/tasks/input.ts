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

const when = (what: string) =>
  isoDateTime.nullable().describe(`${what}: RFC 3339 with an offset, e.g. 2030-01-31T18:00:00+01:00 (null clears it)`);

/** A task's fields as callers send them; the REST bodies and the MCP tools' inputs are made of these. */
const fields = {
  title: singleLineText({ trim: true })
    .min(1, 'a task needs a title')
    .max(TITLE_MAX)
    .describe('Short title, e.g. "Call mom"'),
  description: multiLineText().max(DESCRIPTION_MAX).nullable().describe('Longer notes'),
  priority: z.enum(PRIORITIES).describe('high, medium or low'),
  tags: z.array(tag).max(TAGS_MAX).describe('Tags without #, e.g. ["work", "home"]'),
  due_at: when('When it is due'),
  remind_at: when('When to remind; not after due_at'),
  remind_before_minutes: z
    .number()
    .int()
    .min(0)
    .max(MAX_REMIND_BEFORE_MINUTES)
    .nullable()
    .describe('Remind this many minutes before due_at (null clears it)'),
  recurrence: recurrenceField
    .nullable()
    .describe('daily, weekly, weekdays, monthly, or an RRULE such as FREQ=WEEKLY;BYDAY=MO (null stops repeating)'),
  timezone: timeZone,
};

/** A task's id, as REST paths and tool inputs name it. */
export const taskId = z.string().min(1).describe('The id of the task (from list_tasks or add_task)');

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

/** Every field a change may carry, each optional. */
export const TASK_PATCH_FIELDS = {
  title: fields.title.optional(),
  description: fields.description.optional(),
  priority: fields.priority.optional(),
  tags: fields.tags.optional(),
  due_at: fields.due_at.optional(),
  remind_at: fields.remind_at.optional(),
  remind_before_minutes: fields.remind_before_minutes.optional(),
  recurrence: fields.recurrence.optional(),
  timezone: fields.timezone.optional(),
};

export const UpdateTaskSchema = z
  .object(TASK_PATCH_FIELDS)
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

/** The list's filters and order, as typed values (a tool's input); the query string below spells the same ones. */
const filters = {
  q: singleLineText({ trim: true }).max(200).describe('Words to search for in title, tags and description'),
  status: z.enum(['open', 'completed', 'all']).describe('Without it: open and completed'),
  priority: z.array(z.enum(PRIORITIES)).min(1),
  tags: z.array(tag).min(1).describe('Only tasks with every one of these tags'),
  due_from: isoDateTime.describe('Only tasks due at or after this time'),
  due_to: isoDateTime.describe('Only tasks due at or before this time'),
  completed_from: isoDateTime.describe('Only tasks finished at or after this time'),
  completed_to: isoDateTime.describe('Only tasks finished at or before this time'),
  overdue: z.boolean().describe('Only open tasks past their due date'),
  sort: z
    .enum(SORT_FIELDS)
    .describe('due (soonest first), priority (highest first), title (A-Z), created or completed (newest first)'),
  order: z.enum(['asc', 'desc']),
  limit: z.number().int().min(1).max(100),
};

export const ListTasksQuerySchema = z
  .object({
    q: filters.q.optional(),
    status: filters.status.default('all'),
    priority: csv(filters.priority.element).optional(),
    tags: csv(tag, /[\s,]+/).optional(),
    due_from: filters.due_from.optional(),
    due_to: filters.due_to.optional(),
    completed_from: filters.completed_from.optional(),
    completed_to: filters.completed_to.optional(),
    overdue: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    sort: filters.sort.optional(),
    order: filters.order.optional(),
    limit: z.coerce.number().pipe(filters.limit).default(50),
    cursor: z
      .string()
      .max(500)
      .regex(/^[\w-]*$/, 'not a cursor this API gave out')
      .optional(),
  })
  .strict()
  .openapi('ListTasksQuery');
export type ListTasksQuery = z.infer<typeof ListTasksQuerySchema>;

/** The same filters with their JSON types (arrays, a boolean, a number), for callers that are not a query string. */
export const TaskFiltersSchema = z
  .object({
    q: filters.q.optional(),
    status: filters.status.default('all'),
    priority: filters.priority.optional(),
    tags: filters.tags.optional(),
    due_from: filters.due_from.optional(),
    due_to: filters.due_to.optional(),
    completed_from: filters.completed_from.optional(),
    completed_to: filters.completed_to.optional(),
    overdue: filters.overdue.optional(),
    sort: filters.sort.optional(),
    order: filters.order.optional(),
    limit: filters.limit.default(20),
  })
  .strict();

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
