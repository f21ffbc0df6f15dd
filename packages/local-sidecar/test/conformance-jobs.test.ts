// The Jobs API on both runtimes: the trigger our backend receives, and the answers to get, reuse and a large body.
import { eventually, TestApp } from '@todo/testkit';
import { apiOf, appIds, eachRuntime, type Sidecars, START_TIMEOUT_MS, startSidecars } from './sidecars';

eachRuntime('conformance-jobs.test.ts', {}, (runtime) => {
  const ids = appIds('scheduler');
  const app = new TestApp();
  let sidecars: Sidecars;
  const api = apiOf(() => sidecars, ids.scheduler);
  const schedule = (name: string, spec: unknown) =>
    api(`/v1.0-alpha1/jobs/${name}`, { method: 'POST', body: JSON.stringify(spec) });

  beforeAll(async () => {
    app.hono.post('/job/:name', (c) => c.body(null, 200));
    await app.start();
    sidecars = await startSidecars(runtime, {
      apps: [{ appId: ids.scheduler, appPort: app.port }],
      components: () => [],
      apiToken: 'api-token',
      appToken: 'app-token',
    });
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await sidecars?.stop();
    await app.stop();
  }, START_TIMEOUT_MS);

  it('triggers POST /job/<name> with the data as JSON, the app token, and no dapr-caller-app-id', async () => {
    expect((await schedule('reminder-now', { dueTime: '0s', data: { task_id: 'a' } })).status).toBe(204);
    const [hit] = await eventually(() => {
      const hits = app.on('/job/reminder-now');
      if (!hits.length) throw new Error('not triggered yet');
      return hits;
    }, 10_000);
    expect(JSON.parse(hit?.body ?? '')).toEqual({ task_id: 'a' });
    expect(hit?.headers['content-type']).toBe('application/json');
    expect(hit?.headers['dapr-api-token']).toBe('app-token');
    // our apps tell a trigger from an invocation by this header: a trigger never has it
    expect(hit?.headers['dapr-caller-app-id']).toBeUndefined();
  });

  it('returns a job with its data wrapped as a protobuf Value and the default failure policy', async () => {
    await schedule('later', { dueTime: '1h', data: { a: 1 } });
    const got = await api('/v1.0-alpha1/jobs/later');
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual({
      name: 'later',
      dueTime: '1h',
      data: { '@type': 'type.googleapis.com/google.protobuf.Value', value: { a: 1 } },
      failurePolicy: { constant: { interval: '1s', maxRetries: 3 } },
    });
  });

  it('answers GET of a job without data with daprd 1.18 own 500', async () => {
    await schedule('no-data', { dueTime: '1h' });
    const got = await api('/v1.0-alpha1/jobs/no-data');
    expect(got.status).toBe(500);
    expect(await got.json()).toMatchObject({
      errorCode: 'ERR_INTERNAL',
      message: expect.stringContaining('failed to encode response as JSON'),
    });
  });

  it('answers 500 DAPR_SCHEDULER_GET_JOB for an unknown job, and 204 to deleting one', async () => {
    const got = await api('/v1.0-alpha1/jobs/ghost');
    expect(got.status).toBe(500);
    expect(await got.json()).toMatchObject({
      errorCode: 'DAPR_SCHEDULER_GET_JOB',
      message: 'failed to get job due to: rpc error: code = NotFound desc = job not found: ghost',
    });
    expect((await api('/v1.0-alpha1/jobs/ghost', { method: 'DELETE' })).status).toBe(204);
  });

  it('answers 409 DAPR_SCHEDULER_SCHEDULE_JOB to a reused name without overwrite', async () => {
    await schedule('twice', { dueTime: '1h', data: 1 });
    const again = await schedule('twice', { dueTime: '1h', data: 2 });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({
      errorCode: 'DAPR_SCHEDULER_SCHEDULE_JOB',
      message: expect.stringContaining('job already exists'),
    });
    expect((await schedule('twice', { dueTime: '1h', data: 3, overwrite: true })).status).toBe(204);
  });

  it('answers 400 ERR_BODY_READ to a job body over 4 MiB', async () => {
    const res = await schedule('big', { dueTime: '1h', data: 'x'.repeat(4 * 1024 * 1024) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      errorCode: 'ERR_BODY_READ',
      message: 'failed to read request body: stream too large',
    });
  });
});
