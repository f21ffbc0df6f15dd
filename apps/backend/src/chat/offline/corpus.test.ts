// The offline agent's corpus: what people say, and the tool calls (with arguments) it must make for each, at a
// fixed clock (Thursday 26 Nov 2026, 11:00 in Berlin, UTC+1) against a few fixed tasks.
import type { ToolCaller } from '../agent';
import { OfflineAgent } from './agent';
import { fakeTools } from './fake-tools.test-helper';

const NOW = new Date('2026-11-26T10:00:00Z');
const ZONE = 'Europe/Berlin';
const USER = { id: 'u1', timezone: ZONE };

type Call = [string, Record<string, unknown>];
const find = (q: string, status = 'open'): Call => ['list_tasks', { q, status, limit: 5 }];
const list = (args: Record<string, unknown>): Call => [
  'list_tasks',
  { status: 'open', sort: 'due', ...args, limit: 20 },
];
const add = (args: Record<string, unknown>): Call => ['add_task', args];

const THIS_WEEK = { due_from: '2026-11-25T23:00:00.000Z', due_to: '2026-11-29T22:59:59.999Z' };
const TODAY = { due_from: '2026-11-25T23:00:00.000Z', due_to: '2026-11-26T22:59:59.999Z' };
const TOMORROW = { due_from: '2026-11-26T23:00:00.000Z', due_to: '2026-11-27T22:59:59.999Z' };
const NEXT_WEEK = { due_from: '2026-11-29T23:00:00.000Z', due_to: '2026-12-06T22:59:59.999Z' };
const WEEKDAYS = 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR';

