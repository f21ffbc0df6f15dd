// The next task of a series: the first occurrence of the RRULE after the completed one that is not already past,
// in the task's time zone (9:00 stays 9:00 across daylight saving), honouring COUNT and UNTIL. A plain monthly
// rule from the 29th-31st keeps to the month's end in shorter months (31 Jan -> 28/29 Feb -> 31 Mar), as calendars do.

import { fromWall, toWall } from '@todo/zoned-time';
import { RRule } from 'rrule';

export interface NextOccurrence {
  due: Date;
  /** The rule the next task carries: COUNT counts down so the series ends where it should. */
  rule: string;
}

const MAX_STEPS = 10_000;

/** Parts that already pick the day: with any of them the rule says exactly which days it means. */
const DAY_PICKERS = /(^|;)(BYMONTHDAY|BYDAY|BYSETPOS|BYYEARDAY|BYWEEKNO)=/;

/**
 * "Monthly" on day 29, 30 or 31 as the rule that says so: that day, or the month's last day when it has fewer
 * (BYMONTHDAY=28..day with BYSETPOS=-1). The next task carries it, so a series that passed February keeps its day.
 */
export function keepMonthEnd(rule: string, anchorWall: Date): string {
  const day = anchorWall.getUTCDate();
  if (day < 29 || !/(^|;)FREQ=MONTHLY(;|$)/.test(rule) || DAY_PICKERS.test(rule)) return rule;
  const days = Array.from({ length: day - 27 }, (_, i) => 28 + i).join(',');
  return `${rule};BYMONTHDAY=${days};BYSETPOS=-1`;
}

export function nextOccurrence(
  givenRule: string,
  anchor: Date,
  timeZone: string,
  now: Date,
): NextOccurrence | undefined {
  const rule = keepMonthEnd(givenRule, toWall(anchor, timeZone));
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
