import {
  emptyResources,
  eventually,
  freshDatabase,
  pubsubComponent,
  runtimeFor,
  sidecarUrl,
  TestApp,
} from '@todo/testkit';
import pg from 'pg';
import { SCHEMA } from '../src/db';
import type { Runtime } from '../src/runtime';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let runtime: Runtime;
const publisher = new TestApp();
const consumer = new TestApp();
const replicaA = new TestApp();
const replicaB = new TestApp();
const auditor = new TestApp();
const ledger = new TestApp();
const bulker = new TestApp();
let inFlight = 0;
let mostInFlight = 0;
/** Holds deliveries until the test has published everything, so the rest are claimed together. */
let openGate: () => void = () => {};
const gate = new Promise<void>((resolve) => {
  openGate = resolve;
});
const outcomes: Record<string, string[]> = {};

const subscribe = (
  app: TestApp,
  subs: { topic: string; route: string; deadLetterTopic?: string; bulkSubscribe?: unknown }[],
) => {
  app.hono.get('/dapr/subscribe', (c) => c.json(subs.map((s) => ({ pubsubname: 'kafka-pubsub', ...s }))));
};

beforeAll(async () => {
  db = await freshDatabase();
  subscribe(consumer, [
    { topic: 'orders', route: '/orders', deadLetterTopic: 'orders-deadletter' },
    { topic: 'orders-deadletter', route: '/dead' },
  ]);
  // the consumer answers what the test queued for an event id, SUCCESS by default
  consumer.hono.post('/orders', async (c) => {
    const event = await c.req.json();
    const queue = outcomes[event.id] ?? [];
    const status = queue.shift() ?? 'SUCCESS';
    return c.json({ status });
  });
  consumer.hono.post('/dead', (c) => c.json({ status: 'SUCCESS' }));
  for (const replica of [replicaA, replicaB]) {
    subscribe(replica, [{ topic: 'work', route: '/work' }]);
    replica.hono.post('/work', (c) => c.json({ status: 'SUCCESS' }));
  }
  subscribe(auditor, [{ topic: 'work', route: '/audit' }]);
  auditor.hono.post('/audit', (c) => c.body(null, 200));
  // a slow consumer that notes how many deliveries it holds at once
  subscribe(ledger, [{ topic: 'ledger', route: '/ledger' }]);
  ledger.hono.post('/ledger', async (c) => {
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    await gate;
    await new Promise((resolve) => setTimeout(resolve, 60));
    inFlight -= 1;
    return c.json({ status: 'SUCCESS' });
  });
  // a bulk subscriber answering each entry what the test queued for its event id (OMIT leaves it out; 404 answers the
  // whole request 404)
  subscribe(bulker, [
    {
      topic: 'bulk-orders',
      route: '/bulk-orders',
      deadLetterTopic: 'bulk-orders-dead',
      bulkSubscribe: { enabled: true, maxMessagesCount: 50 },
    },
    { topic: 'bulk-orders-dead', route: '/bulk-dead' },
  ]);
  bulker.hono.post('/bulk-orders', async (c) => {
    const { entries } = (await c.req.json()) as { entries: { entryId: string; event: { id: string } }[] };
    const answers = entries.map((e) => ({ entryId: e.entryId, status: outcomes[e.event.id]?.shift() ?? 'SUCCESS' }));
    if (answers.some((a) => a.status === '404')) return c.json({}, 404);
    return c.json({ statuses: answers.filter((a) => a.status !== 'OMIT') });
  });
  bulker.hono.post('/bulk-dead', (c) => c.json({ status: 'SUCCESS' }));
  await Promise.all([publisher, consumer, replicaA, replicaB, auditor, ledger, bulker].map((a) => a.start()));

  const resources = emptyResources();
  resources.components.push(pubsubComponent('kafka-pubsub', { consumerGroup: '{appID}', initialOffset: 'oldest' }));
  resources.resiliencies.push({
    kind: 'Resiliency',
    metadata: { name: 'r' },
    spec: {
      policies: { retries: { fast: { policy: 'constant', duration: '50ms', maxRetries: 2 } } },
      targets: { components: { 'kafka-pubsub': { inbound: { retry: 'fast' } } } },
    },
  });
  runtime = runtimeFor(
    db.url,
    [
      { appId: 'publisher', appPort: publisher.port },
      { appId: 'consumer', appPort: consumer.port },
      { appId: 'worker', appPort: replicaA.port },
      { appId: 'worker', appPort: replicaB.port },
      { appId: 'auditor', appPort: auditor.port },
      { appId: 'ledger', appPort: ledger.port },
      { appId: 'bulker', appPort: bulker.port },
    ],
    resources,
    { appToken: 'app-secret' },
  );
  await runtime.start();
});

afterAll(async () => {
  await runtime.stop();
  await Promise.all([publisher, consumer, replicaA, replicaB, auditor, ledger, bulker].map((a) => a.stop()));
  await db.drop();
});

