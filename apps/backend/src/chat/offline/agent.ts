// The offline agent: decides what the person wants (intent.ts), finds the tasks they mean (targets.ts), acts only
// through the MCP tools, asks back when it is not sure, and remembers an open question for the next turn.
import type { TaskPage, TaskSnapshot } from '@todo/contracts';
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
import { parseAdd, type TaskFields } from './add';
import { addDays, type Clock, findDate, formatWhen, onDayAtTimeOf } from './dates';
import { HELP, type Intent, readIntent, type Target } from './intent';
import { normalize } from './normalize';
import { describeAdded, describeList, numbered, quoted, type When } from './replies';
import { allMatches, bestMatches, contentWords } from './targets';

type Action = Extract<
  Intent,
  { kind: 'complete' | 'reopen' | 'delete' | 'unremind' | 'update' | 'remind' | 'tag' | 'untag' | 'did' }
>;

/** The question the assistant asked last turn, kept in memory.pending.action. */
type Pending =
  | { kind: 'choose'; action: Action }
  | { kind: 'confirm'; action: Action }
  | { kind: 'awaiting'; need: 'when' | 'title'; fields: TaskFields; remind: boolean }
  | { kind: 'offer'; title: string };

const YES =
  /^(?:y|yes|yep|yeah|yup|sure|ok|okay|do\s+it|go\s+ahead|please|yes\s+please|correct|right|confirm|all\s+of\s+them|both)\b/i;
