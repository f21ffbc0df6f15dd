// What the user asked for, read from one message without a model: add, list, complete, delete, update, remind —
// or a question back when the request is not clear enough to act on.
import type { Priority } from '@todo/contracts';
import { type Clock, findDate, nextWeekdayAt, startOfDay, startOfMonth, startOfWeek } from './dates';
import {
  cleanTitle,
  extractPriority,
  extractRecurrence,
  extractReminderOffset,
  extractTags,
  WEEKDAY_INDEX,
} from './phrases';

/** Which task the user means: words to search for, or "it" (the task the conversation was last about). */
export type Target = { text: string } | { ref: 'last' };

export interface TaskFields {
  title?: string;
  due_at?: string | null;
  remind_at?: string | null;
  remind_before_minutes?: number | null;
  recurrence?: string | null;
  priority?: Priority;
  tags?: string[];
}

export interface ListQuery {
  q?: string;
  status?: 'open' | 'completed' | 'all';
  priority?: Priority[];
  tags?: string[];
  due_from?: string;
  due_to?: string;
  overdue?: boolean;
  sort?: 'due' | 'priority' | 'title' | 'created';
}

export type Intent =
  | { kind: 'add'; fields: TaskFields & { title: string } }
  | { kind: 'list'; query: ListQuery; label: string }
  | { kind: 'complete'; target: Target }
  | { kind: 'delete'; target: Target }
  | { kind: 'update'; target: Target; fields: TaskFields; addTags?: string[] }
  | { kind: 'remind'; target: Target; remind_at?: string | null; remind_before_minutes?: number | null }
  | { kind: 'help' }
  | { kind: 'thanks' }
  | { kind: 'clarify'; question: string };

const QUESTION =
  /^(?:what|which|show|list|display|give\s+me|any(?:thing)?|do\s+i\s+have|have\s+i|find|search|look\s+(?:for|up)|how\s+many|tell\s+me)\b/i;

/** Words that make "finish the slides #work" a new task rather than completing one. */
const describesNewTask = (text: string, clock: Clock) =>
  extractTags(text).value !== undefined ||
  extractPriority(text).value !== undefined ||
  extractRecurrence(text).value !== undefined ||
  findDate(text, clock) !== undefined;

const PRONOUN = /^(?:it|that|this|that one|this one|the last one|the task|that task)$/i;

