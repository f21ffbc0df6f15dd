// What a chat agent is: one turn in, a reply and the tool calls it made out. Two implementations: offline and OpenAI.
import type { ToolContext, ToolName } from './tools';

export interface ToolCallRecord {
  name: ToolName;
  arguments: Record<string, unknown>;
  ok: boolean;
  /** What the tool said it did, or why it refused. */
  result: string;
}

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
  at: string;
}

/** What the agent keeps between turns besides the messages: the task last talked about, a pending question. */
export interface AgentMemory {
  last_task_id?: string;
  pending?: { action: unknown; candidates: { id: string; title: string }[] };
  /** What was last done to last_task_id ("complete", "add", …): "undo" reverses a completion. */
  last_action?: string;
}

export interface AgentTurnInput {
  user: { id: string; timezone: string };
  message: string;
  history: ChatMessage[];
  memory: AgentMemory;
  now: Date;
  timeZone: string;
  /** The turn's tools, writing in the turn's transaction (turns.ts); without it, each call commits on its own. */
  turn?: { context: ToolContext };
}

export interface AgentTurn {
  reply: string;
  toolCalls: ToolCallRecord[];
  memory: AgentMemory;
}

export interface ChatAgent {
  readonly kind: 'offline' | 'openai';
  run(input: AgentTurnInput): Promise<AgentTurn>;
}

/** Calls one MCP tool; a refusal (bad input, not found) comes back as `{ ok: false }` (MCP isError), never a throw. */
export type ToolCaller = (
  name: ToolName,
  args: Record<string, unknown>,
) => Promise<{ ok: boolean; summary: string; data: unknown }>;

/** An open connection to the MCP tools for one turn. */
export interface ToolSession {
  call: ToolCaller;
  close(): Promise<void>;
}
