// The official MCP client over Streamable HTTP against the running backend.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { BackendHarness } from './harness';

const h = new BackendHarness();
let alice: Client;
let bob: Client;
let bobToken: string;

const connect = async (token: string) => {
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(h.url('/mcp')), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
};

// biome-ignore lint/suspicious/noExplicitAny: tool results are JSON
const call = async (client: Client, name: string, args: Record<string, unknown>): Promise<any> => {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(JSON.stringify(result.content));
  return (result.structuredContent as { data: unknown }).data;
};

beforeAll(async () => {
  await h.start();
  alice = await connect(await h.signUp('mcp-alice@example.com'));
  bobToken = await h.signUp('mcp-bob@example.com');
  bob = await connect(bobToken);
}, 60_000);
afterAll(async () => {
  await alice.close();
  await bob.close();
  await h.stop();
});

it('lists the task tools with descriptions and input schemas', async () => {
  const { tools } = await alice.listTools();
  expect(tools.map((t) => t.name).sort()).toEqual([
    'add_task',
    'complete_task',
    'delete_task',
    'list_tasks',
    'remove_reminder',
    'reopen_task',
    'set_reminder',
    'update_task',
  ]);
  for (const tool of tools) {
    expect(tool.description?.length).toBeGreaterThan(10);
    expect(tool.inputSchema.type).toBe('object');
  }
  const add = tools.find((t) => t.name === 'add_task');
  expect(add?.inputSchema.required).toEqual(['title']);
});

it('calls every tool, and each one does what the REST API does', async () => {
  const task = await call(alice, 'add_task', {
    title: 'Call mom',
    tags: ['family'],
    due_at: '2030-05-01T18:00:00+02:00',
    priority: 'high',
  });
  expect(task).toMatchObject({
    title: 'Call mom',
    tags: ['family'],
    priority: 'high',
    due_at: '2030-05-01T16:00:00.000Z',
  });
  const listed = await call(alice, 'list_tasks', { q: 'mom', status: 'open' });
  expect(listed.items.map((t: { id: string }) => t.id)).toEqual([task.id]);
  const updated = await call(alice, 'update_task', { task_id: task.id, title: 'Call mom and dad' });
  expect(updated.title).toBe('Call mom and dad');
  const reminded = await call(alice, 'set_reminder', { task_id: task.id, remind_before_minutes: 30 });
  expect(reminded.remind_at).toBe('2030-05-01T15:30:00.000Z');
  const done = await call(alice, 'complete_task', { task_id: task.id });
  expect(done.status).toBe('completed');
  const deleted = await call(alice, 'delete_task', { task_id: task.id });
  expect(deleted).toEqual({ deleted: task.id, title: 'Call mom and dad' });
  const rest = await h.api(`/api/tasks/${task.id}`, { token: bobToken });
  expect(rest.status).toBe(404);
});

it('reopens a task, removes a reminder, and lists what was finished in a time window, newest first', async () => {
  const first = await call(alice, 'add_task', { title: 'Window first', due_at: '2030-06-01T10:00:00Z' });
  const second = await call(alice, 'add_task', { title: 'Window second' });
  const reminded = await call(alice, 'set_reminder', { task_id: first.id, remind_at: '2030-06-01T09:00:00Z' });
  expect(reminded.remind_at).toBe('2030-06-01T09:00:00.000Z');
  const cleared = await call(alice, 'remove_reminder', { task_id: first.id });
  expect(cleared).toMatchObject({ id: first.id, remind_at: null, remind_before_minutes: null, title: 'Window first' });

  const doneFirst = await call(alice, 'complete_task', { task_id: first.id });
  const doneSecond = await call(alice, 'complete_task', { task_id: second.id });
  const window = { status: 'completed', completed_from: doneFirst.completed_at, completed_to: doneSecond.completed_at };
  const finished = await call(alice, 'list_tasks', { ...window, sort: 'completed', q: 'window' });
  expect(finished.items.map((t: { id: string }) => t.id)).toEqual([second.id, first.id]);
  const before = await call(alice, 'list_tasks', { status: 'completed', completed_to: '2000-01-01T00:00:00Z' });
  expect(before.items).toEqual([]);

  const reopened = await call(alice, 'reopen_task', { task_id: first.id });
  expect(reopened).toMatchObject({ id: first.id, status: 'open', completed_at: null });
  const stillDone = await call(alice, 'list_tasks', { ...window, q: 'window' });
  expect(stillDone.items.map((t: { id: string }) => t.id)).toEqual([second.id]);
});

