// Errors as JSON: ApiError for what the caller did wrong (4xx with a code), a logged 500 without a stack otherwise.
import { apiErrorBody, type FieldIssue, fieldIssues } from '@todo/contracts';
import { DaprTimeoutError, DaprUnreachableError } from '@todo/dapr';
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
    /** Beside `error` in the body (e.g. the current state of what the request could not change), and headers. */
    readonly extra: { body?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'NOT_FOUND', `${what} not found`);

/** zod's error, as contracts (which owns the zod dependency) reads it. */
type ZodError = Parameters<typeof fieldIssues>[0];

/**
 * The 400 of every request that fails its schema: VALIDATION_FAILED, each field and its reason in the details and
 * in the message ("path: message; …"), after `lead` when given.
 */
export function validationFailed(issues: ZodError | FieldIssue[], lead?: string): ApiError {
  const details = Array.isArray(issues) ? issues : fieldIssues(issues);
  const list = details.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new ApiError(400, 'VALIDATION_FAILED', lead ? `${lead}: ${list}` : list, details);
}

// biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its env and schema
export function installErrorHandlers(app: Hono<any, any, any>, logger: Logger): void {
  app.notFound((c) => c.json(apiErrorBody('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) {
      for (const [name, value] of Object.entries(error.extra.headers ?? {})) c.header(name, value);
      return c.json({ ...apiErrorBody(error.code, error.message, error.details), ...error.extra.body }, error.status);
    }
    if (error instanceof HTTPException && error.status < 500) {
      return c.json(apiErrorBody('BAD_REQUEST', error.message || 'bad request'), error.status);
    }
    const unavailable = unavailableDependency(error);
    if (unavailable) {
      logger.warn({ reason: error.message, method: c.req.method, path: c.req.path }, `${unavailable} unavailable`);
      c.header('retry-after', '2');
      const code = unavailable === 'database' ? 'DATABASE_UNAVAILABLE' : 'SIDECAR_UNAVAILABLE';
      return c.json(
        apiErrorBody(code, `the ${unavailable} cannot be reached just now; nothing was changed, try again`),
        503,
      );
    }
    logger.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
    return c.json(apiErrorBody('INTERNAL', 'something went wrong on our side; it has been logged'), 500);
  });
}

/** Postgres connection classes: 08 connection exception, 57P01-03 shutting down or starting up. */
const PG_UNAVAILABLE = /^(08|57P0[123])/;
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/**
 * A request that failed because the database or the sidecar was out of reach (restarting, failing over): a 503 the
 * client can retry, rather than a 500. The transaction it was in rolled back, so nothing was half-written.
 */
function unavailableDependency(error: Error): 'database' | 'sidecar' | undefined {
  if (error instanceof DaprUnreachableError || error instanceof DaprTimeoutError) return 'sidecar';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (PG_UNAVAILABLE.test(code) || SOCKET_CODES.has(code))) return 'database';
  if (
    /^Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
      error.message,
    )
  )
    return 'database';
  return undefined;
}
