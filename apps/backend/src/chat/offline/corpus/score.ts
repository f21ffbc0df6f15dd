// Runs corpus items through an agent and says which were exactly right and how many tasks were made uncalled for.
import { isDeepStrictEqual } from 'node:util';
import type { AgentMemory, ChatAgent, ToolSession } from '../../agent';
import { fakeStore, type RecordedCall } from './fake-store';
import { type CorpusItem, FIXTURE } from './items';

export type MakeAgent = (connect: () => Promise<ToolSession>) => ChatAgent;

export interface ItemResult {
  id: string;
  right: boolean;
  /** add_task calls beyond what the item expects: tasks nobody asked for. */
  junk: number;
  /** Per turn: what was said, what was expected, what was called, the reply. */
  turns: { say: string; expected: unknown[]; actual: unknown[]; reply: string; ok: boolean }[];
}

const isWrite = (name: string) => name !== 'list_tasks';

/** Writes must match exactly; a question's answer is the last list_tasks; lookups before acting are free. */
function turnOk(expected: [string, Record<string, unknown>][], actual: RecordedCall[]): boolean {
  const want = expected.filter(([name]) => isWrite(name));
  const got = actual.filter((c) => isWrite(c.name)).map((c) => [c.name, c.args]);
  if (!isDeepStrictEqual(got, want)) return false;
  const query = expected.filter(([name]) => name === 'list_tasks').at(-1);
  if (!query) return true;
  const answer = actual.filter((c) => c.name === 'list_tasks').at(-1);
  return answer !== undefined && isDeepStrictEqual(answer.args, query[1]);
}

export async function runItem(item: CorpusItem, make: MakeAgent): Promise<ItemResult> {
  const { caller, calls } = fakeStore();
  const agent = make(async () => ({ call: caller, close: async () => {} }));
  let memory: AgentMemory = {};
  let junk = 0;
  const turns: ItemResult['turns'] = [];
  const history: { role: 'user' | 'assistant'; content: string; at: string }[] = [];
  for (const turn of item.turns) {
    const from = calls.length;
    const result = await agent.run({
      user: { id: 'u1', timezone: FIXTURE.timeZone },
      message: turn.say,
      history: [...history],
      memory,
      now: new Date(FIXTURE.now),
      timeZone: FIXTURE.timeZone,
    });
    memory = result.memory;
    history.push(
      { role: 'user', content: turn.say, at: FIXTURE.now },
      { role: 'assistant', content: result.reply, at: FIXTURE.now },
    );
    const made = calls.slice(from);
    const adds = made.filter((c) => c.name === 'add_task').length;
    junk += Math.max(0, adds - turn.calls.filter(([name]) => name === 'add_task').length);
    const ok =
      turnOk(turn.calls, made) &&
      (!turn.reply || new RegExp(turn.reply, 'i').test(result.reply)) &&
      !/undefined|\[object|NaN/.test(result.reply);
    turns.push({
      say: turn.say,
      expected: turn.calls,
      actual: made.map((c) => [c.name, c.args]),
      reply: result.reply,
      ok,
    });
  }
  return { id: item.id, right: turns.every((t) => t.ok), junk, turns };
}

export async function score(items: CorpusItem[], make: MakeAgent) {
  const results: ItemResult[] = [];
  for (const item of items) results.push(await runItem(item, make));
  const right = results.filter((r) => r.right).length;
  return {
    results,
    right,
    total: results.length,
    accuracy: right / results.length,
    junk: results.reduce((n, r) => n + r.junk, 0),
  };
}
