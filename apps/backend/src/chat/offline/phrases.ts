// The phrases the offline agent understands inside a request: recurrence, priority, tags, reminder offsets.
import type { Priority } from '@todo/contracts';

const DAYS: Record<string, string> = {
  mon: 'MO',
  tue: 'TU',
  wed: 'WE',
  thu: 'TH',
  fri: 'FR',
  sat: 'SA',
  sun: 'SU',
};
export const WEEKDAY_INDEX: Record<string, number> = { SU: 0, MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6 };
const DAY = '(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?s?\\b';

export interface Extracted<T> {
  value?: T;
  rest: string;
}

const take = (text: string, pattern: RegExp): { match?: RegExpMatchArray; rest: string } => {
  const match = text.match(pattern);
  if (!match || match.index === undefined) return { rest: text };
  return { match, rest: `${text.slice(0, match.index)} ${text.slice(match.index + match[0].length)}` };
};

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  ten: 10,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
};
const toNumber = (word: string) =>
  /^\d+$/.test(word) ? Number(word) : (NUMBER_WORDS[word.toLowerCase()] ?? Number.NaN);

export interface Recurrence {
  rule: string;
  /** Weekdays named (for the first due date). */
  byDay?: string[];
}

export function extractRecurrence(text: string): Extracted<Recurrence> {
  const rules: [RegExp, (m: RegExpMatchArray) => Recurrence][] = [
    [
      /\b(?:every\s+(?:week\s*day|work\s*day)s?|on\s+weekdays|weekdays|each\s+weekday)\b/i,
      () => ({ rule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', byDay: ['MO', 'TU', 'WE', 'TH', 'FR'] }),
    ],
    [
      /\bevery\s+(other|second|2nd)\s+(day|week|month)\b/i,
      (m) => ({ rule: `FREQ=${freq(m[2] as string)};INTERVAL=2` }),
    ],
    [
      /\bevery\s+(\d+|two|three|four)\s+(day|week|month|year)s\b/i,
      (m) => ({ rule: `FREQ=${freq(m[2] as string)};INTERVAL=${toNumber(m[1] as string)}` }),
    ],
    [
      new RegExp(`\\b(?:every|each|on)\\s+(${DAY}(?:\\s*(?:,|and|&)\\s*${DAY})*)`, 'i'),
      (m) => {
        const days = [...(m[1] as string).matchAll(new RegExp(DAY, 'gi'))].map(
          (d) => DAYS[d[0].slice(0, 3).toLowerCase()] as string,
        );
        return { rule: `FREQ=WEEKLY;BYDAY=${days.join(',')}`, byDay: days };
      },
    ],
    [
      /\b(?:every\s*day|daily|each\s+day|every\s+morning|every\s+evening|every\s+night)\b/i,
      () => ({ rule: 'FREQ=DAILY' }),
    ],
    [/\b(?:every\s+week|weekly|each\s+week)\b/i, () => ({ rule: 'FREQ=WEEKLY' })],
    [/\b(?:every\s+month|monthly|each\s+month)\b/i, () => ({ rule: 'FREQ=MONTHLY' })],
    [/\b(?:every\s+year|yearly|annually|each\s+year)\b/i, () => ({ rule: 'FREQ=YEARLY' })],
  ];
  for (const [pattern, build] of rules) {
    const { match, rest } = take(text, pattern);
    if (match) {
      // "every Monday" must not also be read as "next Monday" by the date parser
      if (/^on\s/i.test(match[0]) && !/s$/i.test(match[0].trim()) && !/weekday/i.test(match[0])) continue;
      return { value: build(match), rest };
    }
  }
  return { rest: text };
}

const freq = (unit: string) =>
  ({ day: 'DAILY', week: 'WEEKLY', month: 'MONTHLY', year: 'YEARLY' })[unit.toLowerCase()] ?? 'WEEKLY';

export function extractPriority(text: string): Extracted<Priority> {
  const high = take(
    text,
    /\b(?:(?:high|top|highest)\s+priority|priority\s+high|urgent(?:ly)?|important|asap|critical)\b|!{2,}/i,
  );
  if (high.match) return { value: 'high', rest: high.rest };
  const low = take(text, /\b(?:(?:low|lowest)\s+priority|priority\s+low|whenever|someday|no\s+rush|not\s+urgent)\b/i);
  if (low.match) return { value: 'low', rest: low.rest };
  const medium = take(text, /\b(?:(?:medium|normal)\s+priority|priority\s+(?:medium|normal))\b/i);
  if (medium.match) return { value: 'medium', rest: medium.rest };
  return { rest: text };
}

export function extractTags(text: string): Extracted<string[]> {
  const tags = [...text.matchAll(/(?:^|\s)#([\p{L}\p{N}_-]+)/gu)].map((m) => (m[1] as string).toLowerCase());
  if (tags.length === 0) return { rest: text };
  return { value: [...new Set(tags)], rest: text.replace(/(?:^|\s)#[\p{L}\p{N}_-]+/gu, ' ') };
}

const UNIT_MINUTES: Record<string, number> = {
  m: 1,
  min: 1,
  mins: 1,
  minute: 1,
  minutes: 1,
  h: 60,
  hr: 60,
  hrs: 60,
  hour: 60,
  hours: 60,
  day: 1440,
  days: 1440,
  week: 10080,
  weeks: 10080,
};

/** "remind me 30 minutes before", "with a reminder an hour before", "half an hour before". */
export function extractReminderOffset(text: string): Extracted<number> {
  const half = take(
    text,
    /\b(?:and\s+|with\s+a\s+)?(?:remind\s+me|reminder|alert\s+me)?\s*half\s+an?\s+hour\s+(?:before|earlier|ahead(?:\s+of\s+time)?|prior)\b/i,
  );
  if (half.match) return { value: 30, rest: half.rest };
  const { match, rest } = take(
    text,
    /\b(?:and\s+|with\s+a\s+)?(?:remind\s+me|reminder|alert\s+me)?\s*(\d+|an?|one|two|three|five|ten|fifteen|twenty|thirty)\s*(m|mins?|minutes?|h|hrs?|hours?|days?|weeks?)\s+(?:before|earlier|ahead(?:\s+of\s+time)?|prior)\b/i,
  );
  if (!match) return { rest: text };
  const minutes = toNumber(match[1] as string) * (UNIT_MINUTES[(match[2] as string).toLowerCase()] ?? Number.NaN);
  return Number.isFinite(minutes) ? { value: minutes, rest } : { rest: text };
}

/** What is left of a request once the parts we understood are out: the task's title, without quotes, emphasis,
 * filler or the small words a date phrase leaves behind ("by", "for", ", it's due"). */
export function cleanTitle(text: string): string {
  let t = text
    .replace(/["\u201c\u201d]/g, ' ') // straight and curly double quotes
    .replace(/(^|\s)'+|'+(?=\s|$)/g, '$1')
    .replace(/!+/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.!?;:])/g, '$1')
    .trim();
  for (;;) {
    const before = t;
    t = t
      .replace(/\s+(?:on|to|in|onto)\s+(?:my|the)\s+(?:list|to-?do\s+list|todos?|tasks?)$/i, '')
      .replace(/^(?:to|for|that|about|please|:|-|,)\s+/i, '')
      .replace(/[\s,;:.!?-]+$/g, '')
      .replace(
        /\s+(?:by|on|at|due|for|before|in|this|next|every|from|starting|and|with|of|please|it's|its|it is|till|until)$/i,
        '',
      )
      .trim();
    if (t === before) break;
  }
  return t.charAt(0).toUpperCase() + t.slice(1);
}
