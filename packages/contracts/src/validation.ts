// One shape for "which field, what is wrong", used by every 4xx and every dropped event.
import type { z } from 'zod';

/**
 * The fields of a validator of `Body`, exactly: a validator shaped `{ ... } satisfies FieldsOf<Body>` fails to compile
 * when it misses a field of the contract, adds one, or reads one as another type. Its rules (lengths, policies) are
 * its own.
 */
export type FieldsOf<Body> = { [K in keyof Body]-?: z.ZodType<Body[K]> };

export interface FieldIssue {
  path: string;
  message: string;
}

export const fieldIssues = (error: z.ZodError): FieldIssue[] =>
  error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));

/** The body of every 4xx/5xx answer of every app: a machine-readable code and a human reason. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: FieldIssue[] };
}

export const apiErrorBody = (code: string, message: string, details?: FieldIssue[]): ApiErrorBody => ({
  error: { code, message, ...(details ? { details } : {}) },
});
