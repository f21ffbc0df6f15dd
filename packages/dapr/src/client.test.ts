import { Dapr } from './client';
import { daprOptionsFromEnv } from './config';
import { DaprEtagMismatchError, DaprStatusError, DaprTimeoutError, DaprUnreachableError } from './errors';
import { RecordingSidecar } from './recording-sidecar.test-helper';

const sidecar = new RecordingSidecar();
let dapr: Dapr;

beforeAll(async () => {
  const endpoint = await sidecar.start();
  dapr = new Dapr({ endpoint, apiToken: 's3cret', timeoutMs: 500, jobsApiVersion: 'v1.0-alpha1' });
});
afterAll(() => sidecar.stop());

const json = (body: unknown) => JSON.parse(body as string);

describe('configuration from the environment', () => {
  it('uses DAPR_HTTP_PORT, DAPR_API_TOKEN and the alpha jobs path by default', () => {
    expect(daprOptionsFromEnv({ DAPR_HTTP_PORT: '3601', DAPR_API_TOKEN: 't' })).toEqual({
      endpoint: 'http://127.0.0.1:3601',
      apiToken: 't',
      timeoutMs: 5000,
      jobsApiVersion: 'v1.0-alpha1',
    });
  });

  it('prefers DAPR_HTTP_ENDPOINT and rejects an unknown jobs API version', () => {
    expect(daprOptionsFromEnv({ DAPR_HTTP_ENDPOINT: 'http://dapr:3500/', DAPR_HTTP_PORT: '1' }).endpoint).toBe(
      'http://dapr:3500',
    );
    expect(() => daprOptionsFromEnv({ DAPR_JOBS_API_VERSION: 'v2' })).toThrow(/DAPR_JOBS_API_VERSION/);
  });
});

describe('pub/sub', () => {
  it('publishes our own CloudEvent with the id we chose, the token and metadata as query parameters', async () => {
    await dapr.pubsub.publish(
      'kafka-pubsub',
      'task-events',
      { a: 1 },
      { id: 'outbox-7', type: 'task.created', source: 'backend', metadata: { partitionKey: 'task-1' } },
    );
    const req = sidecar.last;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v1.0/publish/kafka-pubsub/task-events?metadata.partitionKey=task-1');
    expect(req.headers['dapr-api-token']).toBe('s3cret');
    expect(req.headers['content-type']).toBe('application/cloudevents+json');
    expect(json(req.body)).toEqual({
      specversion: '1.0',
      id: 'outbox-7',
      source: 'backend',
      type: 'task.created',
      datacontenttype: 'application/json',
      time: expect.any(String),
      data: { a: 1 },
    });
  });

  it('forwards a received event as it is: a CloudEvent as a CloudEvent, anything else as JSON', async () => {
    const received = { specversion: '1.0', id: 'evt-9', source: 'backend', type: 'task.completed', data: { a: 1 } };
    await dapr.pubsub.forward('kafka-pubsub', 'task-events-deadletter', received);
    expect(sidecar.last.url).toBe('/v1.0/publish/kafka-pubsub/task-events-deadletter');
    expect(sidecar.last.headers['content-type']).toBe('application/cloudevents+json');
    expect(json(sidecar.last.body)).toEqual(received);
    await dapr.pubsub.forward('kafka-pubsub', 'raw-deadletter', { a: 2 });
    expect(sidecar.last.headers['content-type']).toBe('application/json');
    expect(json(sidecar.last.body)).toEqual({ a: 2 });
  });

  it('raises a typed error naming the component and status when the sidecar refuses', async () => {
    sidecar.reply({ status: 404, body: JSON.stringify({ errorCode: 'ERR_PUBSUB_NOT_FOUND', message: 'no pubsub' }) });
    const error = await dapr.pubsub.publish('nope', 't', {}, { id: '1', type: 'x', source: 'y' }).catch((e) => e);
    expect(error).toBeInstanceOf(DaprStatusError);
    expect(error).toMatchObject({ block: 'pubsub', target: 'nope', status: 404, errorCode: 'ERR_PUBSUB_NOT_FOUND' });
    expect(error.message).toContain('Dapr pubsub "nope" publish to t: HTTP 404 ERR_PUBSUB_NOT_FOUND');
  });

  it('bulk-publishes our CloudEvents as entries keyed by their ids, each with its own partition key and trace', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const failures = await dapr.pubsub.publishBulk('kafka-pubsub', 'task-events', [
      { data: { a: 1 }, options: { id: 'o-1', type: 'task.created', source: 'backend', traceparent } },
      {
        data: { a: 2 },
        options: { id: 'o-2', type: 'task.updated', source: 'backend', metadata: { partitionKey: 'k' } },
      },
    ]);
    expect(failures.size).toBe(0);
    expect(sidecar.last).toMatchObject({ method: 'POST', url: '/v1.0-alpha1/publish/bulk/kafka-pubsub/task-events' });
    expect(sidecar.last.headers['content-type']).toBe('application/json');
    const [first, second] = json(sidecar.last.body);
    expect(first).toEqual({
      entryId: 'o-1',
      contentType: 'application/cloudevents+json',
      event: expect.objectContaining({ id: 'o-1', type: 'task.created', data: { a: 1 }, traceid: traceparent }),
    });
    expect(second).toMatchObject({ entryId: 'o-2', metadata: { partitionKey: 'k' }, event: { id: 'o-2' } });
  });

  it("answers the entries daprd's 500 names as failed, and throws when the request failed as a whole", async () => {
    sidecar.reply({
      status: 500,
      body: JSON.stringify({
        failedEntries: [{ entryId: 'o-2', error: 'kafka: broker not available' }],
        errorCode: 'ERR_PUBSUB_PUBLISH_MESSAGE',
      }),
    });
    const entries = ['o-1', 'o-2'].map((id) => ({ data: {}, options: { id, type: 'x', source: 'y' } }));
    await expect(dapr.pubsub.publishBulk('kafka-pubsub', 't', entries)).resolves.toEqual(
      new Map([['o-2', 'kafka: broker not available']]),
    );
    sidecar.reply({ status: 404, body: JSON.stringify({ errorCode: 'ERR_PUBSUB_NOT_FOUND', message: 'no pubsub' }) });
    await expect(dapr.pubsub.publishBulk('nope', 't', entries)).rejects.toMatchObject({ status: 404 });
  });
});

