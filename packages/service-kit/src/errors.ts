// Errors as JSON: ApiError for what the caller did wrong (4xx with a code), a logged 500 without a stack otherwise.
import { apiErrorBody, type FieldIssue } from '@todo/contracts';
import type { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';

/** Thrown anywhere in a request: becomes `{ error: { code, message, details } }` with that status. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: FieldIssue[],
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'NOT_FOUND', `${what} not found`);

// biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its env and schema
export function installErrorHandlers(app: Hono<any, any, any>, logger: Logger): void {
  app.notFound((c) => c.json(apiErrorBody('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(apiErrorBody(error.code, error.message, error.details), error.status);
    if (error instanceof HTTPException && error.status < 500) {
      return c.json(apiErrorBody('BAD_REQUEST', error.message || 'bad request'), error.status);
    }
    logger.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
    return c.json(apiErrorBody('INTERNAL', 'something went wrong on our side; it has been logged'), 500);
  });
}
