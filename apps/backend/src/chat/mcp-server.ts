// The MCP server: the task tools for one signed-in user, over Streamable HTTP at /mcp (stateless: a server per
// request) or in memory for both chat agents. Each call's arguments are validated once, with the tool's own input
// schema (the one tools/list publishes); a bad argument or a refused change is a tool result with isError, carrying
// the API's error code, reason and field issues. Anything else is a JSON-RPC error: a chat turn then fails whole.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  type Tool as ListedTool,
  ListToolsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { apiErrorBody } from '@todo/contracts';
import { ApiError, validationFailed } from '@todo/service-kit';
import { z } from 'zod';
import { TOOL_NAMES, TOOLS, type Tool, type ToolContext } from './tools';

/** What tools/list answers: each tool's input schema as JSON Schema of what a caller sends. */
const LISTED: ListedTool[] = TOOL_NAMES.map((name) => ({
  name,
  description: TOOLS[name].description,
  inputSchema: z.toJSONSchema(TOOLS[name].input, { io: 'input' }) as ListedTool['inputSchema'],
}));

export function createMcpServer(ctx: ToolContext): Server {
  const server = new Server({ name: 'todo-tasks', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: LISTED }));
  server.setRequestHandler(CallToolRequestSchema, async ({ params }): Promise<CallToolResult> => {
    if (!Object.hasOwn(TOOLS, params.name)) {
      throw new McpError(ErrorCode.InvalidParams, `Tool ${params.name} not found`);
    }
    const tool: Tool = TOOLS[params.name as keyof typeof TOOLS];
    try {
      const parsed = tool.input.safeParse(params.arguments ?? {});
      if (!parsed.success) throw validationFailed(parsed.error);
      const run = () => tool.run(ctx, parsed.data);
      const result = await (ctx.atomically ? ctx.atomically(run) : run());
      return {
        content: [{ type: 'text', text: `${result.summary}\n${JSON.stringify(result.data)}` }],
        structuredContent: { summary: result.summary, data: result.data as Record<string, unknown> },
      };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return {
        content: [{ type: 'text', text: `${error.code}: ${error.message}` }],
        structuredContent: { ...apiErrorBody(error.code, error.message, error.details) },
        isError: true,
      };
    }
  });
  return server;
}
