// A stand-in for the MCP tools in corpus tests: a few fixed tasks, every call recorded.
import type { TaskSnapshot } from '@todo/contracts';
import type { ToolCaller } from '../agent';
import { BASE_TASK } from './corpus/fake-store';

const base = BASE_TASK;

export const FIXTURE_TASKS: TaskSnapshot[] = [
  {
    ...base,
    id: 't-dentist',
    title: 'Book dentist appointment',
    tags: ['health'],
    due_at: '2026-11-27T14:00:00.000Z',
    priority: 'high',
  },
  { ...base, id: 't-milk', title: 'Buy milk', tags: ['shopping'] },
  { ...base, id: 't-report', title: 'Write quarterly report', tags: ['work'], due_at: '2026-12-01T16:00:00.000Z' },
  {
    ...base,
    id: 't-mom',
    title: 'Call mom',
    tags: ['family'],
    due_at: '2026-11-28T17:00:00.000Z',
    recurrence: 'FREQ=WEEKLY',
  },
  { ...base, id: 't-bob', title: 'Call Bob about the car' },
];

export function fakeTools(): { caller: ToolCaller; calls: { name: string; args: Record<string, unknown> }[] } {
  const calls: { name: string; args: Record<string, unknown> }[] = [];
  // a task added in one turn is there for the next
  const tasks = [...FIXTURE_TASKS];
  const find = (id: unknown) => tasks.find((t) => t.id === id);
  const caller: ToolCaller = async (name, args) => {
    calls.push({ name, args });
    switch (name) {
      case 'add_task': {
        const task = { ...base, id: 't-new', priority: 'medium' as const, tags: [], ...args } as TaskSnapshot;
        tasks.push(task);
        return { ok: true, summary: 'added', data: task };
      }
      case 'list_tasks': {
        const words = typeof args.q === 'string' ? args.q.toLowerCase().split(/\s+/) : [];
        const items = tasks.filter((t) =>
          words.every((w) =>
            t.title
              .toLowerCase()
              .split(/\s+/)
              .some((tw) => tw.startsWith(w)),
          ),
        );
        return {
          ok: true,
          summary: `${items.length} found`,
          data: { items, total: items.length, total_exact: true, next_cursor: null },
        };
      }
      case 'delete_task': {
        const task = find(args.task_id);
        return task
          ? { ok: true, summary: 'deleted', data: { deleted: task.id, title: task.title } }
          : { ok: false, summary: 'NOT_FOUND: task not found', data: null };
      }
      default: {
        const task = find(args.task_id);
        if (!task) return { ok: false, summary: 'NOT_FOUND: task not found', data: null };
        const { task_id: _id, ...changes } = args;
        const updated = { ...task, ...changes, ...(name === 'complete_task' ? { status: 'completed' as const } : {}) };
        if (name === 'set_reminder' && typeof changes.remind_before_minutes === 'number' && task.due_at) {
          updated.remind_at = new Date(Date.parse(task.due_at) - changes.remind_before_minutes * 60_000).toISOString();
        }
        return { ok: true, summary: 'done', data: updated };
      }
    }
  };
  return { caller, calls };
}
