// daprd's --max-body-size (default 4Mi): a larger body fails the API's own reader with "stream too large", so the
// answer is that API's read error, not a 413.
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { daprError } from './errors';

export const MAX_BODY_BYTES = 4 * 1024 * 1024;

const TOO_LARGE = 'stream too large';

/** What daprd 1.18 answers, per API, for a body over the limit. */
function tooLarge(c: Context): Response {
  const path = c.req.path;
  const target = c.req.header('dapr-app-id') ?? /^\/v1\.0\/invoke\/([^/]+)\/method\//.exec(path)?.[1];
  if (target) {
    return daprError(
      c,
      500,
      'ERR_DIRECT_INVOKE',
      `failed to invoke, id: ${decodeURIComponent(target)}, err: ${TOO_LARGE}`,
    );
  }
  const bulk = /^\/v1\.0(?:-alpha1)?\/publish\/bulk\/([^/]+)\/(.+)$/.exec(path);
  if (bulk) {
    const [, pubsub, topic] = bulk.map((p) => decodeURIComponent(p));
    return daprError(
      c,
      400,
      'ERR_PUBSUB_EVENTS_SER',
      `error when unmarshaling the request for topic ${topic} pubsub ${pubsub}: ${TOO_LARGE}`,
    );
  }
  const publish = /^\/v1\.0\/publish\/([^/]+)\/(.+)$/.exec(path);
  if (publish) {
    const [, pubsub, topic] = publish.map((p) => decodeURIComponent(p));
    return daprError(
      c,
      500,
      'ERR_PUBSUB_PUBLISH_MESSAGE',
      `error when publishing to topic ${topic} in pubsub ${pubsub}: ${TOO_LARGE}`,
    );
  }
  if (/^\/v1\.0(-alpha1)?\/jobs\//.test(path)) {
    return daprError(c, 400, 'ERR_BODY_READ', `failed to read request body: ${TOO_LARGE}`);
  }
  if (/^\/v1\.0\/state\/[^/]+\/(bulk|transaction)$/.test(path)) {
    return daprError(c, 400, 'ERR_MALFORMED_REQUEST', `failed deserializing HTTP body: ${TOO_LARGE}`);
  }
  return daprError(c, 400, 'ERR_MALFORMED_REQUEST', TOO_LARGE);
}

export const daprdBodyLimit = () => bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });
