// What daprd does to a published body: wrap it as a CloudEvent 1.0, or complete a CloudEvent the app built.
import { randomUUID } from 'node:crypto';

export interface StoredMessage {
  contentType: string;
  /** The CloudEvent (or, for raw payloads, the payload itself). */
  body: unknown;
}

const isJson = (contentType: string) => /^application\/(.+\+)?json/i.test(contentType);

/** JSON data as its value; a body that does not parse goes as a string, as daprd sends it. */
const dataOf = (contentType: string, rawBody: string): unknown => {
  if (!isJson(contentType)) return rawBody;
  try {
    return JSON.parse(rawBody);
  } catch {
    return rawBody;
  }
};

/** RFC 3339 in whole seconds, as daprd writes `time`. */
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Thrown for an application/cloudevents+json body that is not a JSON object. */
export class NotACloudEvent extends Error {}

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
    return { contentType, body: dataOf(contentType, rawBody) };
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
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(rawBody);
    } catch {
      throw new NotACloudEvent('cannot create cloudevent');
    }
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      throw new NotACloudEvent('cannot create cloudevent');
    }
    // daprd fills only these; an event without id or datacontenttype goes without them
    return {
      contentType: 'application/cloudevents+json',
      body: {
        specversion: '1.0',
        source: 'Dapr',
        type: 'com.dapr.event.sent',
        time: now(),
        ...event,
        // components-contrib FromCloudEvent: an event that carries `traceid` keeps its trace fields; one without gets
        // the publish request's trace in both
        ...routing,
        ...('traceid' in event ? { traceid: event.traceid, traceparent: event.traceparent } : {}),
        ...('tracestate' in event ? { tracestate: event.tracestate } : {}),
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
      time: now(),
      data: dataOf(contentType, rawBody),
      ...routing,
    },
  };
}
