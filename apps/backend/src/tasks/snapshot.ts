// A task row as the contracts' TaskSnapshot: what the API returns and what every event carries.
import type { TaskSnapshot } from '@todo/contracts';
import { minutesBeforeOnWall } from '@todo/zoned-time';
import type { TaskRow } from '../db/schema';

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

export const toSnapshot = (row: TaskRow): TaskSnapshot => ({
  id: row.id,
  user_id: row.user_id,
  title: row.title,
  description: row.description,
  status: row.status,
  priority: row.priority,
  tags: row.tags,
  due_at: iso(row.due_at),
  remind_at: iso(row.remind_at),
  remind_before_minutes: row.remind_before_minutes,
  recurrence: row.recurrence,
  timezone: row.timezone,
  series_id: row.series_id,
  created_at: iso(row.created_at) as string,
  updated_at: iso(row.updated_at) as string,
  completed_at: iso(row.completed_at),
  version: row.version,
});

/**
 * The reminder time a task's fields give: explicit, or an offset before the due date, whole days of it counted on
 * the wall clock of the task's zone (a day before 09:00 is 09:00, also on the day the clocks change).
 */
export function effectiveRemindAt(
  task: {
    due_at: string | null;
    remind_at: string | null;
    remind_before_minutes: number | null;
  },
  timeZone = 'UTC',
): string | null {
  if (task.remind_at) return new Date(task.remind_at).toISOString();
  if (task.remind_before_minutes !== null && task.due_at) {
    return minutesBeforeOnWall(new Date(task.due_at), task.remind_before_minutes, timeZone).toISOString();
  }
  return null;
}
