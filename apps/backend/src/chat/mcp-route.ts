// POST /mcp: MCP over Streamable HTTP for MCP clients outside the backend, stateless, one server per request bound to
// the caller's account. (Both chat agents reach the same server in memory, within their turn: tool-session.ts.)
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { Hono } from 'hono';
import type { AuthService } from '../auth/sessions';
import { createMcpServer } from './mcp-server';
import type { ToolContext } from './tools';

export function mcpRoutes(auth: AuthService, deps: Omit<ToolContext, 'user'>): Hono {
  const app = new Hono();
  app.all('/mcp', async (c) => {
    const user = await auth.authenticate(c.req.header('authorization'));
    const ctx: ToolContext = { ...deps, user: { id: user.id, timezone: user.timezone } };
    const server = createMcpServer(ctx);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      await server.close();
    }
  });
  return app;
}
