// The offline agent reaches the tools as any MCP client does: an MCP client and server linked in memory.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { ToolSession } from './agent';
import { createMcpServer } from './mcp-server';
import type { ToolContext, ToolName } from './tools';

export async function openToolSession(ctx: ToolContext): Promise<ToolSession> {
  const server = createMcpServer(ctx);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'offline-agent', version: '1.0.0' });
  await client.connect(clientSide);
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
    async close() {
      await client.close();
      await server.close();
    },
  };
}
