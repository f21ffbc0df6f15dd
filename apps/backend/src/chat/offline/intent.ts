// Intent first: what the person wants (add, ask, complete, reopen, change, remind, tag, delete, talk, or something
// the assistant does not do) is decided before anything is extracted, so only an add ever creates a task.
import type { Priority } from '@todo/contracts';
import { type AddResult, describesNewTask, parseAdd, type TaskFields } from './add';
import { type Clock, type FoundDate, findDate } from './dates';
import { extractPriority, extractRecurrence, extractReminderOffset } from './phrases';
import { type ListIntent, parseList } from './query';
import { contentWords, words } from './targets';

/** Which tasks: the one talked about last, the best match for some words, every match, or each of several. */
export type Target = { ref: 'last' } | { said: string[]; all: boolean } | { each: string[][] };

export type Intent =
  | AddResult
  | ListIntent
  | { kind: 'complete' | 'reopen' | 'delete' | 'unremind'; target: Target }
  | {
      kind: 'update';
      target: Target;
      fields: Pick<TaskFields, 'title' | 'priority' | 'recurrence'>;
      when?: FoundDate;
      shiftDays?: number;
      /** "move the report to someday soon": a time we could not read; the whole message, in case it is a new task. */
      unclear?: { when: string; message: string };
    }
  | { kind: 'remind'; target: Target; remind_at?: string; remind_before_minutes?: number }
  | { kind: 'tag' | 'untag'; target: Target; tags: string[] }
  /** A statement that something was done ("i called mom"): complete it if a task fits, never add. */
  | { kind: 'did'; target: Target }
  | { kind: 'undo' }
  | { kind: 'say'; reply: string }
  /** Not sure this is a task: offer to add it. */
  | { kind: 'offer'; title: string };

export const HELP =
  'I can keep your tasks for you: add them ("remind me to call mom tomorrow at 6pm"), show them ("what\'s due this ' +
  'week?", "what did I finish today?"), complete or reopen them, move them ("push the report to friday"), set or ' +
  'remove reminders, tag them, and delete them.';
const OUT_OF_SCOPE = `That's not something I can do — I only look after your tasks. ${HELP}`;
const NOT_SURE = `I'm not sure what you mean. ${HELP} To keep a note as a task, say "add" and the words.`;

