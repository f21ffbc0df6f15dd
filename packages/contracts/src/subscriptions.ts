// Where a topic's deliveries reach a subscriber: the route each app declares in /dapr/subscribe and its own sidecar
// POSTs to. Apart from names.ts, which the browser bundle pulls in, so the browser does not carry it.
import type { Topic } from './names';

const SUBSCRIPTION_PREFIX = '/events/';

/** The route of every topic's deliveries, as Hono writes it. */
export const SUBSCRIPTION_ROUTE = { method: 'POST', path: `${SUBSCRIPTION_PREFIX}:topic` } as const;

/** The route a subscriber declares for `topic`. */
export const subscriptionRoute = (topic: Topic): string => `${SUBSCRIPTION_PREFIX}${topic}`;
