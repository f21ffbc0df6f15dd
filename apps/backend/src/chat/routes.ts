// The chat, mounted at CHAT_PATH: one turn of the conversation (idempotent by the client's message id), and the
// conversation so far.
import { createHash, randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { ChatRequestSchema, ChatResponseSchema, type ConversationView, idempotencyKey } from '@todo/contracts';
import { ApiError } from '@todo/service-kit';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { BackendEnv } from '../http/env';
import { openApiApp } from '../http/openapi';
import { chatToolCalls, chatTurns } from '../metrics';
import type { ChatAgent } from './agent';
import type { ConversationStore } from './conversations';
import type { ChatTurns, TurnRecord } from './turns';

// the contracts' schemas, made anew from their shapes: one made before @hono/zod-openapi extends zod has no .openapi
const ChatRequest = z.object(ChatRequestSchema.shape).strict().openapi('ChatRequest');
const ChatHeaders = z.object({
  'idempotency-key': idempotencyKey()
    .optional()
    .openapi({ param: { name: 'idempotency-key', in: 'header' }, example: '0b6f7a52-5d3e-4c1f-9a55-1f2f7f1c9e10' }),
});
const ChatResponse = z.object(ChatResponseSchema.shape).openapi('ChatResponse');
const error = { description: 'Error: { error: { code, message, details? } }' };
const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });

export function chatRoutes(
  agent: ChatAgent,
  conversations: ConversationStore,
  turns: ChatTurns,
  requireUser: MiddlewareHandler<BackendEnv>,
  logger: Logger,
) {
  const app = openApiApp<BackendEnv>();
  app.use('*', requireUser);

  /** Adds a committed turn to its conversation; false (logged) when the state store fails: the turn stands. */
  const save = async (userId: string, key: string, record: TurnRecord): Promise<boolean> => {
    try {
      await conversations.append(userId, record.conversation_id, record.messages, record.memory, record.create);
    } catch (err) {
      logger.error({ err, conversation: record.conversation_id }, 'chat turn done but the conversation was not saved');
      return false;
    }
    await turns.markSaved(userId, key).catch((err) => logger.warn({ err }, 'could not mark a chat turn saved'));
    return true;
  };

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      summary: 'Say something to the assistant; it acts on your tasks through the MCP tools',
      description:
        'Send a new client_message_id (or Idempotency-Key) per message and the same one on a retry: a turn whose ' +
        'tools ran answers what it did (with Idempotent-Replayed: true) for 24 hours instead of acting again; the same ' +
        'id with another message is refused with 422. A turn is all or nothing: when it fails, no task was changed.',
      request: { headers: ChatHeaders, body: { ...json(ChatRequest), required: true } },
      responses: {
        200: { ...json(ChatResponse), description: 'The reply and what was done' },
        400: error,
        401: error,
        404: error,
        422: error,
        503: error,
      },
      security: [{ bearer: [] }],
    }),
    async (c) => {
      const { conversation_id, message, client_message_id } = c.req.valid('json');
      const header = c.req.valid('header')['idempotency-key'];
      if (client_message_id && header && client_message_id !== header) {
        throw new ApiError(400, 'VALIDATION_FAILED', 'client_message_id and Idempotency-Key differ; send one id', [
          { path: 'client_message_id', message: 'differs from the Idempotency-Key header' },
        ]);
      }
      const key = client_message_id ?? header ?? randomUUID();
      const requestHash = createHash('sha256')
        .update(JSON.stringify([conversation_id ?? null, message]))
        .digest('hex');
      const user = c.var.user;
      // turns of this conversation that were done but not stored come first, so the history is whole
      if (conversation_id) {
        for (const earlier of await turns.unsaved(user.id, conversation_id)) {
          if (earlier.key !== key) await save(user.id, earlier.key, earlier.record);
        }
      }
      const outcome = await turns.run(user, { key, requestHash }, async (turn) => {
        const id = conversation_id ?? randomUUID();
        const existing = conversation_id ? await conversations.get(user.id, id) : undefined;
        const now = new Date();
        let result: Awaited<ReturnType<ChatAgent['run']>>;
        try {
          result = await agent.run({
            user: { id: user.id, timezone: user.timezone },
            message,
            history: existing?.messages ?? [],
            memory: existing?.memory ?? {},
            now,
            timeZone: user.timezone,
            turn,
          });
        } catch (err) {
          logger.error({ err, agent: agent.kind }, 'chat agent failed');
          chatTurns.inc({ agent: agent.kind, outcome: 'error' });
          // the turn's transaction rolls back: whatever the tools did is undone
          throw new ApiError(
            503,
            'ASSISTANT_UNAVAILABLE',
            'the assistant is not available right now; nothing was changed, try again',
          );
        }
        return {
          conversation_id: id,
          reply: result.reply,
          tool_calls: result.toolCalls,
          agent: agent.kind,
          messages: [
            { role: 'user', content: message, at: now.toISOString(), turn_id: key },
            {
              role: 'assistant',
              content: result.reply,
              at: new Date().toISOString(),
              tool_calls: result.toolCalls,
              turn_id: key,
            },
          ],
          memory: result.memory,
          create: !conversation_id,
        };
      });
      const { record } = outcome;
      if (outcome.replayed) c.header('idempotent-replayed', 'true');
      else {
        chatTurns.inc({ agent: record.agent, outcome: 'ok' });
        for (const call of record.tool_calls) chatToolCalls.inc({ tool: call.name, ok: String(call.ok) });
      }
      const saved = outcome.saved || (await save(user.id, key, record));
      return c.json(
        {
          conversation_id: record.conversation_id,
          reply: record.reply,
          tool_calls: record.tool_calls,
          agent: record.agent,
          conversation_saved: saved,
        },
        200,
      );
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
      const { id } = c.req.valid('param');
      // conversation ids are UUIDs: anything else is no conversation, and never reaches the state store's key
      if (!z.uuid().safeParse(id).success) throw new ApiError(404, 'CONVERSATION_NOT_FOUND', 'conversation not found');
      const conversation = await conversations.get(c.var.user.id, id);
      return c.json(
        { conversation_id: conversation.id, messages: conversation.messages } satisfies ConversationView,
        200,
      );
    },
  );
  return app;
}