const CHAT: [RegExp, string][] = [
  [
    /^(?:help|\?+|what can you do|what do you do|how does this work|how do i use (?:this|you)|who are you|what are you)\b[\s?!.]*$/i,
    HELP,
  ],
  [/^(?:hi|hey|hello|hiya|yo|howdy|good\s+(?:morning|afternoon|evening)|morning)(?:\s+there)?[\s!.]*$/i, `Hi! ${HELP}`],
  [/^how\s+are\s+you\b.*$/i, `All good, thanks! ${HELP}`],
  [/^(?:are|r)\s+you\s+(?:a\s+)?(?:robot|bot|human|ai|real)\b.*$/i, `I'm the assistant of your todo list. ${HELP}`],
  [
    /^(?:thanks|thank\s+you|thx|ty|cheers|ta|ok|okay|k|kk|cool|ok\s+cool|great|nice|perfect|awesome|lol|haha+|brb|good\s+night|night|bye|see\s+you|later|no\s+worries|got\s+it)(?:\s+(?:thanks|cool|so\s+much|a\s+lot))*[\s!.]*$/i,
    'Anytime.',
  ],
  [/^(?:never\s*mind|nvm|forget\s+it|cancel|no|nope|nah|stop)[\s!.]*$/i, 'OK.'],
  [/^sorry\b.*$/i, 'No problem.'],
  [/^(?:you're|you\s+are|ur)\s+\w+.*$/i, `Sorry about that. ${HELP}`],
];

const OUT = new RegExp(
  '^(?:(?:can|could|would|will)\\s+you\\s+|please\\s+)?(?:' +
    [
      'tell\\s+me\\s+(?:a|an|about|the|what|who|how|why|something)',
      'help\\s+me',
      'translate',
      'play',
      'sing',
      'write\\s+me',
      'book\\s+me',
      'order\\s+me',
      'get\\s+me',
      'find\\s+me\\s+a',
      'send\\s+(?:an?\\s+)?(?:e-?mail|text|message|sms)',
      'call\\s+me',
      'calculate',
      'define',
      'who',
      'where',
      'why',
      'how\\s+(?:do|does|can|to|much|far|old|long|is)',
      "what(?:'s|\\s+is)\\s+(?:the\\s+)?(?:weather|time|news|capital|meaning|date|\\d)",
      'what\\s+time',
    ].join('|') +
    ')\\b',
  'i',
);

/** Words that make a question about tasks rather than about the world. */
const TASK_WORDS =
  /\b(?:tasks?|todos?|to-dos?|due|overdue|done|finish\w*|complet\w*|list|plate|stuff|left|priority|urgent|important|tag\w*|coming\s+up|missed|work\s+on|status|have|got|on\s+for|did\s+i|reminders?|everything|anything|to\s+do|should\s+i|on\s+my|what\s+about|#\w)/i;
const ASKS = /^(?:what|what's|which|how|when|is|are|do|does|tell\s+me|any|anything|is\s+there|are\s+there)\b/i;
const SHOWS =
  /^(?:(?:can|could)\s+you\s+|please\s+)?(?:show|list|display|give\s+me|find|search|look\s+(?:up|for)|sort|my\s+(?:tasks|todos)|today's|tasks|todos|overdue|everything|all\s+my|(?:check|see|view|open|read|get)\s+(?:my|the|all)\s+(?:tasks|todos|to-dos|list|stuff))\b/i;

const PAST =
  /^(?:i\s+)?(?:already\s+|just\s+|finally\s+|have\s+|'ve\s+)?(did|got|took|went|bought|paid|sent|made|wrote|read|ran|met|gave|found|brought|sold|left|put|[a-z]{2,}ed)\s+(.+)$/i;
const NOT_PAST = new Set([
  'need',
  'feed',
  'seed',
  'speed',
  'bed',
  'red',
  'shed',
  'weed',
  'breed',
  'proceed',
  'embed',
  'bled',
]);

/** Verbs a task usually starts with: a message starting with one of them is a task to add. */
const VERBS = new Set(
  (
    'add book buy bring call cancel change check clean collect cook defrost do drop email empty feed file fill finish ' +
    'fix fold get go hand hang have help invite iron learn make meet mop mow order organise organize pack paint pay ' +
    'phone pick plan post prepare print read register renew repair replace reply research return review ring run ' +
    'schedule see sell send set sign sort start study submit take talk text tidy try update vacuum visit walk wash ' +
    'watch water wrap write arrange ask apply back backup charge confirm contact cut deliver download drive edit ' +
    'exercise finalise finalize follow grab hoover install look move note open practice practise put remember ' +
    'reserve respond sweep test throw top transfer unpack upload vote wake'
  ).split(' '),
);

const ALL = /\b(?:all|every|everything|each)\b/i;

/** The words of a phrase that name the task(s): "the dentist task" -> dentist; "it" -> the last one. */
export function target(phrase: string, extraStop: ReadonlySet<string> = new Set()): Target {
  const all = ALL.test(phrase);
  const stop = new Set([...extraStop, 'tagged', 'with', 'my', 'called', 'named']);
  if (!all && /\s(?:and|&)\s/i.test(phrase)) {
    const parts = phrase.split(/\s(?:and|&)\s/i).map((p) => contentWords(p, stop));
    if (parts.length > 1 && parts.every((p) => p.length > 0)) return { each: parts };
  }
  const said = contentWords(phrase, stop);
  return said.length ? { said, all } : { ref: 'last' };
}

const stopOf = (list: string) => new Set(list.split(' '));
const REOPEN_STOP = stopOf(
  "reopen re-open unmark uncomplete undone restore undo not done finished complete completed isn't is wasn't aren't " +
    "didn't finish back open again mark put wait that's oops actually yet i it one incomplete as",
);
const REMIND_STOP = stopOf(
  'remind reminding reminder reminders me ping alert notify set add remove drop delete cancel clear turn off disable ' +
    "kill stop don't do not no more and also can you could please the",
);

function reminderIntent(text: string, clock: Clock): Intent | undefined {
  if (
    /\b(?:don't|do\s+not|stop|no\s+more)\s+remind(?:ing)?\s+me\b/i.test(text) ||
    /\b(?:remove|drop|delete|cancel|clear|turn\s+off|disable|kill|no|without)\b.*\breminders?\b/i.test(text) ||
    /\breminders?\b.*\b(?:off|away)\b/i.test(text)
  )
    return { kind: 'unremind', target: target(text, REMIND_STOP) };

  // "remind me to call mom at 6", "in 15 minutes remind me to ...", "set a reminder to feed the cat"
  const add = text.match(
    /^(.*?)\b(?:please\s+)?(?:remind\s+me|set\s+(?:a|an|me\s+a)\s+reminder|add\s+(?:a|an)\s+reminder|ping\s+me|alert\s+me)\b(.*?)\bto\s+(.+)$/i,
  );
  if (add && !/\b(?:about|of|before|for)\b/i.test(add[2] as string))
    return parseAdd(`${add[3]} ${add[1]} ${add[2]}`, clock, true);

  const existing = text.match(
    /^(?:and\s+|also\s+|please\s+|(?:can|could)\s+you\s+)*(?:remind\s+me|ping\s+me|alert\s+me|notify\s+me|set\s+(?:a|an)\s+reminder|add\s+(?:a|an)\s+reminder|reminder)\b(.*)$/i,
  );
  if (!existing) return undefined;
  const rest = existing[1] as string;
  if (!rest.trim()) return { kind: 'say', reply: 'What should I remind you about, and when?' };
  const offset = extractReminderOffset(rest);
  if (offset.value !== undefined)
    return { kind: 'remind', target: target(offset.rest, REMIND_STOP), remind_before_minutes: offset.value };
  const date = findDate(rest, clock);
  if (!date)
    return {
      kind: 'say',
      reply: 'When should I remind you? For example "tomorrow at 9" or "30 minutes before".',
    };
  return {
    kind: 'remind',
    target: target(rest.replace(date.text, ' '), REMIND_STOP),
    remind_at: date.at.toISOString(),
  };
}

function tagIntent(text: string): Intent | undefined {
  const tagList = (s: string) => (s.match(/[\p{L}\p{N}_-]+/gu) ?? []).map((t) => t.toLowerCase());
  const untag =
    text.match(
      /^(?:remove|drop|delete|take|strip)\s+(?:the\s+)?#?([\p{L}\p{N}_-]+)\s+tag\s+(?:from|off(?:\s+of)?|on)\s+(.+)$/iu,
    ) ?? text.match(/^untag\s+#?([\p{L}\p{N}_-]+)\s+(?:from|on|off)\s+(.+)$/iu);
  if (untag) return { kind: 'untag', target: target(untag[2] as string), tags: tagList(untag[1] as string) };
  const untagged = text.match(/^untag\s+(.+?)\s+#([\p{L}\p{N}_-]+)$/iu);
  if (untagged) return { kind: 'untag', target: target(untagged[1] as string), tags: tagList(untagged[2] as string) };
  const withWord = text.match(/^(?:tag|label)\s+(.+?)\s+(?:with|as|under)\s+(.+)$/i);
  if (withWord) return { kind: 'tag', target: target(withWord[1] as string), tags: tagList(withWord[2] as string) };
  const hashes = text.match(/^(?:tag|label)\s+(.+?)((?:\s+#[\p{L}\p{N}_-]+)+)$/iu);
  if (hashes) return { kind: 'tag', target: target(hashes[1] as string), tags: tagList(hashes[2] as string) };
  const last = text.match(/^(?:tag|label)\s+(.+)\s+([\p{L}\p{N}_-]+)$/iu);
  if (last) return { kind: 'tag', target: target(last[1] as string), tags: tagList(last[2] as string) };
  const addTo =
    text.match(/^add\s+(?:the\s+)?tags?\s+((?:#?[\p{L}\p{N}_-]+\s*)+?)\s+to\s+(.+)$/iu) ??
    text.match(/^add\s+((?:#[\p{L}\p{N}_-]+\s*)+?)\s*to\s+(.+)$/iu);
  if (addTo) return { kind: 'tag', target: target(addTo[2] as string), tags: tagList(addTo[1] as string) };
  return undefined;
}

const PRIORITY_WORDS = '((?:high|top|low|medium|normal)\\s+priority|urgent|important|not\\s+urgent)';

function updateIntent(text: string, clock: Clock): Intent | undefined {
  const rename =
    text.match(/^(?:rename|retitle)\s+(.+?)\s+(?:to|as)\s+(.+)$/i) ??
    text.match(/^change\s+(?:the\s+)?(?:title|name)\s+of\s+(.+?)\s+to\s+(.+)$/i);
  if (rename) {
    const title = (rename[2] as string).replace(/^["']|["']$/g, '').trim();
    const cased = title.charAt(0).toUpperCase() + title.slice(1);
    return { kind: 'update', target: target(rename[1] as string), fields: { title: cased } };
  }
  const shift = text.match(
    /^(?:please\s+)?(?:push|move|delay|postpone|bump|put\s+off|shift)\s+(.+?)\s+(?:back\s+|out\s+|forward\s+)?(?:by\s+)?(a|an|one|two|three|four|five|six|seven|\d+)\s+(day|week)s?(?:\s+later)?$/i,
  );
  if (shift) {
    const n = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7 }[
      (shift[2] as string).toLowerCase() as 'a'
    ];
    const count = n ?? Number(shift[2]);
    return {
      kind: 'update',
      target: target(shift[1] as string),
      fields: {},
      shiftDays: count * (/week/i.test(shift[3] as string) ? 7 : 1),
    };
  }
  const prio =
    text.match(
      new RegExp(`^(?:make|set|change|mark|put)\\s+(.+?)\\s+(?:to\\s+|as\\s+|a\\s+)?${PRIORITY_WORDS}$`, 'i'),
    ) ?? text.match(new RegExp(`^(.+?)\\s+(?:is|are|'s)\\s+(?:now\\s+)?${PRIORITY_WORDS}$`, 'i'));
  if (prio) {
    const p = extractPriority(prio[2] as string).value;
    if (p) return { kind: 'update', target: target(prio[1] as string, stopOf('actually')), fields: { priority: p } };
  }
  const lower = text.match(
    /^(?:lower|decrease|reduce|drop|raise|increase|bump\s+up|up)\s+(?:the\s+)?priority\s+(?:of|on|for)\s+(.+)$/i,
  );
  if (lower) {
    const priority: Priority = /^(?:lower|decrease|reduce|drop)/i.test(text) ? 'low' : 'high';
    return { kind: 'update', target: target(lower[1] as string), fields: { priority } };
  }
  const repeat = text.match(/^make\s+(.+?)\s+(?:repeat|recur)\s+(.+)$/i);
  if (repeat) {
    const r = extractRecurrence(repeat[2] as string).value;
    if (r) return { kind: 'update', target: target(repeat[1] as string), fields: { recurrence: r.rule } };
    return { kind: 'say', reply: 'How often should it repeat? For example "every monday" or "every 2 weeks".' };
  }
  const due = text.match(/^(.+?)(?:\s+is|'s|\s+are)\s+(?:now\s+|actually\s+)?due\s+(.+)$/i);
  if (due) {
    const when = findDate(due[2] as string, clock);
    if (when) return { kind: 'update', target: target(due[1] as string), fields: {}, when };
  }
  const move = text.match(
    /^(?:please\s+|actually\s+|no\s+|wait\s+|ok\s+)*(?:move|reschedule|push|postpone|shift|bump|delay|change|set|put\s+off|make)\s+(.+)$/i,
  );
  if (move) {
    const rest = move[1] as string;
    // the split whose right side is a date: "move take the car to the garage to friday"
    const splits = [...rest.matchAll(/\s(?:to|until|till|for|on)\s/gi)].map((m) => m.index as number).reverse();
    for (const at of splits) {
      const right = rest.slice(at).replace(/^\s\w+\s/, '');
      const when = findDate(right, clock);
      if (when && right.replace(when.text, '').trim().split(/\s+/).filter(Boolean).length <= 1) {
        const left = rest
          .slice(0, at)
          .replace(/\b(?:the\s+)?due\s+date(?:\s+of)?\b|\bthe\s+date\s+of\b|\bthe\s+time\s+of\b/gi, ' ');
        return { kind: 'update', target: target(left), fields: {}, when };
      }
    }
    // "make it 11am", "move it to friday" said with no "to"
    const pronoun = rest.match(/^(it|that|this)\s+(.+)$/i);
    if (pronoun) {
      const when = findDate(pronoun[2] as string, clock);
      if (when) return { kind: 'update', target: { ref: 'last' }, fields: {}, when };
    }
    const unclear = text.match(/^(?:move|reschedule|push|postpone|delay|bump)\s+(.+?)\s+(?:to|until|till)\s+(.+)$/i);
    if (unclear)
      return {
        kind: 'update',
        target: target(unclear[1] as string),
        fields: {},
        unclear: { when: unclear[2] as string, message: text },
      };
  }
  return undefined;
}

function completeIntent(text: string): Intent | undefined {
  const m =
    text.match(
      /^(?:please\s+)?(?:mark|set|tick|check|cross)\s+(.+?)\s+(?:as\s+)?(?:done|complete|completed|finished|off)[\s!.]*$/i,
    ) ??
    text.match(
      /^(?:please\s+)?(?:complete|tick\s+off|check\s+off|cross\s+off|close|done\s+with|finished\s+with|done:?)\s+(.+)$/i,
    ) ??
    text.match(/^(.+?)\s+(?:is|are|'s)\s+(?:now\s+)?(?:done|finished|complete|completed)[\s!.]*$/i) ??
    text.match(/^(.+?)\s+(?:done|finished|complete)[\s!.]*$/i);
  if (!m) return undefined;
  return { kind: 'complete', target: target(m[1] as string, stopOf('mark as')) };
}

export function readIntent(text: string, clock: Clock): Intent {
  // a lone "!" or "." at the end says nothing; "!!" is emphasis (high priority)
  const bare = text
    .replace(/[\s.]+$/, '')
    .replace(/(?<!!)!$/, '')
    .trim();
  if (!bare) return { kind: 'say', reply: `What would you like to do? ${HELP}` };
  for (const [pattern, reply] of CHAT) if (pattern.test(bare)) return { kind: 'say', reply };
  if (/^(?:undo|undo\s+(?:that|it)|take\s+that\s+back)$/i.test(bare)) return { kind: 'undo' };
  if (OUT.test(bare)) return { kind: 'say', reply: OUT_OF_SCOPE };

  const asks = ASKS.test(bare);
  if ((asks || SHOWS.test(bare)) && !/^(?:do|does)\s+(?!i\b)/i.test(bare)) {
    if (TASK_WORDS.test(bare) || SHOWS.test(bare)) return parseList(bare, clock);
    return { kind: 'say', reply: OUT_OF_SCOPE };
  }

  // "can you mark the report done": the politeness is not part of the request
  const polite = bare.replace(/^(?:please\s+)?(?:can|could|would|will)\s+you\s+(?:please\s+)?(?=\w)/i, '');
  return readRequest(polite.length ? polite : bare, text, clock);
}

function readRequest(bare: string, text: string, clock: Clock): Intent {
  const reminder = reminderIntent(bare, clock);
  if (reminder) return reminder;
  if (
    /\b(?:re-?open|unmark|un-?complete|restore)\b/i.test(bare) ||
    /\bnot\s+(?:done|finished|complete)\b|\b(?:isn't|is\s+not|wasn't|aren't)\s+(?:done|finished|complete)\b/i.test(
      bare,
    ) ||
    /\bdidn't\s+(?:finish|do|send|complete|get)\b|\bback\s+on\s+(?:my|the)\s+list\b|\bopen\b.*\bagain\b/i.test(bare) ||
    /^undo\s+/i.test(bare)
  )
    return { kind: 'reopen', target: target(bare, REOPEN_STOP) };

  const tag = tagIntent(bare);
  if (tag) return tag;

  const add = bare.match(
    /^(?:(?:hey|ok|so|and|also)\s+)?(?:please\s+)?(?:(?:can|could|would)\s+you\s+)?(?:please\s+)?(?:add|create|new|put|jot\s+down|note\s+down|todo|to-do)\b(?:\s+(?:a|an))?(?:\s+new)?(?:\s+(?:task|todo|to-do|item|entry))?(?:\s*:\s*|\s+(?:to|for|called|named)\s+|\s+)(.+)$/i,
  );
  if (add && !/^put\s+off\b/i.test(bare)) return parseAdd(add[1] as string, clock, false);
  if (/^(?:add|create|new)(?:\s+(?:a\s+)?(?:new\s+)?(?:task|todo|to-do))?[:\s]*$/i.test(bare))
    return { kind: 'clarify', question: 'What should I add?', awaiting: { need: 'title', fields: {}, remind: false } };

  const del = bare.match(
    /^(?:please\s+)?(?:delete|remove|cancel|drop|erase|scrap|trash|bin|nuke|ditch|get\s+rid\s+of|forget(?:\s+about)?|throw\s+away)\s+(.+)$/i,
  );
  if (del) return { kind: 'delete', target: target(del[1] as string) };

  const complete = completeIntent(bare);
  if (complete) return complete;
  const update = updateIntent(bare, clock);
  if (update) return update;

  const filler = bare.match(
    /^(?:(?:i|we)\s+)?(?:really\s+|still\s+|also\s+)?(?:need\s+to|have\s+to|has\s+to|(?:'ve\s+)?got\s+to|gotta|must|should|want\s+to|wanna|gonna|better|need)\s+(.+)$/i,
  );
  if (filler) return parseAdd(filler[1] as string, clock, false);
  const remember = bare.match(/^(?:remember|don't\s+forget|do\s+not\s+forget)\s+(?:to\s+)?(.+)$/i);
  if (remember) return parseAdd(remember[1] as string, clock, false);

  const past = bare.match(PAST);
  if (past && !NOT_PAST.has((past[1] as string).toLowerCase()) && !findDate(bare, clock))
    return { kind: 'did', target: target(bare, stopOf('already just finally have')) };

  const first = words(bare)[0] ?? '';
  if (VERBS.has(first) || describesNewTask(bare, clock)) return parseAdd(bare, clock, false);
  if (/\?$/.test(text)) return { kind: 'say', reply: NOT_SURE };
  if (words(bare).length <= 4 && /^[\p{L}\p{N}\s'-]+$/u.test(bare) && !/^[^aeiouy]+$/i.test(bare.replace(/\s/g, '')))
    return { kind: 'offer', title: bare.charAt(0).toUpperCase() + bare.slice(1) };
  return { kind: 'say', reply: NOT_SURE };
}
