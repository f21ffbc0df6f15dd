// A question about the tasks, read into one list_tasks call: which (open, done, all), due or finished when, how
// urgent, which tags, what words, in which order — and a label for the reply.
import type { Priority } from '@todo/contracts';
import { type Clock, dayRange, findDate, startOfDay, startOfMonth, startOfWeek } from './dates';
import { extractTags } from './phrases';

export interface ListQuery {
  q?: string;
  status?: 'open' | 'completed' | 'all';
  priority?: Priority[];
  tags?: string[];
  due_from?: string;
  due_to?: string;
  completed_from?: string;
  completed_to?: string;
  overdue?: boolean;
  sort?: 'due' | 'priority' | 'title' | 'created' | 'completed';
}

export interface ListIntent {
  kind: 'list';
  query: ListQuery;
  label: string;
  /** "my work tasks": a word that is a tag if the user has such a tag (the agent checks). */
  tagWord?: string;
}

type Window = [RegExp, (c: Clock) => [Date, Date], string];
const end = (d: Date) => new Date(d.getTime() - 1);

/** Windows ahead, for what is due. */
const DUE: Window[] = [
  [
    /\b(?:today|tonight|today's)\b/i,
    (c) => [startOfDay(c.now, c.timeZone), end(startOfDay(c.now, c.timeZone, 1))],
    'due today',
  ],
  [/\btomorrow\b/i, (c) => [startOfDay(c.now, c.timeZone, 1), end(startOfDay(c.now, c.timeZone, 2))], 'due tomorrow'],
  [
    /\bnext\s+week\b/i,
    (c) => [startOfWeek(c.now, c.timeZone, 1), end(startOfWeek(c.now, c.timeZone, 2))],
    'due next week',
  ],
  [
    /\b(?:this\s+week|the\s+week|rest\s+of\s+the\s+week)\b/i,
    (c) => [startOfDay(c.now, c.timeZone), end(startOfWeek(c.now, c.timeZone, 1))],
    'due this week',
  ],
  [
    /\bthis\s+month\b/i,
    (c) => [startOfDay(c.now, c.timeZone), end(startOfMonth(c.now, c.timeZone, 1))],
    'due this month',
  ],
];

/** Windows behind, for what was finished. */
const DONE: Window[] = [
  [/\btoday\b/i, (c) => [startOfDay(c.now, c.timeZone), end(startOfDay(c.now, c.timeZone, 1))], 'today'],
  [/\byesterday\b/i, (c) => [startOfDay(c.now, c.timeZone, -1), end(startOfDay(c.now, c.timeZone))], 'yesterday'],
  [/\blast\s+week\b/i, (c) => [startOfWeek(c.now, c.timeZone, -1), end(startOfWeek(c.now, c.timeZone))], 'last week'],
  [/\bthis\s+week\b/i, (c) => [startOfWeek(c.now, c.timeZone), end(startOfWeek(c.now, c.timeZone, 1))], 'this week'],
  [
    /\bthis\s+month\b/i,
    (c) => [startOfMonth(c.now, c.timeZone), end(startOfMonth(c.now, c.timeZone, 1))],
    'this month',
  ],
];

const SEARCH = [
  /^(?:find|search(?:\s+for)?|look\s+(?:for|up))\s+(.+)$/i,
  /^(?:what's|what\s+is)\s+the\s+status\s+of\s+(.+)$/i,
  /^is\s+(.+?)\s+(?:done|finished|complete|completed|open)\??$/i,
  /^when\s+(?:is|was)\s+(.+?)\s+(?:due|done)\??$/i,
  /^(?:and\s+)?what\s+about\s+(.+)$/i,
];
const ABOUT = /\b(?:about|containing|matching|called|named|mentioning)\s+(.+?)\s*\??$/i;

const cleanQ = (q: string) =>
  q
    .replace(/["\u201c\u201d?]/g, '') // straight and curly double quotes
    .replace(/^(?:the|my|a|an|all|any)\s+/i, '')
    .replace(/\s+(?:thing|task|tasks|one|stuff|todo)$/i, '')
    .trim();

export function parseList(text: string, clock: Clock): ListIntent {
  for (const pattern of SEARCH) {
    const m = text.match(pattern);
    if (m) {
      const q = cleanQ(m[1] as string);
      if (q) return { kind: 'list', query: { status: 'all', q }, label: `matching "${q}"` };
    }
  }
  const query: ListQuery = { status: 'open', sort: 'due' };
  const labels: string[] = [];
  const about = text.match(ABOUT);
  if (about && !/\btag/i.test(about[0])) {
    const q = cleanQ(about[1] as string);
    if (q) {
      const every = /\b(?:everything|all)\b/i.test(text);
      return { kind: 'list', query: { status: every ? 'all' : 'open', q }, label: `matching "${q}"` };
    }
  }
  const finished =
    /\b(?:done|completed?|finished|did\s+i|got\s+done|get\s+done|have\s+i\s+(?:done|completed|finished))\b/i.test(
      text,
    ) && !/\bnot\s+(?:done|completed?|finished)\b/i.test(text);
  if (finished) {
    query.status = 'completed';
    query.sort = 'completed';
    labels.push('done');
    for (const [pattern, range, label] of DONE) {
      if (pattern.test(text)) {
        const [from, to] = range(clock);
        query.completed_from = from.toISOString();
        query.completed_to = to.toISOString();
        labels.push(label);
        break;
      }
    }
  } else {
    let windowed = false;
    for (const [pattern, range, label] of DUE) {
      if (pattern.test(text)) {
        const [from, to] = range(clock);
        query.due_from = from.toISOString();
        query.due_to = to.toISOString();
        labels.push(label);
        windowed = true;
        break;
      }
    }
    // "what's on for monday", "anything on dec 3": that whole day
    const day = windowed ? undefined : findDate(text, clock);
    if (day?.hasDay) {
      const [from, to] = dayRange(day.at, clock.timeZone);
      query.due_from = from.toISOString();
      query.due_to = to.toISOString();
      labels.push(`due on ${day.text}`);
    }
    if (/\b(?:overdue|late|past\s+due|missed|behind)\b/i.test(text)) {
      query.overdue = true;
      labels.push('overdue');
    }
    if (/\b(?:everything|all)\b/i.test(text) && !query.due_from && !query.overdue) query.status = 'all';
  }
  if (
    /\b(?:by|in)\s+priority\b|\bpriority\s+order\b|\bmost\s+(?:urgent|important)\b|\bsorted\s+by\s+priority\b/i.test(
      text,
    )
  )
    query.sort = 'priority';
  else if (/\balphabetical(?:ly)?\b|\ba-z\b|\bby\s+(?:name|title)\b/i.test(text)) query.sort = 'title';
  else if (/\b(?:newest|latest|most\s+recent|recently\s+added)\b/i.test(text)) query.sort = 'created';
  else if (/\bhigh\s+priority\b|\burgent\b|\bimportant\b/i.test(text)) {
    query.priority = ['high'];
    labels.push('with high priority');
  } else if (/\blow\s+priority\b/i.test(text)) {
    query.priority = ['low'];
    labels.push('with low priority');
  }
  const tags = extractTags(text).value ?? text.match(/\btagged\s+(?:with\s+|as\s+)?#?([\p{L}\p{N}_-]+)/iu)?.slice(1, 2);
  if (tags?.length) {
    query.tags = tags.map((t) => t.toLowerCase());
    labels.push(`tagged ${query.tags.map((t) => `#${t}`).join(' ')}`);
  }
  const tagWord = query.tags
    ? undefined
    : text.match(/\b(?:my|the|all)\s+([\p{L}\p{N}_-]+)\s+(?:tasks|todos|stuff|things|items)\b/iu)?.[1]?.toLowerCase();
  const generic =
    /^(?:my|your|open|done|completed|finished|due|overdue|all|other|high|low|urgent|important|remaining|new)$/;
  return {
    kind: 'list',
    query,
    label: labels.join(', '),
    tagWord: tagWord && !generic.test(tagWord) ? tagWord : undefined,
  };
}
