// The MCP tools over an in-memory copy of the corpus's fixed tasks: arguments checked with the tools' own schemas
// (strictly, so a misspelt field is a refusal), every call recorded, writes applied so a second turn sees the first.
import type { TaskSnapshot } from '@todo/contracts';
import type { ToolCaller } from '../../agent';
import { TOOLS, type ToolName } from '../../tools';
import { FIXTURE } from './items';

/** A task with every field at its default, in the corpus's zone: fixtures spread their own fields over it. */
export const BASE_TASK: TaskSnapshot = {
  id: '',
  user_id: 'u1',
  title: '',
  description: null,
  status: 'open',
  priority: 'medium',
  tags: [],
  due_at: null,
  remind_at: null,
  remind_before_minutes: null,
  recurrence: null,
  timezone: FIXTURE.timeZone,
  series_id: null,
  created_at: '2026-11-20T10:00:00.000Z',
  updated_at: '2026-11-20T10:00:00.000Z',
  completed_at: null,
  version: 1,
};

export interface RecordedCall {
  name: string;
  args: Record<string, unknown>;
}

const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Every word of q is the start of a word of the title or a tag, as the API's prefix search does. */
const matches = (task: TaskSnapshot, q: string) => {
  const own = [...words(task.title), ...task.tags.flatMap(words)];
  return words(q).every((w) => own.some((o) => o.startsWith(w)));
};

export function fakeStore(now = new Date(FIXTURE.now)): { caller: ToolCaller; calls: RecordedCall[] } {
  const tasks: TaskSnapshot[] = FIXTURE.tasks.map(
    (t) => ({ ...BASE_TASK, ...(t as Partial<TaskSnapshot>) }) as TaskSnapshot,
  );
  const calls: RecordedCall[] = [];
  let added = 0;
  const find = (id: unknown) => tasks.find((t) => t.id === id);
  const notFound = { ok: false, summary: 'NOT_FOUND: task not found', data: null };
  const at = (iso: unknown) => (typeof iso === 'string' ? Date.parse(iso) : Number.NaN);

  const caller: ToolCaller = async (name: ToolName, args) => {
    calls.push({ name, args });
    const tool = TOOLS[name];
    if (!tool) return { ok: false, summary: `UNKNOWN_TOOL: ${name}`, data: null };
    const parsed = tool.input.safeParse(args);
    if (!parsed.success) return { ok: false, summary: `VALIDATION_FAILED: ${parsed.error.message}`, data: null };
    const a = parsed.data as Record<string, unknown>;
    switch (name) {
      case 'add_task': {
        added += 1;
        const task = { ...BASE_TASK, id: `t-new-${added}`, ...a } as TaskSnapshot;
        tasks.push(task);
        return { ok: true, summary: 'added', data: task };
      }
      case 'list_tasks': {
        const status = (a.status as string | undefined) ?? 'all';
        const items = tasks.filter(
          (t) =>
            (status === 'all' || t.status === status) &&
            (typeof a.q !== 'string' || matches(t, a.q)) &&
            (!Array.isArray(a.priority) || a.priority.includes(t.priority)) &&
            (!Array.isArray(a.tags) || a.tags.every((tag) => t.tags.includes(tag))) &&
            (a.due_from === undefined || (t.due_at !== null && Date.parse(t.due_at) >= at(a.due_from))) &&
            (a.due_to === undefined || (t.due_at !== null && Date.parse(t.due_at) <= at(a.due_to))) &&
            (a.completed_from === undefined ||
              (t.completed_at !== null && Date.parse(t.completed_at) >= at(a.completed_from))) &&
            (a.completed_to === undefined ||
              (t.completed_at !== null && Date.parse(t.completed_at) <= at(a.completed_to))) &&
            (a.overdue !== true || (t.status === 'open' && t.due_at !== null && Date.parse(t.due_at) < now.getTime())),
        );
        const limit = (a.limit as number | undefined) ?? 20;
        return {
          ok: true,
          summary: `${items.length} found`,
          data: { items: items.slice(0, limit), total: items.length, total_exact: true, next_cursor: null },
        };
      }
      case 'delete_task': {
        const task = find(a.task_id);
        if (!task) return notFound;
        tasks.splice(tasks.indexOf(task), 1);
        return { ok: true, summary: 'deleted', data: { deleted: task.id, title: task.title } };
      }
      default: {
        const task = find(a.task_id);
        if (!task) return notFound;
        const { task_id: _id, ...changes } = a;
        if (name === 'complete_task') Object.assign(task, { status: 'completed', completed_at: now.toISOString() });
        else if (name === 'reopen_task') Object.assign(task, { status: 'open', completed_at: null });
        else if (name === 'remove_reminder') Object.assign(task, { remind_at: null, remind_before_minutes: null });
        else Object.assign(task, changes);
        if (name === 'set_reminder' && typeof changes.remind_before_minutes === 'number' && task.due_at)
          task.remind_at = new Date(Date.parse(task.due_at) - changes.remind_before_minutes * 60_000).toISOString();
        if (name === 'set_reminder' && changes.remind_at === null) task.remind_before_minutes = null;
        return { ok: true, summary: 'done', data: { ...task } };
      }
    }
  };
  return { caller, calls };
}
