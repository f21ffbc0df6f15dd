// The offline agent: reads the message (parse.ts), acts only through the MCP tools, and says what it did.
import type { TaskSnapshot } from '@todo/contracts';
import type {
  AgentMemory,
  AgentTurn,
  AgentTurnInput,
  ChatAgent,
  ToolCaller,
  ToolCallRecord,
  ToolSession,
} from '../agent';
import type { ToolName } from '../tools';
import { formatWhen } from './dates';
import { type Intent, parseMessage, type Target } from './parse';

type TaskAction = Extract<Intent, { kind: 'complete' | 'delete' | 'update' | 'remind' }>;

const HELP =
  'I can keep your tasks for you. Try "remind me to call mom tomorrow at 6pm", "what\'s due this week?", ' +
  '"mark the dentist task done", "move the report to Friday 3pm", or "every Monday at 9 plan the week #work high priority".';

const ORDINALS: Record<string, number> = {
  first: 1,
  '1st': 1,
  second: 2,
  '2nd': 2,
  third: 3,
  '3rd': 3,
  fourth: 4,
  '4th': 4,
  fifth: 5,
  '5th': 5,
  last: -1,
};

export class OfflineAgent implements ChatAgent {
  readonly kind = 'offline' as const;

  constructor(private readonly connect: (input: AgentTurnInput) => Promise<ToolSession>) {}

  async run(input: AgentTurnInput): Promise<AgentTurn> {
    const session = await this.connect(input);
    try {
      return await this.turn(input, session.call);
    } finally {
      await session.close();
    }
  }

  private async turn(input: AgentTurnInput, raw: ToolCaller): Promise<AgentTurn> {
    const calls: ToolCallRecord[] = [];
    const call = async (name: ToolName, args: Record<string, unknown>) => {
      const result = await raw(name, args);
      calls.push({ name, arguments: args, ok: result.ok, result: result.summary });
      return result;
    };
    const clock = { now: input.now, timeZone: input.timeZone };
    const memory: AgentMemory = { last_task_id: input.memory.last_task_id };
    const when = (iso: string | null | undefined) => (iso ? formatWhen(iso, input.timeZone) : undefined);

    const pending = input.memory.pending;
    if (pending) {
      const chosen = pick(input.message, pending.candidates);
      if (chosen) {
        const reply = await this.act(pending.action as TaskAction, chosen.id, call, memory, when);
        return { reply, toolCalls: calls, memory };
      }
    }

    const intent = parseMessage(input.message, clock);
    let reply: string;
    switch (intent.kind) {
      case 'help':
        reply = HELP;
        break;
      case 'thanks':
        reply = 'Anytime.';
        break;
      case 'clarify':
        reply = intent.question;
        break;
      case 'add': {
        const result = await call('add_task', { ...intent.fields });
        if (!result.ok) {
          reply = `I couldn't add that: ${result.summary}`;
          break;
        }
        const task = result.data as TaskSnapshot;
        memory.last_task_id = task.id;
        reply = describeAdded(task, when);
        break;
      }
      case 'list': {
        const result = await call('list_tasks', { ...intent.query, limit: 20 });
        if (!result.ok) {
          reply = `I couldn't look that up: ${result.summary}`;
          break;
        }
        const page = result.data as { items: TaskSnapshot[]; total: number };
        reply = describeList(page, intent.label, when);
        if (page.items.length === 1) memory.last_task_id = page.items[0]?.id;
        break;
      }
      default: {
        const found = await this.resolve(intent.target, intent.kind, call, input.memory);
        if ('reply' in found) {
          reply = found.reply;
          if (found.candidates) memory.pending = { action: intent, candidates: found.candidates };
          break;
        }
        reply = await this.act(intent, found.task.id, call, memory, when, found.task);
      }
    }
    return { reply, toolCalls: calls, memory };
  }

  /** The one open task the words point at, or what to say when there is none or more than one. */
  private async resolve(
    target: Target,
    kind: TaskAction['kind'],
    call: ToolCaller,
    memory: AgentMemory,
  ): Promise<{ task: TaskSnapshot } | { reply: string; candidates?: { id: string; title: string }[] }> {
    if ('ref' in target) {
      if (!memory.last_task_id) return { reply: 'Which task do you mean?' };
      return { task: { id: memory.last_task_id } as TaskSnapshot };
    }
    const status = kind === 'delete' ? 'all' : 'open';
    const result = await call('list_tasks', { q: target.text, status, limit: 5 });
    const items = result.ok ? (result.data as { items: TaskSnapshot[] }).items : [];
    if (items.length === 0)
      return { reply: `I couldn't find ${status === 'open' ? 'an open' : 'a'} task matching "${target.text}".` };
    const exact = items.filter((t) => t.title.toLowerCase() === target.text.toLowerCase());
    if (items.length === 1 || exact.length === 1) return { task: (exact[0] ?? items[0]) as TaskSnapshot };
    const candidates = items.map((t) => ({ id: t.id, title: t.title }));
    const list = candidates.map((c, i) => `${i + 1}) ${c.title}`).join(', ');
    return { reply: `Which one do you mean: ${list}?`, candidates };
  }

