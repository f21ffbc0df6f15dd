// The subscriber side of pub/sub: GET /dapr/subscribe from a typed declaration, and handlers mapped to SUCCESS/RETRY/DROP.
import { fieldIssues } from '@todo/contracts';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { sidecarOnly } from './app-token';

/** What the handler knows about the message besides its data. */
export interface DeliveredEvent {
  id: string;
  type: string;
  source: string;
  topic: string;
  pubsubname: string;
  time?: string;
  traceparent?: string;
}

export interface Subscription<T> {
  pubsubname: string;
  topic: string;
  /** Path Dapr posts the messages to. */
  route: string;
  deadLetterTopic?: string;
  schema: z.ZodType<T>;
  /** Return to acknowledge; throw DropEvent to drop; throw anything else to have it redelivered. */
  handle(data: T, event: DeliveredEvent): Promise<void>;
  /**
   * Dapr's bulk subscribe: the sidecar posts up to `maxMessagesCount` messages in one request (daprd's Kafka consumer
   * waits up to `maxAwaitDurationMs` to fill it) and takes a status per message. Without it, one request per message.
   */
  bulk?: BulkOptions<T>;
}

export interface BulkOptions<T> {
  maxMessagesCount: number;
  maxAwaitDurationMs: number;
  /**
   * Handles a request's readable messages together (one statement for all, say), all or nothing: when it throws it
   * must have changed nothing, and each message is then handled on its own by `handle`, so a failure costs only the
   * message that caused it.
   */
  handleMany?(items: { data: T; event: DeliveredEvent }[]): Promise<void>;
  /**
   * Without `handleMany`: a request's messages are handled side by side, each answered for itself, rather than one
   * after another. For a handler whose messages need no order among themselves (and whose waits would add up).
   */
  sideBySide?: boolean;
}

/** Thrown by a handler for a message that can never succeed: Dapr drops it (to the dead-letter topic). */
export class DropEvent extends Error {}

export type DeliveryStatus = 'SUCCESS' | 'RETRY' | 'DROP';

/** Keeps each subscription's data type while collecting them in one list. */
export const subscription = <T>(s: Subscription<T>): Subscription<unknown> => s as Subscription<unknown>;

interface Envelope {
  specversion?: string;
  id?: string;
  type?: string;
  source?: string;
  topic?: string;
  pubsubname?: string;
  time?: string;
  traceparent?: string;
  data?: unknown;
  data_base64?: string;
}

const decodeData = (envelope: Envelope): unknown => {
  if (envelope.data_base64 !== undefined) {
    const text = Buffer.from(envelope.data_base64, 'base64').toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return typeof envelope.data === 'string' && envelope.data.startsWith('{') ? JSON.parse(envelope.data) : envelope.data;
};

/** One message as Dapr posts it: a CloudEvent, or the publisher's own body for a raw payload. */
type Decoded<T> = { ok: true; data: T; event: DeliveredEvent } | { ok: false; eventId: string; reason: string };

function decode<T>(sub: Subscription<T>, body: unknown, header: (name: string) => string | undefined): Decoded<T> {
  const envelope = body as Envelope;
  const isCloudEvent = typeof envelope === 'object' && envelope !== null && 'specversion' in envelope;
  const event: DeliveredEvent = {
    id: (isCloudEvent && envelope.id) || header('ce-id') || '',
    type: (isCloudEvent && envelope.type) || '',
    source: (isCloudEvent && envelope.source) || '',
    topic: sub.topic,
    pubsubname: sub.pubsubname,
    time: isCloudEvent ? envelope.time : undefined,
    traceparent: (isCloudEvent && envelope.traceparent) || header('traceparent'),
  };
  let raw: unknown;
  try {
    raw = isCloudEvent ? decodeData(envelope) : envelope;
  } catch {
    return { ok: false, eventId: event.id, reason: 'its data is not JSON' };
  }
  const parsed = sub.schema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      eventId: event.id,
      reason: `it fails its schema: ${JSON.stringify(fieldIssues(parsed.error))}`,
    };
  }
  return { ok: true, data: parsed.data, event };
}

