// With an OpenAI key: an agent built with the OpenAI Agents SDK whose only tools are our MCP server's, reached over
// Streamable HTTP as the signed-in user.
import { Agent, MCPServerStreamableHttp, OpenAIChatCompletionsModel, run, setTracingDisabled } from '@openai/agents';
import OpenAI from 'openai';
import type { AgentTurn, AgentTurnInput, ChatAgent, ToolCallRecord } from './agent';
import { TOOL_NAMES, type ToolName } from './tools';
import { CHAT_TURN_HEADER } from './turns';

export interface OpenAIAgentOptions {
  apiKey: string;
  /** An OpenAI-compatible endpoint (tests use a local one). */
  baseURL?: string;
  model: string;
  /** The backend's own MCP endpoint. */
  mcpUrl: string;
}

// traces would leave the cluster for OpenAI's servers: off unless someone turns them on deliberately
setTracingDisabled(true);

const instructions = (input: AgentTurnInput) =>
  [
    "You manage the user's todo list. Act only through the tools; never invent tasks or ids.",
    `It is now ${input.now.toISOString()}; the user's time zone is ${input.timeZone}. Send times as RFC 3339 with an offset.`,
    'To act on a task the user names, find it with list_tasks first. If several match, ask which one.',
    'Create a task only when the user asks for one; a question or a remark about existing tasks is never a new task.',
    'A task that is done after all is reopened with reopen_task; "what did I finish" lists status completed with ' +
      'completed_from/completed_to and sort completed. Moving only the day keeps the time of day.',
    "Reply in one or two short sentences saying what you did, with dates in the user's time zone.",
  ].join('\n');

export class OpenAIAgent implements ChatAgent {
  readonly kind = 'openai' as const;
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAIAgentOptions) {
    this.client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL });
  }

  async run(input: AgentTurnInput): Promise<AgentTurn> {
    const mcp = new MCPServerStreamableHttp({
      url: this.options.mcpUrl,
      name: 'todo-tasks',
      requestInit: {
        headers: {
          authorization: `Bearer ${input.bearer}`,
          // the tools then write in the turn's transaction (turns.ts)
          ...(input.turn ? { [CHAT_TURN_HEADER]: input.turn.token } : {}),
        },
      },
    });
    await mcp.connect();
    try {
      const agent = new Agent({
        name: 'Todo assistant',
        instructions: instructions(input),
        mcpServers: [mcp],
        model: new OpenAIChatCompletionsModel(this.client, this.options.model),
      });
      const history = input.history.slice(-12).map((m) =>
        m.role === 'user'
          ? { role: 'user' as const, content: m.content }
          : {
              role: 'assistant' as const,
              status: 'completed' as const,
              content: [{ type: 'output_text' as const, text: m.content }],
            },
      );
      const result = await run(agent, [...history, { role: 'user', content: input.message }], { maxTurns: 8 });
      const toolCalls: ToolCallRecord[] = [];
      const outputs = new Map<string, string>();
      for (const item of result.newItems) {
        if (item.type === 'tool_call_output_item') {
          const raw = item.rawItem as { callId?: string };
          outputs.set(raw.callId ?? '', typeof item.output === 'string' ? item.output : JSON.stringify(item.output));
        }
      }
      for (const item of result.newItems) {
        if (item.type !== 'tool_call_item') continue;
        const raw = item.rawItem as { name?: string; arguments?: string; callId?: string };
        if (!raw.name || !TOOL_NAMES.includes(raw.name as ToolName)) continue;
        const output = outputs.get(raw.callId ?? '') ?? '';
        let args: Record<string, unknown> = {};
        try {
          args = JSON.parse(raw.arguments ?? '{}');
        } catch {
          // keep empty
        }
        toolCalls.push({
          name: raw.name as ToolName,
          arguments: args,
          ok: !/^(?:[A-Z_]+:|Error)/.test(output),
          result: output.split('\n')[0] ?? '',
        });
      }
      const reply =
        typeof result.finalOutput === 'string' && result.finalOutput.trim() ? result.finalOutput.trim() : 'Done.';
      return { reply, toolCalls, memory: input.memory };
    } finally {
      await mcp.close();
    }
  }
}
