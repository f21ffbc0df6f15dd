// What one app asks of another through Dapr service invocation: each route, the body caller and callee both read
// through one schema, and the key they share. Dapr's access control (access-control.ts) allows these and no more.
import { z } from 'zod';
import { APP_IDS, type AppId } from './names';
import { BROWSER_ROUTES, CURRENT_USER_PATH, type HttpMethod } from './routes';
import { isoDateTime } from './task';
import { singleLineText } from './text';

export interface Invocation {
  caller: AppId;
  callee: AppId;
  method: HttpMethod;
  /** Literal segments and `:name` parameters, as Hono writes them. */
  path: string;
}

/**
 * The backend route recurring-task-service invokes to create a next occurrence. It answers the new task
 * (TaskSnapshot): 201 when made now, 200 when this key made it before, 404 when the completed task is gone.
 */
export const NEXT_OCCURRENCE_ROUTE = { method: 'POST', path: '/internal/next-occurrence' } as const;

/** Keyed by the completed task, so a redelivered completion finds the task it already made. */
export const nextOccurrenceKey = (completedTaskId: string): string => `next-of:${completedTaskId}`;

export const NextOccurrenceRequestSchema = z.object({
  idempotency_key: z.string().min(8).max(200),
  source_task_id: z.string(),
  due_at: isoDateTime.nullable(),
  /** The rule the new task carries (COUNT counted down); the completed task's rule when absent. */
  recurrence: singleLineText().optional(),
});
export type NextOccurrenceRequest = z.infer<typeof NextOccurrenceRequestSchema>;

/** notification-service asks the backend whether a stream's sign-in is still live: 401 when it has ended. */
export const SESSION_CHECK_ROUTE = { method: 'GET', path: CURRENT_USER_PATH } as const;

/** Every service invocation the system makes: the policy allows these and nothing else. */
export const INVOCATIONS: readonly Invocation[] = [
  // the frontend forwards exactly the browser API
  ...BROWSER_ROUTES.map(({ method, path, app }) => ({ caller: APP_IDS.frontend, callee: app, method, path })),
  { caller: APP_IDS.recurringTaskService, callee: APP_IDS.backend, ...NEXT_OCCURRENCE_ROUTE },
  { caller: APP_IDS.notificationService, callee: APP_IDS.backend, ...SESSION_CHECK_ROUTE },
];
