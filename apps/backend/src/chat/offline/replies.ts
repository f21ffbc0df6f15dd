// What the offline agent says back: tasks, lists and repeat rules in plain words, times in the user's zone.
import type { TaskSnapshot } from '@todo/contracts';

export type When = (iso: string | null | undefined) => string | undefined;

const DAY_NAMES: Record<string, string> = {
  MO: 'Monday',
  TU: 'Tuesday',
  WE: 'Wednesday',
  TH: 'Thursday',
  FR: 'Friday',
  SA: 'Saturday',
  SU: 'Sunday',
};
const UNITS: Record<string, string> = { DAILY: 'day', WEEKLY: 'week', MONTHLY: 'month', YEARLY: 'year' };

/** "FREQ=WEEKLY;BYDAY=MO,TH" -> "every Monday and Thursday". */
export function describeRule(rule: string): string {
  const parts = Object.fromEntries(rule.split(';').map((p) => p.split('=') as [string, string]));
  if (parts.BYDAY === 'MO,TU,WE,TH,FR') return 'every weekday';
  const unit = UNITS[parts.FREQ ?? ''] ?? 'time';
  const interval = Number(parts.INTERVAL ?? 1);
  const every = interval > 1 ? `every ${interval} ${unit}s` : `every ${unit}`;
  if (parts.BYDAY) {
    const days = parts.BYDAY.split(',').map((d) => DAY_NAMES[d] ?? d);
    const list = days.length > 1 ? `${days.slice(0, -1).join(', ')} and ${days.at(-1)}` : days[0];
    return interval > 1 ? `${every} on ${list}` : `every ${list}`;
  }
  return every;
}

export function describeAdded(task: TaskSnapshot, when: When): string {
  const parts = [`Added "${task.title}"`];
  if (task.due_at) parts.push(`due ${when(task.due_at)}`);
  if (task.recurrence) parts.push(`repeating ${describeRule(task.recurrence)}`);
  if (task.priority !== 'medium') parts.push(`${task.priority} priority`);
  if (task.tags.length) parts.push(task.tags.map((t) => `#${t}`).join(' '));
  let reply = `${parts.join(', ')}.`;
  if (task.remind_at) reply += ` I'll remind you on ${when(task.remind_at)}.`;
  return reply;
}

export function describeList(page: { items: TaskSnapshot[]; total: number }, label: string, when: When): string {
  const what = label ? `tasks ${label}` : 'tasks';
  if (page.items.length === 0) return `You have no ${what}.`;
  const lines = page.items.map((t) => {
    const extras = [
      t.due_at ? when(t.due_at) : undefined,
      t.priority === 'high' ? 'high priority' : undefined,
      t.status === 'completed' ? 'done' : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    return `• ${t.title}${extras ? ` — ${extras}` : ''}`;
  });
  const more = page.total > page.items.length ? `\n…and ${page.total - page.items.length} more.` : '';
  return `You have ${page.total} ${page.total === 1 ? what.replace(/^tasks/, 'task') : what}:\n${lines.join('\n')}${more}`;
}

export const numbered = (tasks: { title: string }[]) => tasks.map((t, i) => `${i + 1}) ${t.title}`).join(', ');
export const quoted = (tasks: { title: string }[]) => tasks.map((t) => `"${t.title}"`).join(', ');
