// Bulk subscribe on both runtimes: the envelope a bulk subscription's route receives, statuses per entry, and the
// dead-letter topic for an entry the app drops.
import { eventually, TestApp } from '@todo/testkit';
import { apiOf, appIds, eachRuntime, pubsubSidecars } from './sidecars';

interface BulkEntry {
  entryId: string;
  event: { id?: string; data?: { n?: string } };
  contentType?: string;
  metadata?: Record<string, string>;
}

eachRuntime('conformance-bulk-subscribe.test.ts', { kafka: true }, (runtime) => {
  const ids = appIds('publisher', 'subscriber');
  const subscriber = new TestApp();
  const sidecars = pubsubSidecars(runtime, ids, subscriber, ['bulked', 'bulked-dead']);
  const api = apiOf(sidecars, ids.publisher);
  const requests = () => subscriber.on('/bulk').map((r) => JSON.parse(r.body));
  const entriesOf = () => requests().flatMap((b) => b.entries as BulkEntry[]);

  subscriber.hono.get('/dapr/subscribe', (c) =>
    c.json([
      {
        pubsubname: 'kafka-pubsub',
        topic: 'bulked',
        route: '/bulk',
        deadLetterTopic: 'bulked-dead',
        bulkSubscribe: { enabled: true, maxMessagesCount: 10, maxAwaitDurationMs: 300 },
      },
      { pubsubname: 'kafka-pubsub', topic: 'bulked-dead', route: '/dead' },
    ]),
  );
  subscriber.hono.post('/bulk', async (c) => {
    const { entries } = (await c.req.json()) as { entries: BulkEntry[] };
    return c.json({
      statuses: entries.map((e) => ({ entryId: e.entryId, status: e.event.data?.n === 'drop' ? 'DROP' : 'SUCCESS' })),
    });
  });
  subscriber.hono.post('/dead', (c) => c.json({ status: 'SUCCESS' }));

  it('posts many messages in one request, each entry a CloudEvent with its entry id, and moves a DROP to the dead letters', async () => {
    const event = (n: string) => ({
      specversion: '1.0',
      id: `bulk-sub-${n}`,
      source: 'backend',
      type: 'task.created',
      datacontenttype: 'application/json',
      data: { n },
    });
    // one partition key: one partition, so daprd's consumer sees the three together
    const answer = await api('/v1.0-alpha1/publish/bulk/kafka-pubsub/bulked', {
      method: 'POST',
      body: JSON.stringify(
        ['one', 'drop', 'three'].map((n) => ({
          entryId: n,
          event: event(n),
          contentType: 'application/cloudevents+json',
          metadata: { partitionKey: 'task-1' },
        })),
      ),
    });
    expect(answer.status).toBe(204);
    await eventually(() => {
      if (entriesOf().length < 3) throw new Error(`${entriesOf().length} of 3 entries delivered`);
    }, 20_000);
    const [first] = requests();
    expect(first).toMatchObject({
      type: 'com.dapr.event.sent.bulk',
      topic: 'bulked',
      pubsubname: 'kafka-pubsub',
      id: expect.any(String),
    });
    expect(subscriber.on('/bulk')[0]?.headers['content-type']).toMatch(/^application\/json/);
    expect(subscriber.on('/bulk')[0]?.headers['dapr-api-token']).toBe('app-token');
    // the three came in one request, in the order they were published, each entry id unique within it
    expect(first.entries.map((e: BulkEntry) => e.event.data?.n)).toEqual(['one', 'drop', 'three']);
    expect(new Set(first.entries.map((e: BulkEntry) => e.entryId)).size).toBe(3);
    for (const entry of first.entries as BulkEntry[]) {
      expect(entry).toMatchObject({
        entryId: expect.any(String),
        contentType: 'application/cloudevents+json',
        event: {
          id: `bulk-sub-${entry.event.data?.n}`,
          topic: 'bulked',
          pubsubname: 'kafka-pubsub',
          type: 'task.created',
        },
      });
    }
    const dead = await eventually(() => {
      const hit = subscriber.on('/dead').find((r) => r.body.includes('bulk-sub-drop'));
      if (!hit) throw new Error('not dead-lettered yet');
      return JSON.parse(hit.body);
    }, 20_000);
    expect(dead).toMatchObject({ id: 'bulk-sub-drop', data: { n: 'drop' } });
    // what was answered SUCCESS or DROP is not delivered again
    await new Promise((r) => setTimeout(r, 1_000));
    expect(entriesOf()).toHaveLength(3);
    expect(subscriber.on('/dead').filter((r) => r.body.includes('bulk-sub-'))).toHaveLength(1);
  });
});
