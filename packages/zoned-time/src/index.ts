// Wall-clock time in an IANA zone, as a Date whose UTC fields are the local fields (what rrule computes with).

const formatters = new Map<string, Intl.DateTimeFormat>();

const formatter = (timeZone: string) => {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
};

/** The local wall-clock time of `instant` in `timeZone`, carried in a Date's UTC fields. */
export function toWall(instant: Date, timeZone: string): Date {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return new Date(
    Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
      instant.getUTCMilliseconds(),
    ),
  );
}

/** The instant at which the wall clock of `timeZone` shows `wall` (the later one in a DST gap). */
export function fromWall(wall: Date, timeZone: string): Date {
  let guess = wall.getTime();
  for (let i = 0; i < 4; i += 1) {
    const offset = toWall(new Date(guess), timeZone).getTime() - guess;
    const next = wall.getTime() - offset;
    if (next === guess) break;
    guess = next;
  }
  return new Date(guess);
}

/** Minutes east of UTC that `timeZone` has at `instant`. */
export const offsetMinutes = (instant: Date, timeZone: string): number =>
  Math.round((toWall(instant, timeZone).getTime() - instant.getTime()) / 60_000);

/**
 * `minutes` before `instant` as a person counts them: whole days on the wall clock of `timeZone` (so "1 day before"
 * 09:00 is 09:00 the day before, even across a clock change), the rest in real minutes.
 */
export function minutesBeforeOnWall(instant: Date, minutes: number, timeZone: string): Date {
  const days = Math.floor(minutes / 1440);
  const rest = minutes - days * 1440;
  let base = instant;
  if (days > 0) {
    const wall = toWall(instant, timeZone);
    wall.setUTCDate(wall.getUTCDate() - days);
    base = fromWall(wall, timeZone);
  }
  return new Date(base.getTime() - rest * 60_000);
}
