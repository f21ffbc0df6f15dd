// The task tools, defined once: their JSON schemas (for MCP and models) and what they do (the same domain
// functions as the REST API, so events, reminders and the outbox all apply).
import { PRIORITIES, type TaskSnapshot } from '@todo/contracts';
import { ApiError, validationFailed } from '@todo/service-kit';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema';
import { CreateTaskSchema, ListTasksQuerySchema, SORT_FIELDS, UpdateTaskSchema } from '../tasks/input';
import type { Owner, TaskService } from '../tasks/service';

export interface ToolContext {
  user: Owner;
  db: Kysely<Database>;
  tasks: TaskService;
  /** How one tool call runs inside a chat turn: one at a time, in the turn's transaction (see turns.ts). */
  atomically?: <T>(work: () => Promise<T>) => Promise<T>;
}

export interface ToolResult {
  /** One sentence a person can read. */
  summary: string;
  data: unknown;
}

const when = z.string().describe('RFC 3339 date-time with an offset, e.g. 2030-01-31T18:00:00+01:00');
const taskId = z.string().describe('The id of the task (from list_tasks or add_task)');
const fields = {
  title: z.string().describe('Short title, e.g. "Call mom"'),
  description: z.string().describe('Longer notes'),
  priority: z.enum(PRIORITIES).describe('high, medium or low'),
  tags: z.array(z.string()).describe('Tags without #, e.g. ["work", "home"]'),
  due_at: when.nullable().describe('When it is due (null clears it)'),
  remind_at: when.nullable().describe('When to remind (null clears it); not after due_at'),
  remind_before_minutes: z.number().int().min(0).nullable().describe('Remind this many minutes before due_at'),
  recurrence: z
    .string()
    .nullable()
    .describe('daily, weekly, weekdays, monthly, or an RRULE such as FREQ=WEEKLY;BYDAY=MO (null stops repeating)'),
};

const describe = (task: TaskSnapshot) =>
  `"${task.title}"${task.due_at ? ` due ${task.due_at}` : ''}${task.status === 'completed' ? ' (done)' : ''}`;

/** Validates tool arguments with the API's own schemas, so a tool accepts exactly what the REST API accepts. */
function validate<T>(schema: z.ZodType<T>, args: unknown): T {
  const parsed = schema.safeParse(args);
  if (parsed.success) return parsed.data;
  throw validationFailed(parsed.error);
}

const withoutTaskId = <T extends { task_id?: unknown }>(args: T) => {
  const { task_id: _id, ...rest } = args;
  return rest;
};

