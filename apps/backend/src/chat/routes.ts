// /api/chat: one turn of the conversation, and the conversation so far.
import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { ApiError } from '@todo/service-kit';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { BackendEnv } from '../http/env';
import { openApiApp } from '../http/openapi';
import { chatToolCalls, chatTurns } from '../metrics';
import type { ChatAgent } from './agent';
import type { ConversationStore } from './conversations';

const ChatRequest = z
  .object({
    conversation_id: z.uuid().optional().describe('Continue this conversation; omit to start one'),
    message: z.string().trim().min(1, 'say something').max(2000),
  })
  .strict()
  .openapi('ChatRequest');
const ToolCall = z.object({
  name: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  ok: z.boolean(),
  result: z.string(),
});
const ChatResponse = z
  .object({
    conversation_id: z.string(),
    reply: z.string(),
    tool_calls: z.array(ToolCall),
    agent: z.enum(['offline', 'openai']),
  })
  .openapi('ChatResponse');
const error = { description: 'Error: { error: { code, message, details? } }' };
const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });

export function chatRoutes(
  agent: ChatAgent,
  conversations: ConversationStore,
  requireUser: MiddlewareHandler<BackendEnv>,
  logger: Logger,
) {
  const app = openApiApp<BackendEnv>();
  app.use('*', requireUser);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      summary: 'Say something to the assistant; it acts on your tasks through the MCP tools',
      request: { body: { ...json(ChatRequest), required: true } },
      responses: {
        200: { ...json(ChatResponse), description: 'The reply and what was done' },
        400: error,
        401: error,
        404: error,
        503: error,
      },
      security: [{ bearer: [] }],
    }),
    async (c) => {
      const { conversation_id, message } = c.req.valid('json');
      const user = c.var.user;
      const id = conversation_id ?? randomUUID();
      const existing = conversation_id ? await conversations.get(user.id, id) : undefined;
      const now = new Date();
      let turn: Awaited<ReturnType<ChatAgent['run']>>;
      try {
        turn = await agent.run({
          user: { id: user.id, timezone: user.timezone },
          bearer: (c.req.header('authorization') ?? '').replace(/^Bearer\s+/i, ''),
          message,
          history: existing?.messages ?? [],
          memory: existing?.memory ?? {},
          now,
          timeZone: user.timezone,
        });
      } catch (err) {
        logger.error({ err, agent: agent.kind }, 'chat agent failed');
        chatTurns.inc({ agent: agent.kind, outcome: 'error' });
        throw new ApiError(
          503,
          'ASSISTANT_UNAVAILABLE',
          'the assistant is not available right now; your tasks are unchanged unless it said otherwise',
        );
      }
      chatTurns.inc({ agent: agent.kind, outcome: 'ok' });
      for (const call of turn.toolCalls) chatToolCalls.inc({ tool: call.name, ok: String(call.ok) });
      const at = now.toISOString();
      await conversations.append(
        user.id,
        id,
        [
          { role: 'user', content: message, at },
          { role: 'assistant', content: turn.reply, at: new Date().toISOString(), tool_calls: turn.toolCalls },
        ],
        turn.memory,
        !conversation_id,
      );
      return c.json({ conversation_id: id, reply: turn.reply, tool_calls: turn.toolCalls, agent: agent.kind }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      summary: 'A conversation so far (the last 40 messages)',
      request: { params: z.object({ id: z.string() }) },
      responses: { 200: { description: 'The conversation' }, 401: error, 404: error },
      security: [{ bearer: [] }],
    }),
    async (c) => {
      const conversation = await conversations.get(c.var.user.id, c.req.valid('param').id);
      return c.json({ conversation_id: conversation.id, messages: conversation.messages }, 200);
    },
  );
  return app;
}
