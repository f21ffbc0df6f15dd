// Delivers each message once per consumer group, to one instance of the group, with Dapr's SUCCESS/RETRY/DROP rules.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { request } from 'undici';
import { type AppInstance, appHeaders, appUrl, instanceKey, isConnectionRefused } from '../app-instance';
import { backoffMs, type ResiliencyPolicies, type RetryPolicy, retriesLeft } from '../resiliency';
import type { Broker, ClaimedDelivery } from './broker';
import { type ResolvedSubscription, routeFor, type SubscriptionRegistry } from './subscriptions';

export interface PubSubComponent {
  name: string;
  scopes?: string[];
  /** Kafka semantics: one delivery per consumer group; `{appID}` gives each app id its own group. */
  consumerGroup(appId: string): string;
  initialOffset: 'oldest' | 'newest';
}

/** Used when no Resiliency resource targets the component's inbound side. */
export const DEFAULT_INBOUND_RETRY: RetryPolicy = {
  policy: 'exponential',
  durationMs: 500,
  maxIntervalMs: 10_000,
  maxRetries: 10,
  retriesStatus: () => true,
};

interface Member {
  instance: AppInstance;
  sub: ResolvedSubscription;
}

interface Group {
  pubsub: string;
  topic: string;
  name: string;
  members: Member[];
  next: number;
  busy: boolean;
}

type Outcome =
  | { kind: 'delivered' }
  /** `deadLetter: false`: dropped without going to the dead-letter topic (daprd's bulk answer to a 404) */
  | { kind: 'drop'; reason: string; deadLetter?: false }
  | { kind: 'retry'; reason: string }
  | { kind: 'app-down' };

/** Deliveries claimed at a time per group; their partition keys are delivered side by side. */
const BATCH = 16;
const LEASE_MS = 60_000;
const DELIVERY_TIMEOUT_MS = 30_000;
/** contribpubsub.DefaultBulkEventType: the type of daprd's bulk envelope. */
const BULK_EVENT_TYPE = 'com.dapr.event.sent.bulk';
const NO_ROUTE = 'no route matched the event and the subscription has no default route';

/**
 * A bulk entry's `event` as daprd sends it from Kafka: a raw-payload subscription gets the message's bytes in base64;
 * any other gets the message parsed as JSON (the CloudEvent, or a raw-published body as it is), and a message that is
 * not JSON is an error of that entry (undefined here), dead-lettered.
 */
