// W3C trace context in every log line: taken from the incoming traceparent (Dapr propagates it through invocation and
// pub/sub), or started here when a request arrives without one, and handed on to the calls the request makes.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

const context = new AsyncLocalStorage<{ traceparent: string; traceId: string }>();
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** A new trace: a random 16-byte trace id and 8-byte span id, from one draw of the random source. */
export const newTraceparent = () => {
  const ids = randomBytes(24).toString('hex');
  return `00-${ids.slice(0, 32)}-${ids.slice(32)}-01`;
};

/** The trace id of the request or message being handled, if any. */
export const currentTraceId = (): string | undefined => context.getStore()?.traceId;
export const currentTraceparent = (): string | undefined => context.getStore()?.traceparent;

/** Runs `work` within the trace of `traceparent` (a new one when it is missing or malformed). */
export function withTrace<T>(traceparent: string | undefined, work: () => T): T {
  const valid = traceparent && TRACEPARENT.test(traceparent) ? traceparent : newTraceparent();
  return context.run({ traceparent: valid, traceId: (TRACEPARENT.exec(valid) as RegExpExecArray)[1] as string }, work);
}

/** Puts each request in its trace, and makes sure the request carries a traceparent onwards (for forwarding). */
export const traceRequests: MiddlewareHandler = async (c, next) => {
  const incoming = c.req.header('traceparent');
  await withTrace(incoming, async () => {
    if (!incoming || !TRACEPARENT.test(incoming)) c.req.raw.headers.set('traceparent', currentTraceparent() as string);
    await next();
  });
};
