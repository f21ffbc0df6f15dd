// How long one offline chat turn takes (p50, p99): every corpus utterance through today's agent (from git) and
// the working tree's, the tools answered in memory — directly, and through a real MCP client and server linked in
// memory as tool-session.ts does per turn — so it is the agent's own work, not the database's.
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AgentMemory, ChatAgent, ToolSession } from '../apps/backend/src/chat/agent';
import { OfflineAgent } from '../apps/backend/src/chat/offline/agent';
import { fakeStore } from '../apps/backend/src/chat/offline/corpus/fake-store';
import { ALL, FIXTURE } from '../apps/backend/src/chat/offline/corpus/items';
import { TOOL_NAMES, TOOLS, type ToolName } from '../apps/backend/src/chat/tools';
import { loadBaselineAgent } from './chat-baseline';

const ROUNDS = 5;
const TARGET = { p50: 20, p99: 50 };

type MakeAgent = (connect: () => Promise<ToolSession>) => ChatAgent;

/** The in-memory tools behind an MCP server, reached by an MCP client, opened per turn like openToolSession. */
function overMcp(call: ToolSession['call']): () => Promise<ToolSession> {
  return async () => {
    const server = new McpServer({ name: 'todo-tasks', version: '1.0.0' }, { capabilities: { tools: {} } });
    for (const name of TOOL_NAMES)
      server.registerTool(
        name,
        { description: TOOLS[name].description, inputSchema: TOOLS[name].input },
        async (args: unknown) => {
          const r = await call(name, args as Record<string, unknown>);
          return {
            content: [{ type: 'text' as const, text: r.summary }],
            structuredContent: { summary: r.summary, data: r.data as Record<string, unknown> },
          };
        },
      );
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'bench', version: '1.0.0' });
    await client.connect(clientSide);
    return {
      async call(name: ToolName, args: Record<string, unknown>) {
        const result = await client.callTool({ name, arguments: args });
        const structured = result.structuredContent as { summary: string; data: unknown };
        return { ok: !result.isError, summary: structured?.summary ?? '', data: structured?.data };
      },
      async close() {
        await client.close();
        await server.close();
      },
    };
  };
}

async function timeTurns(make: MakeAgent, mcp = false): Promise<number[]> {
  const times: number[] = [];
  for (let round = 0; round <= ROUNDS; round += 1) {
    for (const item of ALL) {
      const { caller } = fakeStore();
      const agent = make(mcp ? overMcp(caller) : async () => ({ call: caller, close: async () => {} }));
      let memory: AgentMemory = {};
      for (const turn of item.turns) {
        const start = performance.now();
        const result = await agent.run({
          user: { id: 'u1', timezone: FIXTURE.timeZone },
          message: turn.say,
          history: [],
          memory,
          now: new Date(FIXTURE.now),
          timeZone: FIXTURE.timeZone,
        });
        // round 0 warms up (module and regex compilation, JIT)
        if (round > 0) times.push(performance.now() - start);
        memory = result.memory;
      }
    }
  }
  return times.sort((a, b) => a - b);
}

const at = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const line = (name: string, t: number[]) =>
  `${name.padEnd(9)} turns ${String(t.length).padStart(5)}  p50 ${at(t, 0.5).toFixed(2).padStart(6)} ms  p99 ${at(
    t,
    0.99,
  )
    .toFixed(2)
    .padStart(6)} ms  max ${(t.at(-1) ?? 0).toFixed(2).padStart(6)} ms`;

async function main() {
  const Baseline = await loadBaselineAgent();
  const today = await timeTurns((connect) => new Baseline(connect));
  const current = await timeTurns((connect) => new OfflineAgent(connect));
  const todayMcp = await timeTurns((connect) => new Baseline(connect), true);
  const currentMcp = await timeTurns((connect) => new OfflineAgent(connect), true);
  console.log(`offline chat turn, ${ALL.length} corpus items x ${ROUNDS} rounds (tools in memory)`);
  console.log(line('today', today));
  console.log(line('new', current));
  console.log('the same through an MCP client and server opened per turn:');
  console.log(line('today', todayMcp));
  console.log(line('new', currentMcp));
  const ok = at(currentMcp, 0.5) <= TARGET.p50 && at(currentMcp, 0.99) <= TARGET.p99;
  console.log(`target p50 <= ${TARGET.p50} ms, p99 <= ${TARGET.p99} ms: ${ok ? 'met' : 'NOT met'}`);
  if (!ok) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
