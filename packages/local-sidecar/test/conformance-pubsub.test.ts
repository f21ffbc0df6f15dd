// Publishing on both runtimes: the CloudEvent a subscriber receives, raw payloads, and the metadata API's view.
import { CommunicationProtocolEnum, DaprClient, LogLevel } from '@dapr/dapr';
import { eventually, type Received, TestApp } from '@todo/testkit';
import { apiOf, appIds, eachRuntime, pubsubSidecars } from './sidecars';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

eachRuntime('conformance-pubsub.test.ts', { kafka: true }, (runtime) => {
  const ids = appIds('publisher', 'subscriber');
  const subscriber = new TestApp();
  const sidecars = pubsubSidecars(runtime, ids, subscriber, ['greetings', 'tagged']);
  const api = apiOf(sidecars, ids.publisher);
  const publish = (topic: string, body: string, contentType = 'application/json', headers = {}, query = '') =>
    api(`/v1.0/publish/kafka-pubsub/${topic}${query}`, {
      method: 'POST',
      body,
      headers: { 'content-type': contentType, ...headers },
    });
  /** The one delivery on `route` whose body contains `marker`. */
  const delivered = (route: string, marker: string): Promise<Received> =>
    eventually(() => {
      const hit = subscriber.on(route).find((r) => r.body.includes(marker));
      if (!hit) throw new Error(`nothing with ${marker} on ${route} yet`);
      return hit;
    }, 15_000);

  subscriber.hono.get('/dapr/subscribe', (c) =>
    c.json([
      { pubsubname: 'kafka-pubsub', topic: 'greetings', route: '/greet' },
      { pubsubname: 'kafka-pubsub', topic: 'tagged', route: '/tagged', metadata: { team: 'todo' } },
    ]),
  );
  subscriber.hono.post('/greet', (c) => c.json({ status: 'SUCCESS' }));

  it('delivers what the official client publishes as a CloudEvent', async () => {
    const client = new DaprClient({
      daprHost: '127.0.0.1',
      daprPort: new URL(sidecars().url(ids.publisher)).port,
      communicationProtocol: CommunicationProtocolEnum.HTTP,
      daprApiToken: 'api-token',
      logger: { level: LogLevel.Error },
    });
    expect((await client.pubsub.publish('kafka-pubsub', 'greetings', { hello: 'client' })).error).toBeUndefined();
    const hit = await delivered('/greet', 'client');
    expect(JSON.parse(hit.body)).toMatchObject({
      data: { hello: 'client' },
      source: ids.publisher,
      topic: 'greetings',
    });
  });

  it('wraps an application/json body in a CloudEvent with every field, and no invocation headers', async () => {
    expect((await publish('greetings', '{"n":"json"}')).status).toBe(204);
    const hit = await delivered('/greet', '"json"');
    const event = JSON.parse(hit.body);
    expect(event).toMatchObject({
      specversion: '1.0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      source: ids.publisher,
      type: 'com.dapr.event.sent',
      topic: 'greetings',
      pubsubname: 'kafka-pubsub',
      datacontenttype: 'application/json',
      data: { n: 'json' },
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    expect(Object.keys(event)).toEqual(expect.arrayContaining(['traceid', 'traceparent', 'tracestate']));
    // daprd without a tracing Configuration leaves them empty; the stand-in traces every message (see the README)
    if (runtime === 'daprd') expect(event.traceparent).toBe('');
    else expect(event.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(hit.headers['content-type']).toBe('application/cloudevents+json');
    expect(hit.headers['dapr-api-token']).toBe('app-token');
    // our apps tell a delivery from an invocation by this header: a delivery never has it
    expect(hit.headers['dapr-caller-app-id']).toBeUndefined();
  });

  it('keeps the publisher traceparent in the event and on the delivery', async () => {
    await publish('greetings', '{"n":"traced"}', 'application/json', { traceparent: TRACEPARENT });
    const hit = await delivered('/greet', '"traced"');
    expect(JSON.parse(hit.body)).toMatchObject({ traceid: TRACEPARENT, traceparent: TRACEPARENT });
    expect(hit.headers.traceparent).toBe(TRACEPARENT);
  });

  it('completes an application/cloudevents+json event the app built, keeping its id, source and type', async () => {
    const event = {
      specversion: '1.0',
      id: 'outbox-1',
      source: 'backend',
      type: 'task.created',
      datacontenttype: 'application/json',
      data: { n: 'built' },
    };
    await publish('greetings', JSON.stringify(event), 'application/cloudevents+json');
    const hit = await delivered('/greet', '"built"');
    expect(JSON.parse(hit.body)).toMatchObject({
      ...event,
      topic: 'greetings',
      pubsubname: 'kafka-pubsub',
      time: expect.stringMatching(/Z$/),
    });
  });

  it('fills only specversion, source "Dapr", type and time into a bare CloudEvent', async () => {
    await publish('greetings', '{"data":{"n":"bare"}}', 'application/cloudevents+json');
    const event = JSON.parse((await delivered('/greet', '"bare"')).body);
    expect(event).toMatchObject({ specversion: '1.0', source: 'Dapr', type: 'com.dapr.event.sent' });
    expect(event.id).toBeUndefined();
    expect(event.datacontenttype).toBeUndefined();
  });

  it('sends a JSON body that does not parse as a string, and refuses a CloudEvent that does not parse', async () => {
    expect((await publish('greetings', '{"n":"broken"')).status).toBe(204);
    expect(JSON.parse((await delivered('/greet', 'broken')).body).data).toBe('{"n":"broken"');
    const bad = await publish('greetings', '{bad', 'application/cloudevents+json');
    expect(bad.status).toBe(500);
    expect(await bad.json()).toMatchObject({
      errorCode: 'ERR_PUBSUB_CLOUD_EVENTS_SER',
      message: 'cannot create cloudevent',
    });
  });

  it('delivers a rawPayload message as the publisher sent it', async () => {
    await publish('greetings', '{"n":"raw"}', 'application/json', {}, '?metadata.rawPayload=true');
    const hit = await delivered('/greet', '"raw"');
    expect(JSON.parse(hit.body)).toEqual({ n: 'raw' });
  });

  it('answers 404 ERR_PUBSUB_NOT_FOUND for an unknown pubsub and 500 for a body over 4 MiB', async () => {
    const unknown = await api('/v1.0/publish/nope/t', { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ errorCode: 'ERR_PUBSUB_NOT_FOUND' });
    const big = await publish('greetings', JSON.stringify({ s: 'x'.repeat(4 * 1024 * 1024) }));
    expect(big.status).toBe(500);
    expect(await big.json()).toMatchObject({
      errorCode: 'ERR_PUBSUB_PUBLISH_MESSAGE',
      message: 'error when publishing to topic greetings in pubsub kafka-pubsub: stream too large',
    });
  });

  const bulk = (entries: unknown, pubsub = 'kafka-pubsub', version = 'v1.0-alpha1') =>
    api(`/${version}/publish/bulk/${pubsub}/greetings`, { method: 'POST', body: JSON.stringify(entries) });

  it('bulk-publishes CloudEvents the app built, each delivered with its id, type, partition key and own trace', async () => {
    const traced = (n: number) => `00-0af7651916cd43dd8448eb211c8031${n}0-b7ad6b716920333${n}-01`;
    const event = (n: number) => ({
      specversion: '1.0',
      id: `bulk-ce-${n}`,
      source: 'backend',
      type: 'task.created',
      datacontenttype: 'application/json',
      data: { n: `bulk-ce-${n}` },
      traceid: traced(n),
      traceparent: traced(n),
    });
    const answer = await bulk(
      [1, 2].map((n) => ({
        entryId: `bulk-ce-${n}`,
        event: event(n),
        contentType: 'application/cloudevents+json',
        metadata: { partitionKey: 'task-1' },
      })),
    );
    expect(answer.status).toBe(204);
    for (const n of [1, 2]) {
      const hit = await delivered('/greet', `"bulk-ce-${n}"`);
      expect(JSON.parse(hit.body)).toMatchObject({
        ...event(n),
        topic: 'greetings',
        pubsubname: 'kafka-pubsub',
      });
    }
  });

  it('wraps a bulk entry of application/json in a CloudEvent, under v1.0 as well', async () => {
    const answer = await bulk(
      [{ entryId: 'j', event: { n: 'bulk-json' }, contentType: 'application/json' }],
      'kafka-pubsub',
      'v1.0',
    );
    expect(answer.status).toBe(204);
    expect(JSON.parse((await delivered('/greet', '"bulk-json"')).body)).toMatchObject({
      source: ids.publisher,
      type: 'com.dapr.event.sent',
      datacontenttype: 'application/json',
      data: { n: 'bulk-json' },
    });
  });

  it('refuses a bulk request with a duplicated entryId, a non-array body or an unknown pubsub', async () => {
    const twice = await bulk([
      { entryId: 'same', event: { n: 1 }, contentType: 'application/json' },
      { entryId: 'same', event: { n: 2 }, contentType: 'application/json' },
    ]);
    expect(twice.status).toBe(400);
    expect(await twice.json()).toMatchObject({ errorCode: 'ERR_PUBSUB_EVENTS_SER' });
    const notArray = await bulk({ entryId: 'x' });
    expect(notArray.status).toBe(400);
    expect(await notArray.json()).toMatchObject({ errorCode: 'ERR_PUBSUB_EVENTS_SER' });
    const mismatch = await bulk([{ entryId: 't', event: { n: 1 }, contentType: 'text/plain' }]);
    expect(mismatch.status).toBe(400);
    expect(await mismatch.json()).toMatchObject({ errorCode: 'ERR_PUBSUB_EVENTS_SER' });
    const unknown = await bulk([{ entryId: 'u', event: {}, contentType: 'application/json' }], 'nope');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ errorCode: 'ERR_PUBSUB_NOT_FOUND' });
  });

  it('lists components and subscriptions in the metadata API in daprd shape', async () => {
    const meta = await (await apiOf(sidecars, ids.subscriber)('/v1.0/metadata')).json();
    expect(meta).toMatchObject({
      id: ids.subscriber,
      components: [{ name: 'kafka-pubsub', type: 'pubsub.kafka', version: 'v1', capabilities: ['BULK_PUBSUB'] }],
      appConnectionProperties: { port: subscriber.port, protocol: 'http', channelAddress: '127.0.0.1' },
    });
    expect(meta.subscriptions).toEqual([
      {
        pubsubname: 'kafka-pubsub',
        topic: 'greetings',
        rules: [{ path: '/greet' }],
        deadLetterTopic: '',
        type: 'PROGRAMMATIC',
      },
      {
        pubsubname: 'kafka-pubsub',
        topic: 'tagged',
        metadata: { team: 'todo' },
        rules: [{ path: '/tagged' }],
        deadLetterTopic: '',
        type: 'PROGRAMMATIC',
      },
    ]);
    const publisherMeta = await (await api('/v1.0/metadata')).json();
    expect(publisherMeta.subscriptions).toBeUndefined();
    expect(publisherMeta.runtimeVersion).toMatch(runtime === 'daprd' ? /^1\.18\./ : /^stand-in$/);
  });
});
