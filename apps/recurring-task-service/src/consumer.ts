// task-events -> the next task of a completed recurring task, created by the backend through Dapr invocation.
// The idempotency key is derived from the completed task, so a redelivered event never makes two.
import {
  APP_IDS,
  BULK_DELIVERY,
  COMPONENTS,
  deadLetterTopic,
  NEXT_OCCURRENCE_ROUTE,
  type NextOccurrenceRequest,
  nextOccurrenceKey,
  subscriptionRoute,
  TaskEventSchema,
  TOPICS,
} from '@todo/contracts';
import { type Dapr, DropEvent, subscription } from '@todo/dapr';
import { currentTraceparent, prom, registry } from '@todo/service-kit';
import type { Logger } from 'pino';
import { nextOccurrence } from './next-occurrence';

// redeliveries are normal (at-least-once): counted, so they show on the metrics port and a test can wait for one
const duplicates = new prom.Counter({
  name: 'todo_pubsub_duplicates_total',
  help: 'Delivered messages the app had already handled (a redelivery changed nothing), by topic',
  labelNames: ['topic'],
  registers: [registry],
});

export const recurringConsumer = (dapr: Dapr, logger: Logger, now: () => Date = () => new Date()) =>
  subscription({
    pubsubname: COMPONENTS.pubsub,
    topic: TOPICS.taskEvents,
    route: subscriptionRoute(TOPICS.taskEvents),
    deadLetterTopic: deadLetterTopic(TOPICS.taskEvents),
    schema: TaskEventSchema,
    // most task events are not a completed recurring task: in bulk, one request answers for many of them, and the
    // completions among them are asked of the backend side by side, each answered for itself
    bulk: { ...BULK_DELIVERY, sideBySide: true },
    handle: async (event) => {
      const task = event.task_data;
      if (event.event_type !== 'completed' || !task.recurrence) return;
      const anchor = new Date(task.due_at ?? task.completed_at ?? event.timestamp);
      let next: ReturnType<typeof nextOccurrence>;
      try {
        next = nextOccurrence(task.recurrence, anchor, task.timezone, now());
      } catch (error) {
        throw new DropEvent(`the task's recurrence cannot be read: ${(error as Error).message}`);
      }
      if (!next) {
        logger.info({ taskId: task.id }, 'the series has ended: no next occurrence');
        return;
      }
      const body: NextOccurrenceRequest = {
        idempotency_key: nextOccurrenceKey(task.id),
        source_task_id: task.id,
        due_at: task.due_at ? next.due.toISOString() : null,
        recurrence: next.rule,
      };
      const response = await dapr.invoke.call(APP_IDS.backend, NEXT_OCCURRENCE_ROUTE.path, {
        method: NEXT_OCCURRENCE_ROUTE.method,
        body,
        timeoutMs: 15_000,
        traceparent: currentTraceparent(),
      });
      const text = await response.text();
      if (response.status === 200 || response.status === 201) {
        if (response.status === 200) duplicates.inc({ topic: TOPICS.taskEvents });
        logger.info(
          { taskId: task.id, next: next.due.toISOString(), created: response.status === 201 },
          'next occurrence',
        );
        return;
      }
      if (response.status === 404) {
        logger.info({ taskId: task.id }, 'the completed task was deleted meanwhile: nothing to create');
        return;
      }
      // the backend is down, overloaded or failing: ask Dapr to deliver the event again later
      if (response.status >= 500 || response.status === 429 || response.status === 408) {
        throw new Error(`backend answered ${response.status}: ${text.slice(0, 200)}`);
      }
      throw new DropEvent(`backend refused the next occurrence (${response.status}): ${text.slice(0, 200)}`);
    },
  });
