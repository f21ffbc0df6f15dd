// The MCP server: the task tools for one signed-in user, over Streamable HTTP at /mcp (stateless: a server
// per request) or in memory for the offline agent.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ApiError } from '@todo/service-kit';
import { TOOL_NAMES, TOOLS, type ToolContext } from './tools';

export function createMcpServer(ctx: ToolContext): McpServer {
  const server = new McpServer({ name: 'todo-tasks', version: '1.0.0' }, { capabilities: { tools: {} } });
  for (const name of TOOL_NAMES) {
    const tool = TOOLS[name];
    server.registerTool(name, { description: tool.description, inputSchema: tool.input }, async (args: unknown) => {
      try {
        const run = () => tool.run(ctx, args);
        const result = await (ctx.atomically ? ctx.atomically(run) : run());
        return {
          content: [{ type: 'text' as const, text: `${result.summary}\n${JSON.stringify(result.data)}` }],
          structuredContent: { summary: result.summary, data: result.data as Record<string, unknown> },
        };
      } catch (error) {
        const message =
          error instanceof ApiError
            ? `${error.code}: ${error.message}`
            : 'the tool failed on our side; it has been logged';
        if (!(error instanceof ApiError)) throw error;
        return { content: [{ type: 'text' as const, text: message }], isError: true };
      }
    });
  }
  return server;
}