const CORPUS: [string, Call[], RegExp?][] = [
  // adding, with dates, times, reminders, recurrence, priority and tags
  [
    'remind me to call mom tomorrow at 6pm',
    [add({ title: 'Call mom', due_at: '2026-11-27T17:00:00.000Z', remind_at: '2026-11-27T17:00:00.000Z' })],
    /remind you on Fri 27 Nov, 18:00/,
  ],
  ['add buy bread', [add({ title: 'Buy bread' })], /Added "Buy bread"/],
  ['buy eggs on friday', [add({ title: 'Buy eggs', due_at: '2026-11-27T08:00:00.000Z' })]],
  ['buy eggs today', [add({ title: 'Buy eggs', due_at: '2026-11-26T22:59:00.000Z' })]],
  [
    'remind me to take out the bins tonight',
    [add({ title: 'Take out the bins', due_at: '2026-11-26T19:00:00.000Z', remind_at: '2026-11-26T19:00:00.000Z' })],
  ],
  [
    'remind me to drink water in 20 minutes',
    [add({ title: 'Drink water', due_at: '2026-11-26T10:20:00.000Z', remind_at: '2026-11-26T10:20:00.000Z' })],
  ],
  ['call the bank in 2 hours', [add({ title: 'Call the bank', due_at: '2026-11-26T12:00:00.000Z' })]],
  ['pay rent by the 1st #home', [add({ title: 'Pay rent', due_at: '2026-12-01T08:00:00.000Z', tags: ['home'] })]],
  [
    'I need to renew my car insurance by the 20th',
    [add({ title: 'Renew my car insurance', due_at: '2026-12-20T08:00:00.000Z' })],
  ],
  [
    'add dentist friday 3pm and remind me 30 minutes before',
    [add({ title: 'Dentist', due_at: '2026-11-27T14:00:00.000Z', remind_before_minutes: 30 })],
  ],
  ['gym tomorrow morning', [add({ title: 'Gym', due_at: '2026-11-27T08:00:00.000Z' })]],
  ['call the plumber this afternoon', [add({ title: 'Call the plumber', due_at: '2026-11-26T14:00:00.000Z' })]],
  ['lunch with Sam on Saturday at noon', [add({ title: 'Lunch with Sam', due_at: '2026-11-28T11:00:00.000Z' })]],
  ['dinner with Anna next friday evening', [add({ title: 'Dinner with Anna', due_at: '2026-12-04T18:00:00.000Z' })]],
  ['renew passport on 15 january', [add({ title: 'Renew passport', due_at: '2027-01-15T08:00:00.000Z' })]],
  ['book flights in 3 days', [add({ title: 'Book flights', due_at: '2026-11-29T08:00:00.000Z' })]],
  [
    'buy 2 tickets for the concert friday',
    [add({ title: 'Buy 2 tickets for the concert', due_at: '2026-11-27T08:00:00.000Z' })],
  ],
  ['new task: clean the garage', [add({ title: 'Clean the garage' })]],
  ['todo: read the rust book low priority', [add({ title: 'Read the rust book', priority: 'low' })]],
  ['can you add fix the bike', [add({ title: 'Fix the bike' })]],
  ['put laundry on my list', [add({ title: 'Laundry' })]],
  ['finish the slides urgent #work', [add({ title: 'Finish the slides', priority: 'high', tags: ['work'] })]],
  ['email the landlord high priority', [add({ title: 'Email the landlord', priority: 'high' })]],
  [
    'every Monday at 9 plan the week #work high priority',
    [
      add({
        title: 'Plan the week',
        due_at: '2026-11-30T08:00:00.000Z',
        recurrence: 'FREQ=WEEKLY;BYDAY=MO',
        priority: 'high',
        tags: ['work'],
      }),
    ],
    /repeating/,
  ],
  [
    'every weekday at 8am check email',
    [add({ title: 'Check email', due_at: '2026-11-27T07:00:00.000Z', recurrence: WEEKDAYS })],
  ],
  [
    'daily standup at 9:30 every weekday #work',
    [add({ title: 'Daily standup', due_at: '2026-11-27T08:30:00.000Z', recurrence: WEEKDAYS, tags: ['work'] })],
  ],
  [
    'submit timesheet every friday at 5pm',
    [add({ title: 'Submit timesheet', due_at: '2026-11-27T16:00:00.000Z', recurrence: 'FREQ=WEEKLY;BYDAY=FR' })],
  ],
  [
    'every mon and thu at 7am run',
    [add({ title: 'Run', due_at: '2026-11-30T06:00:00.000Z', recurrence: 'FREQ=WEEKLY;BYDAY=MO,TH' })],
  ],
  [
    'every monday and wednesday at 6pm yoga',
    [add({ title: 'Yoga', due_at: '2026-11-30T17:00:00.000Z', recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE' })],
  ],
  [
    'remember to stretch every day at 3pm',
    [add({ title: 'Stretch', due_at: '2026-11-26T14:00:00.000Z', recurrence: 'FREQ=DAILY' })],
  ],
  ['water plants every 3 days', [add({ title: 'Water plants', recurrence: 'FREQ=DAILY;INTERVAL=3' })]],
  [
    'every month pay the phone bill #bills',
    [add({ title: 'Pay the phone bill', recurrence: 'FREQ=MONTHLY', tags: ['bills'] })],
  ],
  ['clean the fridge every other week', [add({ title: 'Clean the fridge', recurrence: 'FREQ=WEEKLY;INTERVAL=2' })]],
  // listing, filtering, searching
  ["what's due this week?", [list(THIS_WEEK)], /due this week/],
  ['what is due today', [list(TODAY)]],
  ['anything due today?', [list(TODAY)]],
  ["what's due tomorrow?", [list(TOMORROW)]],
  ["what's due next week", [list(NEXT_WEEK)]],
  ["what's overdue?", [list({ overdue: true })], /overdue/],
  ['show high priority tasks', [list({ priority: ['high'] })], /with high priority/],
  ['list tasks tagged work', [list({ tags: ['work'] })], /#work/],
  ['show my #health tasks', [list({ tags: ['health'] })]],
  ["what's on my list?", [list({})]],
  ['show everything', [list({ status: 'all' })]],
  ['how many tasks do I have', [list({})]],
  ['what did I finish?', [['list_tasks', { status: 'completed', sort: 'completed', limit: 20 }]], /done/],
  ['find dentist', [['list_tasks', { status: 'all', q: 'dentist', limit: 20 }]], /Book dentist appointment/],
  ['search for quarterly report', [['list_tasks', { status: 'all', q: 'quarterly report', limit: 20 }]]],
  ['show me tasks about the car', [['list_tasks', { status: 'open', q: 'car', limit: 20 }]], /Call Bob about the car/],
  // completing
  [
    'mark the dentist task done',
    [find('dentist'), ['complete_task', { task_id: 't-dentist' }]],
    /Marked "Book dentist appointment" as done/,
  ],
  ['I finished the report', [find('report'), ['complete_task', { task_id: 't-report' }]]],
  ['the dentist is done', [find('dentist'), ['complete_task', { task_id: 't-dentist' }]]],
  ['complete call mom', [find('call mom'), ['complete_task', { task_id: 't-mom' }]], /next one in the series/],
  ['check off buy milk', [find('buy milk'), ['complete_task', { task_id: 't-milk' }]]],
  // deleting
  ['delete the milk task', [find('milk', 'all'), ['delete_task', { task_id: 't-milk' }]], /Deleted "Buy milk"/],
  ['cancel call bob', [find('call bob', 'all'), ['delete_task', { task_id: 't-bob' }]]],
  ['remove the report', [find('report', 'all'), ['delete_task', { task_id: 't-report' }]]],
  // changing
  [
    'move the report to monday at 10',
    [find('report'), ['update_task', { task_id: 't-report', due_at: '2026-11-30T09:00:00.000Z' }]],
    /Mon 30 Nov, 10:00/,
  ],
  [
    'push the dentist to next tuesday 4pm',
    [find('dentist'), ['update_task', { task_id: 't-dentist', due_at: '2026-12-01T15:00:00.000Z' }]],
  ],
  [
    'reschedule call mom to sunday at 11am',
    [find('call mom'), ['update_task', { task_id: 't-mom', due_at: '2026-11-29T10:00:00.000Z' }]],
  ],
  [
    'the report is due friday',
    // only the day moves: the report keeps its 17:00
    [find('report'), ['update_task', { task_id: 't-report', due_at: '2026-11-27T16:00:00.000Z' }]],
  ],
  [
    'rename buy milk to buy oat milk',
    [find('buy milk'), ['update_task', { task_id: 't-milk', title: 'Buy oat milk' }]],
    /Renamed "Buy milk" to "Buy oat milk"/,
  ],
  ['make the report high priority', [find('report'), ['update_task', { task_id: 't-report', priority: 'high' }]]],
  ['make buy milk low priority', [find('buy milk'), ['update_task', { task_id: 't-milk', priority: 'low' }]]],
  ['change report to medium priority', [find('report'), ['update_task', { task_id: 't-report', priority: 'medium' }]]],
  [
    'tag the dentist with #health #urgent',
    [find('dentist'), ['update_task', { task_id: 't-dentist', tags: ['health', 'urgent'] }]],
  ],
  [
    'add #errands to buy milk',
    [find('buy milk'), ['update_task', { task_id: 't-milk', tags: ['shopping', 'errands'] }]],
  ],
  [
    'make call mom repeat every sunday',
    [find('call mom'), ['update_task', { task_id: 't-mom', recurrence: 'FREQ=WEEKLY;BYDAY=SU' }]],
  ],
  // reminders on existing tasks
  [
    'remind me about the dentist 1 hour before',
    [find('dentist'), ['set_reminder', { task_id: 't-dentist', remind_before_minutes: 60 }]],
    /Fri 27 Nov, 14:00/,
  ],
  [
    'remind me about the report tomorrow at 9am',
    [find('report'), ['set_reminder', { task_id: 't-report', remind_at: '2026-11-27T08:00:00.000Z' }]],
  ],
  [
    'set a reminder for the report 2 days before',
    [find('report'), ['set_reminder', { task_id: 't-report', remind_before_minutes: 2880 }]],
  ],
  [
    'remind me 30 minutes before call mom',
    [find('call mom'), ['set_reminder', { task_id: 't-mom', remind_before_minutes: 30 }]],
  ],
  [
    "don't remind me about the dentist",
    [find('dentist'), ['set_reminder', { task_id: 't-dentist', remind_at: null }]],
    /no reminder/,
  ],
  ['stop reminding me about call mom', [find('call mom'), ['set_reminder', { task_id: 't-mom', remind_at: null }]]],
  // asking back instead of guessing
  ['complete call', [find('call')], /Which one do you mean: 1\) Call mom, 2\) Call Bob about the car\?/],
  ['remind me to pay the bill', [], /When should I remind you to pay the bill\?/],
  ['remind me', [], /What should I remind you about/],
  ['add', [], /What should I add/],
  ['complete it', [], /Which task do you mean/],
  ['delete the spaceship', [find('spaceship', 'all')], /couldn't find a task matching "spaceship"/],
  ['move the report to someday soon', [], /When should it be due/],
  ['hello', [], /remind me to call mom/],
  ['thanks', [], /Anytime/],
];

describe('offline agent corpus', () => {
  it('has at least 60 utterances', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(60);
  });

  // rows as objects: jest would read a missing third column as a done() callback
  it.each(CORPUS.map(([say, expected, reply]) => ({ say, expected, reply })))(
    '"$say"',
    async ({ say, expected, reply }) => {
      const { caller, calls } = fakeTools();
      const agent = new OfflineAgent(async () => ({ call: caller, close: async () => {} }));
      const turn = await agent.run({
        user: USER,
        message: say,
        history: [],
        memory: {},
        now: NOW,
        timeZone: ZONE,
      });
      // what it did must be exactly this; the lookups it made to find a task are its own business
      const writes = (list: Call[]) => list.filter(([name, args]) => name !== 'list_tasks' || args.limit === 20);
      const made = calls.map((c): Call => [c.name, c.args]);
      expect(writes(made)).toEqual(writes(expected));
      expect(turn.toolCalls.filter((c) => c.name !== 'list_tasks').map((c) => c.name)).toEqual(
        writes(expected)
          .filter(([name]) => name !== 'list_tasks')
          .map(([name]) => name),
      );
      if (reply) expect(turn.reply).toMatch(reply);
      expect(turn.reply).not.toMatch(/undefined|\[object|Error:|at .*\.ts/);
    },
  );
});

describe('conversation', () => {
  const turn = (agent: OfflineAgent, message: string, memory = {}) =>
    agent.run({ user: USER, message, history: [], memory, now: NOW, timeZone: ZONE });

  it('answers its own question: "which one?" then "the second"', async () => {
    const { caller, calls } = fakeTools();
    const agent = new OfflineAgent(async () => ({ call: caller, close: async () => {} }));
    const first = await turn(agent, 'mark call done');
    expect(first.memory.pending?.candidates.map((c) => c.id)).toEqual(['t-mom', 't-bob']);
    const second = await turn(agent, 'the second one', first.memory);
    expect(calls.at(-1)).toEqual({ name: 'complete_task', args: { task_id: 't-bob' } });
    expect(second.reply).toBe('Marked "Call Bob about the car" as done.');
    expect(second.memory.pending).toBeUndefined();
  });

  it('reads "it" as the task it just talked about', async () => {
    const { caller, calls } = fakeTools();
    const agent = new OfflineAgent(async () => ({ call: caller, close: async () => {} }));
    const added = await turn(agent, 'add water the plants tomorrow');
    const moved = await turn(agent, 'move it to saturday at 10am', added.memory);
    expect(calls.at(-1)).toEqual({
      name: 'update_task',
      args: { task_id: 't-new', due_at: '2026-11-28T09:00:00.000Z' },
    });
    expect(moved.reply).not.toMatch(/Which task/);
  });

  it('says what went wrong when a tool refuses', async () => {
    const refuse: ToolCaller = async (name, args) => ({
      ok: false,
      summary: 'VALIDATION_FAILED: remind_at: the reminder must not come after the due date',
      data: { name, args },
    });
    const agent = new OfflineAgent(async () => ({ call: refuse, close: async () => {} }));
    const refused = await turn(agent, 'add taxes');
    expect(refused.reply).toBe(
      "I couldn't add that: VALIDATION_FAILED: remind_at: the reminder must not come after the due date",
    );
  });
});