export const TOOLS = {
  add_task: {
    description: 'Create a task for the user. Only title is required.',
    input: z.object({
      title: fields.title,
      description: fields.description.optional(),
      priority: fields.priority.optional(),
      tags: fields.tags.optional(),
      due_at: fields.due_at.optional(),
      remind_at: fields.remind_at.optional(),
      remind_before_minutes: fields.remind_before_minutes.optional(),
      recurrence: fields.recurrence.optional(),
    }),
    async run(ctx: ToolContext, args: unknown): Promise<ToolResult> {
      const task = await ctx.tasks.create(ctx.user, validate(CreateTaskSchema, args));
      return { summary: `Added ${describe(task)}.`, data: task };
    },
  },
  list_tasks: {
    description:
      "List or search the user's tasks. q searches title, tags and description. Without status, lists open and " +
      'completed. "What did I finish today?" is status completed with completed_from/completed_to.',
    input: z.object({
      q: z.string().optional().describe('Words to search for'),
      status: z.enum(['open', 'completed', 'all']).optional(),
      priority: z.array(z.enum(PRIORITIES)).optional(),
      tags: z.array(z.string()).optional(),
      due_from: when.optional(),
      due_to: when.optional(),
      completed_from: when.optional().describe('Only tasks finished at or after this time'),
      completed_to: when.optional().describe('Only tasks finished at or before this time'),
      overdue: z.boolean().optional().describe('Only open tasks past their due date'),
      sort: z
        .enum(SORT_FIELDS)
        .optional()
        .describe('due (soonest first), priority (highest first), title (A-Z), created or completed (newest first)'),
      order: z.enum(['asc', 'desc']).optional(),
      limit: z.number().int().min(1).max(100).optional(),
    }),
    async run(ctx: ToolContext, args: unknown): Promise<ToolResult> {
      const raw = (args ?? {}) as Record<string, unknown>;
      const query = validate(ListTasksQuerySchema, {
        ...raw,
        priority: Array.isArray(raw.priority) ? raw.priority.join(',') : raw.priority,
        tags: Array.isArray(raw.tags) ? raw.tags.join(',') : raw.tags,
        overdue: raw.overdue === undefined ? undefined : String(raw.overdue),
        limit: raw.limit ?? 20,
      });
      const page = await ctx.tasks.list(ctx.user.id, query);
      return { summary: `${page.total} task${page.total === 1 ? '' : 's'} found.`, data: page };
    },
  },
  update_task: {
    description:
      'Change fields of a task: title, description, priority, tags (send the whole new list), due date, recurrence.',
    input: z.object({
      task_id: taskId,
      title: fields.title.optional(),
      description: fields.description.nullable().optional(),
      priority: fields.priority.optional(),
      tags: fields.tags.optional(),
      due_at: fields.due_at.optional(),
      recurrence: fields.recurrence.optional(),
    }),
    async run(ctx: ToolContext, args: unknown): Promise<ToolResult> {
      const { task_id } = validate(z.object({ task_id: z.string() }).loose(), args);
      const task = await ctx.tasks.update(
        ctx.user.id,
        task_id,
        validate(UpdateTaskSchema, withoutTaskId(args as object)),
      );
      return { summary: `Updated ${describe(task)}.`, data: task };
    },
  },
  complete_task: {
    description: 'Mark a task done. A recurring task then gets its next occurrence.',
    input: z.object({ task_id: taskId }),
    async run(ctx: ToolContext, args: unknown): Promise<ToolResult> {
      const { task_id } = validate(z.object({ task_id: z.string() }), args);
      const task = await ctx.tasks.complete(ctx.user.id, task_id);
      return { summary: `Completed ${describe(task)}.`, data: task };
    },
  },
  reopen_task: {
    description: 'Open a completed task again (the user says it is not done after all).',
    input: z.object({ task_id: taskId }),
    async run(ctx: ToolContext, args: unknown): Promise<ToolResult> {
      const { task_id } = validate(z.object({ task_id: z.string() }), args);
      const task = await ctx.tasks.reopen(ctx.user.id, task_id);
      return { summary: `Reopened ${describe(task)}.`, data: task };
    },
  },
  delete_task: {
    description: 'Delete a task for good (its reminder is cancelled).',
    input: z.object({ task_id: taskId }),
    async run(ctx: ToolContext, args: unknown): Promise<ToolResult> {
      const { task_id } = validate(z.object({ task_id: z.string() }), args);
      const before = await ctx.tasks.get(ctx.user.id, task_id);
      await ctx.tasks.remove(ctx.user.id, task_id);
      return { summary: `Deleted ${describe(before)}.`, data: { deleted: task_id, title: before.title } };
    },
  },
  set_reminder: {
    description: 'Set, move or clear the reminder of a task: at a time, or some minutes before it is due.',
    input: z.object({
      task_id: taskId,
      remind_at: fields.remind_at.optional(),
      remind_before_minutes: fields.remind_before_minutes.optional(),
    }),
    async run(ctx: ToolContext, args: unknown): Promise<ToolResult> {
      const input = validate(
        z.object({
          task_id: z.string(),
          remind_at: z.string().nullable().optional(),
          remind_before_minutes: z.number().int().nullable().optional(),
        }),
        args,
      );
      const patch = withoutTaskId(input);
      if (patch.remind_at === undefined && patch.remind_before_minutes === undefined) {
        throw new ApiError(
          400,
          'VALIDATION_FAILED',
          'give remind_at or remind_before_minutes (null clears the reminder)',
        );
      }
      const task = await ctx.tasks.update(ctx.user.id, input.task_id, validate(UpdateTaskSchema, patch));
      const summary = task.remind_at
        ? `I'll remind you about "${task.title}" at ${task.remind_at}.`
        : `Cleared the reminder of "${task.title}".`;
      return { summary, data: task };
    },
  },
  remove_reminder: {
    description: 'Remove the reminder of a task (the task itself stays).',
    input: z.object({ task_id: taskId }),
    async run(ctx: ToolContext, args: unknown): Promise<ToolResult> {
      const { task_id } = validate(z.object({ task_id: z.string() }), args);
      const task = await ctx.tasks.update(ctx.user.id, task_id, { remind_at: null, remind_before_minutes: null });
      return { summary: `Removed the reminder of "${task.title}".`, data: task };
    },
  },
} as const;

export type ToolName = keyof typeof TOOLS;
export const TOOL_NAMES = Object.keys(TOOLS) as ToolName[];
