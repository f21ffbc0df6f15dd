// What the offline agent says back: tasks, lists and repeat rules in plain words, times in the user's zone.
import { type TaskPage, type TaskSnapshot, totalText } from '@todo/contracts';
import { RRule } from 'rrule';

export type When = (iso: string | null | undefined) => string | undefined;

// rrule says "every week on Monday, Thursday"; a person says "every Monday and Thursday"
const WEEK_DAYS = /^every (week|\d+ weeks) on ((?:\w+day, )*\w+day)\b/;

/** "FREQ=WEEKLY;BYDAY=MO,TH" -> "every Monday and Thursday": rrule's words, days listed as people list them. */
export function describeRule(rule: string): string {
  const rrule = RRule.fromString(rule);
  // rrule has no words for some rules (every few seconds): the rule itself, not rrule's "Unable to convert"
  if (!rrule.isFullyConvertibleToText()) return `by the rule ${rule}`;
  return rrule.toText().replace(WEEK_DAYS, (_, every: string, days: string) => {
    const list = days.replace(/, (\w+)$/, ' and $1');
    return every === 'week' ? `every ${list}` : `every ${every} on ${list}`;
  });
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

export function describeList(
  page: Pick<TaskPage, 'items' | 'total' | 'total_exact'>,
  label: string,
  when: When,
): string {
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
  const more = !page.total_exact
    ? '\n…and more.'
    : page.total > page.items.length
      ? `\n…and ${page.total - page.items.length} more.`
      : '';
  const count = totalText(page);
  return `You have ${count} ${page.total === 1 ? what.replace(/^tasks/, 'task') : what}:\n${lines.join('\n')}${more}`;
}

export const numbered = (tasks: { title: string }[]) => tasks.map((t, i) => `${i + 1}) ${t.title}`).join(', ');
export const quoted = (tasks: { title: string }[]) => tasks.map((t) => `"${t.title}"`).join(', ');