describe('state', () => {
  it('gets a value with its ETag', async () => {
    sidecar.reply({ status: 200, body: '{"n":1}', headers: { etag: '"7"', 'content-type': 'application/json' } });
    await expect(dapr.state.get('statestore', 'conversation-1')).resolves.toEqual({
      key: 'conversation-1',
      value: { n: 1 },
      etag: '"7"',
    });
    expect(sidecar.last).toMatchObject({ method: 'GET', url: '/v1.0/state/statestore/conversation-1' });
  });

  it('reads 204 as a missing key', async () => {
    sidecar.reply({ status: 204 });
    await expect(dapr.state.get('statestore', 'missing')).resolves.toBeUndefined();
  });

  it('saves with first-write concurrency when an ETag is given, and a TTL as metadata', async () => {
    await dapr.state.save('statestore', [
      { key: 'a', value: { x: 1 }, etag: '3' },
      { key: 'b', value: 'v', ttlInSeconds: 60 },
    ]);
    expect(sidecar.last.url).toBe('/v1.0/state/statestore');
    expect(json(sidecar.last.body)).toEqual([
      { key: 'a', value: { x: 1 }, etag: '3', options: { concurrency: 'first-write' } },
      { key: 'b', value: 'v', metadata: { ttlInSeconds: '60' } },
    ]);
  });

  it("turns daprd's 500 for a first-write on an existing key into an ETag mismatch error", async () => {
    sidecar.reply({
      status: 500,
      body: '{"errorCode":"ERR_STATE_SAVE","message":"failed saving state in state store statestore: no item was updated"}',
    });
    await expect(
      dapr.state.save('statestore', [{ key: 'a', value: 1, concurrency: 'first-write' }]),
    ).rejects.toBeInstanceOf(DaprEtagMismatchError);
  });

  it('turns a 409 on save into an ETag mismatch error', async () => {
    sidecar.reply({ status: 409, body: '{"errorCode":"ERR_STATE_SAVE","message":"possible etag mismatch"}' });
    await expect(dapr.state.save('statestore', [{ key: 'a', value: 1, etag: '1' }])).rejects.toBeInstanceOf(
      DaprEtagMismatchError,
    );
  });

  it('deletes with If-Match', async () => {
    await dapr.state.delete('statestore', 'a', { etag: '9' });
    expect(sidecar.last).toMatchObject({ method: 'DELETE', url: '/v1.0/state/statestore/a?concurrency=first-write' });
    expect(sidecar.last.headers['if-match']).toBe('9');
  });

  it('bulk-gets and leaves out missing keys', async () => {
    sidecar.reply({
      status: 200,
      body: JSON.stringify([
        { key: 'a', data: { x: 1 }, etag: '1' },
        { key: 'b', etag: '' },
      ]),
    });
    await expect(dapr.state.getBulk('statestore', ['a', 'b'])).resolves.toEqual([
      { key: 'a', value: { x: 1 }, etag: '1' },
    ]);
    expect(sidecar.last).toMatchObject({ method: 'POST', url: '/v1.0/state/statestore/bulk' });
    expect(json(sidecar.last.body)).toEqual({ keys: ['a', 'b'], parallelism: 10 });
  });

  it('sends a transaction in the documented shape', async () => {
    await dapr.state.transaction('statestore', [
      { operation: 'upsert', key: 'a', value: 1, etag: '2' },
      { operation: 'delete', key: 'b' },
    ]);
    expect(sidecar.last.url).toBe('/v1.0/state/statestore/transaction');
    expect(json(sidecar.last.body)).toEqual({
      operations: [
        { operation: 'upsert', request: { key: 'a', value: 1, etag: '2', options: { concurrency: 'first-write' } } },
        { operation: 'delete', request: { key: 'b' } },
      ],
    });
  });
});

