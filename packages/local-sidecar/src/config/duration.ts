// Go duration strings ("1h30m", "500ms", "2s") as Dapr reads them, in milliseconds.

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;

export function parseGoDuration(text: string): number {
  const trimmed = text.trim();
  const sign = trimmed.startsWith('-') ? -1 : 1;
  const body = trimmed.replace(/^[-+]/, '');
  if (body === '0') return 0;
  if (!body) throw new Error(`"${text}" is not a duration`);
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let match = PART.exec(body); match; match = PART.exec(body)) {
    total += Number(match[1]) * (UNITS[match[2] as string] as number);
    consumed = PART.lastIndex;
  }
  if (consumed !== body.length) throw new Error(`"${text}" is not a Go duration such as 1h30m, 10s or 500ms`);
  return sign * total;
}
