// A backstop under the schemas: no JSON body under /api carries a control character (tab, LF and CR aside) in any
// string, so a field a schema forgot is a 400 naming it, not a 500 from Postgres ("invalid byte sequence for encoding
// UTF8: 0x00"). The schemas say it first and stricter (single-line fields refuse tab and newlines too).
import { apiErrorBody, CONTROL_CHARACTER_MESSAGE, MULTI_LINE } from '@todo/contracts';
import type { MiddlewareHandler } from 'hono';

/** The path of the first string (key or value) with a control character in it, or undefined. */
export function controlCharacterPath(value: unknown, path: string[] = []): string | undefined {
  if (typeof value === 'string') return MULTI_LINE.test(value) ? undefined : path.join('.') || '(root)';
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = controlCharacterPath(item, [...path, String(i)]);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (!MULTI_LINE.test(key)) return [...path, key].join('.');
      const found = controlCharacterPath(item, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

export const rejectControlCharacters: MiddlewareHandler = async (c, next) => {
  // a GET or HEAD has no body to read, whatever its content-type says (clients often send one on every request)
  const bodied = c.req.method !== 'GET' && c.req.method !== 'HEAD';
  if (bodied && /json/i.test(c.req.header('content-type') ?? '')) {
    // a body that is not JSON is left to the route's validator (it says so with a 400); the body stays cached
    const body = await c.req.json().catch(() => undefined);
    const path = controlCharacterPath(body);
    if (path) {
      return c.json(
        apiErrorBody('VALIDATION_FAILED', `the request body is not valid: ${path}: ${CONTROL_CHARACTER_MESSAGE}`, [
          { path, message: CONTROL_CHARACTER_MESSAGE },
        ]),
        400,
      );
    }
  }
  await next();
};
