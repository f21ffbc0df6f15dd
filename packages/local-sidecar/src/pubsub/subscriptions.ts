// Which app instance wants which topic: programmatic (GET /dapr/subscribe) and declarative (Subscription resources).
import type { Logger } from 'pino';
import { type AppInstance, appHeaders, appUrl, instanceKey } from '../app-instance';
import { inScope, type SubscriptionResource } from '../config/resources';
import { compileRule } from './route-rules';

export interface ResolvedSubscription {
  pubsubname: string;
  topic: string;
  rules: { matches: (event: Record<string, unknown>) => boolean; path: string }[];
  defaultRoute?: string;
  deadLetterTopic?: string;
  rawPayload: boolean;
  /** Bulk subscribe: up to this many messages per request (daprd's Kafka default when the app gives none, 80). */
  bulkMaxMessages?: number;
  /** For the metadata API, as daprd reports it. */
  type: 'DECLARATIVE' | 'PROGRAMMATIC';
  metadata?: Record<string, string>;
}

interface ProgrammaticSubscription {
  pubsubname: string;
  topic: string;
  route?: string;
  routes?: { rules?: { match?: string; path: string }[]; default?: string };
  deadLetterTopic?: string;
  metadata?: Record<string, string>;
  bulkSubscribe?: { enabled?: boolean; maxMessagesCount?: number; maxAwaitDurationMs?: number };
}

/** components-contrib's kafka.DefaultMaxBulkSubCount: a bulk subscription that names no count (or 0, or less) gets this many. */
const DEFAULT_BULK_MESSAGES = 80;

const resolve = (
  s: ProgrammaticSubscription,
  type: ResolvedSubscription['type'] = 'PROGRAMMATIC',
): ResolvedSubscription => ({
  pubsubname: s.pubsubname,
  topic: s.topic,
  rules: (s.routes?.rules ?? []).map((rule) => ({
    matches: rule.match ? compileRule(rule.match) : () => true,
    path: rule.path,
  })),
  defaultRoute: s.routes?.default ?? s.route,
  deadLetterTopic: s.deadLetterTopic,
  rawPayload: s.metadata?.rawPayload === 'true',
  ...(s.bulkSubscribe?.enabled
    ? {
        bulkMaxMessages:
          (s.bulkSubscribe.maxMessagesCount ?? 0) > 0
            ? (s.bulkSubscribe.maxMessagesCount as number)
            : DEFAULT_BULK_MESSAGES,
      }
    : {}),
  type,
  ...(s.metadata ? { metadata: s.metadata } : {}),
});

/** The path a message goes to for this subscription, or undefined when no rule matches and there is no default. */
export function routeFor(sub: ResolvedSubscription, event: Record<string, unknown>): string | undefined {
  return sub.rules.find((rule) => rule.matches(event))?.path ?? sub.defaultRoute;
}

export class SubscriptionRegistry {
  private readonly byInstance = new Map<string, { instance: AppInstance; subs: ResolvedSubscription[] }>();

  constructor(
    private readonly declarative: SubscriptionResource[],
    private readonly appToken: string | undefined,
    private readonly logger: Logger,
  ) {}

  private declarativeFor(appId: string): ResolvedSubscription[] {
    return this.declarative
      .filter((s) => inScope(s.scopes, appId))
      .map((s) =>
        resolve(
          {
            pubsubname: s.spec.pubsubname,
            topic: s.spec.topic,
            route: s.spec.route,
            routes: s.spec.routes,
            deadLetterTopic: s.spec.deadLetterTopic,
            bulkSubscribe: s.spec.bulkSubscribe,
          },
          'DECLARATIVE',
        ),
      );
  }

  /** Reads the app's programmatic subscriptions; false while the app does not answer. */
  async refresh(instance: AppInstance): Promise<boolean> {
    if (instance.appPort === undefined) {
      this.byInstance.set(instanceKey(instance), { instance, subs: this.declarativeFor(instance.appId) });
      return true;
    }
    let programmatic: ProgrammaticSubscription[] = [];
    try {
      const response = await fetch(appUrl(instance, '/dapr/subscribe'), {
        headers: appHeaders(this.appToken),
        signal: AbortSignal.timeout(2_000),
      });
      if (response.ok) programmatic = (await response.json()) as ProgrammaticSubscription[];
      else if (response.status !== 404) {
        this.logger.warn({ appId: instance.appId, status: response.status }, 'GET /dapr/subscribe failed');
      }
    } catch {
      return false;
    }
    const subs = [...this.declarativeFor(instance.appId), ...programmatic.map((p) => resolve(p))];
    this.byInstance.set(instanceKey(instance), { instance, subs });
    return true;
  }

  forget(instance: AppInstance): void {
    this.byInstance.delete(instanceKey(instance));
  }

  /** Every (instance, subscription) pair known now. */
  all(): { instance: AppInstance; sub: ResolvedSubscription }[] {
    return [...this.byInstance.values()].flatMap(({ instance, subs }) => subs.map((sub) => ({ instance, sub })));
  }

  of(instance: AppInstance): ResolvedSubscription[] {
    return this.byInstance.get(instanceKey(instance))?.subs ?? [];
  }
}
