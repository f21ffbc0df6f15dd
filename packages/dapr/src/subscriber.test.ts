import {
  COMPONENTS,
  deadLetterTopic,
  type ReminderEvent,
  ReminderEventSchema,
  subscriptionRoute,
  TOPICS,
} from '@todo/contracts';
import pino from 'pino';
import {
  createSubscriberApp,
  type DeliveredEvent,
  DropEvent,
  type SubscriberOptions,
  type Subscription,
  subscription,
} from './subscriber';

const reminder = {
  task_id: '6f1f6c52-2b0e-4d51-9a0b-0f4c3f8f2a11',
  title: 'Call mom',
  due_at: null,
  remind_at: '2026-11-27T17:30:00Z',
  user_id: 'u1',
};

const handled: { data: unknown; event: DeliveredEvent }[] = [];
let behaviour: 'ok' | 'drop' | 'fail' = 'ok';

const app = createSubscriberApp({
  logger: pino({ level: 'silent' }),
  appToken: 'app-token',
  subscriptions: [
    subscription({
      pubsubname: COMPONENTS.pubsub,
      topic: TOPICS.reminders,
      route: subscriptionRoute(TOPICS.reminders),
      deadLetterTopic: deadLetterTopic(TOPICS.reminders),
      schema: ReminderEventSchema,
      handle: async (data, event) => {
        if (behaviour === 'drop') throw new DropEvent('task is gone');
        if (behaviour === 'fail') throw new Error('database timeout');
        handled.push({ data, event });
      },
    }),
  ],
});

const deliver = (body: unknown, contentType = 'application/cloudevents+json', token = 'app-token') =>
  app.request(subscriptionRoute(TOPICS.reminders), {
    method: 'POST',
    headers: { 'content-type': contentType, 'dapr-api-token': token },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const cloudEvent = (data: unknown) => ({
  specversion: '1.0',
  id: 'evt-1',
  type: 'reminder.due',
  source: 'backend',
  topic: TOPICS.reminders,
  pubsubname: COMPONENTS.pubsub,
  datacontenttype: 'application/json',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  data,
});

beforeEach(() => {
  handled.length = 0;
  behaviour = 'ok';
});

describe('GET /dapr/subscribe', () => {
  it('serves the typed declaration', async () => {
    const res = await app.request('/dapr/subscribe', { headers: { 'dapr-api-token': 'app-token' } });
    expect(await res.json()).toEqual([
      {
        pubsubname: 'kafka-pubsub',
        topic: 'reminders',
        route: subscriptionRoute(TOPICS.reminders),
        deadLetterTopic: 'reminders-deadletter',
      },
    ]);
  });

  it('answers 401 without the app token', async () => {
    const res = await app.request('/dapr/subscribe');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'APP_TOKEN_INVALID' } });
  });
});

describe('delivery', () => {
  it('answers SUCCESS and hands the handler the data and CloudEvent fields', async () => {
    const res = await deliver(cloudEvent(reminder));
    expect(await res.json()).toEqual({ status: 'SUCCESS' });
    expect(handled).toEqual([
      {
        data: reminder,
        event: {
          id: 'evt-1',
          type: 'reminder.due',
          source: 'backend',
          topic: 'reminders',
          pubsubname: 'kafka-pubsub',
          time: undefined,
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        },
      },
    ]);
  });

  it('accepts application/json and base64 data', async () => {
    const { data: _data, ...rest } = cloudEvent(reminder);
    const res = await deliver(
      { ...rest, data_base64: Buffer.from(JSON.stringify(reminder)).toString('base64') },
      'application/json',
    );
    expect(await res.json()).toEqual({ status: 'SUCCESS' });
    expect(handled[0]?.data).toEqual(reminder);
  });

  it('answers DROP for data that fails the schema, without calling the handler', async () => {
    const res = await deliver(cloudEvent({ ...reminder, remind_at: 'soon' }));
    expect(await res.json()).toEqual({ status: 'DROP' });
    expect(handled).toEqual([]);
  });

  it('answers DROP for a body that is not JSON', async () => {
    expect(await (await deliver('not json')).json()).toEqual({ status: 'DROP' });
  });

  it('answers DROP when the handler refuses the event', async () => {
    behaviour = 'drop';
    expect(await (await deliver(cloudEvent(reminder))).json()).toEqual({ status: 'DROP' });
  });

  it('answers RETRY when the handler throws a transient error', async () => {
    behaviour = 'fail';
    expect(await (await deliver(cloudEvent(reminder))).json()).toEqual({ status: 'RETRY' });
  });

  it('answers 401 with a wrong app token and does not handle the event', async () => {
    const res = await deliver(cloudEvent(reminder), 'application/cloudevents+json', 'wrong');
    expect(res.status).toBe(401);
    expect(handled).toEqual([]);
  });
});

describe('without a configured app token', () => {
  it('lets the sidecar in without the header', async () => {
    const open = createSubscriberApp({ logger: pino({ level: 'silent' }), subscriptions: [] });
    expect((await open.request('/dapr/subscribe')).status).toBe(200);
  });
});

