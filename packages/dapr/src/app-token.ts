// Sidecar-only routes (subscriptions, job triggers) accept a request only with the app token daprd sends.
import { timingSafeEqual } from 'node:crypto';
import { apiErrorBody } from '@todo/contracts';
import type { MiddlewareHandler } from 'hono';

export const APP_TOKEN_HEADER = 'dapr-api-token';

const sameSecret = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/** Without a configured token every request passes (as daprd sends none then). */
export const requireAppToken =
  (token: string | undefined): MiddlewareHandler =>
  async (c, next) => {
    if (token) {
      const sent = c.req.header(APP_TOKEN_HEADER);
      if (!sent || !sameSecret(sent, token)) {
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
