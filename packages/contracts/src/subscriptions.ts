// Where a topic's deliveries reach a subscriber: the route each app declares in /dapr/subscribe and its own sidecar
// POSTs to. Apart from names.ts, which the browser bundle pulls in, so the browser does not carry it.
import type { Topic } from './names';

const SUBSCRIPTION_PREFIX = '/events/';

/** The route of every topic's deliveries, as Hono writes it. */
export const SUBSCRIPTION_ROUTE = { method: 'POST', path: `${SUBSCRIPTION_PREFIX}:topic` } as const;

/** The route a subscriber declares for `topic`. */
export const subscriptionRoute = (topic: Topic): string => `${SUBSCRIPTION_PREFIX}${topic}`;

/**
 * Dapr bulk subscribe for the busy topics: up to this many messages in one delivery, which daprd's Kafka consumer
 * waits up to this long to fill (the stand-in sends what is pending at once). A task's audit and feed entries and
 * recurring-task-service's look at it cost one request for many tasks under load, and a live page waits at most this
 * long more for an update.
 */
export const BULK_DELIVERY = { maxMessagesCount: 100, maxAwaitDurationMs: 20 } as const;
