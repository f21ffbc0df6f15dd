// The stand-in's Jobs API on a clock the test moves: due times, overwrites, deletes, repeats and failure policies
// without waiting for any of them. (conformance-jobs.test.ts holds the behaviours real daprd shares, in real time.)
import { emptyResources, freshDatabase, runtimeFor, sidecarUrl, TestApp } from '@todo/testkit';
import type { Runtime } from '../src/runtime';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let runtime: Runtime;
const scheduler = new TestApp();
const bystander = new TestApp();
let failNext = 0;

/** The scheduler's time: it moves only when a test moves it. */
let clock = Date.parse('2030-06-03T10:00:00.000Z');
const inMs = (ms: number) => new Date(clock + ms).toISOString();
/** Moves the clock on, then waits for a pass over the jobs that saw the new time: what was due has been fired. */
async function advance(ms: number): Promise<void> {
  clock += ms;
  await runtime.jobs.tick();
}

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
    { appToken: 'app-secret', now: () => new Date(clock) },
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
  it('fires a dueTime job once, at its due time and not before, on the scheduling app only', async () => {
    const res = await schedule('reminder-a', { dueTime: inMs(2_000), data: { task_id: 'a' } });
    expect(res.status).toBe(204);
    await advance(1_999);
    expect(triggers('reminder-a')).toHaveLength(0);
    await advance(1);
    const [hit] = triggers('reminder-a');
    expect(JSON.parse(hit?.body ?? '')).toEqual({ task_id: 'a' });
    expect(hit?.headers['content-type']).toBe('application/json');
    expect(hit?.headers['dapr-api-token']).toBe('app-secret');
    await advance(60_000);
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
    expect((await schedule('reminder-b', { dueTime: inMs(600), data: { v: 1 } })).status).toBe(204);
    const again = await schedule('reminder-b', { dueTime: inMs(600), data: { v: 9 } });
    expect(again.status).toBe(409);
    expect((await again.json()).message).toContain('job already exists');
    expect((await schedule('reminder-b', { dueTime: inMs(1_200), data: { v: 2 }, overwrite: true })).status).toBe(204);
    await advance(600);
    expect(triggers('reminder-b')).toHaveLength(0);
    await advance(600);
    await advance(60_000);
    expect(triggers('reminder-b').map((r) => JSON.parse(r.body))).toEqual([{ v: 2 }]);
  });

  it('cancels a job on DELETE', async () => {
    await schedule('reminder-c', { dueTime: '700ms', data: {} });
    expect((await jobs('reminder-c', { method: 'DELETE' })).status).toBe(204);
    await advance(60_000);
    expect(triggers('reminder-c')).toHaveLength(0);
  });

  it('repeats a schedule the given number of times, one period apart', async () => {
    await schedule('tick', { schedule: '@every 300ms', repeats: 3, data: {} });
    for (const fired of [1, 2, 3]) {
      await advance(299);
      expect(triggers('tick')).toHaveLength(fired - 1);
      await advance(1);
      expect(triggers('tick')).toHaveLength(fired);
    }
    await advance(60_000);
    expect(triggers('tick')).toHaveLength(3);
  });

  it('retries a failed trigger as its failure policy says', async () => {
    failNext = 2;
    await schedule('flaky', { dueTime: '100ms', failurePolicy: { constant: { interval: '200ms', maxRetries: 3 } } });
    await advance(100);
    expect(triggers('flaky')).toHaveLength(1);
    for (const tried of [2, 3]) {
      await advance(199);
      expect(triggers('flaky')).toHaveLength(tried - 1);
      await advance(1);
      expect(triggers('flaky')).toHaveLength(tried);
    }
    // the third try succeeded: nothing more
    await advance(60_000);
    expect(triggers('flaky')).toHaveLength(3);
  });

  it('does not retry with the drop failure policy', async () => {
    failNext = 1;
    await schedule('dropme', { dueTime: '100ms', failurePolicy: { drop: {} } });
    await advance(100);
    expect(triggers('dropme')).toHaveLength(1);
    await advance(60_000);
    expect(triggers('dropme')).toHaveLength(1);
    expect(failNext).toBe(0);
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
