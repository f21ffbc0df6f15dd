// Sidecar-only routes (subscriptions, job triggers) accept a request only with the app token daprd sends.
import { timingSafeEqual } from 'node:crypto';
import { apiErrorBody } from '@todo/contracts';
import type { MiddlewareHandler } from 'hono';
import { every } from 'hono/combine';

export const APP_TOKEN_HEADER = 'dapr-api-token';

const sameSecret = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/** Whether `sent` (a request's dapr-api-token header) is the app token, compared in constant time. */
export const isAppToken = (sent: string | string[] | undefined, token: string): boolean =>
  typeof sent === 'string' && sameSecret(sent, token);

/** Without a configured token every request passes (as daprd sends none then). */
export const requireAppToken =
  (token: string | undefined): MiddlewareHandler =>
  async (c, next) => {
    if (token) {
      if (!isAppToken(c.req.header(APP_TOKEN_HEADER), token)) {
        return c.json(
          apiErrorBody(
            'APP_TOKEN_INVALID',
            `this route is for the Dapr sidecar: send the app token in the ${APP_TOKEN_HEADER} header`,
          ),
          401,
        );
      }
    }
    await next();
  };

/** The header daprd adds to every service invocation (never to a pub/sub delivery or a job trigger). */
export const CALLER_APP_ID_HEADER = 'dapr-caller-app-id';

/**
 * Subscription and job routes are for the app's own sidecar only: a request that arrived by service invocation
 * (from any app, with the app token the sidecar adds) is refused, whatever path led it here.
 */
export const refuseInvocation: MiddlewareHandler = async (c, next) => {
  const caller = c.req.header(CALLER_APP_ID_HEADER);
  if (caller !== undefined) {
    return c.json(
      apiErrorBody(
        'NOT_FOR_INVOCATION',
        `this route takes only the sidecar's own deliveries, not a call from ${caller}`,
      ),
      403,
    );
  }
  await next();
};

/** The app token, and no service invocation: what every subscription and job route requires. */
export const sidecarOnly = (token: string | undefined): MiddlewareHandler =>
  every(requireAppToken(token), refuseInvocation);