function bulkEvent(delivery: ClaimedDelivery, rawPayload: boolean): unknown {
  const text = typeof delivery.body === 'string' ? delivery.body : JSON.stringify(delivery.body);
  if (rawPayload) return Buffer.from(text).toString('base64');
  if (typeof delivery.body !== 'string') return delivery.body;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export class Dispatcher {
  private readonly groups = new Map<string, Group>();
  private readonly ensured = new Set<string>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly broker: Broker,
    private readonly registry: SubscriptionRegistry,
    private readonly components: Map<string, PubSubComponent>,
    private readonly resiliency: ResiliencyPolicies,
    private readonly appToken: string | undefined,
    private readonly logger: Logger,
  ) {
    broker.onPublish(() => this.tick());
  }

  start(intervalMs = 200): void {
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Rebuilds the groups from the registry and registers new groups with the broker. */
  async sync(): Promise<void> {
    const seen = new Set<string>();
    for (const { instance, sub } of this.registry.all()) {
      const component = this.components.get(sub.pubsubname);
      if (!component) {
        this.logger.warn(
          { appId: instance.appId, pubsub: sub.pubsubname },
          'subscription names an unknown pubsub component',
        );
        continue;
      }
      const name = component.consumerGroup(instance.appId);
      const key = `${sub.pubsubname}/${sub.topic}/${name}`;
      if (!this.ensured.has(key)) {
        await this.broker.ensureGroup(sub.pubsubname, sub.topic, name, component.initialOffset);
        this.ensured.add(key);
      }
      let group = this.groups.get(key);
      if (!group) {
        group = { pubsub: sub.pubsubname, topic: sub.topic, name, members: [], next: 0, busy: false };
        this.groups.set(key, group);
      }
      if (!seen.has(key)) {
        group.members = [];
        seen.add(key);
      }
      group.members.push({ instance, sub });
    }
    for (const [key, group] of this.groups) if (!seen.has(key)) group.members = [];
    this.tick();
  }

  private tick(): void {
    if (this.stopped) return;
    for (const group of this.groups.values()) {
      if (group.busy || group.members.length === 0) continue;
      group.busy = true;
      this.drain(group)
        .catch((error) =>
          this.logger.error({ err: error, topic: group.topic, group: group.name }, 'delivery loop failed'),
        )
        .finally(() => {
          group.busy = false;
        });
    }
  }

  private async drain(group: Group): Promise<void> {
    for (;;) {
      if (this.stopped || group.members.length === 0) return;
      // the member next in turn decides how to deliver (a bulk subscription takes a request of up to its count), and
      // takes the batch if bulk, whatever sync() does to the group meanwhile
      const member = this.pick(group);
      const bulk = member.sub.bulkMaxMessages;
      const batch = await this.broker.claim(group.pubsub, group.topic, group.name, bulk ?? BATCH, LEASE_MS);
      if (batch.length === 0) return;
      // what the apps took is marked in one statement once the batch is done (a crash before it redelivers them, as
      // Kafka does a batch whose offsets were not committed); refusals and retries are settled one by one
      const delivered: string[] = [];
      if (bulk) await this.deliverBulk(group, member, batch, delivered);
      else {
        // as Kafka partitions do: one partition key's messages in order, different keys side by side
        const lanes = new Map<string, ClaimedDelivery[]>();
        for (const delivery of batch) {
          const key = delivery.partitionKey ?? delivery.messageId;
          lanes.set(key, [...(lanes.get(key) ?? []), delivery]);
        }
        await Promise.all(
          [...lanes.values()].map(async (lane) => {
            for (const delivery of lane) if (await this.deliverOne(group, delivery)) delivered.push(delivery.messageId);
          }),
        );
      }
      if (delivered.length) await this.broker.settle(delivered, group.name, 'delivered');
    }
  }

  /**
   * Bulk subscribe, as daprd's bulkSubscribeTopic does it: the claimed messages in claim order (so one key's messages in
   * order) in one request per route, a status per message; a message without a route or answered DROP goes to the
   * dead-letter topic, one answered RETRY (or not answered) is retried on its own by the inbound policy.
   */
  private async deliverBulk(
    group: Group,
    member: Member,
    batch: ClaimedDelivery[],
    delivered: string[],
  ): Promise<void> {
    const outcomes = new Map<ClaimedDelivery, Outcome>();
    const byRoute = new Map<string, { entryId: string; delivery: ClaimedDelivery; event: unknown }[]>();
    batch.forEach((delivery, index) => {
      const event = bulkEvent(delivery, member.sub.rawPayload);
      if (event === undefined) {
        outcomes.set(delivery, { kind: 'drop', reason: 'the message is not JSON, so it cannot be an event' });
        return;
      }
      const route = routeFor(member.sub, (delivery.body ?? {}) as Record<string, unknown>);
      if (!route) {
        outcomes.set(delivery, { kind: 'drop', reason: NO_ROUTE });
        return;
      }
      byRoute.set(route, [...(byRoute.get(route) ?? []), { entryId: String(index), delivery, event }]);
    });
    for (const [route, entries] of byRoute) {
      const answered = await this.postBulk(member, group, route, entries);
      entries.forEach((entry, i) => {
        outcomes.set(entry.delivery, answered[i] as Outcome);
      });
    }
    for (const delivery of batch) {
      if (await this.settleOutcome(group, member, delivery, outcomes.get(delivery) as Outcome)) {
        delivered.push(delivery.messageId);
      }
    }
  }

  private pick(group: Group): Member {
    const member = group.members[group.next % group.members.length] as Member;
    group.next += 1;
    return member;
  }

  /** Delivers one message; true when the app took it (the caller marks it delivered), else settled here. */
  private async deliverOne(group: Group, delivery: ClaimedDelivery): Promise<boolean> {
    const member = this.pick(group);
    return this.settleOutcome(group, member, delivery, await this.post(member, delivery));
  }

  /** True when the app took the message (the caller marks it delivered); else it is settled or rescheduled here. */
  private async settleOutcome(
    group: Group,
    member: Member,
    delivery: ClaimedDelivery,
    outcome: Outcome,
  ): Promise<boolean> {
    const log = () =>
      this.logger.child({ appId: member.instance.appId, topic: group.topic, messageId: delivery.messageId });
    switch (outcome.kind) {
      case 'delivered':
        return true;
      case 'app-down':
        await this.broker.retryLater(delivery.messageId, group.name, 1_000, 'app not reachable', false);
        return false;
      case 'drop':
        log().warn({ reason: outcome.reason }, 'message dropped');
        if (outcome.deadLetter === false)
          await this.broker.settle([delivery.messageId], group.name, 'dropped', outcome.reason);
        else await this.deadLetter(group, member.sub, delivery, 'dropped', outcome.reason);
        return false;
      case 'retry': {
        const retry =
          this.resiliency.forComponentInbound(member.instance.appId, group.pubsub).retry ?? DEFAULT_INBOUND_RETRY;
        const attempts = delivery.attempts + 1;
        if (retriesLeft(retry, attempts)) {
          await this.broker.retryLater(
            delivery.messageId,
            group.name,
            backoffMs(retry, attempts),
            outcome.reason,
            true,
          );
          return false;
        }
        log().warn({ reason: outcome.reason, attempts }, 'retries exhausted');
        await this.deadLetter(group, member.sub, delivery, 'dead', outcome.reason);
        return false;
      }
    }
  }

  private async deadLetter(
    group: Group,
    sub: ResolvedSubscription,
    delivery: ClaimedDelivery,
    status: 'dropped' | 'dead',
    reason: string,
  ) {
    if (sub.deadLetterTopic) {
      await this.broker.publish(group.pubsub, sub.deadLetterTopic, {
        contentType: delivery.contentType,
        body: delivery.body,
      });
    }
    await this.broker.settle([delivery.messageId], group.name, status, reason);
  }

  private async post(member: Member, delivery: ClaimedDelivery): Promise<Outcome> {
    const event = (delivery.body ?? {}) as Record<string, unknown>;
    const route = routeFor(member.sub, event);
    if (!route) return { kind: 'drop', reason: NO_ROUTE };
    const isCloudEvent = delivery.contentType === 'application/cloudevents+json' && !member.sub.rawPayload;
    const body = typeof delivery.body === 'string' ? delivery.body : JSON.stringify(delivery.body);
    const headers: Record<string, string> = {
      'content-type': isCloudEvent ? 'application/cloudevents+json' : delivery.contentType,
      ...appHeaders(this.appToken),
    };
    if (typeof event.traceparent === 'string') headers.traceparent = event.traceparent;
    const answer = await this.send(member, route, headers, body);
    if ('kind' in answer) return answer;
    const { statusCode, text } = answer;
    if (statusCode === 404) return { kind: 'drop', reason: `route ${route} answered 404` };
    if (statusCode < 200 || statusCode >= 300) return { kind: 'retry', reason: `HTTP ${statusCode}` };
    let status: unknown;
    try {
      status = text ? (JSON.parse(text) as { status?: unknown }).status : undefined;
    } catch {
      status = undefined; // a 2xx with a body that is not JSON counts as SUCCESS
    }
    if (status === undefined || status === null || status === '' || status === 'SUCCESS') return { kind: 'delivered' };
    if (status === 'DROP') return { kind: 'drop', reason: 'the app answered DROP' };
    return { kind: 'retry', reason: `the app answered ${String(status)}` };
  }

  /**
   * One bulk request (daprd's `com.dapr.event.sent.bulk` envelope) and what it came to for each entry, in order: a
   * transport error or a status other than 2xx counts for every entry (404 drops them all, past the dead-letter topic,
   * as daprd does); a 2xx
   * answers per entry with `statuses`, and an entry it leaves out or answers RETRY (or anything unknown) is retried.
   */
  private async postBulk(
    member: Member,
    group: Group,
    route: string,
    entries: { entryId: string; delivery: ClaimedDelivery; event: unknown }[],
  ): Promise<Outcome[]> {
    const all = (outcome: Outcome) => entries.map(() => outcome);
    const body = JSON.stringify({
      id: randomUUID(),
      type: BULK_EVENT_TYPE,
      topic: group.topic,
      pubsubname: group.pubsub,
      metadata: { pubsubName: group.pubsub },
      entries: entries.map(({ entryId, event }) => ({
        entryId,
        event,
        metadata: {},
        contentType: member.sub.rawPayload ? 'application/octet-stream' : 'application/cloudevents+json',
      })),
    });
    const headers: Record<string, string> = { 'content-type': 'application/json', ...appHeaders(this.appToken) };
    // daprd starts a span per entry and sends the request within the last one's: its trace is the request's
    const traced = entries.findLast(
      ({ event }) => typeof (event as { traceparent?: unknown })?.traceparent === 'string',
    );
    if (traced) headers.traceparent = (traced.event as { traceparent: string }).traceparent;
    const answer = await this.send(member, route, headers, body);
    if ('kind' in answer) return all(answer);
    const { statusCode, text } = answer;
    // daprd drops a bulk request answered 404 without dead-lettering it (postman/http DeliverBulk), unlike a single one
    if (statusCode === 404) return all({ kind: 'drop', reason: `route ${route} answered 404`, deadLetter: false });
    if (statusCode < 200 || statusCode >= 300) return all({ kind: 'retry', reason: `HTTP ${statusCode}` });
    let statuses: Map<string, unknown>;
    try {
      const answer = JSON.parse(text) as { statuses?: { entryId?: unknown; status?: unknown }[] };
      statuses = new Map((answer.statuses ?? []).map((s) => [String(s.entryId), s.status]));
    } catch {
      return all({ kind: 'retry', reason: 'the app answered a bulk delivery with a body that is not JSON' });
    }
    return entries.map(({ entryId }): Outcome => {
      const status = statuses.get(entryId);
      if (status === 'SUCCESS') return { kind: 'delivered' };
      if (status === 'DROP') return { kind: 'drop', reason: 'the app answered DROP' };
      if (status === undefined) return { kind: 'retry', reason: `the app gave no status for entry ${entryId}` };
      return { kind: 'retry', reason: `the app answered ${String(status) || 'an empty status'}` };
    });
  }

  /**
   * POSTs a delivery to the app within the inbound timeout: its status and body, or what an attempt that got no answer
   * comes to. undici's request rather than fetch: a delivery is the stand-in's most frequent call, and fetch (its
   * streams, its abort signals) was about a fifth of the stand-in's CPU in a create run.
   */
  private async send(
    member: Member,
    route: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ statusCode: number; text: string } | Outcome> {
    const timeout =
      this.resiliency.forComponentInbound(member.instance.appId, member.sub.pubsubname).timeoutMs ??
      DELIVERY_TIMEOUT_MS;
    try {
      const response = await request(appUrl(member.instance, route), {
        method: 'POST',
        headers,
        body,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      return { statusCode: response.statusCode, text: await response.body.text().catch(() => '') };
    } catch (error) {
      if (isConnectionRefused(error)) return { kind: 'app-down' };
      return { kind: 'retry', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Instances known per group, for the metadata API. */
  describe(): { pubsub: string; topic: string; group: string; members: string[] }[] {
    return [...this.groups.values()].map((g) => ({
      pubsub: g.pubsub,
      topic: g.topic,
      group: g.name,
      members: g.members.map((m) => instanceKey(m.instance)),
    }));
  }
}
