// Dates and times in what a person wrote, read with chrono-node in the user's time zone.
import { fromWall, offsetMinutes, toWall } from '@todo/zoned-time';
import * as chrono from 'chrono-node';

export interface Clock {
  now: Date;
  timeZone: string;
}

export interface FoundDate {
  at: Date;
  /** The words that said it, to take out of the title. */
  text: string;
  hasTime: boolean;
  /** A day was said ("friday", "tomorrow", "in 2 hours"), not only a time of day ("at 4pm"). */
  hasDay: boolean;
}

/** A task said to be due "tomorrow" with no hour is due at this local hour. */
export const DEFAULT_HOUR = 9;

const PART_OF_DAY = /\b(morning|noon|afternoon|evening|tonight|night|midnight|lunch(?:time)?)\b/i;
/** What a part of the day means when no hour is said. */
const PART_HOURS: Record<string, number> = {
  morning: 9,
  noon: 12,
  lunch: 12,
  lunchtime: 12,
  afternoon: 15,
  evening: 19,
  tonight: 20,
  night: 21,
  midnight: 0,
};

export function findDate(text: string, clock: Clock): FoundDate | undefined {
  const [result] = chrono.parse(
    text,
    { instant: clock.now, timezone: offsetMinutes(clock.now, clock.timeZone) },
    { forwardDate: true },
  );
  if (!result) return dayOfMonth(text, clock);
  const c = result.start;
  // "tonight", "in the morning": chrono implies an hour; a bare day ("friday") gets DEFAULT_HOUR
  const part = c.isCertain('hour') ? undefined : result.text.match(PART_OF_DAY)?.[1]?.toLowerCase();
  const hasTime = c.isCertain('hour') || part !== undefined;
  const hour = c.isCertain('hour')
    ? (c.get('hour') ?? 0)
    : part !== undefined
      ? (PART_HOURS[part] ?? DEFAULT_HOUR)
      : DEFAULT_HOUR;
  const wall = new Date(
    Date.UTC(
      c.get('year') ?? 0,
      (c.get('month') ?? 1) - 1,
      c.get('day') ?? 1,
      hour,
      c.isCertain('hour') ? (c.get('minute') ?? 0) : 0,
    ),
  );
  let at = fromWall(wall, clock.timeZone);
  // "at 9" said at 11:00 means tomorrow at 9, not two hours ago
  if (hasTime && !c.isCertain('day') && at <= clock.now) at = new Date(at.getTime() + 24 * 3_600_000);
  // "today" said after DEFAULT_HOUR: the end of the day, not a time already past
  if (!hasTime && at <= clock.now)
    at = fromWall(new Date(wall.getTime() + (23 - DEFAULT_HOUR) * 3_600_000 + 59 * 60_000), clock.timeZone);
  const hasDay = c.isCertain('day') || c.isCertain('weekday') || /\b(?:in|tonight|today|tomorrow)\b/i.test(result.text);
  return { at, text: result.text, hasTime, hasDay };
}

/** "by the 1st", "on the 15th": the next such day of a month, which chrono does not read alone. */
function dayOfMonth(text: string, clock: Clock): FoundDate | undefined {
  const match = text.match(/\b(?:by|on|before)\s+the\s+(\d{1,2})(?:st|nd|rd|th)\b/i);
  if (!match) return undefined;
  const day = Number(match[1]);
  if (day < 1 || day > 31) return undefined;
  const today = toWall(clock.now, clock.timeZone);
  for (let m = 0; m < 13; m += 1) {
    const wall = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + m, day, DEFAULT_HOUR));
    if (wall.getUTCDate() !== day) continue; // no 31st in this month
    const at = fromWall(wall, clock.timeZone);
    if (at > clock.now) return { at, text: match[0], hasTime: false, hasDay: true };
  }
  return undefined;
}

/** Start of the local day of `instant`, plus `days`. */
export function startOfDay(instant: Date, timeZone: string, days = 0): Date {
  const wall = toWall(instant, timeZone);
  return fromWall(new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate() + days)), timeZone);
}

/** Monday 00:00 of the local week of `instant`, plus `weeks`. */
export function startOfWeek(instant: Date, timeZone: string, weeks = 0): Date {
  const wall = toWall(instant, timeZone);
  const sinceMonday = (wall.getUTCDay() + 6) % 7;
  return startOfDay(instant, timeZone, weeks * 7 - sinceMonday);
}

export function startOfMonth(instant: Date, timeZone: string, months = 0): Date {
  const wall = toWall(instant, timeZone);
  return fromWall(new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth() + months, 1)), timeZone);
}

/** The next local time on one of `weekdays` (0 = Sunday) at hour:minute, after now. */
export function nextWeekdayAt(clock: Clock, weekdays: number[], hour: number, minute: number): Date {
  const today = toWall(clock.now, clock.timeZone);
  for (let d = 0; d <= 7; d += 1) {
    const wall = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + d, hour, minute));
    if (!weekdays.includes(wall.getUTCDay())) continue;
    const at = fromWall(wall, clock.timeZone);
    if (at > clock.now) return at;
  }
  throw new Error('no weekday given');
}

/** How a time reads to the user: "Fri 27 Nov, 18:00". */
export function formatWhen(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
}

/** The local day of `instant`: its first and last millisecond. */
export function dayRange(instant: Date, timeZone: string): [Date, Date] {
  return [startOfDay(instant, timeZone), new Date(startOfDay(instant, timeZone, 1).getTime() - 1)];
}

/** The local day of `day` at the local time of day of `time`: "move it to friday" keeps its hour. */
export function onDayAtTimeOf(day: Date, time: Date, timeZone: string): Date {
  const d = toWall(day, timeZone);
  const t = toWall(time, timeZone);
  return fromWall(
    new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), t.getUTCHours(), t.getUTCMinutes())),
    timeZone,
  );
}

/** The same local time `days` later. */
export function addDays(instant: Date, days: number, timeZone: string): Date {
  const w = toWall(instant, timeZone);
  return fromWall(
    new Date(Date.UTC(w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate() + days, w.getUTCHours(), w.getUTCMinutes())),
    timeZone,
  );
}
