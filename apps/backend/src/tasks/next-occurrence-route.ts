// The next task of a recurring series, asked for by recurring-task-service through Dapr when one is completed.
import { APP_IDS, NEXT_OCCURRENCE_ROUTE, NextOccurrenceRequestSchema } from '@todo/contracts';
import { CALLER_APP_ID_HEADER, requireAppToken } from '@todo/dapr';
import { ApiError, validationFailed } from '@todo/service-kit';
import { Hono } from 'hono';
import { recurrenceField } from './input';
import type { TaskService } from './service';

// the contract's body, with the rule normalized as every other way in normalizes it
const NextOccurrenceSchema = NextOccurrenceRequestSchema.extend({ recurrence: recurrenceField.optional() });

export function nextOccurrenceRoutes(tasks: TaskService, appToken: string | undefined): Hono {
  const app = new Hono();
  app.post(NEXT_OCCURRENCE_ROUTE.path, requireAppToken(appToken), async (c) => {
    if (appToken && c.req.header(CALLER_APP_ID_HEADER) !== APP_IDS.recurringTaskService) {
      throw new ApiError(403, 'FORBIDDEN_CALLER', `only ${APP_IDS.recurringTaskService} may create next occurrences`);
    }
    const body = NextOccurrenceSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) throw validationFailed(body.error);
    const { task, created } = await tasks.createNextOccurrence(body.data);
    return c.json(task, created ? 201 : 200);
  });
  return app;
}
