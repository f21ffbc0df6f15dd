// Conversations in the Dapr state store (`statestore`, key conversation-<id>): owned by one user, bounded in length,
// appended with ETag concurrency so two turns at once lose neither message.
import { COMPONENTS, conversationStateKey } from '@todo/contracts';
import { type Dapr, DaprEtagMismatchError } from '@todo/dapr';
import { ApiError } from '@todo/service-kit';
import type { AgentMemory, ChatMessage, ToolCallRecord } from './agent';

export const MAX_MESSAGES = 40;
const MAX_ATTEMPTS = 8;

export interface StoredMessage extends ChatMessage {
  tool_calls?: ToolCallRecord[];
  /** The client's message id of the turn: a turn saved again after a failure is not added twice. */
  turn_id?: string;
}

export interface Conversation {
  id: string;
  user_id: string;
  messages: StoredMessage[];
  memory: AgentMemory;
  created_at: string;
  updated_at: string;
}

const notFound = () => new ApiError(404, 'CONVERSATION_NOT_FOUND', 'conversation not found');

export class ConversationStore {
  constructor(private readonly dapr: Dapr) {}

  /** The user's conversation, or a 404 (also for someone else's). */
  async get(userId: string, id: string): Promise<Conversation> {
    const item = await this.dapr.state.get<Conversation>(COMPONENTS.stateStore, conversationStateKey(id));
    if (!item || item.value.user_id !== userId) throw notFound();
    return item.value;
  }

  /** Adds the turn's messages; retries on a concurrent write, so both turns' messages are kept. */
  async append(
    userId: string,
    id: string,
    messages: StoredMessage[],
    memory: AgentMemory,
    create: boolean,
  ): Promise<Conversation> {
    const key = conversationStateKey(id);
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.dapr.state.get<Conversation>(COMPONENTS.stateStore, key);
      if (current && current.value.user_id !== userId) throw notFound();
      if (!current && !create) throw notFound();
      const now = new Date().toISOString();
      const base: Conversation = current?.value ?? {
        id,
        user_id: userId,
        messages: [],
        memory: {},
        created_at: now,
        updated_at: now,
      };
      const turnIds = new Set(messages.map((m) => m.turn_id).filter(Boolean));
      if (turnIds.size && base.messages.some((m) => m.turn_id && turnIds.has(m.turn_id))) return base;
      const next: Conversation = {
        ...base,
        messages: [...base.messages, ...messages].slice(-MAX_MESSAGES),
        memory,
        updated_at: now,
      };
      try {
        await this.dapr.state.save(COMPONENTS.stateStore, [
          current ? { key, value: next, etag: current.etag } : { key, value: next, concurrency: 'first-write' },
        ]);
        return next;
      } catch (error) {
        if (!(error instanceof DaprEtagMismatchError) || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }
}