describe('a request that came by service invocation', () => {
  it('is refused even with the app token: another app (or a forwarded path) cannot forge a delivery', async () => {
    const res = await app.request(subscriptionRoute(TOPICS.reminders), {
      method: 'POST',
      headers: {
        'content-type': 'application/cloudevents+json',
        'dapr-api-token': 'app-token',
        'dapr-caller-app-id': 'frontend',
      },
      body: JSON.stringify(cloudEvent(reminder)),
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('NOT_FOR_INVOCATION');
    expect(handled).toHaveLength(0);
    // the same delivery from the sidecar itself is handled
    expect((await deliver(cloudEvent(reminder))).status).toBe(200);
    expect(handled).toHaveLength(1);
  });
});

describe('bulk subscribe', () => {
  const batches: string[][] = [];
  const one: string[] = [];
  /** A reminders subscriber in bulk, as the test sets its handlers and options. */
  const reminderApp = (
    handle: Subscription<ReminderEvent>['handle'],
    bulk: Subscription<ReminderEvent>['bulk'],
    dead: Pick<Subscription<ReminderEvent>, 'deadLetterTopic'> & Pick<SubscriberOptions, 'deadLetter'> = {},
  ) =>
    createSubscriberApp({
      logger: pino({ level: 'silent' }),
      subscriptions: [
        subscription({
          pubsubname: COMPONENTS.pubsub,
          topic: TOPICS.reminders,
          route: subscriptionRoute(TOPICS.reminders),
          ...(dead.deadLetterTopic ? { deadLetterTopic: dead.deadLetterTopic } : {}),
          schema: ReminderEventSchema,
          handle,
          bulk,
        }),
      ],
      ...(dead.deadLetter ? { deadLetter: dead.deadLetter } : {}),
    });
  const bulkApp = reminderApp(
    async (data) => {
      if (data.title === 'poison') throw new Error('constraint violated');
      if (data.title === 'gone') throw new DropEvent('task is gone');
      one.push(data.title);
    },
    {
      maxMessagesCount: 10,
      maxAwaitDurationMs: 5,
      handleMany: async (items) => {
        if (items.some((i) => i.data.title === 'poison' || i.data.title === 'gone')) throw new Error('batch failed');
        batches.push(items.map((i) => `${i.event.id}:${i.data.title}`));
      },
    },
  );
  const entry = (entryId: string, title: string) => ({
    entryId,
    event: { ...cloudEvent({ ...reminder, title }), id: `evt-${entryId}` },
    metadata: {},
    contentType: 'application/cloudevents+json',
  });
  const bulk = async (entries: unknown[]) =>
    (
      await bulkApp.request(subscriptionRoute(TOPICS.reminders), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'b', type: 'com.dapr.event.sent.bulk', entries }),
      })
    ).json();

  beforeEach(() => {
    batches.length = 0;
    one.length = 0;
  });

  it('declares bulkSubscribe with its count and wait', async () => {
    expect(await (await bulkApp.request('/dapr/subscribe')).json()).toEqual([
      expect.objectContaining({ bulkSubscribe: { enabled: true, maxMessagesCount: 10, maxAwaitDurationMs: 5 } }),
    ]);
  });

  it('hands the readable entries to handleMany together and answers SUCCESS for each, DROP for the unreadable', async () => {
    const raw = { entryId: 'r', event: Buffer.from(JSON.stringify({ ...reminder, title: 'raw' })).toString('base64') };
    expect(
      await bulk([
        entry('a', 'first'),
        { entryId: 'x', event: cloudEvent({ title: 'no task' }) },
        raw,
        entry('b', 'last'),
      ]),
    ).toEqual({
      statuses: [
        { entryId: 'a', status: 'SUCCESS' },
        { entryId: 'x', status: 'DROP' },
        { entryId: 'r', status: 'SUCCESS' },
        { entryId: 'b', status: 'SUCCESS' },
      ],
    });
    expect(batches).toEqual([['evt-a:first', ':raw', 'evt-b:last']]);
    expect(one).toEqual([]);
  });

  it('handles each on its own when the batch fails, so only the failing entry is retried or dropped', async () => {
    expect(await bulk([entry('a', 'first'), entry('p', 'poison'), entry('g', 'gone'), entry('b', 'last')])).toEqual({
      statuses: [
        { entryId: 'a', status: 'SUCCESS' },
        { entryId: 'p', status: 'RETRY' },
        { entryId: 'g', status: 'DROP' },
        { entryId: 'b', status: 'SUCCESS' },
      ],
    });
    expect(batches).toEqual([]);
    expect(one).toEqual(['first', 'last']);
  });

  it('answers DROP for an entry that is not one or whose data is not JSON, and takes a lone entry through handle', async () => {
    const notJson = { entryId: 'n', event: Buffer.from('{nope').toString('base64') };
    expect(await bulk([null, notJson, entry('a', 'alone')])).toEqual({
      statuses: [
        { entryId: 'undefined', status: 'DROP' },
        { entryId: 'n', status: 'DROP' },
        { entryId: 'a', status: 'SUCCESS' },
      ],
    });
    expect(one).toEqual(['alone']);
    expect(batches).toEqual([]);
  });

  it('takes a body with entries but not the bulk type as a single message', async () => {
    const res = await bulkApp.request(subscriptionRoute(TOPICS.reminders), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ entries: [entry('a', 'first')] }),
    });
    expect(await res.json()).toEqual({ status: 'DROP' }); // not a reminder
    expect([...one, ...batches]).toEqual([]);
  });

  it('handles the entries side by side, each answered for itself, when the subscription says so', async () => {
    let inFlight = 0;
    let most = 0;
    const sideBySide = reminderApp(
      async (data) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight -= 1;
        if (data.title === 'poison') throw new Error('backend down');
      },
      { maxMessagesCount: 10, maxAwaitDurationMs: 5, sideBySide: true },
    );
    const res = await sideBySide.request(subscriptionRoute(TOPICS.reminders), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'com.dapr.event.sent.bulk',
        entries: [entry('a', 'one'), entry('p', 'poison'), entry('b', 'two')],
      }),
    });
    expect(await res.json()).toEqual({
      statuses: [
        { entryId: 'a', status: 'SUCCESS' },
        { entryId: 'p', status: 'RETRY' },
        { entryId: 'b', status: 'SUCCESS' },
      ],
    });
    expect(most).toBe(3);
  });

  it('still takes a single CloudEvent on the same route', async () => {
    const res = await bulkApp.request(subscriptionRoute(TOPICS.reminders), {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(cloudEvent({ ...reminder, title: 'single' })),
    });
    expect(await res.json()).toEqual({ status: 'SUCCESS' });
    expect(one).toEqual(['single']);
  });

  describe('a dropped message with a dead-letter topic is moved there by the app, not answered DROP', () => {
    const moved: { pubsub: string; topic: string; event: unknown }[] = [];
    let refuse = false;
    const app = (deadLetterTopicName: string | undefined, withDeadLetter = true) =>
      reminderApp(
        async (data) => {
          if (data.title === 'gone') throw new DropEvent('task is gone');
          if (data.title === 'poison') throw new Error('database timeout');
        },
        { maxMessagesCount: 10, maxAwaitDurationMs: 5 },
        {
          deadLetterTopic: deadLetterTopicName,
          deadLetter: withDeadLetter
            ? async (pubsub, topic, event) => {
                if (refuse) throw new Error('sidecar unreachable');
                moved.push({ pubsub, topic, event });
              }
            : undefined,
        },
      );
    const post = async (target: ReturnType<typeof app>, entries: unknown[]) =>
      (
        await target.request(subscriptionRoute(TOPICS.reminders), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'com.dapr.event.sent.bulk', entries }),
        })
      ).json();
    const unreadable = { entryId: 'x', event: cloudEvent({ title: 'no task' }) };

    beforeEach(() => {
      moved.length = 0;
      refuse = false;
    });

    it('publishes each dropped message as received and answers SUCCESS; the rest are answered as handled', async () => {
      const answer = await post(app(deadLetterTopic(TOPICS.reminders)), [
        entry('a', 'kept'),
        entry('g', 'gone'),
        unreadable,
        entry('p', 'poison'),
      ]);
      expect(answer).toEqual({
        statuses: [
          { entryId: 'a', status: 'SUCCESS' },
          { entryId: 'g', status: 'SUCCESS' },
          { entryId: 'x', status: 'SUCCESS' },
          { entryId: 'p', status: 'RETRY' },
        ],
      });
      expect(moved).toHaveLength(2);
      expect(moved).toEqual(
        expect.arrayContaining([
          { pubsub: COMPONENTS.pubsub, topic: deadLetterTopic(TOPICS.reminders), event: entry('g', 'gone').event },
          { pubsub: COMPONENTS.pubsub, topic: deadLetterTopic(TOPICS.reminders), event: unreadable.event },
        ]),
      );
    });

    it('answers RETRY for a dropped message it could not move, so it is neither lost nor dropped', async () => {
      refuse = true;
      expect(await post(app(deadLetterTopic(TOPICS.reminders)), [entry('g', 'gone'), entry('a', 'kept')])).toEqual({
        statuses: [
          { entryId: 'g', status: 'RETRY' },
          { entryId: 'a', status: 'SUCCESS' },
        ],
      });
    });

    it('answers DROP without a dead-letter topic, or without a way to publish', async () => {
      for (const target of [app(undefined), app(deadLetterTopic(TOPICS.reminders), false)]) {
        expect(await post(target, [entry('g', 'gone')])).toEqual({ statuses: [{ entryId: 'g', status: 'DROP' }] });
      }
      expect(moved).toEqual([]);
    });

    it('answers a single delivery DROP as before (daprd looks nothing up by index there)', async () => {
      const res = await app(deadLetterTopic(TOPICS.reminders)).request(subscriptionRoute(TOPICS.reminders), {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify(cloudEvent({ ...reminder, title: 'gone' })),
      });
      expect(await res.json()).toEqual({ status: 'DROP' });
      expect(moved).toEqual([]);
    });
  });
});
