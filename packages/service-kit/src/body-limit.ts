// A ceiling on every request body an app reads: a 413 with the JSON error body before a large body is buffered.
import { apiErrorBody } from '@todo/contracts';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * 256 KiB. The largest valid request is a task with a full description and every tag (about 25 KB as JSON) or a
 * pub/sub delivery carrying one (about 30 KB); daprd's own default is 4 MiB. A declared length over it is refused
 * unread; a chunked body is counted as it arrives and refused once past it.
 */
export const MAX_BODY_BYTES = 256 * 1024;

type Fetch = (request: Request, env?: unknown) => Response | Promise<Response>;

/** `fetch` behind the body limit: what the server calls instead of the app's own. */
export function limitBodies(fetch: Fetch, maxBytes = MAX_BODY_BYTES): Fetch {
  const guard = new Hono();
  guard.use(
    '*',
    bodyLimit({
      maxSize: maxBytes,
      onError: (c) =>
        c.json(
          apiErrorBody('BODY_TOO_LARGE', `the request body is larger than this service accepts (${maxBytes} bytes)`),
          413,
        ),
    }),
  );
  guard.all('*', (c) => fetch(c.req.raw, c.env));
  return guard.fetch;
}
