// What daprd does to a published body: wrap it as a CloudEvent 1.0, or complete a CloudEvent the app built.
import { randomUUID } from 'node:crypto';

export interface StoredMessage {
  contentType: string;
  /** The CloudEvent (or, for raw payloads, the payload itself). */
  body: unknown;
}

const isJson = (contentType: string) => /^application\/(.+\+)?json/i.test(contentType);

export function envelope(options: {
  appId: string;
  pubsub: string;
  topic: string;
  contentType: string;
  rawBody: string;
  rawPayload: boolean;
  traceparent?: string;
}): StoredMessage {
  const { contentType, rawBody } = options;
  if (options.rawPayload) {
    return { contentType, body: isJson(contentType) ? JSON.parse(rawBody) : rawBody };
  }
  const traceparent =
    options.traceparent ?? `00-${randomUUID().replace(/-/g, '')}-${randomUUID().replace(/-/g, '').slice(0, 16)}-01`;
  const routing = {
    pubsubname: options.pubsub,
    topic: options.topic,
    traceid: traceparent,
    traceparent,
    tracestate: '',
  };
  if (/^application\/cloudevents\+json/i.test(contentType)) {
    const event = JSON.parse(rawBody) as Record<string, unknown>;
    return {
      contentType: 'application/cloudevents+json',
      body: {
        specversion: '1.0',
        id: randomUUID(),
        source: options.appId,
        type: 'com.dapr.event.sent',
        datacontenttype: 'application/json',
        time: new Date().toISOString(),
        ...event,
        ...routing,
        ...(typeof event.traceparent === 'string'
          ? { traceid: event.traceparent, traceparent: event.traceparent }
          : {}),
      },
    };
  }
  return {
    contentType: 'application/cloudevents+json',
    body: {
      specversion: '1.0',
      id: randomUUID(),
      source: options.appId,
      type: 'com.dapr.event.sent',
      datacontenttype: contentType,
      time: new Date().toISOString(),
      data: isJson(contentType) ? JSON.parse(rawBody) : rawBody,
      ...routing,
    },
  };
}
