// The bucket a request's sign-in attempts count in: the address the frontend saw (its own header, which it always
// overwrites), IPv6 narrowed to its /64 (one host usually holds the whole /64), or one shared 'unknown' bucket.
import { isIP } from 'node:net';

export const UNKNOWN_ADDRESS = 'unknown';

/** `header`: the value of CLIENT_ADDRESS_HEADER. */
export function clientAddress(header: string | undefined): string {
  const value = header?.trim() ?? '';
  const version = isIP(value);
  if (version === 4) return value;
  if (version !== 6) return UNKNOWN_ADDRESS;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(value);
  if (mapped) return mapped[1] as string;
  return `${ipv6Groups(value).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, '::' expanded, leading zeros dropped. */
function ipv6Groups(address: string): string[] {
  // a trailing dotted IPv4 part is two groups
  const hex = address
    .toLowerCase()
    .replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a, b, c, d) =>
      [((+a << 8) | +b).toString(16), ((+c << 8) | +d).toString(16)].join(':'),
    );
  const [head = '', tail] = hex.split('::');
  const part = (s: string) => (s ? s.split(':') : []);
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const fill = Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...fill, ...right].map((g) => Number.parseInt(g, 16).toString(16));
}
