// NUL (which Postgres refuses) and other control characters in any text field: a 400 naming the field, never a 500.
import { BackendHarness } from './harness';

const h = new BackendHarness();
let token: string;

beforeAll(async () => {
  await h.start();
  token = await h.signUp('control@example.com');
}, 60_000);
afterAll(() => h.stop());

const expectField = (res: { status: number; json: { error: { details: { path: string }[] } } }, path: string) => {
  expect(res.status).toBe(400);
  expect(res.json.error.details.map((d) => d.path)).toContain(path);
};

it('refuses NUL and other control characters in a task it creates or changes, naming the field', async () => {
  expectField(await h.api('/api/tasks', { token, body: { title: 'milk\u0000' } }), 'title');
  expectField(await h.api('/api/tasks', { token, body: { title: 'a\u0007b' } }), 'title');
  expectField(await h.api('/api/tasks', { token, body: { title: 'milk', description: 'x\u0000y' } }), 'description');
  expectField(await h.api('/api/tasks', { token, body: { title: 'milk', tags: ['a\u0000'] } }), 'tags.0');
  expectField(
    await h.api('/api/tasks', { token, body: { title: 'milk', recurrence: 'FREQ=DAILY\u0000' } }),
    'recurrence',
  );
  const task = await h.api('/api/tasks', {
    token,
    body: { title: ' Buy milk\n', description: 'two\tcolumns\r\nlines' },
  });
  expect(task.status).toBe(201);
  expect(task.json).toMatchObject({ title: 'Buy milk', description: 'two\tcolumns\r\nlines' });
  const path = `/api/tasks/${task.json.id}`;
  expectField(await h.api(path, { method: 'PATCH', token, body: { title: 'oat\u0000milk' } }), 'title');
  expectField(await h.api(path, { method: 'PATCH', token, body: { description: '\u0000' } }), 'description');
  expect((await h.api(path, { token })).json.title).toBe('Buy milk');
});

it('refuses them in sign-up and sign-in, naming the field', async () => {
  const body = { email: 'nul@example.com', password: 'correct horse battery' };
  expectField(await h.api('/api/auth/sign-up', { body: { ...body, display_name: 'Ann\u0000' } }), 'display_name');
  expectField(await h.api('/api/auth/sign-up', { body: { ...body, password: 'correct\u0000horse' } }), 'password');
  expectField(await h.api('/api/auth/sign-in', { body: { ...body, email: 'nul\u0000@example.com' } }), 'email');
});

it('refuses them in query strings and forged cursors, naming the field', async () => {
  // a GET that says its (absent) body is JSON is answered as any GET
  const json = { 'content-type': 'application/json' };
  expect((await h.api('/api/tasks?q=milk', { token, headers: json })).status).toBe(200);
  expectField(await h.api('/api/tasks?q=milk%00', { token, headers: json }), 'q');
  expectField(await h.api('/api/tasks?q=milk%00', { token }), 'q');
  expectField(await h.api('/api/tasks?tags=a%00b', { token }), 'tags.0');
  const forged = (cursor: unknown) => Buffer.from(JSON.stringify(cursor)).toString('base64url');
  const id = '6f1f6c52-2b0e-4d51-9a0b-0f4c3f8f2a11';
  for (const [sort, cursor] of [
    ['title', { k: 'a\u0000', id }],
    ['due', { k: 'not a date', id }],
    ['priority', { k: 'high', id }],
    ['title', { k: 'a', id: 'not-a-uuid' }],
    [undefined, { o: -1 }],
    [undefined, { o: 1e300 }],
  ] as const) {
    const query = `cursor=${forged(cursor)}${sort ? `&sort=${sort}` : ''}&q=milk`;
    expectField(await h.api(`/api/tasks?${query}`, { token }), 'cursor');
  }
  expectField(await h.api('/api/tasks?cursor=%00', { token }), 'cursor');
});
