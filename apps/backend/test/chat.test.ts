// /api/chat with the offline agent, through the MCP tools, with the conversation in the Dapr state store.
import { BackendHarness } from './harness';

const h = new BackendHarness();
let token: string;

beforeAll(async () => {
  await h.start();
  token = await h.signUp('chat@example.com', 'Europe/Berlin');
}, 60_000);
afterAll(() => h.stop());

const say = (message: string, conversation_id?: string, as = token) =>
  h.api('/api/chat', { token: as, body: { message, ...(conversation_id ? { conversation_id } : {}) } });

it('adds a task by chat, and the task is there for the REST API and its events', async () => {
  const res = await say('remind me to call mom tomorrow at 6pm #family');
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({ agent: 'offline', conversation_id: expect.any(String) });
  expect(res.json.reply).toMatch(/^Added "Call mom", due .+ 18:00, #family\. I'll remind you on .+ 18:00\.$/);
  expect(res.json.tool_calls).toEqual([
    expect.objectContaining({
      name: 'add_task',
      ok: true,
      arguments: expect.objectContaining({ title: 'Call mom', tags: ['family'] }),
    }),
  ]);
  const listed = await h.api('/api/tasks?q=mom', { token });
  expect(listed.json.items).toHaveLength(1);
  expect(listed.json.items[0]).toMatchObject({
    title: 'Call mom',
    tags: ['family'],
    remind_at: listed.json.items[0].due_at,
  });
});

it('keeps the conversation: "it" means the task just added', async () => {
  const first = await say('add water the plants tomorrow');
  const id = first.json.conversation_id;
  const second = await say('move it to saturday at 10am', id);
  // it looked the task up (list_tasks) and changed it, nothing else
  const writes = second.json.tool_calls.filter((c: { name: string }) => c.name !== 'list_tasks');
  expect(writes.map((c: { name: string }) => c.name)).toEqual(['update_task']);
  expect(second.json.reply).toMatch(/^Updated "Water the plants": due Sat .+, 10:00\.$/);
  const conversation = await h.api(`/api/chat/${id}`, { token });
  expect(conversation.json.messages.map((m: { role: string }) => m.role)).toEqual([
    'user',
    'assistant',
    'user',
    'assistant',
  ]);
  expect(conversation.json.messages[3].tool_calls.at(-1).name).toBe('update_task');
});

it('asks which task when several match, and acts on the answer', async () => {
  await say('add call the bank');
  await say('add call the dentist');
  const ask = await say('mark call done');
  expect(ask.json.reply).toMatch(/^Which one do you mean: 1\) [^,]+, 2\) [^,?]+(, 3\) [^,?]+)?\?$/);
  const second = ask.json.reply.match(/2\) ([^,?]+)/)[1];
  const answer = await say('2', ask.json.conversation_id);
  expect(answer.json.reply).toBe(`Marked "${second}" as done.`);
  expect(
    (await h.api(`/api/tasks?q=${encodeURIComponent(second)}&status=completed`, { token })).json.items,
  ).toHaveLength(1);
});

it("answers 404 for another user's conversation and does not act", async () => {
  const mine = await say('add something private');
  const other = await h.signUp('chat-other@example.com');
  const res = await say('delete it', mine.json.conversation_id, other);
  expect(res.status).toBe(404);
  expect(res.json.error.code).toBe('CONVERSATION_NOT_FOUND');
  expect((await h.api(`/api/chat/${mine.json.conversation_id}`, { token: other })).status).toBe(404);
  expect((await h.api('/api/tasks?q=private', { token })).json.items).toHaveLength(1);
});

it('keeps both messages of two turns at once on one conversation', async () => {
  const start = await say('hello');
  const id = start.json.conversation_id;
  const [a, b] = await Promise.all([say('add turn A task', id), say('add turn B task', id)]);
  expect([a.status, b.status]).toEqual([200, 200]);
  const conversation = await h.api(`/api/chat/${id}`, { token });
  const contents = conversation.json.messages.map((m: { content: string }) => m.content);
  expect(contents).toHaveLength(6);
  expect(contents).toEqual(expect.arrayContaining(['add turn A task', 'add turn B task']));
});

it('bounds a conversation to its last 40 messages', async () => {
  const start = await say('hello');
  for (let i = 0; i < 24; i += 1) await say('thanks', start.json.conversation_id);
  const conversation = await h.api(`/api/chat/${start.json.conversation_id}`, { token });
  expect(conversation.json.messages).toHaveLength(40);
});

it('answers 400 for an empty or huge message and 401 without a token', async () => {
  expect((await say('   ')).status).toBe(400);
  const huge = await say('x'.repeat(2001));
  expect(huge.status).toBe(400);
  expect(huge.json.error.details[0].path).toBe('message');
  expect((await h.api('/api/chat', { body: { message: 'hi' } })).status).toBe(401);
});