const NO = /^(?:n|no|nope|nah|cancel|stop|never\s*mind|nvm|forget\s+it|leave\s+it|don't|do\s+not|none)\b/i;
const ORDINALS: [RegExp, number][] = [
  [/\b(?:last|latter|bottom)\b/i, -1],
  [/\b(?:first|1st|former|top)\b|^one$/i, 1],
  [/\b(?:second|2nd)\b|^two$/i, 2],
  [/\b(?:third|3rd)\b|^three$/i, 3],
  [/\b(?:fourth|4th)\b|^four$/i, 4],
  [/\b(?:fifth|5th)\b|^five$/i, 5],
];
const LOOKUP_LIMIT = 100;

const STATUS_FOR: Record<Action['kind'], 'open' | 'completed' | 'all'> = {
  complete: 'open',
  did: 'open',
  reopen: 'completed',
  delete: 'all',
  unremind: 'open',
  update: 'open',
  remind: 'open',
  tag: 'all',
  untag: 'all',
};
const VERB: Record<Action['kind'], string> = {
  complete: 'Mark these as done',
  did: 'Mark these as done',
  reopen: 'Reopen these',
  delete: 'Delete these',
  unremind: 'Remove the reminders of these',
  update: 'Change these',
  remind: 'Set a reminder on these',
  tag: 'Tag these',
  untag: 'Untag these',
};

interface Turn {
  call: ToolCaller;
  clock: Clock;
  memory: AgentMemory;
  when: When;
}

export class OfflineAgent implements ChatAgent {
  readonly kind = 'offline' as const;

  constructor(private readonly connect: (input: AgentTurnInput) => Promise<ToolSession>) {}

  async run(input: AgentTurnInput): Promise<AgentTurn> {
    const session = await this.connect(input);
    try {
      const calls: ToolCallRecord[] = [];
      const call: ToolCaller = async (name: ToolName, args) => {
        const result = await session.call(name, args);
        calls.push({ name, arguments: args, ok: result.ok, result: result.summary });
        return result;
      };
      const turn: Turn = {
        call,
        clock: { now: input.now, timeZone: input.timeZone },
        memory: { last_task_id: input.memory.last_task_id, last_action: input.memory.last_action },
        when: (iso) => (iso ? formatWhen(iso, input.timeZone) : undefined),
      };
      const text = normalize(input.message);
      const pending = input.memory.pending?.action as Pending | undefined;
      const answered = pending
        ? await this.answer(pending, input.memory.pending?.candidates ?? [], text, turn)
        : undefined;
      const reply = answered ?? (await this.handle(readIntent(text, turn.clock), turn));
      return { reply, toolCalls: calls, memory: turn.memory };
    } finally {
      await session.close();
    }
  }

  /** The reply to the assistant's own question, or undefined when the message is something new. */
  private async answer(
    pending: Pending,
    candidates: { id: string; title: string }[],
    text: string,
    turn: Turn,
  ): Promise<string | undefined> {
    const bare = text.replace(/[\s!.?]+$/, '');
    switch (pending.kind) {
      case 'choose': {
        if (NO.test(bare)) return 'OK, I left it as it is.';
        const chosen = pick(bare, candidates);
        if (!chosen) return undefined;
        const pool = await this.lookup(STATUS_FOR[pending.action.kind], turn);
        const task = pool.find((t) => t.id === chosen.id);
        return task ? this.act(pending.action, [task], turn) : "I can't find that task any more.";
      }
      case 'confirm': {
        if (NO.test(bare)) return 'OK, I left them as they are.';
        if (!YES.test(bare)) return undefined;
        const pool = await this.lookup(STATUS_FOR[pending.action.kind], turn);
        const tasks = candidates.map((c) => pool.find((t) => t.id === c.id)).filter((t): t is TaskSnapshot => !!t);
        return this.act(pending.action, tasks, turn);
      }
      case 'awaiting': {
        if (pending.need === 'when') {
          const date = findDate(bare, turn.clock);
          if (!date || bare.replace(date.text, '').trim().split(/\s+/).filter(Boolean).length > 1) return undefined;
          return this.handle(parseAdd(bare, turn.clock, pending.remind, pending.fields), turn);
        }
        const intent = readIntent(text, turn.clock);
        if (intent.kind === 'add') return this.handle(intent, turn);
        if (intent.kind === 'offer' || intent.kind === 'did')
          return this.handle({ kind: 'add', fields: { title: capital(bare) } }, turn);
        return undefined;
      }
      case 'offer': {
        if (YES.test(bare)) return this.handle({ kind: 'add', fields: { title: pending.title } }, turn);
        if (NO.test(bare)) return 'OK, I did not add it.';
        return undefined;
      }
    }
  }

  private async handle(intent: Intent, turn: Turn): Promise<string> {
    const { call, memory, when } = turn;
    switch (intent.kind) {
      case 'say':
        return intent.reply;
      case 'offer':
        memory.pending = { action: { kind: 'offer', title: intent.title } satisfies Pending, candidates: [] };
        return `Should I add "${intent.title}" as a task? (yes/no) ${HELP}`;
      case 'clarify':
        if (intent.awaiting)
          memory.pending = { action: { kind: 'awaiting', ...intent.awaiting } satisfies Pending, candidates: [] };
        return intent.question;
      case 'add': {
        const result = await call('add_task', { ...intent.fields });
        if (!result.ok) return `I couldn't add that: ${result.summary}`;
        const task = result.data as TaskSnapshot;
        memory.last_task_id = task.id;
        memory.last_action = 'add';
        return describeAdded(task, when);
      }
      case 'list': {
        const query: Record<string, unknown> = { ...intent.query };
        if (intent.tagWord) {
          const all = await this.lookup('all', turn);
          if (all.some((t) => t.tags.includes(intent.tagWord as string))) query.tags = [intent.tagWord];
        }
        const result = await call('list_tasks', { ...query, limit: 20 });
        if (!result.ok) return `I couldn't look that up: ${result.summary}`;
        const page = result.data as TaskPage;
        if (page.items.length === 1) memory.last_task_id = page.items[0]?.id;
        const label =
          query.tags && !intent.query.tags ? `${intent.label} tagged #${intent.tagWord}`.trim() : intent.label;
        return describeList(page, label, when);
      }
      case 'undo': {
        if (memory.last_action === 'complete' && memory.last_task_id)
          return this.handle({ kind: 'reopen', target: { ref: 'last' } }, turn);
        if (memory.last_action === 'reopen' && memory.last_task_id)
          return this.handle({ kind: 'complete', target: { ref: 'last' } }, turn);
        return 'I can undo marking a task done right after it. For anything else, tell me what to change.';
      }
      default:
        return this.target(intent, turn);
    }
  }

  /** Finds the task(s) an action means, then acts, asks which one, or asks to confirm several. */
  private async target(action: Action, turn: Turn): Promise<string> {
    const status = STATUS_FOR[action.kind];
    const t = action.target;
    if ('ref' in t) {
      const last = turn.memory.last_task_id;
      if (!last) return 'Which task do you mean?';
      const task = (await this.lookup('all', turn)).find((x) => x.id === last);
      // beyond the first page of a long list: act on the id the conversation holds
      return this.act(
        action,
        [task ?? ({ id: last, title: 'it', tags: [], due_at: null } as unknown as TaskSnapshot)],
        turn,
      );
    }
    const pool = await this.lookup(status, turn, saidWords(t));
    let tasks: TaskSnapshot[];
    if ('each' in t) {
      const each = t.each.map((said) => bestMatches(said, pool));
      tasks = each.every((m) => m.length === 1) ? [...new Set(each.flat())] : bestMatches(t.each.flat(), pool);
      if (each.every((m) => m.length === 1) && tasks.length > 1) return this.confirm(action, tasks, turn);
    } else if (t.all) {
      tasks = allMatches(t.said, pool);
      if (tasks.length > 1) return this.confirm(action, tasks, turn);
    } else {
      tasks = bestMatches(t.said, pool);
      // "drop the reminder on the car thing": of the tasks named, the one with a reminder
      if (tasks.length > 1 && action.kind === 'unremind') {
        const withReminder = tasks.filter((x) => x.remind_at);
        if (withReminder.length === 1) tasks = withReminder;
      }
    }
    const phrase = 'said' in t ? t.said.join(' ') : t.each.map((w) => w.join(' ')).join(' and ');
    if (action.kind === 'update' && action.unclear) {
      // not a task of theirs: "move the couch to the attic" is something to do
      if (tasks.length === 0) return this.handle(parseAdd(action.unclear.message, turn.clock, false), turn);
      return `When should it be due? I did not understand "${action.unclear.when}".`;
    }
    if (tasks.length === 0) {
      if (action.kind === 'did')
        return `Nice! I couldn't find an open task for "${phrase}", so I left your list as it is.`;
      const which = status === 'open' ? 'an open task' : status === 'completed' ? 'a finished task' : 'a task';
      return `I couldn't find ${which} matching "${phrase}".`;
    }
    if (tasks.length === 1) return this.act(action, tasks, turn);
    const candidates = tasks.slice(0, 5).map((x) => ({ id: x.id, title: x.title }));
    turn.memory.pending = { action: { kind: 'choose', action } satisfies Pending, candidates };
    return `Which one do you mean: ${numbered(candidates)}?`;
  }

  private confirm(action: Action, tasks: TaskSnapshot[], turn: Turn): string {
    const candidates = tasks.map((x) => ({ id: x.id, title: x.title }));
    turn.memory.pending = { action: { kind: 'confirm', action } satisfies Pending, candidates };
    return `${VERB[action.kind]} ${tasks.length} tasks: ${quoted(candidates)}? (yes/no)`;
  }

  /** The user's tasks to match words against; a search too when there are more than one page. */
  private async lookup(status: 'open' | 'completed' | 'all', turn: Turn, said: string[] = []): Promise<TaskSnapshot[]> {
    const result = await turn.call('list_tasks', { status, limit: LOOKUP_LIMIT });
    if (!result.ok) return [];
    const page = result.data as TaskPage;
    if (page.total <= page.items.length || said.length === 0) return page.items;
    const more = await turn.call('list_tasks', { status, q: said.join(' '), limit: LOOKUP_LIMIT });
    const extra = more.ok ? (more.data as { items: TaskSnapshot[] }).items : [];
    return [...page.items, ...extra.filter((x) => !page.items.some((p) => p.id === x.id))];
  }

  private async act(action: Action, tasks: TaskSnapshot[], turn: Turn): Promise<string> {
    const replies: string[] = [];
    for (const task of tasks) replies.push(await this.actOn(action, task, turn));
    return replies.join(' ');
  }

  private async actOn(action: Action, task: TaskSnapshot, turn: Turn): Promise<string> {
    const { call, memory, when, clock } = turn;
    memory.last_task_id = task.id;
    memory.last_action = action.kind === 'did' ? 'complete' : action.kind;
    switch (action.kind) {
      case 'complete':
      case 'did': {
        const r = await call('complete_task', { task_id: task.id });
        if (!r.ok) return `I couldn't mark "${task.title}" done: ${r.summary}`;
        const done = r.data as TaskSnapshot;
        return `Marked "${done.title}" as done.${done.recurrence ? ' The next one in the series will show up shortly.' : ''}`;
      }
      case 'reopen': {
        const r = await call('reopen_task', { task_id: task.id });
        if (!r.ok) return `I couldn't reopen "${task.title}": ${r.summary}`;
        return `Reopened "${task.title}".`;
      }
      case 'delete': {
        const r = await call('delete_task', { task_id: task.id });
        memory.last_task_id = undefined;
        if (!r.ok) return `I couldn't delete "${task.title}": ${r.summary}`;
        return `Deleted "${task.title}".`;
      }
      case 'unremind': {
        const r = await call('set_reminder', { task_id: task.id, remind_at: null });
        if (!r.ok) return `I couldn't remove that reminder: ${r.summary}`;
        return `OK, no reminder for "${task.title}".`;
      }
      case 'remind': {
        const args: Record<string, unknown> = { task_id: task.id };
        if (action.remind_before_minutes !== undefined) args.remind_before_minutes = action.remind_before_minutes;
        else args.remind_at = action.remind_at;
        const r = await call('set_reminder', args);
        if (!r.ok) return `I couldn't set that reminder: ${r.summary}`;
        const updated = r.data as TaskSnapshot;
        return updated.remind_at
          ? `I'll remind you about "${updated.title}" on ${when(updated.remind_at)}.`
          : `OK, I'll remind you about "${updated.title}".`;
      }
      case 'tag':
      case 'untag': {
        const tags =
          action.kind === 'tag'
            ? [...new Set([...task.tags, ...action.tags])]
            : task.tags.filter((x) => !action.tags.includes(x));
        if (tags.length === task.tags.length && tags.every((x, i) => x === task.tags[i]))
          return action.kind === 'tag'
            ? `"${task.title}" already has ${action.tags.map((x) => `#${x}`).join(' ')}.`
            : `"${task.title}" has no ${action.tags.map((x) => `#${x}`).join(' ')} tag.`;
        const r = await call('update_task', { task_id: task.id, tags });
        if (!r.ok) return `I couldn't change the tags: ${r.summary}`;
        const updated = r.data as TaskSnapshot;
        return updated.tags.length
          ? `"${updated.title}" is now tagged ${updated.tags.map((x) => `#${x}`).join(' ')}.`
          : `"${updated.title}" has no tags now.`;
      }
      case 'update': {
        const fields: Record<string, unknown> = { ...action.fields };
        const due = newDue(action, task, clock);
        if (due) fields.due_at = due.toISOString();
        if (Object.keys(fields).length === 0) return 'What should I change?';
        const r = await call('update_task', { task_id: task.id, ...fields });
        if (!r.ok) return `I couldn't change it: ${r.summary}`;
        const updated = r.data as TaskSnapshot;
        if (action.fields.title) return `Renamed "${task.title}" to "${updated.title}".`;
        const changes = [
          fields.due_at ? `due ${when(updated.due_at)}` : undefined,
          action.fields.priority ? `${updated.priority} priority` : undefined,
          action.fields.recurrence ? 'repeating' : undefined,
        ].filter(Boolean);
        return `Updated "${updated.title}": ${changes.join(', ')}.`;
      }
    }
  }
}

/** The new due time: a day alone keeps the task's time of day, a time alone keeps its day. */
function newDue(action: Extract<Action, { kind: 'update' }>, task: TaskSnapshot, clock: Clock): Date | undefined {
  const current = task.due_at ? new Date(task.due_at) : undefined;
  if (action.shiftDays) return addDays(current ?? clock.now, action.shiftDays, clock.timeZone);
  if (!action.when) return undefined;
  const at = new Date(action.when.at);
  if (!action.when.hasDay) return onDayAtTimeOf(current ?? at, at, clock.timeZone);
  if (action.when.hasTime || !current) return at;
  return onDayAtTimeOf(at, current, clock.timeZone);
}

const saidWords = (t: Target) => ('said' in t ? t.said : 'each' in t ? t.each.flat() : []);
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Which of the offered tasks an answer names: "2", "the second", "the last one", "the garage one", "bob". */
function pick(text: string, candidates: { id: string; title: string }[]) {
  const number = text.match(/^(?:number\s+|no\.?\s*|#)?(\d+)\b/i);
  if (number) return candidates[Number(number[1]) - 1];
  const said = contentWords(
    text,
    new Set(['first', 'second', 'third', 'fourth', 'fifth', 'last', 'latter', 'no', 'mean']),
  );
  if (said.length) {
    const tasks = candidates.map((c) => ({ id: c.id, title: c.title, tags: [] }) as unknown as TaskSnapshot);
    const named = bestMatches(said, tasks);
    if (named.length === 1) return candidates.find((c) => c.id === named[0]?.id);
  }
  for (const [pattern, n] of ORDINALS)
    if (pattern.test(text) && text.split(/\s+/).length <= 4) return n === -1 ? candidates.at(-1) : candidates[n - 1];
  return undefined;
}
