// Routes only the sidecar calls: the reminder job trigger, and the next occurrence asked for by recurring-task-service.

import { z } from '@hono/zod-openapi';
import { APP_IDS, isoDateTime, parseReminderJobName } from '@todo/contracts';
import { requireAppToken, sidecarOnly } from '@todo/dapr';
import { ApiError, validationFailed } from '@todo/service-kit';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { reminderLateness } from '../metrics';
import { recurrenceField } from '../tasks/input';
import type { TaskService } from '../tasks/service';

const ReminderJobDataSchema = z.object({ task_id: z.string(), remind_at: isoDateTime });

export const NextOccurrenceSchema = z.object({
  idempotency_key: z.string().min(8).max(200),
  source_task_id: z.string(),
  due_at: isoDateTime.nullable(),
  /** The rule the new task carries (COUNT counted down); the completed task's rule when absent. */
  recurrence: recurrenceField.optional(),
});

export function sidecarRoutes(tasks: TaskService, logger: Logger, appToken: string | undefined): Hono {
  const app = new Hono();
  const guard = requireAppToken(appToken);

  // Dapr retries a trigger that does not answer 2xx: answer 200 for a job we will never act on
  app.post('/job/:name', sidecarOnly(appToken), async (c) => {
    const name = c.req.param('name');
    const taskId = parseReminderJobName(name);
    const data = ReminderJobDataSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!taskId || !data.success || data.data.task_id !== taskId) {
      logger.warn({ job: name }, 'ignoring a job trigger that is not a reminder of ours');
      return c.json({ status: 'ignored' }, 200);
    }
    reminderLateness.observe(Math.max(0, Date.now() - Date.parse(data.data.remind_at)) / 1000);
    const outcome = await tasks.reminderDue(data.data);
    logger.info({ job: name, outcome, lateMs: Date.now() - Date.parse(data.data.remind_at) }, 'reminder job fired');
    return c.json({ status: outcome }, 200);
  });

  app.post('/internal/next-occurrence', guard, async (c) => {
    const caller = c.req.header('dapr-caller-app-id');
    if (appToken && caller !== APP_IDS.recurringTaskService) {
      throw new ApiError(403, 'FORBIDDEN_CALLER', `only ${APP_IDS.recurringTaskService} may create next occurrences`);
    }
    const body = NextOccurrenceSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) throw validationFailed(body.error);
    const { task, created } = await tasks.createNextOccurrence(body.data);
    return c.json(task, created ? 201 : 200);
  });
  return app;
}
