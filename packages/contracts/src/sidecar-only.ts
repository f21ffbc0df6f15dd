// The routes only a sidecar may call (with the app token), filled in for one task: what an attack on the browser's edge
// or on an app's port aims at. The browser's API (routes.ts) forwards none of them.
import { NEXT_OCCURRENCE_ROUTE } from './invocations';
import { jobTriggerPath, reminderJobName } from './jobs';
import { TOPICS, type Topic } from './names';
import { subscriptionRoute } from './subscriptions';

export function sidecarOnlyRoutes(taskId: string): {
  jobTrigger: string;
  nextOccurrence: string;
  subscriptions: Record<Topic, string>;
} {
  return {
    jobTrigger: jobTriggerPath(reminderJobName(taskId)),
    nextOccurrence: NEXT_OCCURRENCE_ROUTE.path,
    subscriptions: Object.fromEntries(
      Object.values(TOPICS).map((topic) => [topic, subscriptionRoute(topic)]),
    ) as Record<Topic, string>,
  };
}
