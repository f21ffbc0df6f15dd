import { ReminderEventSchema, TaskEventSchema, TaskUpdateSchema } from './events';
import { parseReminderJobName, reminderJobName } from './jobs';
import type { TaskSnapshot } from './task';
import { fieldIssues } from './validation';

const taskId = '6f1f6c52-2b0e-4d51-9a0b-0f4c3f8f2a11';
const snapshot: TaskSnapshot = {
  id: taskId,
  user_id: 'user-1',
  title: 'Call mom',
  description: null,
  status: 'open',
  priority: 'high',
  tags: ['family'],
  due_at: '2026-11-27T18:00:00+01:00',
  remind_at: '2026-11-27T17:30:00+01:00',
  remind_before_minutes: 30,
  recurrence: 'FREQ=WEEKLY;BYDAY=MO',
  timezone: 'Europe/Berlin',
  series_id: null,
  created_at: '2026-11-26T10:00:00Z',
  updated_at: '2026-11-26T10:00:00Z',
  completed_at: null,
  version: 1,
};
const taskEvent = {
  event_type: 'created',
  task_id: taskId,
  task_data: snapshot,
  user_id: 'user-1',
  timestamp: '2026-11-26T10:00:00Z',
};

const issuesOf = (result: { success: boolean; error?: unknown }) =>
  result.success ? [] : fieldIssues(result.error as Parameters<typeof fieldIssues>[0]);

describe('task event schema', () => {
  it('accepts a complete task event', () => {
    expect(TaskEventSchema.parse(taskEvent)).toEqual(taskEvent);
  });

  it.each([
    ['an unknown event type', { ...taskEvent, event_type: 'archived' }, 'event_type'],
    ['a task id that is not a uuid', { ...taskEvent, task_id: '42' }, 'task_id'],
    ['a missing user id', { ...taskEvent, user_id: undefined }, 'user_id'],
    ['a timestamp without an offset', { ...taskEvent, timestamp: '2026-11-26T10:00:00' }, 'timestamp'],
    [
      'an unknown priority in the task',
      { ...taskEvent, task_data: { ...snapshot, priority: 'urgent' } },
      'task_data.priority',
    ],
    ['an empty title', { ...taskEvent, task_data: { ...snapshot, title: '  ' } }, 'task_data.title'],
    [
      'a 10,000-character title',
      { ...taskEvent, task_data: { ...snapshot, title: 'x'.repeat(10_000) } },
      'task_data.title',
    ],
    [
      'a due date that is not a date',
      { ...taskEvent, task_data: { ...snapshot, due_at: 'tomorrow' } },
      'task_data.due_at',
    ],
    ['a negative version', { ...taskEvent, task_data: { ...snapshot, version: -1 } }, 'task_data.version'],
  ])('rejects %s with a reason on that field', (_name, input, path) => {
    const issues = issuesOf(TaskEventSchema.safeParse(input));
    expect(issues.map((i) => i.path)).toEqual([path]);
    expect(issues[0]?.message.length).toBeGreaterThan(0);
  });
});

describe('reminder event schema', () => {
  const reminder = {
    task_id: taskId,
    title: 'Call mom',
    due_at: null,
    remind_at: '2026-11-27T17:30:00+01:00',
    user_id: 'user-1',
  };

  it('accepts a reminder without a due date', () => {
    expect(ReminderEventSchema.parse(reminder)).toEqual(reminder);
  });

  it('rejects a reminder without a remind_at', () => {
    expect(issuesOf(ReminderEventSchema.safeParse({ ...reminder, remind_at: null })).map((i) => i.path)).toEqual([
      'remind_at',
    ]);
  });
});

describe('task update schema', () => {
  it('accepts an upsert with the task and a delete without one', () => {
    const base = { task_id: taskId, user_id: 'user-1', version: 2, timestamp: '2026-11-26T10:00:00Z' };
    expect(TaskUpdateSchema.parse({ ...base, op: 'upsert', task: snapshot }).op).toBe('upsert');
    expect(TaskUpdateSchema.parse({ ...base, op: 'delete' }).op).toBe('delete');
  });

  it('rejects an upsert that does not carry the task', () => {
    const result = TaskUpdateSchema.safeParse({
      op: 'upsert',
      task_id: taskId,
      user_id: 'user-1',
      version: 2,
      timestamp: '2026-11-26T10:00:00Z',
    });
    expect(issuesOf(result).map((i) => i.path)).toEqual(['task']);
  });

  it('accepts a session-ended update, which names the session and no task', () => {
    const ended = {
      op: 'session-ended',
      session_id: '0b8f3c1e-6a55-4c1b-9a53-1d6a1e0f2b7c',
      user_id: 'user-1',
      timestamp: '2026-11-26T10:00:00Z',
    };
    expect(TaskUpdateSchema.parse(ended)).toEqual(ended);
    expect(issuesOf(TaskUpdateSchema.safeParse({ ...ended, session_id: 'x' })).map((i) => i.path)).toEqual([
      'session_id',
    ]);
  });

  it('rejects an unknown operation', () => {
    expect(issuesOf(TaskUpdateSchema.safeParse({ op: 'patch', task_id: taskId })).map((i) => i.path)).toEqual(['op']);
  });
});

describe('reminder job names', () => {
  it('round-trips a task id', () => {
    expect(reminderJobName(taskId)).toBe(`reminder-${taskId}`);
    expect(parseReminderJobName(reminderJobName(taskId))).toBe(taskId);
  });

  it('does not read other job names as reminders', () => {
    expect(parseReminderJobName('cleanup-1')).toBeUndefined();
    expect(parseReminderJobName('reminder-')).toBeUndefined();
  });
});