describe('secrets', () => {
  it('gets a secret and names a missing key', async () => {
    sidecar.reply({ status: 200, body: '{"DATABASE_URL":"postgres://x"}' });
    await expect(dapr.secrets.get('kubernetes-secrets', 'todo-chatbot-secrets')).resolves.toEqual({
      DATABASE_URL: 'postgres://x',
    });
    expect(sidecar.last).toMatchObject({ method: 'GET', url: '/v1.0/secrets/kubernetes-secrets/todo-chatbot-secrets' });
    sidecar.reply({ status: 200, body: '{}' });
    await expect(dapr.secrets.require('kubernetes-secrets', 'todo-chatbot-secrets', 'AUTH_SECRET')).rejects.toThrow(
      /has no key "AUTH_SECRET"/,
    );
  });
});

describe('service invocation', () => {
  it('passes the target app status and body through, with method, query and headers', async () => {
    sidecar.reply({ status: 404, body: '{"error":{"code":"NOT_FOUND"}}' });
    const response = await dapr.invoke.call('backend', 'api/tasks/1', {
      method: 'PATCH',
      query: { a: 'b' },
      headers: { authorization: 'Bearer u' },
      body: { title: 't' },
    });
    expect(response.status).toBe(404);
    await expect(response.json()).resolves.toEqual({ error: { code: 'NOT_FOUND' } });
    expect(sidecar.last).toMatchObject({ method: 'PATCH', url: '/v1.0/invoke/backend/method/api/tasks/1?a=b' });
    expect(sidecar.last.headers).toMatchObject({ authorization: 'Bearer u', 'dapr-api-token': 's3cret' });
    expect(json(sidecar.last.body)).toEqual({ title: 't' });
  });

  it('forwards an incoming request with its body, without its own sidecar token', async () => {
    const incoming = new Request('http://frontend/api/tasks?q=milk', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'dapr-api-token': 'app-token',
        'dapr-app-id': 'steer-me-elsewhere',
        authorization: 'Bearer u',
      },
      body: '{"title":"milk"}',
    });
    const response = await dapr.invoke.forward('backend', 'api/tasks', incoming);
    expect(response.status).toBe(204);
    expect(sidecar.last).toMatchObject({ method: 'POST', url: '/v1.0/invoke/backend/method/api/tasks?q=milk' });
    expect(sidecar.last.headers['dapr-api-token']).toBe('s3cret');
    expect(sidecar.last.headers.authorization).toBe('Bearer u');
    expect(sidecar.last.headers['dapr-app-id']).toBeUndefined();
    expect(sidecar.last.body).toBe('{"title":"milk"}');
  });
});

