// The bodies of the browser's chat with the assistant (CHAT_PATH, CONVERSATION_PATH). The browser imports the types
// only: these schemas need zod.
import { z } from 'zod';
import { idempotencyKey, multiLineText } from './text';

/** POST CHAT_PATH: one message of a conversation. */
export const ChatRequestSchema = z
  .object({
    conversation_id: z.uuid().optional().describe('Continue this conversation; omit to start one'),
    message: multiLineText().trim().min(1, 'say something').max(2000),
    client_message_id: idempotencyKey()
      .optional()
      .describe('A new id per message, the same on a retry: a retried turn answers what the first one did'),
  })
  .strict();
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

/** An MCP tool the assistant called in a turn, and what it said. */
export const ChatToolCallSchema = z.object({
  name: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  ok: z.boolean(),
  result: z.string(),
});
export type ChatToolCall = z.infer<typeof ChatToolCallSchema>;

/** What POST CHAT_PATH answers: the reply and what was done. */
export const ChatResponseSchema = z.object({
  conversation_id: z.string(),
  reply: z.string(),
  tool_calls: z.array(ChatToolCallSchema),
  agent: z.enum(['offline', 'openai']),
  conversation_saved: z
    .boolean()
    .describe(
      'false: what the reply says was done, but the conversation could not be stored just now; sending the same ' +
        'message with the same id stores it',
    ),
});
export type ChatResponse = z.infer<typeof ChatResponseSchema>;

/** One message of a stored conversation; an assistant's carries the tool calls of its turn. */
export const ConversationMessageSchema = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  at: z.string(),
  tool_calls: z.array(ChatToolCallSchema).optional(),
  /** The client's message id of the turn. */
  turn_id: z.string().optional(),
});

/** What GET CONVERSATION_PATH answers: the conversation so far (its last messages). */
export const ConversationViewSchema = z.object({
  conversation_id: z.string(),
  messages: z.array(ConversationMessageSchema),
});
export type ConversationView = z.infer<typeof ConversationViewSchema>;
