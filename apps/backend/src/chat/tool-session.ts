// Both agents reach the tools as any MCP client does, in process: an MCP client and server linked in memory, bound to
// the turn's tool context (its transaction). Success or failure is MCP's isError, never read from the text.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { ToolSession } from './agent';
import { createMcpServer } from './mcp-server';
import type { ToolContext, ToolName } from './tools';

/** An MCP client connected in memory to a server over `ctx`'s tools; closing it closes both. */
export async function linkTools(ctx: ToolContext): Promise<{ client: Client; close(): Promise<void> }> {
  const server = createMcpServer(ctx);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'todo-chat', version: '1.0.0' });
  await client.connect(clientSide);
  return {
    client,
    async close() {
      await client.close();
      await server.close();
    },
  };
}

/** The offline agent's view: a call answers ok, a one-line summary and the data. */
export async function openToolSession(ctx: ToolContext): Promise<ToolSession> {
  const { client, close } = await linkTools(ctx);
  return {
    async call(name: ToolName, args: Record<string, unknown>) {
      const result = await client.callTool({ name, arguments: args });
      if (result.isError) {
        const text = (result.content as { type: string; text?: string }[]).map((c) => c.text ?? '').join(' ');
        return { ok: false, summary: text, data: null };
      }
      const structured = result.structuredContent as { summary: string; data: unknown };
      return { ok: true, summary: structured.summary, data: structured.data };
    },
    close,
  };
}
