// A chat turn is all or nothing and idempotent by the client's message id, even when the state store fails after the
// tools ran: the answer says what was done, and the retry answers the same without doing it again.
import { COMPONENTS } from '@todo/contracts';
import { type Dapr, DaprUnreachableError } from '@todo/dapr';
import { BackendHarness } from './harness';

/** The backend's sidecar, but the next `failSaves` state writes fail as an unreachable sidecar would. */
class FlakyStateStore extends BackendHarness {
  failSaves = 0;
  override dapr(): Dapr {
    const dapr = super.dapr();
    const save = dapr.state.save.bind(dapr.state);
    dapr.state.save = async (...args: Parameters<typeof save>) => {
      if (this.failSaves > 0) {
        this.failSaves -= 1;
        throw new DaprUnreachableError(
          { block: 'state', target: COMPONENTS.stateStore, operation: 'save' },
          'simulated',
        );
      }
      return save(...args);
    };
    return dapr;
  }
}

const h = new FlakyStateStore();
let token: string;

beforeAll(async () => {
  await h.start();
  token = await h.signUp('turns@example.com', 'Europe/Berlin');
}, 60_000);
afterAll(() => h.stop());

const say = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  h.api('/api/chat', { token, body, headers });
const titled = async (q: string) => (await h.api(`/api/tasks?q=${encodeURIComponent(q)}`, { token })).json.items;

it('a retry after the state store failed gives one task and the recorded answer', async () => {
  h.failSaves = 1;
  const first = await say({ message: 'add pay the rent tomorrow', client_message_id: 'msg-rent-1' });
  expect(first.status).toBe(200);
  expect(first.json.reply).toMatch(/^Added "Pay the rent", due /);
  expect(first.json.conversation_saved).toBe(false);
  expect(await titled('rent')).toHaveLength(1);

  const retry = await say({ message: 'add pay the rent tomorrow', client_message_id: 'msg-rent-1' });
  expect(retry.status).toBe(200);
  expect(retry.headers.get('idempotent-replayed')).toBe('true');
  expect(retry.json).toEqual({ ...first.json, conversation_saved: true });
  expect(await titled('rent')).toHaveLength(1);
  const conversation = await h.api(`/api/chat/${first.json.conversation_id}`, { token });
  expect(conversation.json.messages.map((m: { content: string }) => m.content)).toEqual([
    'add pay the rent tomorrow',
    first.json.reply,
  ]);
});

it('a retry after a lost answer replays it, by Idempotency-Key too, and acts once', async () => {
  const headers = { 'idempotency-key': 'msg-plants-1' };
  const first = await say({ message: 'add water the plants' }, headers);
  const retry = await say({ message: 'add water the plants' }, headers);
  expect([first.status, retry.status]).toEqual([200, 200]);
  expect(retry.json).toEqual(first.json);
  expect(retry.headers.get('idempotent-replayed')).toBe('true');
  expect(await titled('plants')).toHaveLength(1);
  const conversation = await h.api(`/api/chat/${first.json.conversation_id}`, { token });
  expect(conversation.json.messages).toHaveLength(2);
});

it('two sends of one message at once act once', async () => {
  const body = { message: 'add book the dentist', client_message_id: 'msg-dentist-1' };
  const [a, b] = await Promise.all([say(body), say(body)]);
  expect([a.status, b.status]).toEqual([200, 200]);
  expect(a.json.reply).toBe(b.json.reply);
  expect(await titled('dentist')).toHaveLength(1);
});

it('refuses the same message id with another message (422) and a header that differs from the body (400)', async () => {
  expect((await say({ message: 'add feed the cat', client_message_id: 'msg-cat-1' })).status).toBe(200);
  const reused = await say({ message: 'add feed the dog', client_message_id: 'msg-cat-1' });
  expect(reused.status).toBe(422);
  expect(reused.json.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  expect(await titled('dog')).toHaveLength(0);
  const mixed = await say({ message: 'add feed the fish', client_message_id: 'a-1' }, { 'idempotency-key': 'b-2' });
  expect(mixed.status).toBe(400);
  expect(await titled('fish')).toHaveLength(0);
});

it('the next turn of a conversation whose save failed stores the missing turn first', async () => {
  h.failSaves = 1;
  const first = await say({ message: 'add renew the passport', client_message_id: 'msg-passport-1' });
  expect(first.json.conversation_saved).toBe(false);
  const next = await say({
    message: 'move it to friday at 9am',
    conversation_id: first.json.conversation_id,
    client_message_id: 'msg-passport-2',
  });
  expect(next.status).toBe(200);
  expect(next.json.reply).toMatch(/^Updated "Renew the passport": due Fri/);
  const conversation = await h.api(`/api/chat/${first.json.conversation_id}`, { token });
  expect(conversation.json.messages).toHaveLength(4);
});

it('answers 400 naming the field for a NUL or another control character in the message or the id', async () => {
  for (const message of ['add milk\u0000', 'add \u001bmilk']) {
    const res = await say({ message });
    expect(res.status).toBe(400);
    expect(res.json.error.details[0].path).toBe('message');
  }
  const id = await say({ message: 'add milk', client_message_id: 'bad\u0000id' });
  expect(id.status).toBe(400);
  expect(id.json.error.details[0].path).toBe('client_message_id');
  expect(await titled('milk')).toHaveLength(0);
});