it("never touches another user's tasks", async () => {
  const task = await call(alice, 'add_task', { title: 'Alice only' });
  for (const [name, args] of [
    ['update_task', { task_id: task.id, title: 'Bob was here' }],
    ['complete_task', { task_id: task.id }],
    ['delete_task', { task_id: task.id }],
    ['set_reminder', { task_id: task.id, remind_at: '2030-01-01T00:00:00Z' }],
    ['reopen_task', { task_id: task.id }],
    ['remove_reminder', { task_id: task.id }],
  ] as const) {
    const result = await bob.callTool({ name, arguments: args });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain('NOT_FOUND');
  }
  const bobs = await call(bob, 'list_tasks', {});
  expect(bobs.items).toEqual([]);
  expect((await call(alice, 'list_tasks', { q: 'alice' })).items[0]).toMatchObject({ title: 'Alice only', version: 1 });
});

it('answers a bad argument with a tool error that names the field', async () => {
  const result = await alice.callTool({ name: 'add_task', arguments: { title: 'x', due_at: 'next week' } });
  expect(result.isError).toBe(true);
  expect(JSON.stringify(result.content)).toContain('due_at');
});

it("validates each call once, with the schema tools/list publishes: the API's own fields and error body", async () => {
  const { tools } = await alice.listTools();
  const update = tools.find((t) => t.name === 'update_task');
  expect(update?.inputSchema).toMatchObject({ additionalProperties: false, required: ['task_id'] });
  expect(Object.keys(update?.inputSchema.properties ?? {})).toEqual([
    'task_id',
    'title',
    'description',
    'priority',
    'tags',
    'due_at',
    'recurrence',
  ]);

  // the API's transforms apply: a trimmed title, tags without # in lower case, the default priority
  const tidy = await call(alice, 'add_task', { title: '  Tidy the shed  ', tags: ['#Home'] });
  expect(tidy).toMatchObject({ title: 'Tidy the shed', tags: ['home'], priority: 'medium' });
  // typed filters: arrays and booleans, not query-string text
  const listed = await call(alice, 'list_tasks', { q: 'shed', priority: ['medium'], overdue: false, limit: 1 });
  expect(listed.items.map((t: { id: string }) => t.id)).toEqual([tidy.id]);

  const refusals: [string, Record<string, unknown>, string, string][] = [
    ['add_task', { title: 'x', priority: 'urgent' }, 'priority', 'high'],
    ['add_task', { title: 'x', colour: 'red' }, '(root)', 'colour'],
    ['update_task', { task_id: tidy.id }, '(root)', 'at least one field'],
    ['set_reminder', { task_id: tidy.id }, '(root)', 'remind_at or remind_before_minutes'],
    ['list_tasks', { priority: 'high' }, 'priority', 'array'],
    ['complete_task', {}, 'task_id', ''],
  ];
  for (const [name, args, path, words] of refusals) {
    const result = await alice.callTool({ name, arguments: args });
    expect(result.isError).toBe(true);
    const body = result.structuredContent as { error: { code: string; message: string; details: { path: string }[] } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.map((d) => d.path)).toContain(path);
    expect(body.error.message).toContain(words);
  }
  expect((await call(alice, 'list_tasks', { q: 'shed' })).items[0]).toMatchObject({ id: tidy.id, version: 1 });
});

it('refuses a client without a token', async () => {
  const res = await fetch(h.url('/mcp'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  expect(res.status).toBe(401);
});
