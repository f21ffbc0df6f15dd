// POST /mcp: MCP over Streamable HTTP, stateless, one server per request bound to the caller's account (or, for the
// OpenAI agent's calls during a chat turn, to that turn's transaction).
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { ApiError } from '@todo/service-kit';
import { Hono } from 'hono';
import type { AuthService } from '../auth/sessions';
import { createMcpServer } from './mcp-server';
import type { ToolContext } from './tools';
import { CHAT_TURN_HEADER, type ChatTurns } from './turns';

export function mcpRoutes(auth: AuthService, turns: ChatTurns, deps: Omit<ToolContext, 'user'>): Hono {
  const app = new Hono();
  app.all('/mcp', async (c) => {
    const turnToken = c.req.header(CHAT_TURN_HEADER);
    let ctx: ToolContext;
    if (turnToken !== undefined) {
      // the turn's token and its user's bearer: no second look-up (the turn holds a connection already)
      const turn = turns.context(turnToken, c.req.header('authorization'));
      if (!turn) throw new ApiError(409, 'CHAT_TURN_CLOSED', 'this chat turn is over; its tools cannot be called');
      ctx = turn;
    } else {
      const user = await auth.authenticate(c.req.header('authorization'));
      ctx = { ...deps, user: { id: user.id, timezone: user.timezone } };
    }
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
