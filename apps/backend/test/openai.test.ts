// The OpenAI path against a local OpenAI-compatible server (no network): the model asks for add_task, the Agents SDK
// calls our MCP server (linked in memory, within the turn) as the user, the task really exists, and the model's final
// answer comes back.
import { TestApp } from '@todo/testkit';
import { TOOL_NAMES } from '../src/chat/tools';
import { BackendHarness } from './harness';

const model = new TestApp();
// biome-ignore lint/suspicious/noExplicitAny: the recorded requests are whatever the SDK sent
const requests: any[] = [];
const h = new BackendHarness();
let token: string;
let failAfterTool = false;

beforeAll(async () => {
  model.hono.post('/v1/chat/completions', async (c) => {
    const body = await c.req.json();
    requests.push(body);
    const last = body.messages.at(-1);
    const created = Math.floor(Date.now() / 1000);
    const asked = String(body.messages.findLast((m: { role: string }) => m.role === 'user')?.content ?? '');
    const title = asked.match(/^title:(.*)$/)?.[1];
    if (last.role === 'tool' && failAfterTool) {
      return c.json({ error: { message: 'the model broke after the tool ran', type: 'invalid_request_error' } }, 400);
    }
    if (last.role === 'tool') {
      return c.json({
        id: 'cmpl-2',
        object: 'chat.completion',
        created,
        model: body.model,
        choices: [
          { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Added "Buy oat milk" for you.' } },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      });
    }
    return c.json({
      id: 'cmpl-1',
      object: 'chat.completion',
      created,
      model: body.model,
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: {
                  name: 'add_task',
                  arguments:
                    title !== undefined
                      ? JSON.stringify({ title: title.trim() })
                      : '{"title":"Buy oat milk","priority":"high"}',
                },
              },
            ],
          },
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    });
  });
  await model.start();
  await h.start({ openai: { apiKey: 'sk-test-not-real', baseUrl: `http://127.0.0.1:${model.port}/v1` } });
  token = await h.signUp('openai@example.com');
}, 60_000);
afterAll(async () => {
  await h.stop();
  await model.stop();
});

it('runs the tool the model asks for through MCP and returns the model reply', async () => {
  const res = await h.api('/api/chat', { token, body: { message: 'I need oat milk, it is urgent' } });
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({ agent: 'openai', reply: 'Added "Buy oat milk" for you.' });
  expect(res.json.tool_calls).toEqual([
    expect.objectContaining({ name: 'add_task', ok: true, arguments: { title: 'Buy oat milk', priority: 'high' } }),
  ]);
  const listed = await h.api('/api/tasks?q=oat', { token });
  expect(listed.json.items).toEqual([expect.objectContaining({ title: 'Buy oat milk', priority: 'high' })]);

  expect(requests).toHaveLength(2);
  const offered = requests[0].tools.map((t: { function: { name: string } }) => t.function.name).sort();
  // the model is offered every MCP tool the offline agent has, reopen_task and remove_reminder included
  expect(offered).toEqual([...TOOL_NAMES].sort());
  expect(offered).toEqual(expect.arrayContaining(['reopen_task', 'remove_reminder']));
  expect(requests[0].model).toBe('test-model');
  const toolMessage = requests[1].messages.at(-1);
  expect(toolMessage).toMatchObject({ role: 'tool', tool_call_id: 'call_1' });
  expect(String(toolMessage.content)).toContain('Buy oat milk');
});

it('runs the tools in the turn: a retried turn replays without asking the model, a failed one leaves no task', async () => {
  const body = { message: 'title: Renew the lease', client_message_id: 'openai-lease-1' };
  const first = await h.api('/api/chat', { token, body });
  const asked = requests.length;
  const retry = await h.api('/api/chat', { token, body });
  expect([first.status, retry.status]).toEqual([200, 200]);
  expect(retry.json).toEqual(first.json);
  expect(requests).toHaveLength(asked);
  expect((await h.api('/api/tasks?q=lease', { token })).json.items).toHaveLength(1);

  failAfterTool = true;
  try {
    const failed = await h.api('/api/chat', { token, body: { message: 'title: Call the landlord' } });
    expect(failed.status).toBe(503);
    expect(failed.json.error.message).toMatch(/nothing was changed/);
  } finally {
    failAfterTool = false;
  }
  // the model asked for add_task and it ran, but the turn rolled back with it
  expect(requests.at(-1).messages.at(-1)).toMatchObject({ role: 'tool' });
  expect((await h.api('/api/tasks?q=landlord', { token })).json.items).toHaveLength(0);
});

it('records a tool call MCP refused (isError) as not ok, with the reason the model was shown', async () => {
  const res = await h.api('/api/chat', { token, body: { message: 'title:' } });
  expect(res.status).toBe(200);
  expect(res.json.tool_calls).toEqual([
    {
      name: 'add_task',
      arguments: { title: '' },
      ok: false,
      result: expect.stringMatching(/^VALIDATION_FAILED: title/),
    },
  ]);
  expect(String(requests.at(-1).messages.at(-1).content)).toContain('VALIDATION_FAILED');
});
