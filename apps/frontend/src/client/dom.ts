// A few lines instead of a framework: build elements, replace children; times in the account's zone.
import { fromWall, toWall } from '@todo/zoned-time';

type Child = Node | string | number | false | null | undefined;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.replace(/^on/, '').toLowerCase(), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  for (const child of children)
    if (child !== false && child !== null && child !== undefined)
      el.append(child instanceof Node ? child : String(child));
  return el;
}

export const $ = <T extends HTMLElement = HTMLElement>(selector: string, root: ParentNode = document) =>
  root.querySelector(selector) as T;

export function replace(target: Element, ...children: Child[]): void {
  target.replaceChildren(
    ...children
      .filter((c): c is Node | string | number => c !== false && c !== null && c !== undefined)
      .map((c) => (c instanceof Node ? c : String(c))),
  );
}

/** The account's zone: every time on the page is shown and typed in it (the browser's until the account is known). */
let zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
export const displayZone = () => zone;
export const setDisplayZone = (timeZone: string) => {
  zone = timeZone;
};

const wallParts = (date: Date) => {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', era: 'short' })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return { year: Number(parts.year), bc: parts.era === 'BC' };
};

/**
 * "2026-11-27T17:00:00Z" -> "Fri 27 Nov, 18:00" in the account's zone, with the year when it is not this year
 * ("Fri 31 Dec 9999, 23:59"), so a far date never passes for a near one.
 */
export const formatWhen = (iso: string, now = new Date()) => {
  const date = new Date(iso);
  const sameYear = wallParts(date).year === wallParts(now).year && !wallParts(date).bc;
  return new Intl.DateTimeFormat(undefined, {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: sameYear ? undefined : 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
};

/** A datetime-local input's value for an ISO time, in the account's zone. */
export const toLocalInput = (iso: string | null) => {
  if (!iso) return '';
  const wall = toWall(new Date(iso), zone);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}T${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`;
};

/** What a datetime-local value means in the account's zone: an ISO time, or why it names no time there. */
export type LocalTime = { iso: string | null; problem?: undefined } | { iso?: undefined; problem: string };

export function fromLocalInput(value: string): LocalTime {
  if (!value) return { iso: null };
  const match = /^(\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!match) return { problem: 'Give a date and a time.' };
  const [, y, mo, d, hh, mm] = match.map(Number) as number[];
  const wall = new Date(0);
  wall.setUTCFullYear(y as number, (mo as number) - 1, d as number);
  wall.setUTCHours(hh as number, mm as number, 0, 0);
  const instant = fromWall(wall, zone);
  // a wall time the clocks skip (02:30 on the spring-forward night) has no instant: say so, never move it silently
  if (toWall(instant, zone).getTime() !== wall.getTime()) {
    const when = new Intl.DateTimeFormat(undefined, {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    }).format(wall);
    const time = `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
    return {
      problem: `${time} does not exist on ${when} in ${zone}: the clocks go forward that night. Pick a time after the change, such as ${toLocalInput(instant.toISOString()).slice(11)}.`,
    };
  }
  return { iso: instant.toISOString() };
}
