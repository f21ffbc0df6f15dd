// Publishing: we build the CloudEvent ourselves so that its id is ours (the outbox id), and consumers can de-duplicate.
import { DaprStatusError } from './errors';
import type { SidecarHttp } from './http';

export interface PublishOptions {
  /** CloudEvent id; consumers de-duplicate on it. */
  id: string;
  /** CloudEvent type; subscription rules route on it. */
  type: string;
  /** CloudEvent source; by convention the publishing app id. */
  source: string;
  /** Extra `metadata.*` query parameters (e.g. `partitionKey` to keep a task's events in order). */
  metadata?: Record<string, string>;
  traceparent?: string;
  timeoutMs?: number;
}

export interface CloudEventEnvelope<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  datacontenttype: 'application/json';
  time: string;
  data: T;
  traceid?: string;
  traceparent?: string;
}

/** One event of a bulk publish: its data and the same options as a single publish (the id is the entry id). */
export interface BulkPublishEntry<T = unknown> {
  data: T;
  options: Omit<PublishOptions, 'timeoutMs'>;
}

/** Entries the sidecar did not publish, by CloudEvent id, with the component's reason; empty when all went. */
export type BulkPublishFailures = Map<string, string>;

function cloudEvent<T>(data: T, options: Omit<PublishOptions, 'timeoutMs'>): CloudEventEnvelope<T> {
  return {
    specversion: '1.0',
    id: options.id,
    source: options.source,
    type: options.type,
    datacontenttype: 'application/json',
    time: new Date().toISOString(),
    data,
    // daprd keeps an app's trace only when the event carries `traceid` too; without it daprd writes its own span
    // into both fields (components-contrib pubsub.FromCloudEvent), and the event leaves the trace of its change
    ...(options.traceparent ? { traceid: options.traceparent, traceparent: options.traceparent } : {}),
  };
}

export class PubSubClient {
  constructor(private readonly http: SidecarHttp) {}

  async publish<T>(pubsub: string, topic: string, data: T, options: PublishOptions): Promise<void> {
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.metadata ?? {})) query[`metadata.${key}`] = value;
    await this.post(pubsub, topic, cloudEvent(data, options), {
      operation: `publish to ${topic}`,
      query,
      timeoutMs: options.timeoutMs,
    });
  }

  /**
   * Publishes an event as it was received (a subscriber moving a message to its dead-letter topic): a CloudEvent
   * keeps its id, type, source, data and trace; anything else goes as JSON.
   */
  async forward(pubsub: string, topic: string, event: unknown, timeoutMs?: number): Promise<void> {
    await this.post(pubsub, topic, event, { operation: `forward to ${topic}`, timeoutMs });
  }

  /** One event to Dapr's publish API: a CloudEvent (it has `specversion`) as one, anything else as JSON. */
  private async post(
    pubsub: string,
    topic: string,
    event: unknown,
    options: { operation: string; query?: Record<string, string>; timeoutMs?: number },
  ): Promise<void> {
    const isCloudEvent = typeof event === 'object' && event !== null && 'specversion' in event;
    await this.http.send({
      context: { block: 'pubsub', target: pubsub, operation: options.operation },
      method: 'POST',
      path: `/v1.0/publish/${encodeURIComponent(pubsub)}/${encodeURIComponent(topic)}`,
      query: options.query,
      body: event,
      contentType: isCloudEvent ? 'application/cloudevents+json' : 'application/json',
      timeoutMs: options.timeoutMs,
      accept: [200, 204],
    });
  }

  /**
   * Publishes many events to one topic in one request (Dapr's bulk publish API; Kafka sends them as one batch).
   * Answers the entries that failed when the component reports a partial failure; throws when the request as a whole
   * failed (no such pubsub, not allowed, sidecar unreachable), in which case none may be assumed published.
   */
  async publishBulk(
    pubsub: string,
    topic: string,
    entries: BulkPublishEntry[],
    timeoutMs?: number,
  ): Promise<BulkPublishFailures> {
    if (!entries.length) return new Map();
    const body = entries.map(({ data, options }) => ({
      entryId: options.id,
      event: cloudEvent(data, options),
      contentType: 'application/cloudevents+json',
      ...(options.metadata ? { metadata: options.metadata } : {}),
    }));
    try {
      await this.http.send({
        context: { block: 'pubsub', target: pubsub, operation: `bulk publish to ${topic}` },
        method: 'POST',
        // v1.0-alpha1: served by every daprd since 1.10 (1.18 also serves it under v1.0)
        path: `/v1.0-alpha1/publish/bulk/${encodeURIComponent(pubsub)}/${encodeURIComponent(topic)}`,
        body,
        contentType: 'application/json',
        timeoutMs,
        accept: [200, 204],
      });
      return new Map();
    } catch (error) {
      const failed = error instanceof DaprStatusError ? failedEntries(error.body) : undefined;
      if (!failed) throw error;
      return failed;
    }
  }
}

/** daprd's 500 body on a partial failure: `{ failedEntries: [{ entryId, error }], errorCode }`. */
function failedEntries(body: string): BulkPublishFailures | undefined {
  try {
    const parsed = JSON.parse(body) as { failedEntries?: { entryId?: string; error?: string }[] };
    if (!Array.isArray(parsed.failedEntries) || !parsed.failedEntries.length) return undefined;
    return new Map(parsed.failedEntries.map((e) => [String(e.entryId), e.error ?? 'not published']));
  } catch {
    return undefined;
  }
}
