// An OpenAPIHono whose request validation failures are 400s with field-level reasons.
import { OpenAPIHono } from '@hono/zod-openapi';
import { apiErrorBody, fieldIssues } from '@todo/contracts';
import type { Env } from 'hono';
import type { z } from 'zod';

export function openApiApp<E extends Env>(): OpenAPIHono<E> {
  return new OpenAPIHono<E>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const issues = fieldIssues(result.error as z.ZodError);
        const where = result.target === 'json' ? 'body' : result.target;
        return c.json(
          apiErrorBody(
            'VALIDATION_FAILED',
            `the request ${where} is not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
            issues,
          ),
          400,
        );
      }
    },
  });
}
