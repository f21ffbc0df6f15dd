// With an OpenAI key: an agent built with the OpenAI Agents SDK whose only tools are our MCP server's, linked in
// memory and bound to the turn (its user and transaction), as the offline agent reaches them.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  Agent,
  type CallToolResultContent,
  type MCPServer,
  OpenAIChatCompletionsModel,
  run,
  setTracingDisabled,
} from '@openai/agents';
import OpenAI from 'openai';
import type { AgentTurn, AgentTurnInput, ChatAgent, ToolCallRecord } from './agent';
import { linkTools } from './tool-session';
import type { ToolContext, ToolName } from './tools';

export interface OpenAIAgentOptions {
  apiKey: string;
  /** An OpenAI-compatible endpoint (tests use a local one). */
  baseURL?: string;
  model: string;
  /** The tools of a turn's user outside a turn (a turn brings its own context). */
  context: (input: AgentTurnInput) => ToolContext;
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
    const tools = await linkTools(input.turn?.context ?? this.options.context(input));
    const toolCalls: ToolCallRecord[] = [];
    try {
      const agent = new Agent({
        name: 'Todo assistant',
        instructions: instructions(input),
        mcpServers: [recordingServer(tools.client, toolCalls)],
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
      const reply =
        typeof result.finalOutput === 'string' && result.finalOutput.trim() ? result.finalOutput.trim() : 'Done.';
      return { reply, toolCalls, memory: input.memory };
    } finally {
      await tools.close();
    }
  }
}

/** Our MCP client as the Agents SDK's MCPServer, recording each call and whether MCP said it failed (isError). */
function recordingServer(client: Client, calls: ToolCallRecord[]): MCPServer {
  return {
    name: 'todo-tasks',
    cacheToolsList: true,
    async connect() {},
    async close() {},
    async invalidateToolsCache() {},
    async listTools() {
      return (await client.listTools()).tools as Awaited<ReturnType<MCPServer['listTools']>>;
    },
    async callTool(name: string, args: Record<string, unknown> | null): Promise<CallToolResultContent> {
      const result = await client.callTool({ name, arguments: args ?? {} });
      const content = result.content as CallToolResultContent;
      const text = content.map((c) => ('text' in c ? c.text : '')).join('\n');
      calls.push({
        name: name as ToolName,
        arguments: args ?? {},
        ok: !result.isError,
        result: result.isError ? text : ((result.structuredContent as { summary?: string })?.summary ?? text),
      });
      return content;
    },
  };
}