/** "the dentist task" -> { text: "dentist" }; "it" -> the conversation's last task. */
export function target(words: string): Target | undefined {
  const text = words
    .trim()
    .replace(/^["'“”‘’]+|["'“”‘’.!?]+$/g, '')
    .replace(/^(?:the|my|a|an|our)\s+/i, '')
    .replace(/\s+(?:task|todo|to-do|item|one|reminder)$/i, '')
    .replace(/^(?:task|todo)\s+/i, '')
    .trim();
  if (!text) return undefined;
  if (PRONOUN.test(text) || PRONOUN.test(words.trim())) return { ref: 'last' };
  return { text };
}

const iso = (d: Date) => d.toISOString();

function parseAdd(body: string, clock: Clock, remindAtDue: boolean): Intent {
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
  const title = cleanTitle(rest);
  if (!title) return { kind: 'clarify', question: 'What should the task be called?' };

  let due: Date | undefined = date?.at;
  if (recurrence.value?.byDay) {
    // "every Monday at 9": the first one is the next Monday at 9
    const hour = date?.hasTime
      ? Number(
          new Intl.DateTimeFormat('en-GB', { timeZone: clock.timeZone, hour: '2-digit', hourCycle: 'h23' }).format(
            date.at,
          ),
        )
      : 9;
    const minute = date?.hasTime ? date.at.getUTCMinutes() : 0;
    due = nextWeekdayAt(
      clock,
      recurrence.value.byDay.map((d) => WEEKDAY_INDEX[d] as number),
      hour,
      minute,
    );
  }
  if (remindAtDue && !due)
    return {
      kind: 'clarify',
      question: `When should I remind you to ${title.charAt(0).toLowerCase()}${title.slice(1)}?`,
    };
  if (offset.value !== undefined && !due)
    return { kind: 'clarify', question: `When is "${title}" due? I need that to remind you before it.` };
  const fields: TaskFields & { title: string } = { title };
  if (due) fields.due_at = iso(due);
  if (offset.value !== undefined) fields.remind_before_minutes = offset.value;
  else if (remindAtDue && due) fields.remind_at = iso(due);
  if (recurrence.value) fields.recurrence = recurrence.value.rule;
  if (priority.value) fields.priority = priority.value;
  if (tags.value) fields.tags = tags.value;
  return { kind: 'add', fields };
}

function parseList(text: string, clock: Clock): Intent {
  const query: ListQuery = { status: 'open', sort: 'due' };
  const labels: string[] = [];
  const { now, timeZone } = clock;
  const windows: [RegExp, () => [Date, Date], string][] = [
    [/\btoday\b|\btonight\b/i, () => [startOfDay(now, timeZone), startOfDay(now, timeZone, 1)], 'due today'],
    [/\btomorrow\b/i, () => [startOfDay(now, timeZone, 1), startOfDay(now, timeZone, 2)], 'due tomorrow'],
    [/\bnext\s+week\b/i, () => [startOfWeek(now, timeZone, 1), startOfWeek(now, timeZone, 2)], 'due next week'],
    [
      /\b(?:this\s+week|the\s+week|rest\s+of\s+the\s+week)\b/i,
      () => [startOfDay(now, timeZone), startOfWeek(now, timeZone, 1)],
      'due this week',
    ],
    [/\bthis\s+month\b/i, () => [startOfDay(now, timeZone), startOfMonth(now, timeZone, 1)], 'due this month'],
  ];
  for (const [pattern, range, label] of windows) {
    if (pattern.test(text)) {
      const [from, to] = range();
      query.due_from = iso(from);
      query.due_to = iso(new Date(to.getTime() - 1));
      labels.push(label);
      break;
    }
  }
  if (/\b(?:overdue|late|past\s+due|missed)\b/i.test(text)) {
    query.overdue = true;
    labels.push('overdue');
  }
  if (/\b(?:done|completed|finished|did i (?:do|finish|complete))\b/i.test(text)) {
    query.status = 'completed';
    query.sort = 'created';
    labels.push('done');
  } else if (/\b(?:all|everything)\b/i.test(text) && !query.due_from && !query.overdue) {
    query.status = 'all';
  }
  const priority = extractPriority(text);
  if (priority.value) {
    query.priority = [priority.value];
    labels.push(`with ${priority.value} priority`);
  }
  const tags = extractTags(text).value ?? text.match(/\btagged\s+(?:with\s+)?([\p{L}\p{N}_-]+)/iu)?.slice(1, 2);
  if (tags?.length) {
    query.tags = tags.map((t) => t.toLowerCase());
    labels.push(`tagged ${query.tags.map((t) => `#${t}`).join(' ')}`);
  }
  const about = text.match(/\b(?:about|containing|with|matching|called|named)\s+["“]?([^"”?]+?)["”]?\s*\??$/i);
  const search = text.match(
    /^(?:find|search(?:\s+for)?|look\s+(?:for|up))\s+(?:my\s+|the\s+)?(?:tasks?\s+)?(?:about\s+|for\s+)?["“]?([^"”?]+?)["”]?\s*\??$/i,
  );
  const q = (search?.[1] ?? (about && !/\btag/i.test(about[0]) ? about[1] : undefined))
    ?.trim()
    .replace(/^(?:the|my|a|an)\s+/i, '');
  if (q && !/^(?:priority|tags?)$/i.test(q)) {
    query.q = q;
    query.status = query.status === 'open' && search ? 'all' : query.status;
    query.sort = undefined;
    labels.push(`matching "${q}"`);
  }
  return { kind: 'list', query, label: labels.join(', ') };
}

function parseUpdate(text: string, clock: Clock): Intent | undefined {
  const move = text.match(
    /^(?:move|reschedule|push|postpone|shift|change\s+the\s+(?:date|time|due\s+date)\s+of)\s+(.+?)\s+(?:to|until|till)\s+(.+)$/i,
  );
  if (move) {
    const t = target(move[1] as string);
    const date = findDate(move[2] as string, clock);
    if (!t) return { kind: 'clarify', question: 'Which task should I move?' };
    if (!date) return { kind: 'clarify', question: `When should it be due? I did not understand "${move[2]}".` };
    return { kind: 'update', target: t, fields: { due_at: iso(date.at) } };
  }
  const rename =
    text.match(/^(?:rename|retitle)\s+(.+?)\s+(?:to|as)\s+(.+)$/i) ??
    text.match(/^change\s+(?:the\s+)?(?:title|name)\s+of\s+(.+?)\s+to\s+(.+)$/i);
  if (rename) {
    const t = target(rename[1] as string);
    const title = cleanTitle(rename[2] as string);
    return t && title
      ? { kind: 'update', target: t, fields: { title } }
      : { kind: 'clarify', question: 'Which task, and what should it be called?' };
  }
  const prio = text.match(
    /^(?:make|set|change|mark)\s+(.+?)\s+(?:to\s+|as\s+|a\s+)?((?:high|top|low|medium|normal)\s+priority|urgent|important|not\s+urgent)$/i,
  );
  if (prio) {
    const t = target(prio[1] as string);
    const p = extractPriority(prio[2] as string).value;
    return t && p ? { kind: 'update', target: t, fields: { priority: p } } : undefined;
  }
  const tag =
    text.match(/^(?:tag|label)\s+(.+?)\s+(?:with|as)\s+(.+)$/i) ??
    text.match(/^add\s+((?:#[\p{L}\p{N}_-]+\s*)+)\s*to\s+(.+)$/iu)?.reverse();
  if (tag) {
    const [, which, tags] = text.match(/^(?:tag|label)/i) ? tag : [tag[0], tag[0], tag[1]];
    const t = target(which as string);
    const values = (tags as string).match(/[\p{L}\p{N}_-]+/gu)?.map((s) => s.toLowerCase());
    return t && values ? { kind: 'update', target: t, fields: {}, addTags: values } : undefined;
  }
  const repeat = text.match(/^make\s+(.+?)\s+(?:repeat|recur)\s+(.+)$/i);
  if (repeat) {
    const t = target(repeat[1] as string);
    const r = extractRecurrence(repeat[2] as string).value;
    return t && r
      ? { kind: 'update', target: t, fields: { recurrence: r.rule } }
      : { kind: 'clarify', question: 'How often should it repeat?' };
  }
  const due = text.match(/^(.+?)\s+is\s+(?:now\s+)?due\s+(.+)$/i);
  if (due) {
    const t = target(due[1] as string);
    const date = findDate(due[2] as string, clock);
    if (t && date) return { kind: 'update', target: t, fields: { due_at: iso(date.at) } };
  }
  return undefined;
}

function parseRemind(text: string, clock: Clock): Intent | undefined {
  const clear = text.match(
    /^(?:don'?t|do\s+not|stop)\s+remind(?:ing)?\s+me\s+(?:about|of)\s+(.+)$|^(?:cancel|clear|remove|delete)\s+(?:the\s+)?reminder\s+(?:for|of|on)\s+(.+)$/i,
  );
  if (clear) {
    const t = target((clear[1] ?? clear[2]) as string);
    return t ? { kind: 'remind', target: t, remind_at: null } : undefined;
  }
  // "remind me 30 minutes before the meeting"
  const before = text.match(/^remind\s+me\s+(.+?\s+before)\s+(.+)$/i);
  if (before) {
    const offset = extractReminderOffset(before[1] as string).value;
    const t = target(before[2] as string);
    if (offset !== undefined && t) return { kind: 'remind', target: t, remind_before_minutes: offset };
  }
  const about = text.match(/^(?:remind\s+me\s+(?:about|of)|set\s+(?:a\s+)?reminder\s+(?:for|on))\s+(.+)$/i);
  if (!about) return undefined;
  let rest = about[1] as string;
  const offset = extractReminderOffset(rest);
  if (offset.value !== undefined) {
    const t = target(offset.rest);
    return t ? { kind: 'remind', target: t, remind_before_minutes: offset.value } : undefined;
  }
  const date = findDate(rest, clock);
  if (!date)
    return {
      kind: 'clarify',
      question: 'When should I remind you? For example "tomorrow at 9" or "30 minutes before".',
    };
  rest = rest.replace(date.text, ' ').replace(/\s+(?:at|on|in|by)\s*$/i, '');
  const t = target(cleanTitle(rest));
  return t ? { kind: 'remind', target: t, remind_at: iso(date.at) } : undefined;
}

export function parseMessage(message: string, clock: Clock): Intent {
  const text = message.trim().replace(/\s+/g, ' ');
  if (!text)
    return { kind: 'clarify', question: 'What would you like to do? You can add, list, complete or delete tasks.' };
  if (
    /^(?:hi|hello|hey|help|what can you do|how does this work|\?)\b[\s!?.]*$/i.test(text) ||
    /^what can you do/i.test(text)
  )
    return { kind: 'help' };
  if (/^(?:thanks|thank you|thx|ok(?:ay)?|great|cool|nice|perfect)\b[\s!.]*$/i.test(text)) return { kind: 'thanks' };

  const remind = parseRemind(text, clock);
  if (remind) return remind;

  const complete =
    text.match(/^(?:mark|set|tick|check)\s+(.+?)\s+(?:as\s+)?(?:done|complete|completed|finished|off)$/i) ??
    text.match(
      /^(?:complete|finish|finished|tick\s+off|check\s+off|close|done\s+with|i(?:'ve|\s+have)?\s+(?:finished|done|completed|did))\s+(.+)$/i,
    ) ??
    text.match(/^(.+?)\s+is\s+(?:done|finished|complete)$/i);
  if (complete && !describesNewTask(text, clock)) {
    const t = target(complete[1] as string);
    return t ? { kind: 'complete', target: t } : { kind: 'clarify', question: 'Which task is done?' };
  }

  const del = text.match(/^(?:delete|remove|cancel|drop|erase|get\s+rid\s+of|forget(?:\s+about)?)\s+(.+)$/i);
  if (del) {
    const t = target(del[1] as string);
    return t ? { kind: 'delete', target: t } : { kind: 'clarify', question: 'Which task should I delete?' };
  }

  if (QUESTION.test(text)) return parseList(text, clock);
  const update = parseUpdate(text, clock);
  if (update) return update;
  if (/\?$/.test(text)) {
    return {
      kind: 'clarify',
      question: 'I can add, list, search, complete, reschedule or delete tasks. What should I do?',
    };
  }

  if (/^(?:please\s+)?remind\s+me[\s.!]*$/i.test(text))
    return { kind: 'clarify', question: 'What should I remind you about, and when?' };
  if (/^(?:add|create|new)(?:\s+(?:a\s+)?(?:new\s+)?(?:task|todo))?[\s.!:]*$/i.test(text))
    return { kind: 'clarify', question: 'What should I add?' };
  const remindTo = text.match(/^(?:please\s+)?remind\s+me\s+(?:to\s+)?(.+)$/i);
  if (remindTo) return parseAdd(remindTo[1] as string, clock, true);
  const add = text.match(
    /^(?:please\s+)?(?:(?:can|could|would)\s+you\s+)?(?:add|create|make|new|put|schedule|plan|note|jot\s+down)\s+(?:a\s+|an\s+)?(?:new\s+)?(?:task|todo|to-do|item|note|entry)?\s*(?:to\s+|for\s+|called\s+|:\s*)?(.+)$/i,
  );
  if (add && !/^(?:plan|schedule)\s/i.test(text)) return parseAdd(add[1] as string, clock, false);
  const need = text.match(
    /^(?:i\s+(?:need|have|want|must|should|gotta|got)\s+to|remember\s+to|don'?t\s+(?:let\s+me\s+)?forget\s+to|todo:?|to-do:?)\s+(.+)$/i,
  );
  if (need) return parseAdd(need[1] as string, clock, false);
  return parseAdd(text, clock, false);
}
