// Our subscriber (@todo/dapr) on both runtimes, in bulk, with an inbound retry policy: a message answered RETRY and
// then refused on the retry ends in the dead letters, it and no other, and the sidecar lives on. daprd 1.18.2 told
// DROP there dead-letters another message of the request (the one dropped is lost) or panics with an index out of
// range; our subscriber moves the message to the dead-letter topic itself (see createSubscriberApp's `deadLetter`).
import { createSubscriberApp, Dapr, DropEvent, daprOptionsFromEnv, subscription } from '@todo/dapr';
import { eventually, TestApp } from '@todo/testkit';
import pino from 'pino';
import { z } from 'zod';
import type { ResiliencyResource } from '../src';
import { apiOf, appIds, eachRuntime, PUBSUB, pubsubSidecars } from './sidecars';

const TOPIC = 'refused';
const DEAD = 'refused-dead';

/** Retries soon and often enough for the test: each message gets a second delivery within a second. */
const retrySoon: ResiliencyResource = {
  kind: 'Resiliency',
  metadata: { name: 'retry-soon' },
  spec: {
    policies: { retries: { soon: { policy: 'constant', duration: '300ms', maxRetries: 5 } } },
    targets: { components: { [PUBSUB]: { inbound: { retry: 'soon' } } } },
  },
};

eachRuntime('conformance-bulk-dead-letters.test.ts', { kafka: true }, (runtime) => {
  const ids = appIds('publisher', 'subscriber');
  const app = new TestApp();
  const attempts = new Map<string, number>();
  const handled: string[] = [];
  const dead: string[] = [];
  /** What each message's handler does on its first delivery, then on every later one. */
  const plan: Record<string, ['ok' | 'fail' | 'refuse', 'ok' | 'fail' | 'refuse']> = {
    a1: ['ok', 'ok'],
    a2: ['fail', 'refuse'],
    a3: ['fail', 'ok'],
    b1: ['ok', 'ok'],
    b2: ['ok', 'ok'],
    b3: ['fail', 'refuse'],
  };

  const sidecars = pubsubSidecars(runtime, ids, app, [TOPIC, DEAD], [retrySoon]);
  const dapr = () =>
    new Dapr({ ...daprOptionsFromEnv({}), endpoint: sidecars().url(ids.subscriber), apiToken: 'api-token' });
  app.hono.route(
    '/',
    createSubscriberApp({
      logger: pino({ level: 'silent' }),
      appToken: 'app-token',
      subscriptions: [
        subscription({
          pubsubname: PUBSUB,
          topic: TOPIC,
          route: '/refused',
          deadLetterTopic: DEAD,
          schema: z.object({ n: z.string() }),
          bulk: { maxMessagesCount: 10, maxAwaitDurationMs: 300 },
          handle: async ({ n }) => {
            const attempt = attempts.get(n) ?? 0;
            attempts.set(n, attempt + 1);
            const step = plan[n]?.[Math.min(attempt, 1)] ?? 'ok';
            if (step === 'fail') throw new Error('the backend is away');
            if (step === 'refuse') throw new DropEvent('the backend refused it');
            handled.push(n);
          },
        }),
        subscription({
          pubsubname: PUBSUB,
          topic: DEAD,
          route: '/dead',
          schema: z.object({ n: z.string() }),
          handle: async ({ n }) => {
            dead.push(n);
          },
        }),
      ],
      deadLetter: (pubsub, topic, event) => dapr().pubsub.forward(pubsub, topic, event),
    }),
  );

  const api = (appId: string) => apiOf(sidecars, appId);
  /** Three messages in one bulk publish on one partition key: one partition, delivered together. */
  const publish = async (names: string[]) => {
    const answer = await api(ids.publisher)(`/v1.0-alpha1/publish/bulk/${PUBSUB}/${TOPIC}`, {
      method: 'POST',
      body: JSON.stringify(
        names.map((n) => ({
          entryId: n,
          event: { n },
          contentType: 'application/json',
          metadata: { partitionKey: 'k' },
        })),
      ),
    });
    expect(answer.status).toBe(204);
  };
  const settled = (names: string[]) =>
    eventually(
      () => {
        const open = names.filter((n) => !handled.includes(n) && !dead.includes(n));
        if (open.length) throw new Error(`not settled: ${open.join(', ')}`);
      },
      30_000,
      100,
    );

  it('dead-letters the message refused on its retry, and no other (the first of two retried)', async () => {
    await publish(['a1', 'a2', 'a3']);
    await settled(['a1', 'a2', 'a3']);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect({ handled: [...handled].sort(), dead }).toEqual({ handled: ['a1', 'a3'], dead: ['a2'] });
    expect(attempts.get('a2')).toBe(2);
  }, 60_000);

  it('dead-letters the last message of a request retried alone and refused, and the sidecar lives on', async () => {
    await publish(['b1', 'b2', 'b3']);
    await settled(['b1', 'b2', 'b3']);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect({ handled: handled.filter((n) => n.startsWith('b')).sort(), dead }).toEqual({
      handled: ['b1', 'b2'],
      dead: ['a2', 'b3'],
    });
    expect((await api(ids.subscriber)('/v1.0/healthz')).status).toBe(204);
  }, 60_000);
});
