// Tasks as a person expects them through the API: no lost update (ETag / If-Match / 412), reminders in days on the
// wall clock across a clock change, every task reachable by cursor, tags as the form takes them, forgiving search.
import { CURRENT_USER_PATH } from '@todo/contracts';
import { BackendHarness } from './harness';

const h = new BackendHarness();
let ann: string;

beforeAll(async () => {
  await h.start();
  ann = await h.signUp('ann@example.com', 'Europe/Berlin');
}, 60_000);
afterAll(() => h.stop());

const add = async (token: string, body: Record<string, unknown>) => {
  const res = await h.api('/api/tasks', { token, body });
  if (res.status !== 201) throw new Error(JSON.stringify(res.json));
  return res;
};

describe('preconditions', () => {
  it('gives the version as ETag on every read and write of a task', async () => {
    const created = await add(ann, { title: 'Write the report' });
    expect(created.headers.get('etag')).toBe('"1"');
    const path = `/api/tasks/${created.json.id}`;
    expect((await h.api(path, { token: ann })).headers.get('etag')).toBe('"1"');
    const changed = await h.api(path, { method: 'PATCH', token: ann, body: { title: 'Write the annual report' } });
    expect(changed.headers.get('etag')).toBe('"2"');
    const done = await h.api(`${path}/complete`, { method: 'POST', token: ann, headers: { 'if-match': '"2"' } });
    expect(done.status).toBe(200);
    expect(done.headers.get('etag')).toBe('"3"');
    const open = await h.api(`${path}/reopen`, { method: 'POST', token: ann, headers: { 'if-match': 'W/"3"' } });
    expect(open.headers.get('etag')).toBe('"4"');
  });

  it("refuses a change made on an old version with 412 and the current task, and keeps the other tab's change", async () => {
    const { json: task } = await add(ann, { title: 'Call the bank', description: 'about the card' });
    const path = `/api/tasks/${task.id}`;
    // tab A renames the task
    const a = await h.api(path, {
      method: 'PATCH',
      token: ann,
      body: { title: 'Call the bank today' },
      headers: { 'if-match': '"1"' },
    });
    expect(a.status).toBe(200);
    // tab B, still on version 1, edits the notes
    const b = await h.api(path, {
      method: 'PATCH',
      token: ann,
      body: { description: 'and the loan' },
      headers: { 'if-match': '"1"' },
    });
    expect(b.status).toBe(412);
    expect(b.json.error.code).toBe('TASK_CHANGED');
    expect(b.json.task).toMatchObject({ title: 'Call the bank today', description: 'about the card', version: 2 });
    expect(b.headers.get('etag')).toBe('"2"');
    for (const [method, suffix] of [
      ['POST', '/complete'],
      ['POST', '/reopen'],
      ['DELETE', ''],
    ] as const) {
      const stale = await h.api(`${path}${suffix}`, { method, token: ann, headers: { 'if-match': '"1"' } });
      expect(stale.status).toBe(412);
      expect(stale.json.task.version).toBe(2);
    }
    expect((await h.api(path, { token: ann })).json).toMatchObject({ title: 'Call the bank today', version: 2 });
    // on the new version B's change goes through
    const retried = await h.api(path, {
      method: 'PATCH',
      token: ann,
      body: { description: 'and the loan' },
      headers: { 'if-match': '"2"' },
    });
    expect(retried.json).toMatchObject({ title: 'Call the bank today', description: 'and the loan', version: 3 });
    expect((await h.api(path, { method: 'DELETE', token: ann, headers: { 'if-match': '"3"' } })).status).toBe(204);
  });

  it('answers 400 naming if-match for a header that is not one of its ETags, and changes nothing', async () => {
    const { json: task } = await add(ann, { title: 'Water plants' });
    const res = await h.api(`/api/tasks/${task.id}`, {
      method: 'PATCH',
      token: ann,
      body: { title: 'x' },
      headers: { 'if-match': 'yesterday' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.details.map((d: { path: string }) => d.path)).toEqual(['if-match']);
    expect((await h.api(`/api/tasks/${task.id}`, { token: ann })).json.title).toBe('Water plants');
  });
});

describe('the account zone', () => {
  it('changes with PATCH on the signed-in user; new tasks take it; a zone that is not one is a 400 naming the field', async () => {
    const zed = await h.signUp('zed@example.com', 'America/New_York');
    const changed = await h.api(CURRENT_USER_PATH, {
      method: 'PATCH',
      token: zed,
      body: { timezone: 'Europe/Berlin' },
    });
    expect(changed.status).toBe(200);
    expect(changed.json.timezone).toBe('Europe/Berlin');
    expect((await h.api(CURRENT_USER_PATH, { token: zed })).json.timezone).toBe('Europe/Berlin');
    expect((await add(zed, { title: 'Later' })).json.timezone).toBe('Europe/Berlin');
    const bad = await h.api(CURRENT_USER_PATH, { method: 'PATCH', token: zed, body: { timezone: 'Mars/Olympus' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { path: string }) => d.path)).toEqual(['timezone']);
    expect((await h.api(CURRENT_USER_PATH, { token: zed })).json.timezone).toBe('Europe/Berlin');
  });
});

describe('reminders in days', () => {
  it('keeps "1 day before" at the same wall time on the day before a clock change, in the task zone', async () => {
    // Sunday 29 March 2026 09:00 in Berlin is summer time (+02); Saturday 09:00 is still winter time (+01)
    const { json } = await add(ann, {
      title: 'Brunch',
      due_at: '2026-03-29T09:00:00+02:00',
      remind_before_minutes: 1440,
    });
    expect(json.remind_at).toBe('2026-03-28T08:00:00.000Z');
    // and in autumn, with a zone set on the task: 25 Oct 2026 09:00 (+01) -> 24 Oct 09:00 (+02)
    const autumn = await add(ann, {
      title: 'Clocks back',
      due_at: '2026-10-25T09:00:00+01:00',
      remind_before_minutes: 2 * 1440 + 30,
      timezone: 'Europe/Berlin',
    });
    expect(autumn.json.remind_at).toBe('2026-10-23T06:30:00.000Z');
    // minutes stay real minutes: 60 before 03:30 summer time is 01:30 winter time
    const short = await add(ann, {
      title: 'Night shift',
      due_at: '2026-03-29T03:30:00+02:00',
      remind_before_minutes: 60,
    });
    expect(short.json.remind_at).toBe('2026-03-29T00:30:00.000Z');
    // a change of the due date moves the reminder the same way
    const moved = await h.api(`/api/tasks/${json.id}`, {
      method: 'PATCH',
      token: ann,
      body: { due_at: '2026-03-30T09:00:00+02:00' },
    });
    expect(moved.json.remind_at).toBe('2026-03-29T07:00:00.000Z');
  });
});

describe('listing', () => {
  it('reaches every one of 112 open tasks by following next_cursor, and the total matches', async () => {
    const many = await h.signUp('many@example.com');
    for (let i = 0; i < 112; i += 1) await add(many, { title: `Task ${String(i).padStart(3, '0')}` });
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { json: { items: { id: string }[]; next_cursor: string | null; total: number } } = await h.api(
        `/api/tasks?status=open&limit=50${cursor ? `&cursor=${cursor}` : ''}`,
        { token: many },
      );
      expect(res.json.total).toBe(112);
      for (const t of res.json.items) seen.add(t.id);
      cursor = res.json.next_cursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.size).toBe(112);
  }, 60_000);

  it('takes tags as the form does: separated by spaces or commas, with or without #', async () => {
    const tom = await h.signUp('tom@example.com');
    await add(tom, { title: 'Fix the build', tags: ['work', 'urgent'] });
    await add(tom, { title: 'Plan the offsite', tags: ['work'] });
    for (const tags of ['work urgent', 'work,urgent', '#work  #urgent', 'work, urgent']) {
      const res = await h.api(`/api/tasks?tags=${encodeURIComponent(tags)}`, { token: tom });
      expect(res.status).toBe(200);
      expect(res.json.items.map((t: { title: string }) => t.title)).toEqual(['Fix the build']);
      expect(res.json.total).toBe(1);
    }
    const bad = await h.api(`/api/tasks?tags=${encodeURIComponent('work ur!gent')}`, { token: tom });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { path: string }) => d.path)).toEqual(['tags.1']);
  });

  it('searches forgivingly: stop words, parts of words and typos, whole words ranked first', async () => {
    const sue = await h.signUp('sue@example.com');
    await add(sue, { title: 'Send invoices', tags: ['money'] });
    await add(sue, { title: 'Voice lesson' });
    await add(sue, { title: 'Check in for the flight' });
    await add(sue, { title: 'Buy milk' });
    const titles = async (q: string) => {
      const res = await h.api(`/api/tasks?q=${encodeURIComponent(q)}`, { token: sue });
      expect(res.status).toBe(200);
      expect(res.json.total).toBe(res.json.items.length);
      return res.json.items.map((t: { title: string }) => t.title);
    };
    expect(await titles('in')).toEqual(['Check in for the flight', 'Send invoices']);
    expect(await titles('voice')).toEqual(['Voice lesson', 'Send invoices']);
    expect(await titles('invoce')).toEqual(['Send invoices']);
    expect(await titles('invoices')).toEqual(['Send invoices']);
    expect(await titles('invoce money')).toEqual(['Send invoices']);
    expect(await titles('100%')).toEqual([]);
    expect(await titles('zebra')).toEqual([]);
  });
});
