// The task tools, defined once: each tool's input is made of the REST API's own fields (tasks/input.ts), so a tool
// accepts exactly what the API accepts and its schema is validated once, by the MCP server (mcp-server.ts), which
// hands `run` the parsed value. What a tool does is the same TaskService call as the REST route's.
import { type TaskSnapshot, totalText } from '@todo/contracts';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema';
import { CreateTaskSchema, TASK_PATCH_FIELDS, TaskFiltersSchema, taskId } from '../tasks/input';
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

export interface Tool<Input extends z.ZodType = z.ZodType> {
  description: string;
  input: Input;
  run(ctx: ToolContext, args: z.output<Input>): Promise<ToolResult>;
}

const tool = <Input extends z.ZodType>(definition: Tool<Input>) => definition;

const describe = (task: TaskSnapshot) =>
  `"${task.title}"${task.due_at ? ` due ${task.due_at}` : ''}${task.status === 'completed' ? ' (done)' : ''}`;

const oneTask = z.object({ task_id: taskId }).strict();
const { title, description, priority, tags, due_at, recurrence, remind_at, remind_before_minutes } = TASK_PATCH_FIELDS;

export const TOOLS = {
  add_task: tool({
    description: 'Create a task for the user. Only title is required.',
    input: CreateTaskSchema.omit({ timezone: true }),
    async run(ctx, args) {
      const task = await ctx.tasks.create(ctx.user, args);
      return { summary: `Added ${describe(task)}.`, data: task };
    },
  }),
  list_tasks: tool({
    description:
      "List or search the user's tasks. q searches title, tags and description. Without status, lists open and " +
      'completed. "What did I finish today?" is status completed with completed_from/completed_to.',
    input: TaskFiltersSchema,
    async run(ctx, query) {
      const page = await ctx.tasks.list(ctx.user.id, query);
      return { summary: `${totalText(page)} task${page.total === 1 ? '' : 's'} found.`, data: page };
    },
  }),
  update_task: tool({
    description:
      'Change fields of a task: title, description, priority, tags (send the whole new list), due date, recurrence.',
    input: oneTask
      .extend({ title, description, priority, tags, due_at, recurrence })
      .refine((args) => Object.keys(args).length > 1, { message: 'send at least one field to change' }),
    async run(ctx, { task_id, ...patch }) {
      const task = await ctx.tasks.update(ctx.user.id, task_id, patch);
      return { summary: `Updated ${describe(task)}.`, data: task };
    },
  }),
  complete_task: tool({
    description: 'Mark a task done. A recurring task then gets its next occurrence.',
    input: oneTask,
    async run(ctx, { task_id }) {
      const task = await ctx.tasks.complete(ctx.user.id, task_id);
      return { summary: `Completed ${describe(task)}.`, data: task };
    },
  }),
  reopen_task: tool({
    description: 'Open a completed task again (the user says it is not done after all).',
    input: oneTask,
    async run(ctx, { task_id }) {
      const task = await ctx.tasks.reopen(ctx.user.id, task_id);
      return { summary: `Reopened ${describe(task)}.`, data: task };
    },
  }),
  delete_task: tool({
    description: 'Delete a task for good (its reminder is cancelled).',
    input: oneTask,
    async run(ctx, { task_id }) {
      const before = await ctx.tasks.get(ctx.user.id, task_id);
      await ctx.tasks.remove(ctx.user.id, task_id);
      return { summary: `Deleted ${describe(before)}.`, data: { deleted: task_id, title: before.title } };
    },
  }),
  set_reminder: tool({
    description: 'Set, move or clear the reminder of a task: at a time, or some minutes before it is due.',
    input: oneTask
      .extend({ remind_at, remind_before_minutes })
      .refine((args) => args.remind_at !== undefined || args.remind_before_minutes !== undefined, {
        message: 'give remind_at or remind_before_minutes (null clears the reminder)',
      }),
    async run(ctx, { task_id, ...patch }) {
      const task = await ctx.tasks.update(ctx.user.id, task_id, patch);
      const summary = task.remind_at
        ? `I'll remind you about "${task.title}" at ${task.remind_at}.`
        : `Cleared the reminder of "${task.title}".`;
      return { summary, data: task };
    },
  }),
  remove_reminder: tool({
    description: 'Remove the reminder of a task (the task itself stays).',
    input: oneTask,
    async run(ctx, { task_id }) {
      const task = await ctx.tasks.update(ctx.user.id, task_id, { remind_at: null, remind_before_minutes: null });
      return { summary: `Removed the reminder of "${task.title}".`, data: task };
    },
  }),
} as const;

export type ToolName = keyof typeof TOOLS;
export const TOOL_NAMES = Object.keys(TOOLS) as ToolName[];