/** What the stand-in has recorded for one message (by CloudEvent id) and one consumer group. */
async function deliveryStatus(eventId: string, group: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const { rows } = await client
    .query(
      `select d.status from ${SCHEMA}.deliveries d join ${SCHEMA}.messages m on m.id = d.message_id
       where m.body->>'id' = $1 and d.group_name = $2`,
      [eventId, group],
    )
    .finally(() => client.end());
  return rows[0]?.status;
}

const publish = (topic: string, body: unknown, contentType = 'application/json', query = '') =>
  fetch(`${sidecarUrl(runtime, 'publisher')}/v1.0/publish/kafka-pubsub/${topic}${query}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('publishing', () => {
  it('wraps a JSON body in a CloudEvent with the documented fields and the app token', async () => {
    const res = await publish('orders', { orderId: 1 });
    expect(res.status).toBe(204);
    const delivered = await eventually(() => {
      const hit = consumer.on('/orders').find((r) => JSON.parse(r.body).data?.orderId === 1);
      if (!hit) throw new Error('not delivered yet');
      return hit;
    });
    expect(delivered.headers['content-type']).toBe('application/cloudevents+json');
    expect(delivered.headers['dapr-api-token']).toBe('app-secret');
    expect(JSON.parse(delivered.body)).toEqual({
      specversion: '1.0',
      id: expect.any(String),
      source: 'publisher',
      type: 'com.dapr.event.sent',
      datacontenttype: 'application/json',
      time: expect.any(String),
      data: { orderId: 1 },
      pubsubname: 'kafka-pubsub',
      topic: 'orders',
      traceid: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/),
      traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/),
      tracestate: '',
    });
  });

  it('keeps the id, type and source of a CloudEvent the app built', async () => {
    await publish(
      'orders',
      { specversion: '1.0', id: 'outbox-42', type: 'order.created', source: 'publisher', data: { orderId: 2 } },
      'application/cloudevents+json',
    );
    const hit = await eventually(() => {
      const found = consumer
        .on('/orders')
        .map((r) => JSON.parse(r.body))
        .find((e) => e.id === 'outbox-42');
      if (!found) throw new Error('not delivered yet');
      return found;
    });
    expect(hit).toMatchObject({ id: 'outbox-42', type: 'order.created', data: { orderId: 2 }, topic: 'orders' });
  });

  it('answers 404 for an unknown pubsub component', async () => {
    const res = await fetch(`${sidecarUrl(runtime, 'publisher')}/v1.0/publish/nope/orders`, {
      method: 'POST',
      body: '{}',
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ errorCode: 'ERR_PUBSUB_NOT_FOUND' });
  });
});

describe('delivery outcomes', () => {
  it('redelivers a message the app answered RETRY, then stops on SUCCESS', async () => {
    outcomes['retry-1'] = ['RETRY', 'RETRY'];
    await publish(
      'orders',
      { specversion: '1.0', id: 'retry-1', type: 't', source: 's', data: {} },
      'application/cloudevents+json',
    );
    await eventually(() => {
      expect(consumer.on('/orders').filter((r) => JSON.parse(r.body).id === 'retry-1')).toHaveLength(3);
    });
    // the SUCCESS is recorded: nothing is left to redeliver
    await eventually(async () => expect(await deliveryStatus('retry-1', 'consumer')).toBe('delivered'));
    expect(consumer.on('/orders').filter((r) => JSON.parse(r.body).id === 'retry-1')).toHaveLength(3);
  });

  it('moves a DROPped message to the dead-letter topic', async () => {
    outcomes['drop-1'] = ['DROP'];
    await publish(
      'orders',
      { specversion: '1.0', id: 'drop-1', type: 't', source: 's', data: {} },
      'application/cloudevents+json',
    );
    const dead = await eventually(() => {
      const found = consumer
        .on('/dead')
        .map((r) => JSON.parse(r.body))
        .find((e) => e.id === 'drop-1');
      if (!found) throw new Error('not dead-lettered yet');
      return found;
    });
    expect(dead.id).toBe('drop-1');
    expect(consumer.on('/orders').filter((r) => JSON.parse(r.body).id === 'drop-1')).toHaveLength(1);
  });

  it('moves a message to the dead-letter topic when retries run out', async () => {
    outcomes['exhaust-1'] = ['RETRY', 'RETRY', 'RETRY', 'RETRY', 'RETRY'];
    await publish(
      'orders',
      { specversion: '1.0', id: 'exhaust-1', type: 't', source: 's', data: {} },
      'application/cloudevents+json',
    );
    await eventually(() => {
      expect(consumer.on('/dead').some((r) => JSON.parse(r.body).id === 'exhaust-1')).toBe(true);
    });
    // the first try and maxRetries (2) retries
    expect(consumer.on('/orders').filter((r) => JSON.parse(r.body).id === 'exhaust-1')).toHaveLength(3);
  });
});

describe('bulk subscribe', () => {
  const bulkPublish = (ids: string[]) =>
    fetch(`${sidecarUrl(runtime, 'publisher')}/v1.0-alpha1/publish/bulk/kafka-pubsub/bulk-orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        ids.map((id) => ({
          entryId: id,
          event: { specversion: '1.0', id, type: 't', source: 's', data: {} },
          contentType: 'application/cloudevents+json',
        })),
      ),
    });
  const entryIds = () =>
    bulker
      .on('/bulk-orders')
      .flatMap((r) => JSON.parse(r.body).entries.map((e: { event: { id: string } }) => e.event.id));
  const dead = () => bulker.on('/bulk-dead').map((r) => JSON.parse(r.body).id);

  it('settles each entry by its own status: RETRY and a missing status retried alone, DROP dead-lettered', async () => {
    outcomes['b-retry'] = ['RETRY'];
    outcomes['b-omit'] = ['OMIT'];
    outcomes['b-drop'] = ['DROP'];
    outcomes['b-exhaust'] = ['RETRY', 'RETRY', 'RETRY'];
    expect((await bulkPublish(['b-ok', 'b-retry', 'b-omit', 'b-drop', 'b-exhaust'])).status).toBe(204);
    await eventually(async () => {
      for (const id of ['b-ok', 'b-retry', 'b-omit']) expect(await deliveryStatus(id, 'bulker')).toBe('delivered');
      expect(await deliveryStatus('b-drop', 'bulker')).toBe('dropped');
      expect(await deliveryStatus('b-exhaust', 'bulker')).toBe('dead');
    });
    // the first request had all five; only the retried ones came again
    expect(JSON.parse(bulker.on('/bulk-orders')[0]?.body ?? '{}').entries).toHaveLength(5);
    const count = (id: string) => entryIds().filter((e) => e === id).length;
    expect([count('b-ok'), count('b-retry'), count('b-omit'), count('b-drop'), count('b-exhaust')]).toEqual([
      1, 2, 2, 1, 3,
    ]);
    await eventually(() => expect(dead().sort()).toEqual(['b-drop', 'b-exhaust']));
  });

  it("drops a request answered 404 without dead-lettering it, as daprd's bulk delivery does", async () => {
    outcomes['b-404'] = ['404'];
    expect((await bulkPublish(['b-404'])).status).toBe(204);
    await eventually(async () => expect(await deliveryStatus('b-404', 'bulker')).toBe('dropped'));
    await new Promise((r) => setTimeout(r, 300));
    expect(dead()).not.toContain('b-404');
  });
});

