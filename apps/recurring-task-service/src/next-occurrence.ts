// The next task of a series: the first occurrence of the RRULE after the completed one that is not already past,
// in the task's time zone (9:00 stays 9:00 across daylight saving), honouring COUNT and UNTIL.

import { fromWall, toWall } from '@todo/zoned-time';
import { RRule } from 'rrule';

export interface NextOccurrence {
  due: Date;
  /** The rule the next task carries: COUNT counts down so the series ends where it should. */
  rule: string;
}

const MAX_STEPS = 10_000;

export function nextOccurrence(rule: string, anchor: Date, timeZone: string, now: Date): NextOccurrence | undefined {
  const options = RRule.parseString(rule);
  const until = options.until ?? undefined;
  let remaining = options.count ?? undefined; // occurrences left including the completed one
  const series = new RRule({ ...options, count: null, until: null, dtstart: toWall(anchor, timeZone) });
  let cursor = toWall(anchor, timeZone);
  for (let step = 0; step < MAX_STEPS; step += 1) {
    const wall = series.after(cursor, false);
    if (!wall) return undefined;
    if (remaining !== undefined) {
      remaining -= 1;
      if (remaining < 1) return undefined;
    }
    const due = fromWall(wall, timeZone);
    if (until && due > until) return undefined;
    if (due > now) {
      const nextRule =
        remaining === undefined
          ? rule
          : rule
              .split(';')
              .map((part) => (part.startsWith('COUNT=') ? `COUNT=${remaining}` : part))
              .join(';');
      return { due, rule: nextRule };
    }
    cursor = wall;
  }
  return undefined;
}
