// What text a person may send: Postgres refuses NUL (a 500 before this), and no other control character means
// anything in a title, a name or a key; tab, LF and CR are kept where several lines make sense.
import { z } from 'zod';

export const CONTROL_CHARACTER_MESSAGE = 'control characters (such as NUL) are not allowed here';

/** Any control character (C0, DEL, C1). */
export const SINGLE_LINE = /^\P{Cc}*$/u;
/** Any control character but tab, LF and CR. */
export const MULTI_LINE = /^(?:\P{Cc}|[\t\n\r])*$/u;

/** A name, a title, a search: one line, no control character; `trim` first drops surrounding whitespace (a pasted newline). */
export const singleLineText = (options: { trim?: boolean } = {}) =>
  (options.trim ? z.string().trim() : z.string()).regex(SINGLE_LINE, CONTROL_CHARACTER_MESSAGE);

/** A description or a chat message: several lines, no other control character. */
export const multiLineText = () => z.string().regex(MULTI_LINE, CONTROL_CHARACTER_MESSAGE);

/** A client's key for a request it may send again (Idempotency-Key, client_message_id): printable ASCII. */
export const idempotencyKey = () =>
  z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The first header whose bytes are not UTF-8 text (Node hands each header byte over as one Latin-1 character), or
 * undefined. Dapr carries headers between sidecars as protobuf strings, which must be UTF-8: daprd answers any
 * other value with 500 ERR_DIRECT_INVOKE.
 */
export function headerNotUtf8(headers: Headers): string | undefined {
  let found: string | undefined;
  headers.forEach((value, name) => {
    if (found || /^[\t\x20-\x7e]*$/.test(value)) return;
    try {
      utf8.decode(Uint8Array.from(value, (ch) => ch.charCodeAt(0)));
    } catch {
      found = name;
    }
  });
  return found;
}
