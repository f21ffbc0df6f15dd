// What notification-service takes from pub/sub: reminders become notifications, task events the audit log,
// task updates the feed. Stored before acknowledging; a redelivered event is stored once (keyed by CloudEvent id).
// Task events and updates come in bulk, each request's stored by one statement.
import {
  BULK_DELIVERY,
  COMPONENTS,
  deadLetterTopic,
  ReminderEventSchema,
  subscriptionRoute,
  TaskEventSchema,
  TaskUpdateSchema,
  TOPICS,
} from '@todo/contracts';
import { DropEvent, subscription } from '@todo/dapr';
import type { NotificationStore } from './store';

const requireId = (id: string) => {
  if (!id) throw new DropEvent('the event has no CloudEvent id, so it cannot be de-duplicated');
  return id;
};

export const consumers = (store: NotificationStore) => [
  subscription({
    pubsubname: COMPONENTS.pubsub,
    topic: TOPICS.reminders,
    route: subscriptionRoute(TOPICS.reminders),
    deadLetterTopic: deadLetterTopic(TOPICS.reminders),
    schema: ReminderEventSchema,
    handle: async (reminder, event) => {
      await store.addReminder(requireId(event.id), reminder);
    },
  }),
  subscription({
    pubsubname: COMPONENTS.pubsub,
    topic: TOPICS.taskEvents,
    route: subscriptionRoute(TOPICS.taskEvents),
    deadLetterTopic: deadLetterTopic(TOPICS.taskEvents),
    schema: TaskEventSchema,
    handle: async (taskEvent, event) => {
      await store.addAudit(requireId(event.id), taskEvent);
    },
    bulk: {
      ...BULK_DELIVERY,
      handleMany: async (items) => {
        await store.addAudits(items.map(({ data, event }) => ({ eventId: requireId(event.id), event: data })));
      },
    },
  }),
  subscription({
    pubsubname: COMPONENTS.pubsub,
    topic: TOPICS.taskUpdates,
    route: subscriptionRoute(TOPICS.taskUpdates),
    deadLetterTopic: deadLetterTopic(TOPICS.taskUpdates),
    schema: TaskUpdateSchema,
    handle: async (update, event) => {
      await store.addTaskUpdate(requireId(event.id), update);
    },
    bulk: {
      ...BULK_DELIVERY,
      handleMany: async (items) => {
        await store.addTaskUpdates(items.map(({ data, event }) => ({ eventId: requireId(event.id), update: data })));
      },
    },
  }),
];
