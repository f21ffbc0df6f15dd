// A ceiling on every request body an app reads: a 413 with the JSON error body before a large body is buffered. The
// body is read here, once, from Node's request stream (raw-body): the app then gets it as text without a WHATWG
// Request and its stream being built (a tenth of a small request's CPU), and any other reader gets it from the buffer.
import type { Http2Bindings, HttpBindings } from '@hono/node-server';
import { apiErrorBody, isSubscriptionPath } from '@todo/contracts';
import { APP_TOKEN_HEADER, isAppToken } from '@todo/dapr';
import getRawBody from 'raw-body';

/**
 * 256 KiB. The largest valid request is a task with a full description and every tag (about 25 KB as JSON) or a
 * pub/sub delivery carrying one (about 30 KB); daprd's own default is 4 MiB. A declared length over it is refused
 * unread; a chunked body is counted as it arrives and refused once past it.
 */
export const MAX_BODY_BYTES = 256 * 1024;

export type Fetch = (request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>;

/**
 * A larger limit for the app's own sidecar delivering to a subscription route (a bulk delivery carries many events):
 * only with the app token it sends (any request, when none is configured, as the routes themselves then take any).
 */
export interface DeliveryBodies {
  appToken: string | undefined;
  maxBytes: number;
}

const isDelivery = (incoming: (HttpBindings | Http2Bindings)['incoming'], deliveries: DeliveryBodies) =>
  isSubscriptionPath(new URL(incoming.url ?? '/', 'http://app').pathname) &&
  (deliveries.appToken === undefined || isAppToken(incoming.headers[APP_TOKEN_HEADER], deliveries.appToken));

const utf8 = new TextDecoder(); // as Request.text() decodes: replacement characters, a leading BOM dropped

/** `fetch` behind the body limit: what the Node server calls instead of the app's own. */
export function limitBodies(fetch: Fetch, maxBytes = MAX_BODY_BYTES, deliveries?: DeliveryBodies): Fetch {
  const tooLarge = (limit: number) =>
    Response.json(
      apiErrorBody('BODY_TOO_LARGE', `the request body is larger than this service accepts (${limit} bytes)`),
      { status: 413 },
    );
  const cut = () =>
    Response.json(apiErrorBody('BODY_INCOMPLETE', 'the connection closed before the whole body arrived'), {
      status: 400,
    });
  return async (request, env) => {
    const { incoming } = env;
    const { 'content-length': length, 'transfer-encoding': chunked } = incoming.headers;
    if (request.method === 'GET' || request.method === 'HEAD' || (length === undefined && chunked === undefined)) {
      return fetch(request, env);
    }
    const limit = deliveries && isDelivery(incoming, deliveries) ? deliveries.maxBytes : maxBytes;
    let body: Buffer;
    try {
      // a declared length over the limit is refused unread; a longer body stops being read once past it
      body = await getRawBody(incoming, { limit, length });
    } catch (error) {
      // the rest: the client left (request.aborted) or sent less than it declared (request.size.invalid)
      return (error as { type?: string }).type === 'entity.too.large' ? tooLarge(limit) : cut();
    }
    // @hono/node-server builds a Request (if one is asked for) from rawBody instead of the consumed stream
    Object.assign(incoming, { rawBody: body });
    Object.defineProperty(request, 'text', { value: () => Promise.resolve(utf8.decode(body)) });
    return fetch(request, env);
  };
}
