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

export function createSubscriberApp(options: {
  subscriptions: Subscription<unknown>[];
  logger: Logger;
  appToken?: string;
  /** Told what each delivery came to and how long it took (metrics). */
  observe?: (topic: string, status: DeliveryStatus, seconds: number) => void;
  /** Runs the handling of one message within its trace (the CloudEvent's traceparent). */
  inTrace?: <T>(traceparent: string | undefined, work: () => Promise<T>) => Promise<T>;
}): Hono {
  const app = new Hono();
  const guard = sidecarOnly(options.appToken);

  app.get('/dapr/subscribe', guard, (c) =>
    c.json(
      options.subscriptions.map((s) => ({
        pubsubname: s.pubsubname,
        topic: s.topic,
        route: s.route,
        ...(s.deadLetterTopic ? { deadLetterTopic: s.deadLetterTopic } : {}),
      })),
    ),
  );

  for (const sub of options.subscriptions) {
    app.post(sub.route, guard, async (c) => {
      const started = performance.now();
      const reply = (status: DeliveryStatus) => {
        options.observe?.(sub.topic, status, (performance.now() - started) / 1000);
        return c.json({ status });
      };
      // made when there is something to say: a child logger per delivery (its bindings, the redaction) is not free
      const log = () => options.logger.child({ topic: sub.topic, pubsub: sub.pubsubname });
      let envelope: Envelope;
      try {
        envelope = JSON.parse(await c.req.text()) as Envelope;
      } catch {
        log().warn('dropping a message whose body is not JSON');
        return reply('DROP');
      }
      const isCloudEvent = typeof envelope === 'object' && envelope !== null && 'specversion' in envelope;
      const event: DeliveredEvent = {
        id: (isCloudEvent && envelope.id) || c.req.header('ce-id') || '',
        type: (isCloudEvent && envelope.type) || '',
        source: (isCloudEvent && envelope.source) || '',
        topic: sub.topic,
        pubsubname: sub.pubsubname,
        time: isCloudEvent ? envelope.time : undefined,
        traceparent: (isCloudEvent && envelope.traceparent) || c.req.header('traceparent'),
      };
      let raw: unknown;
      try {
        raw = isCloudEvent ? decodeData(envelope) : envelope;
      } catch {
        log().warn({ eventId: event.id }, 'dropping a message whose data is not JSON');
        return reply('DROP');
      }
      const parsed = sub.schema.safeParse(raw);
      if (!parsed.success) {
        log().warn(
          { eventId: event.id, issues: fieldIssues(parsed.error) },
          'dropping a message that fails its schema',
        );
        return reply('DROP');
      }
      try {
        const run = () => sub.handle(parsed.data, event);
        await (options.inTrace ? options.inTrace(event.traceparent, run) : run());
        return reply('SUCCESS');
      } catch (error) {
        if (error instanceof DropEvent) {
          log().warn({ eventId: event.id, reason: error.message }, 'dropping a message its handler refused');
          return reply('DROP');
        }
        log().warn({ eventId: event.id, err: error }, 'handler failed; asking for redelivery');
        return reply('RETRY');
      }
    });
  }
  return app;
}
