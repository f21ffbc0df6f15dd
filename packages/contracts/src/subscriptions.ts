// Where a topic's deliveries reach a subscriber: the route each app declares in /dapr/subscribe and its own sidecar
// POSTs to. Apart from names.ts, which the browser bundle pulls in, so the browser does not carry it.
import type { Topic } from './names';

const SUBSCRIPTION_PREFIX = '/events/';

/** The route of every topic's deliveries, as Hono writes it. */
export const SUBSCRIPTION_ROUTE = { method: 'POST', path: `${SUBSCRIPTION_PREFIX}:topic` } as const;

/** The route a subscriber declares for `topic`. */
export const subscriptionRoute = (topic: Topic): string => `${SUBSCRIPTION_PREFIX}${topic}`;

/** Whether `path` is a subscription route (where the sidecar delivers). */
export const isSubscriptionPath = (path: string): boolean => path.startsWith(SUBSCRIPTION_PREFIX);

/**
 * Dapr bulk subscribe for the busy topics: up to this many messages in one delivery, which daprd's Kafka consumer
 * waits up to this long to fill (the stand-in sends what is pending at once). A task's audit and feed entries and
 * recurring-task-service's look at it cost one request for many tasks under load, and a live page waits at most this
 * long more for an update.
 */
export const BULK_DELIVERY = { maxMessagesCount: 32, maxAwaitDurationMs: 20 } as const;

/**
 * The largest body the app's own sidecar may deliver to a subscription route (its app token sent): a bulk delivery of
 * the largest task events as daprd writes them (a description of 5,000 `<` is 30 KB in Go's JSON; 35 KB an entry, 1.1 MB
 * for 32; service-kit's body-limit.test.ts). Every other request stays under the apps' 256 KiB.
 */
export const BULK_DELIVERY_MAX_BYTES = 1_280 * 1024;