/** What daprd posts to a bulk subscription's route (`com.dapr.event.sent.bulk`). */
interface BulkEnvelope {
  entries: ({ entryId?: unknown; event?: unknown; contentType?: unknown } | null)[];
}

/** contribpubsub.DefaultBulkEventType: the type daprd gives every bulk request. */
const BULK_EVENT_TYPE = 'com.dapr.event.sent.bulk';

const isBulkEnvelope = (body: unknown): body is BulkEnvelope =>
  typeof body === 'object' &&
  body !== null &&
  (body as { type?: unknown }).type === BULK_EVENT_TYPE &&
  Array.isArray((body as { entries?: unknown }).entries);

/** A raw-payload entry arrives base64-encoded (daprd's bulk envelope); a CloudEvent entry as the event itself. */
const entryBody = (entry: BulkEnvelope['entries'][number]): unknown => {
  if (typeof entry !== 'object' || entry === null) throw new Error('not an entry');
  if (typeof entry.event !== 'string') return entry.event;
  const text = Buffer.from(entry.event, 'base64').toString('utf8');
  return JSON.parse(text);
};

export interface SubscriberOptions {
  subscriptions: Subscription<unknown>[];
  logger: Logger;
  appToken?: string;
  /** Told what each delivery came to and how long it took (metrics). */
  observe?: (topic: string, status: DeliveryStatus, seconds: number) => void;
  /** Runs the handling of one message within its trace (the CloudEvent's traceparent). */
  inTrace?: <T>(traceparent: string | undefined, work: () => Promise<T>) => Promise<T>;
  /**
   * Publishes a message as received to a topic (the app's Dapr client: `dapr.pubsub.forward`). With it, a bulk
   * request's message that is dropped is moved to its subscription's dead-letter topic by the app, and answered
   * SUCCESS, instead of answered DROP; see `settleDrops`.
   */
  deadLetter?: (pubsubname: string, topic: string, event: unknown) => Promise<void>;
}