describe('consumer groups', () => {
  it('shares messages between two replicas of one app id without duplicates, and gives another app id all of them', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `work-${i}`);
    for (const id of ids) {
      await publish(
        'work',
        { specversion: '1.0', id, type: 't', source: 's', data: { n: id } },
        'application/cloudevents+json',
      );
    }
    const idsAt = (app: TestApp, path: string) =>
      app
        .on(path)
        .map((r) => JSON.parse(r.body).id as string)
        .filter((id) => id.startsWith('work-'));
    await eventually(() => {
      expect(idsAt(replicaA, '/work').length + idsAt(replicaB, '/work').length).toBe(40);
      expect(idsAt(auditor, '/audit')).toHaveLength(40);
    });
    const shared = [...idsAt(replicaA, '/work'), ...idsAt(replicaB, '/work')];
    expect(new Set(shared).size).toBe(40);
    expect(idsAt(replicaA, '/work').length).toBeGreaterThan(0);
    expect(idsAt(replicaB, '/work').length).toBeGreaterThan(0);
    expect(new Set(idsAt(auditor, '/audit'))).toEqual(new Set(ids));
  });
});

describe('partition keys', () => {
  it("delivers one key's messages in publish order and different keys side by side", async () => {
    const keys = ['task-a', 'task-b', 'task-c', 'task-d'];
    for (let n = 0; n < 4; n += 1) {
      for (const key of keys) {
        const res = await publish(
          'ledger',
          { specversion: '1.0', id: `${key}-${n}`, type: 't', source: 's', data: { key, n } },
          'application/cloudevents+json',
          `?metadata.partitionKey=${key}`,
        );
        expect(res.status).toBe(204);
      }
    }
    openGate();
    await eventually(() => expect(ledger.on('/ledger')).toHaveLength(16), 10_000);
    await eventually(() => expect(inFlight).toBe(0), 10_000);
    const order = ledger.on('/ledger').map((r) => JSON.parse(r.body).data as { key: string; n: number });
    for (const key of keys) expect(order.filter((d) => d.key === key).map((d) => d.n)).toEqual([0, 1, 2, 3]);
    expect(mostInFlight).toBeGreaterThan(1);
  });
});
