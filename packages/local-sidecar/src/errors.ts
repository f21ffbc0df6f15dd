// Error bodies as daprd writes them: {"errorCode": "...", "message": "..."}.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const daprError = (c: Context, status: ContentfulStatusCode, errorCode: string, message: string) =>
  c.json({ errorCode, message }, status);

/** Thrown inside a building block to answer with that status and code. */
export class DaprApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}
