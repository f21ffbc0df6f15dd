// An OpenAPIHono whose request validation failures are 400s with field-level reasons (the app's error handler answers).
import { OpenAPIHono } from '@hono/zod-openapi';
import { validationFailed } from '@todo/service-kit';
import type { Env } from 'hono';
import type { z } from 'zod';

export function openApiApp<E extends Env>(): OpenAPIHono<E> {
  return new OpenAPIHono<E>({
    defaultHook: (result) => {
      if (!result.success) {
        const where = result.target === 'json' ? 'body' : result.target;
        throw validationFailed(result.error as z.ZodError, `the request ${where} is not valid`);
      }
    },
  });
}
