// Uncaught errors become a JSON 500 without a stack trace; the trace goes to the log.
import { apiErrorBody } from '@todo/contracts';
import type { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';

export function installErrorHandlers(app: Hono, logger: Logger): void {
  app.notFound((c) => c.json(apiErrorBody('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status < 500) {
      return c.json(apiErrorBody('BAD_REQUEST', error.message || 'bad request'), error.status);
    }
    logger.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
    return c.json(apiErrorBody('INTERNAL', 'something went wrong on our side; it has been logged'), 500);
  });
}