  private async act(
    action: TaskAction,
    taskId: string,
    call: ToolCaller,
    memory: AgentMemory,
    when: (iso: string | null | undefined) => string | undefined,
    known?: TaskSnapshot,
  ): Promise<string> {
    memory.pending = undefined;
    memory.last_task_id = taskId;
    switch (action.kind) {
      case 'complete': {
        const r = await call('complete_task', { task_id: taskId });
        if (!r.ok) return `I couldn't mark it done: ${r.summary}`;
        const task = r.data as TaskSnapshot;
        return `Marked "${task.title}" as done.${task.recurrence ? ' The next one in the series will show up shortly.' : ''}`;
      }
      case 'delete': {
        const r = await call('delete_task', { task_id: taskId });
        if (!r.ok) return `I couldn't delete it: ${r.summary}`;
        memory.last_task_id = undefined;
        return `Deleted "${(r.data as { title: string }).title}".`;
      }
      case 'remind': {
        const args: Record<string, unknown> = { task_id: taskId };
        if (action.remind_before_minutes !== undefined) args.remind_before_minutes = action.remind_before_minutes;
        else args.remind_at = action.remind_at ?? null;
        const r = await call('set_reminder', args);
        if (!r.ok) return `I couldn't set that reminder: ${r.summary}`;
        const task = r.data as TaskSnapshot;
        return task.remind_at
          ? `I'll remind you about "${task.title}" on ${when(task.remind_at)}.`
          : `OK, no reminder for "${task.title}".`;
      }
      case 'update': {
        const fields: Record<string, unknown> = { ...action.fields };
        if (action.addTags) fields.tags = [...new Set([...(known?.tags ?? []), ...action.addTags])];
        const r = await call('update_task', { task_id: taskId, ...fields });
        if (!r.ok) return `I couldn't change it: ${r.summary}`;
        const task = r.data as TaskSnapshot;
        if (action.fields.title && known && known.title !== task.title)
          return `Renamed "${known.title}" to "${task.title}".`;
        const changes = [
          action.fields.title ? `renamed to "${task.title}"` : undefined,
          action.fields.due_at ? `due ${when(task.due_at)}` : undefined,
          action.fields.priority ? `${task.priority} priority` : undefined,
          action.addTags ? `tagged ${task.tags.map((t) => `#${t}`).join(' ')}` : undefined,
          action.fields.recurrence ? 'repeating' : undefined,
        ].filter(Boolean);
        return `Updated "${task.title}": ${changes.join(', ')}.`;
      }
    }
  }
}

function pick(message: string, candidates: { id: string; title: string }[]) {
  const text = message.trim().toLowerCase();
  const number = text.match(/^(?:number\s+|#)?(\d+)\b/);
  if (number) return candidates[Number(number[1]) - 1];
  const ordinal = Object.entries(ORDINALS).find(([word]) => new RegExp(`\\b${word}\\b`).test(text));
  if (ordinal) return ordinal[1] === -1 ? candidates.at(-1) : candidates[ordinal[1] - 1];
  const named = candidates.filter((c) => c.title.toLowerCase().includes(text) || text.includes(c.title.toLowerCase()));
  return named.length === 1 ? named[0] : undefined;
}

const DAY_NAMES: Record<string, string> = {
  MO: 'Monday',
  TU: 'Tuesday',
  WE: 'Wednesday',
  TH: 'Thursday',
  FR: 'Friday',
  SA: 'Saturday',
  SU: 'Sunday',
};
const UNITS: Record<string, string> = { DAILY: 'day', WEEKLY: 'week', MONTHLY: 'month', YEARLY: 'year' };

/** "FREQ=WEEKLY;BYDAY=MO,TH" -> "every Monday and Thursday". */
export function describeRule(rule: string): string {
  const parts = Object.fromEntries(rule.split(';').map((p) => p.split('=') as [string, string]));
  if (parts.BYDAY === 'MO,TU,WE,TH,FR') return 'every weekday';
  const unit = UNITS[parts.FREQ ?? ''] ?? 'time';
  const interval = Number(parts.INTERVAL ?? 1);
  const every = interval > 1 ? `every ${interval} ${unit}s` : `every ${unit}`;
  if (parts.BYDAY) {
    const days = parts.BYDAY.split(',').map((d) => DAY_NAMES[d] ?? d);
    const list = days.length > 1 ? `${days.slice(0, -1).join(', ')} and ${days.at(-1)}` : days[0];
    return interval > 1 ? `${every} on ${list}` : `every ${list}`;
  }
  return every;
}

function describeAdded(task: TaskSnapshot, when: (iso: string | null | undefined) => string | undefined): string {
  const parts = [`Added "${task.title}"`];
  if (task.due_at) parts.push(`due ${when(task.due_at)}`);
  if (task.recurrence) parts.push(`repeating ${describeRule(task.recurrence)}`);
  if (task.priority !== 'medium') parts.push(`${task.priority} priority`);
  if (task.tags.length) parts.push(task.tags.map((t) => `#${t}`).join(' '));
  let reply = `${parts.join(', ')}.`;
  if (task.remind_at) reply += ` I'll remind you on ${when(task.remind_at)}.`;
  return reply;
}

function describeList(
  page: { items: TaskSnapshot[]; total: number },
  label: string,
  when: (iso: string | null | undefined) => string | undefined,
) {
  const what = label ? `tasks ${label}` : 'tasks';
  if (page.items.length === 0) return `You have no ${what}.`;
  const lines = page.items.map((t) => {
    const extras = [
      t.due_at ? when(t.due_at) : undefined,
      t.priority === 'high' ? 'high priority' : undefined,
      t.status === 'completed' ? 'done' : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    return `• ${t.title}${extras ? ` — ${extras}` : ''}`;
  });
  const more = page.total > page.items.length ? `\n…and ${page.total - page.items.length} more.` : '';
  return `You have ${page.total} ${page.total === 1 ? what.replace(/^tasks/, 'task') : what}:\n${lines.join('\n')}${more}`;
}