describe('jobs', () => {
  it('schedules with the name only in the URL', async () => {
    await dapr.jobs.schedule('reminder-1', {
      dueTime: '2026-11-27T18:00:00+01:00',
      data: { task_id: '1' },
      overwrite: true,
      failurePolicy: { constant: { interval: '5s', maxRetries: 3 } },
    });
    expect(sidecar.last).toMatchObject({ method: 'POST', url: '/v1.0-alpha1/jobs/reminder-1' });
    expect(json(sidecar.last.body)).toEqual({
      dueTime: '2026-11-27T18:00:00+01:00',
      data: { task_id: '1' },
      overwrite: true,
      failurePolicy: { constant: { interval: '5s', maxRetries: 3 } },
    });
  });

  it('uses the stable path when configured', async () => {
    const stable = new Dapr({ ...dapr.options, jobsApiVersion: 'v1.0' });
    await stable.jobs.delete('reminder-1');
    expect(sidecar.last).toMatchObject({ method: 'DELETE', url: '/v1.0/jobs/reminder-1' });
  });

  it('refuses a job with neither dueTime nor schedule before calling the sidecar', async () => {
    const before = sidecar.requests.length;
    await expect(dapr.jobs.schedule('x', { data: 1 })).rejects.toThrow(/dueTime or a schedule/);
    expect(sidecar.requests.length).toBe(before);
  });

  it('reads a missing job as undefined and an existing one as JSON', async () => {
    sidecar.reply({ status: 404, body: '{"errorCode":"ERR_JOBS_NOT_FOUND","message":"job not found"}' });
    await expect(dapr.jobs.get('reminder-2')).resolves.toBeUndefined();
    sidecar.reply({ status: 200, body: '{"name":"reminder-2","dueTime":"2s"}' });
    await expect(dapr.jobs.get('reminder-2')).resolves.toEqual({ name: 'reminder-2', dueTime: '2s' });
  });

  it("unwraps daprd's protobuf Value around a job's data", async () => {
    sidecar.reply({
      status: 200,
      body: '{"name":"r","dueTime":"2s","data":{"@type":"type.googleapis.com/google.protobuf.Value","value":{"a":1}}}',
    });
    await expect(dapr.jobs.get('r')).resolves.toMatchObject({ name: 'r', data: { a: 1 } });
  });
});

describe('failures of the sidecar itself', () => {
  it('gives a typed timeout error, not a hang, when the sidecar does not answer', async () => {
    sidecar.reply({ status: 200, hang: true });
    const started = Date.now();
    const error = await dapr.state.get('statestore', 'slow').catch((e) => e);
    expect(error).toBeInstanceOf(DaprTimeoutError);
    expect(error).toMatchObject({ block: 'state', target: 'statestore', timeoutMs: 500 });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('gives a typed unreachable error when nothing listens', async () => {
    const nowhere = new Dapr({ endpoint: 'http://127.0.0.1:1', timeoutMs: 500, jobsApiVersion: 'v1.0' });
    await expect(nowhere.secrets.get('kubernetes-secrets', 'x')).rejects.toBeInstanceOf(DaprUnreachableError);
  });

  it('asks the sidecar to shut down (for Jobs)', async () => {
    await dapr.health.shutdown();
    expect(sidecar.last).toMatchObject({ method: 'POST', url: '/v1.0/shutdown' });
  });

  it('waits for the sidecar by polling the outbound health endpoint', async () => {
    sidecar.reply({ status: 500 }, { status: 204 });
    await dapr.health.waitForSidecar({ timeoutMs: 5_000, intervalMs: 10 });
    expect(sidecar.requests.slice(-2).map((r) => r.url)).toEqual(['/v1.0/healthz/outbound', '/v1.0/healthz/outbound']);
  });
});
