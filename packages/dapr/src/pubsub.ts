// Publishing: we build the CloudEvent ourselves so that its id is ours (the outbox id), and consumers can de-duplicate.
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

export class PubSubClient {
  constructor(private readonly http: SidecarHttp) {}

  async publish<T>(pubsub: string, topic: string, data: T, options: PublishOptions): Promise<void> {
    const event: CloudEventEnvelope<T> = {
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
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.metadata ?? {})) query[`metadata.${key}`] = value;
    await this.http.send({
      context: { block: 'pubsub', target: pubsub, operation: `publish to ${topic}` },
      method: 'POST',
      path: `/v1.0/publish/${encodeURIComponent(pubsub)}/${encodeURIComponent(topic)}`,
      query,
      body: event,
      contentType: 'application/cloudevents+json',
      timeoutMs: options.timeoutMs,
      accept: [200, 204],
    });
  }
}