export function createSubscriberApp(options: SubscriberOptions): Hono {
  const app = new Hono();
  const guard = sidecarOnly(options.appToken);

  app.get('/dapr/subscribe', guard, (c) =>
    c.json(
      options.subscriptions.map((s) => ({
        pubsubname: s.pubsubname,
        topic: s.topic,
        route: s.route,
        ...(s.deadLetterTopic ? { deadLetterTopic: s.deadLetterTopic } : {}),
        ...(s.bulk
          ? {
              bulkSubscribe: {
                enabled: true,
                maxMessagesCount: s.bulk.maxMessagesCount,
                maxAwaitDurationMs: s.bulk.maxAwaitDurationMs,
              },
            }
          : {}),
      })),
    ),
  );

  for (const sub of options.subscriptions) {
    // made when there is something to say: a child logger per delivery (its bindings, the redaction) is not free
    const log = () => options.logger.child({ topic: sub.topic, pubsub: sub.pubsubname });
    const refused = (decoded: { eventId: string; reason: string }): DeliveryStatus => {
      log().warn({ eventId: decoded.eventId, reason: decoded.reason }, 'dropping a message that cannot be read');
      return 'DROP';
    };
    /** Handles one message: the status Dapr is told. */
    const handleOne = async (data: unknown, event: DeliveredEvent): Promise<DeliveryStatus> => {
      try {
        const run = () => sub.handle(data, event);
        await (options.inTrace ? options.inTrace(event.traceparent, run) : run());
        return 'SUCCESS';
      } catch (error) {
        if (error instanceof DropEvent) {
          log().warn({ eventId: event.id, reason: error.message }, 'dropping a message its handler refused');
          return 'DROP';
        }
        log().warn({ eventId: event.id, err: error }, 'handler failed; asking for redelivery');
        return 'RETRY';
      }
    };
    /** Handles the readable messages of a bulk request: together when the subscription can, else one by one. */
    const handleAll = async (items: { data: unknown; event: DeliveredEvent }[]): Promise<DeliveryStatus[]> => {
      const together = sub.bulk?.handleMany;
      if (together && items.length > 1) {
        try {
          // a request's messages have a trace each, the statement storing them none of its own
          await together(items);
          return items.map(() => 'SUCCESS');
        } catch (error) {
          log().warn({ err: error, messages: items.length }, 'handling the messages together failed; one by one');
        }
      }
      if (sub.bulk?.sideBySide) return Promise.all(items.map((item) => handleOne(item.data, item.event)));
      const statuses: DeliveryStatus[] = [];
      for (const item of items) statuses.push(await handleOne(item.data, item.event));
      return statuses;
    };

    /**
     * A bulk request's dropped messages, moved to the dead-letter topic by the app: the indexes moved (answered
     * SUCCESS); one that could not be moved is answered RETRY. daprd 1.18.2 cannot be told DROP safely in a bulk
     * request that is a retry: it looks the entry up by its index in the first request among the entries still
     * failing (postman/http DeliverBulk), so it dead-letters another message than the one dropped, which is then
     * lost, or, past the end of that shorter list, panics and exits (index out of range). A consumer that answered
     * RETRY for a message (its backend away) and then DROP (its backend refused it) is exactly that case. Without a
     * dead-letter topic daprd looks nothing up, and without `deadLetter` the answer stays DROP.
     */
    const settleDrops = async (
      statuses: Map<number, DeliveryStatus>,
      received: Map<number, unknown>,
    ): Promise<Set<number>> => {
      const moved = new Set<number>();
      const { deadLetter } = options;
      const topic = sub.deadLetterTopic;
      if (!deadLetter || !topic) return moved;
      const dropped = [...statuses].filter(([index, status]) => status === 'DROP' && received.get(index) != null);
      await Promise.all(
        dropped.map(async ([index]) => {
          try {
            await deadLetter(sub.pubsubname, topic, received.get(index));
            moved.add(index);
          } catch (error) {
            log().warn({ err: error, deadLetterTopic: topic }, 'moving a dropped message to the dead letters failed');
            statuses.set(index, 'RETRY');
          }
        }),
      );
      return moved;
    };

    app.post(sub.route, guard, async (c) => {
      const started = performance.now();
      const observe = (status: DeliveryStatus) =>
        options.observe?.(sub.topic, status, (performance.now() - started) / 1000);
      let body: unknown;
      try {
        body = JSON.parse(await c.req.text());
      } catch {
        log().warn('dropping a message whose body is not JSON');
        observe('DROP');
        return c.json({ status: 'DROP' });
      }
      if (sub.bulk && isBulkEnvelope(body)) {
        const statuses = new Map<number, DeliveryStatus>();
        const readable: { index: number; data: unknown; event: DeliveredEvent }[] = [];
        const received = new Map<number, unknown>();
        body.entries.forEach((entry, index) => {
          let decoded: Decoded<unknown>;
          try {
            const message = entryBody(entry);
            received.set(index, message);
            decoded = decode(sub, message, () => undefined);
          } catch {
            decoded = {
              ok: false,
              eventId: String(entry?.entryId),
              reason: 'it is not an entry, or its data is not JSON',
            };
          }
          if (decoded.ok) readable.push({ index, data: decoded.data, event: decoded.event });
          else statuses.set(index, refused(decoded));
        });
        const handled = await handleAll(readable);
        // one request carries many traces: each message leaves a line in its own, as a single delivery's request does
        for (const [i, item] of readable.entries()) {
          const status = handled[i] ?? 'RETRY';
          statuses.set(item.index, status);
          const note = async () =>
            options.logger.info({ topic: sub.topic, route: sub.route, event_id: item.event.id, status }, 'delivery');
          await (options.inTrace ? options.inTrace(item.event.traceparent, note) : note());
        }
        const moved = await settleDrops(statuses, received);
        const answer = body.entries.map((entry, index) => {
          const status = statuses.get(index) ?? 'RETRY';
          observe(moved.has(index) ? 'DROP' : status);
          return { entryId: String(entry?.entryId), status: moved.has(index) ? 'SUCCESS' : status };
        });
        return c.json({ statuses: answer });
      }
      const decoded = decode(sub, body, (name) => c.req.header(name));
      const status = decoded.ok ? await handleOne(decoded.data, decoded.event) : refused(decoded);
      observe(status);
      return c.json({ status });
    });
  }
  return app;
}
