// The reminder job's trigger: Dapr's scheduler calls it on the backend when a task's reminder time comes.

import { JOB_TRIGGER_ROUTE, parseReminderJobName, ReminderJobDataSchema } from '@todo/contracts';
import { sidecarOnly } from '@todo/dapr';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { reminderLateness } from '../metrics';
import type { TaskService } from '../tasks/service';

export function reminderRoutes(tasks: TaskService, logger: Logger, appToken: string | undefined): Hono {
  const app = new Hono();

  // Dapr retries a trigger that does not answer 2xx: answer 200 for a job we will never act on
  app.post(JOB_TRIGGER_ROUTE.path, sidecarOnly(appToken), async (c) => {
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
  return app;
}
