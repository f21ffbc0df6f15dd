import { CURRENT_USER_PATH, TOKEN_ISSUER } from '@todo/contracts';
import { SignJWT } from 'jose';
import pg from 'pg';
import { AUTH_SECRET, BackendHarness } from './harness';

const h = new BackendHarness();
let alice: string;
let bob: string;

beforeAll(async () => {
  await h.start();
  alice = await h.signUp('alice@example.com');
  bob = await h.signUp('bob@example.com', 'America/New_York');
}, 60_000);
afterAll(() => h.stop());

const taskCount = async () => {
  const client = new pg.Client({ connectionString: h.db.url });
  await client.connect();
  const { rows } = await client.query('select count(*)::int as n from tasks');
  await client.end();
  return rows[0].n as number;
};

describe('accounts', () => {
  it('refuses a second account with the same email, in any case', async () => {
    const res = await h.api('/api/auth/sign-up', {
      body: { email: 'ALICE@example.com', password: 'another password' },
    });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('EMAIL_TAKEN');
  });

  it('signs in with the right password and not with a wrong one', async () => {
    const ok = await h.api('/api/auth/sign-in', {
      body: { email: 'alice@example.com', password: 'correct horse battery' },
    });
    expect(ok.status).toBe(200);
    expect(ok.json.user).toMatchObject({ email: 'alice@example.com', timezone: 'Europe/Berlin' });
    const wrong = await h.api('/api/auth/sign-in', {
      body: { email: 'alice@example.com', password: 'wrong password' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.code).toBe('INVALID_CREDENTIALS');
    const nobody = await h.api('/api/auth/sign-in', { body: { email: 'nobody@example.com', password: 'whatever1' } });
    expect(nobody.json.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('rejects a short password and a bad time zone with field-level reasons', async () => {
    const res = await h.api('/api/auth/sign-up', {
      body: { email: 'c@example.com', password: 'short', timezone: 'Mars/Base' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['password', 'timezone']);
  });

  it('ends a session on sign-out: its token stops working', async () => {
    const { json } = await h.api('/api/auth/sign-in', {
      body: { email: 'bob@example.com', password: 'correct horse battery' },
    });
    expect((await h.api(CURRENT_USER_PATH, { token: json.token })).status).toBe(200);
    expect((await h.api('/api/auth/sign-out', { method: 'POST', token: json.token })).status).toBe(204);
    const after = await h.api(CURRENT_USER_PATH, { token: json.token });
    expect(after.status).toBe(401);
    expect(after.json.error.code).toBe('SESSION_ENDED');
    expect((await h.api(CURRENT_USER_PATH, { token: bob })).status).toBe(200);
  });

  it('answers 401 without a token, with a forged one and with an expired one', async () => {
    expect((await h.api('/api/tasks')).json.error.code).toBe('UNAUTHENTICATED');
    const forged = await new SignJWT({ sid: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('someone')
      .setIssuer(TOKEN_ISSUER)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-secret-not-the-secret-not-the-secret'));
    const forgedRes = await h.api('/api/tasks', { token: forged });
    expect(forgedRes.status).toBe(401);
    expect(forgedRes.json.error.code).toBe('TOKEN_INVALID');
    const expired = await new SignJWT({ sid: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('someone')
      .setIssuer(TOKEN_ISSUER)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(AUTH_SECRET));
    const expiredRes = await h.api('/api/tasks', { token: expired });
    expect(expiredRes.status).toBe(401);
    expect(expiredRes.json.error.code).toBe('TOKEN_EXPIRED');
  });
});

describe('tasks', () => {
  it('creates, reads, updates, completes, reopens and deletes a task', async () => {
    const created = await h.api('/api/tasks', {
      token: alice,
      body: {
        title: 'Call mom',
        priority: 'high',
        tags: ['#Family', 'phone'],
        due_at: '2030-01-05T18:00:00+01:00',
        remind_before_minutes: 30,
        recurrence: 'weekly',
      },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      title: 'Call mom',
      status: 'open',
      priority: 'high',
      tags: ['family', 'phone'],
      due_at: '2030-01-05T17:00:00.000Z',
      remind_at: '2030-01-05T16:30:00.000Z',
      remind_before_minutes: 30,
      recurrence: 'FREQ=WEEKLY',
      timezone: 'Europe/Berlin',
      version: 1,
    });
    const id = created.json.id;
    expect((await h.api(`/api/tasks/${id}`, { token: alice })).json.title).toBe('Call mom');
    const moved = await h.api(`/api/tasks/${id}`, {
      method: 'PATCH',
      token: alice,
      body: { due_at: '2030-01-06T18:00:00+01:00' },
    });
    expect(moved.json).toMatchObject({
      due_at: '2030-01-06T17:00:00.000Z',
      remind_at: '2030-01-06T16:30:00.000Z',
      version: 2,
    });
    const done = await h.api(`/api/tasks/${id}/complete`, { method: 'POST', token: alice });
    expect(done.json).toMatchObject({ status: 'completed', completed_at: expect.any(String), version: 3 });
    const again = await h.api(`/api/tasks/${id}/complete`, { method: 'POST', token: alice });
    expect(again.json.version).toBe(3);
    const reopened = await h.api(`/api/tasks/${id}/reopen`, { method: 'POST', token: alice });
    expect(reopened.json).toMatchObject({ status: 'open', completed_at: null, version: 4 });
    expect((await h.api(`/api/tasks/${id}`, { method: 'DELETE', token: alice })).status).toBe(204);
    expect((await h.api(`/api/tasks/${id}`, { token: alice })).status).toBe(404);
    // a DELETE sent again (its answer lost) answers as the first did
    expect((await h.api(`/api/tasks/${id}`, { method: 'DELETE', token: alice })).status).toBe(204);
  });

  it("answers 404 for another user's task, for read, update, complete and delete, and changes nothing", async () => {
    const { json } = await h.api('/api/tasks', { token: alice, body: { title: 'Private' } });
    for (const [method, path, body] of [
      ['GET', `/api/tasks/${json.id}`, undefined],
      ['PATCH', `/api/tasks/${json.id}`, { title: 'Hacked' }],
      ['POST', `/api/tasks/${json.id}/complete`, undefined],
      ['DELETE', `/api/tasks/${json.id}`, undefined],
    ] as const) {
      const res = await h.api(path, { method, token: bob, body });
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe('NOT_FOUND');
    }
    const mine = await h.api(`/api/tasks/${json.id}`, { token: alice });
    expect(mine.json).toMatchObject({ title: 'Private', status: 'open', version: 1 });
    const bobsList = await h.api('/api/tasks', { token: bob });
    expect(bobsList.json.items.map((t: { id: string }) => t.id)).not.toContain(json.id);
  });

  it.each([
    ['a missing title', { priority: 'low' }, 'title'],
    ['a 10,000-character title', { title: 'x'.repeat(10_000) }, 'title'],
    ['a bad date', { title: 'a', due_at: 'next tuesday' }, 'due_at'],
    ['a date without a zone', { title: 'a', due_at: '2030-01-01T10:00:00' }, 'due_at'],
    ['an unknown priority', { title: 'a', priority: 'urgent' }, 'priority'],
    ['an invalid RRULE', { title: 'a', recurrence: 'FREQ=SOMETIMES' }, 'recurrence'],
    [
      'a reminder after the due date',
      { title: 'a', due_at: '2030-01-01T10:00:00Z', remind_at: '2030-01-01T11:00:00Z' },
      'remind_at',
    ],
    ['a reminder offset without a due date', { title: 'a', remind_before_minutes: 10 }, 'remind_before_minutes'],
    ['an unknown field', { title: 'a', colour: 'red' }, '(root)'],
  ])('answers 400 for %s, with the field, and writes nothing', async (_name, body, path) => {
    const before = await taskCount();
    const res = await h.api('/api/tasks', { token: alice, body });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('VALIDATION_FAILED');
    expect(res.json.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(res.json.error.message.length).toBeGreaterThan(10);
    expect(await taskCount()).toBe(before);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await h.api('/api/tasks', {
      token: alice,
      body: '{not json',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
  });

  it('answers 400 for a patch that makes the reminder come after the due date, and keeps the task', async () => {
    const { json } = await h.api('/api/tasks', {
      token: alice,
      body: { title: 'Dentist', due_at: '2030-02-01T09:00:00Z', remind_at: '2030-02-01T08:00:00Z' },
    });
    const res = await h.api(`/api/tasks/${json.id}`, {
      method: 'PATCH',
      token: alice,
      body: { due_at: '2030-02-01T07:00:00Z' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.details[0].path).toBe('remind_at');
    expect((await h.api(`/api/tasks/${json.id}`, { token: alice })).json).toMatchObject({
      due_at: '2030-02-01T09:00:00.000Z',
      version: 1,
    });
  });
});

describe('idempotent create', () => {
  const outboxCreated = async (taskId: string) => {
    const client = new pg.Client({ connectionString: h.db.url });
    await client.connect();
    const { rows } = await client.query(
      `select count(*)::int as n from outbox where partition_key = $1 and event_type like '%created'`,
      [taskId],
    );
    await client.end();
    return rows[0].n as number;
  };

  it('gives the same task for the same key, sent again or ten times at once, with one created event', async () => {
    const send = (key: string) =>
      h.api('/api/tasks', { token: alice, body: { title: 'Pay rent' }, headers: { 'idempotency-key': key } });
    const before = await taskCount();
    const first = await send('rent-2030-01');
    const again = await send('rent-2030-01');
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const together = await Promise.all(Array.from({ length: 10 }, () => send('rent-2030-02')));
    expect(new Set(together.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(together.map((r) => r.json.id)).size).toBe(1);
    expect(together.filter((r) => r.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    expect(await taskCount()).toBe(before + 2);
    expect(await outboxCreated(first.json.id)).toBe(1);
    expect(await outboxCreated(together[0]?.json.id)).toBe(1);
  });

  it('refuses the same key with another body (422), keeps keys apart per user, and checks the key', async () => {
    const key = { 'idempotency-key': 'groceries-1' };
    const first = await h.api('/api/tasks', { token: alice, body: { title: 'Groceries' }, headers: key });
    const other = await h.api('/api/tasks', { token: alice, body: { title: 'Something else' }, headers: key });
    expect(other.status).toBe(422);
    expect(other.json.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', message: expect.any(String) });
    const bobs = await h.api('/api/tasks', { token: bob, body: { title: 'Groceries' }, headers: key });
    expect(bobs.status).toBe(201);
    expect(bobs.json.id).not.toBe(first.json.id);
    const bad = await h.api('/api/tasks', {
      token: alice,
      body: { title: 'Groceries' },
      headers: { 'idempotency-key': 'has a space' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('listing', () => {
  let carol: string;
  beforeAll(async () => {
    carol = await h.signUp('carol@example.com');
    const add = (body: Record<string, unknown>) => h.api('/api/tasks', { token: carol, body });
    await add({ title: 'Buy milk', tags: ['shopping'], priority: 'low', due_at: '2030-03-03T10:00:00Z' });
    await add({
      title: 'Book dentist appointment',
      description: 'the tooth again',
      tags: ['health'],
      priority: 'high',
      due_at: '2030-03-01T10:00:00Z',
    });
    await add({ title: 'Plan the week', tags: ['work'], priority: 'medium', due_at: '2030-03-02T09:00:00Z' });
    await add({ title: 'Pay rent', tags: ['home', 'money'], priority: 'high', due_at: '2020-01-01T10:00:00Z' });
    await add({ title: 'Read a book', tags: ['fun'], priority: 'low' });
    const { json } = await add({
      title: 'Old report',
      tags: ['work'],
      priority: 'medium',
      due_at: '2020-02-01T10:00:00Z',
    });
    await h.api(`/api/tasks/${json.id}/complete`, { method: 'POST', token: carol });
  });
  const titles = async (query: string) => {
    const res = await h.api(`/api/tasks?${query}`, { token: carol });
    if (res.status !== 200) throw new Error(JSON.stringify(res.json));
    return res.json.items.map((t: { title: string }) => t.title);
  };

  it('sorts by due date, soonest first, undated last; and reversed', async () => {
    expect(await titles('sort=due')).toEqual([
      'Pay rent',
      'Old report',
      'Book dentist appointment',
      'Plan the week',
      'Buy milk',
      'Read a book',
    ]);
    expect(await titles('sort=due&order=desc')).toEqual([
      'Buy milk',
      'Plan the week',
      'Book dentist appointment',
      'Old report',
      'Pay rent',
      'Read a book',
    ]);
  });

  it('sorts by priority, title and creation', async () => {
    expect((await titles('sort=priority')).slice(0, 2).sort()).toEqual(['Book dentist appointment', 'Pay rent']);
    expect(await titles('sort=title')).toEqual([
      'Book dentist appointment',
      'Buy milk',
      'Old report',
      'Pay rent',
      'Plan the week',
      'Read a book',
    ]);
    expect((await titles('sort=created'))[0]).toBe('Old report');
  });

  it('searches by keyword and prefix, ranking title matches first', async () => {
    expect(await titles('q=dent')).toEqual(['Book dentist appointment']);
    expect(await titles('q=tooth')).toEqual(['Book dentist appointment']);
    expect((await titles('q=book')).sort()).toEqual(['Book dentist appointment', 'Read a book']);
    expect(await titles('q=shopping')).toEqual(['Buy milk']);
    expect(await titles('q=nothing-like-this')).toEqual([]);
  });

  it('ranks a match in the title above a match in the description, whatever the age', async () => {
    const dave = await h.signUp('dave@example.com');
    await h.api('/api/tasks', { token: dave, body: { title: 'Buy milk' } });
    await h.api('/api/tasks', { token: dave, body: { title: 'Make pancakes', description: 'eggs, flour and milk' } });
    const res = await h.api('/api/tasks?q=milk', { token: dave });
    expect(res.json.items.map((t: { title: string }) => t.title)).toEqual(['Buy milk', 'Make pancakes']);
  });

  it('filters by status, priority, tags, due range and overdue', async () => {
    expect(await titles('status=completed')).toEqual(['Old report']);
    expect((await titles('status=open&priority=high')).sort()).toEqual(['Book dentist appointment', 'Pay rent']);
    expect(await titles('tags=work&status=open')).toEqual(['Plan the week']);
    expect(await titles('tags=home,money')).toEqual(['Pay rent']);
    expect(await titles('sort=due&due_from=2030-03-01T00:00:00Z&due_to=2030-03-02T23:59:59Z')).toEqual([
      'Book dentist appointment',
      'Plan the week',
    ]);
    expect(await titles('overdue=true')).toEqual(['Pay rent']);
  });

  it('pages with a cursor through every task exactly once, in each sort', async () => {
    for (const sort of ['due', 'priority', 'title', 'created']) {
      for (const order of ['asc', 'desc']) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const res: { json: { items: { title: string }[]; next_cursor: string | null; total: number } } = await h.api(
            `/api/tasks?sort=${sort}&order=${order}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
            { token: carol },
          );
          seen.push(...res.json.items.map((t) => t.title));
          expect(res.json.total).toBe(6);
          cursor = res.json.next_cursor;
        } while (cursor);
        expect(seen).toHaveLength(6);
        expect(new Set(seen).size).toBe(6);
        expect(seen).toEqual(await titles(`sort=${sort}&order=${order}`));
      }
    }
  });

  it.each([
    ['an unknown sort field', 'sort=colour', 'sort'],
    ['an unknown status', 'status=maybe', 'status'],
    ['a limit over 100', 'limit=1000', 'limit'],
    ['a bad due_from', 'due_from=yesterday', 'due_from'],
    ['a cursor we did not give out', 'cursor=abc', 'cursor'],
  ])('answers 400 for %s', async (_name, query, path) => {
    const res = await h.api(`/api/tasks?${query}`, { token: carol });
    expect(res.status).toBe(400);
    expect(res.json.error.details.map((d: { path: string }) => d.path)).toContain(path);
  });
});

describe('documentation', () => {
  it('serves an OpenAPI document with every task route and a docs page', async () => {
    const doc = await h.api('/openapi.json');
    expect(doc.json.openapi).toBe('3.1.0');
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining([
        '/api/tasks',
        '/api/tasks/{id}',
        '/api/tasks/{id}/complete',
        '/api/tasks/{id}/reopen',
        '/api/auth/sign-up',
      ]),
    );
    const page = await fetch(h.url('/docs'));
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/api/tasks/{id}/complete');
  });
});
