// A new task from what the person wrote: when (chrono-node), how often, how urgent, tags, a reminder — and what is
// left, cleaned of filler and fragments, is the title.
import type { Priority } from '@todo/contracts';
import { type Clock, findDate, nextWeekdayAt } from './dates';
import {
  cleanTitle,
  extractPriority,
  extractRecurrence,
  extractReminderOffset,
  extractTags,
  WEEKDAY_INDEX,
} from './phrases';

export interface TaskFields {
  title?: string;
  due_at?: string | null;
  remind_at?: string | null;
  remind_before_minutes?: number | null;
  recurrence?: string | null;
  priority?: Priority;
  tags?: string[];
}

export type AddResult =
  | { kind: 'add'; fields: TaskFields & { title: string } }
  /** Something is missing: what to ask, and what is known so far (the answer completes it). */
  | { kind: 'clarify'; question: string; awaiting?: { need: 'when' | 'title'; fields: TaskFields; remind: boolean } };

const hourIn = (at: Date, timeZone: string) =>
  Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(at));

/** True when the words say something only a new task has: a date, a repeat, a priority or a tag. */
export const describesNewTask = (text: string, clock: Clock) =>
  extractTags(text).value !== undefined ||
  extractPriority(text).value !== undefined ||
  extractRecurrence(text).value !== undefined ||
  findDate(text, clock) !== undefined;

export function parseAdd(body: string, clock: Clock, remind: boolean, known: TaskFields = {}): AddResult {
  let rest = body;
  const recurrence = extractRecurrence(rest);
  rest = recurrence.rest;
  const priority = extractPriority(rest);
  rest = priority.rest;
  const tags = extractTags(rest);
  rest = tags.rest;
  const offset = extractReminderOffset(rest);
  rest = offset.rest;
  const date = findDate(rest, clock);
  if (date) rest = rest.replace(date.text, ' ');
  const title = known.title ?? cleanTitle(rest);
  if (!title)
    return {
      kind: 'clarify',
      question: 'What should the task be called?',
      awaiting: { need: 'title', fields: {}, remind },
    };

  let due: Date | undefined = date?.at ?? (known.due_at ? new Date(known.due_at) : undefined);
  if (recurrence.value?.byDay) {
    // "every Monday at 9": the first one is the next Monday at 9
    const hour = date?.hasTime ? hourIn(date.at, clock.timeZone) : 9;
    const minute = date?.hasTime ? date.at.getUTCMinutes() : 0;
    due = nextWeekdayAt(
      clock,
      recurrence.value.byDay.map((d) => WEEKDAY_INDEX[d] as number),
      hour,
      minute,
    );
  }
  const fields: TaskFields & { title: string } = { ...known, title };
  if (recurrence.value) fields.recurrence = recurrence.value.rule;
  if (priority.value) fields.priority = priority.value;
  if (tags.value) fields.tags = tags.value;
  if (remind && !due)
    return {
      kind: 'clarify',
      question: `When should I remind you to ${title.charAt(0).toLowerCase()}${title.slice(1)}?`,
      awaiting: { need: 'when', fields, remind },
    };
  if (offset.value !== undefined && !due)
    return {
      kind: 'clarify',
      question: `When is "${title}" due? I need that to remind you before it.`,
      awaiting: { need: 'when', fields: { ...fields, remind_before_minutes: offset.value }, remind: false },
    };
  if (due) fields.due_at = due.toISOString();
  if (offset.value !== undefined) fields.remind_before_minutes = offset.value;
  else if (remind && due) fields.remind_at = due.toISOString();
  return { kind: 'add', fields: order(fields) };
}

/** Same keys in the same order whatever the path, so replies and records read alike. */
const order = (f: TaskFields & { title: string }) =>
  Object.fromEntries(
    (['title', 'due_at', 'remind_at', 'remind_before_minutes', 'recurrence', 'priority', 'tags'] as const)
      .filter((k) => f[k] !== undefined)
      .map((k) => [k, f[k]]),
  ) as unknown as TaskFields & { title: string };
