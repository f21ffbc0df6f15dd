import { emptyResources, eventually, freshDatabase, runtimeFor, sidecarUrl, TestApp } from '@todo/testkit';
import type { Runtime } from '../src/runtime';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let runtime: Runtime;
const scheduler = new TestApp();
const bystander = new TestApp();
let failNext = 0;

beforeAll(async () => {
  db = await freshDatabase();
  scheduler.hono.post('/job/:name', (c) => {
    if (failNext > 0) {
      failNext -= 1;
      return c.json({ error: 'busy' }, 503);
    }
    return c.body(null, 200);
  });
  bystander.hono.post('/job/:name', (c) => c.body(null, 200));
  await Promise.all([scheduler.start(), bystander.start()]);
  runtime = runtimeFor(
    db.url,
    [
      { appId: 'scheduler', appPort: scheduler.port },
      { appId: 'bystander', appPort: bystander.port },
    ],
    emptyResources(),
    { appToken: 'app-secret' },
  );
  await runtime.start();
});

afterAll(async () => {
  await runtime.stop();
  await Promise.all([scheduler.stop(), bystander.stop()]);
  await db.drop();
});

const jobs = (name: string, init: RequestInit = {}, version = 'v1.0-alpha1') =>
  fetch(`${sidecarUrl(runtime, 'scheduler')}/${version}/jobs/${name}`, {
    ...init,
    headers: { 'content-type': 'application/json' },
  });
const schedule = (name: string, spec: unknown, version?: string) =>
  jobs(name, { method: 'POST', body: JSON.stringify(spec) }, version);
const triggers = (name: string) => scheduler.on(`/job/${name}`);

describe('jobs', () => {
  it('fires a 2 s dueTime job once, within 1 s of its due time, on the scheduling app only', async () => {
    const due = Date.now() + 2_000;
    const res = await schedule('reminder-a', { dueTime: new Date(due).toISOString(), data: { task_id: 'a' } });
    expect(res.status).toBe(204);
    const [hit] = await eventually(() => {
      const hits = triggers('reminder-a');
      if (hits.length === 0) throw new Error('not fired');
      return hits;
    }, 5_000);
    expect(hit?.at).toBeGreaterThanOrEqual(due);
    expect(hit?.at).toBeLessThan(due + 1_000);
    expect(JSON.parse(hit?.body ?? '')).toEqual({ task_id: 'a' });
    expect(hit?.headers['content-type']).toBe('application/json');
    expect(hit?.headers['dapr-api-token']).toBe('app-secret');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(triggers('reminder-a')).toHaveLength(1);
    expect(bystander.received.filter((r) => r.path.startsWith('/job/'))).toHaveLength(0);
    // daprd 1.18 answers a job that is gone with 500 DAPR_SCHEDULER_GET_JOB (see conformance-jobs.test.ts)
    expect((await jobs('reminder-a')).status).toBe(500);
  });

  it('accepts a Go duration as dueTime on the stable path and returns the job on GET', async () => {
    expect((await schedule('later', { dueTime: '1h', data: 'x' }, 'v1.0')).status).toBe(204);
    const got = await jobs('later', {}, 'v1.0');
    expect(await got.json()).toMatchObject({ name: 'later', dueTime: '1h', data: { value: 'x' } });
    await jobs('later', { method: 'DELETE' });
  });

  it('refuses to reuse a name without overwrite, and with overwrite replaces the job', async () => {
    const first = new Date(Date.now() + 600).toISOString();
    expect((await schedule('reminder-b', { dueTime: first, data: { v: 1 } })).status).toBe(204);
    const again = await schedule('reminder-b', { dueTime: first, data: { v: 9 } });
    expect(again.status).toBe(409);
    expect((await again.json()).message).toContain('job already exists');
    const later = new Date(Date.now() + 1_200).toISOString();
    expect((await schedule('reminder-b', { dueTime: later, data: { v: 2 }, overwrite: true })).status).toBe(204);
    await eventually(() => expect(triggers('reminder-b')).toHaveLength(1), 4_000);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(triggers('reminder-b').map((r) => JSON.parse(r.body))).toEqual([{ v: 2 }]);
  });

  it('cancels a job on DELETE', async () => {
    await schedule('reminder-c', { dueTime: '700ms', data: {} });
    expect((await jobs('reminder-c', { method: 'DELETE' })).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(triggers('reminder-c')).toHaveLength(0);
  });

  it('repeats a schedule the given number of times', async () => {
    await schedule('tick', { schedule: '@every 300ms', repeats: 3, data: {} });
    await eventually(() => expect(triggers('tick')).toHaveLength(3), 4_000);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(triggers('tick')).toHaveLength(3);
  });

  it('retries a failed trigger as its failure policy says', async () => {
    failNext = 2;
    await schedule('flaky', { dueTime: '100ms', failurePolicy: { constant: { interval: '200ms', maxRetries: 3 } } });
    await eventually(() => expect(triggers('flaky')).toHaveLength(3), 4_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(triggers('flaky')).toHaveLength(3);
  });

  it('does not retry with the drop failure policy', async () => {
    failNext = 1;
    await schedule('dropme', { dueTime: '100ms', failurePolicy: { drop: {} } });
    await eventually(() => expect(triggers('dropme')).toHaveLength(1), 3_000);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(triggers('dropme')).toHaveLength(1);
  });

  it.each([
    ['neither dueTime nor schedule', { data: 1 }, /schedule or dueTime/],
    ['a dueTime without a zone', { dueTime: '2030-01-01T10:00:00' }, /offset/],
    ['a 5-field cron', { schedule: '* * * * *' }, /6 fields/],
    ['a negative repeats', { schedule: '@every 1s', repeats: -1 }, /repeats/],
  ])('answers 400 for %s', async (_name, spec, reason) => {
    const res = await schedule('bad', spec);
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(reason);
  });
});
