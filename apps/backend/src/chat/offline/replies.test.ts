// How the offline agent words a repeat rule (rrule's toText, with a week's days listed as a person lists them) and a
// list (its count as the page gives it: exact, or "1,000+").
import type { TaskSnapshot } from '@todo/contracts';
import { describeList, describeRule } from './replies';

it.each([
  ['FREQ=DAILY', 'every day'],
  ['FREQ=DAILY;INTERVAL=3', 'every 3 days'],
  ['FREQ=WEEKLY', 'every week'],
  ['FREQ=WEEKLY;BYDAY=MO', 'every Monday'],
  ['FREQ=WEEKLY;BYDAY=TH,MO', 'every Monday and Thursday'],
  ['FREQ=WEEKLY;BYDAY=MO,WE,FR', 'every Monday, Wednesday and Friday'],
  ['FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', 'every weekday'],
  ['FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH', 'every 2 weeks on Tuesday and Thursday'],
  ['FREQ=MONTHLY', 'every month'],
  ['FREQ=MONTHLY;BYMONTHDAY=15', 'every month on the 15th'],
  ['FREQ=MONTHLY;BYDAY=-1FR', 'every month on the last Friday'],
  ['FREQ=YEARLY', 'every year'],
  ['FREQ=WEEKLY;BYDAY=SA,SU;COUNT=4', 'every Saturday and Sunday for 4 times'],
  ['FREQ=WEEKLY;BYDAY=MO;UNTIL=20261231T000000Z', 'every Monday until December 31, 2026'],
  ['FREQ=SECONDLY;INTERVAL=30', 'by the rule FREQ=SECONDLY;INTERVAL=30'],
])('describes %s as "%s"', (rule, words) => {
  expect(describeRule(rule)).toBe(words);
});

describe('a list', () => {
  const task = (title: string) => ({ title, due_at: null, priority: 'low', status: 'open' }) as TaskSnapshot;
  const when = () => undefined;

  it('says how many more there are when the count is exact', () => {
    const page = { items: [task('Buy milk'), task('Call mom')], total: 5, total_exact: true };
    expect(describeList(page, '', when)).toBe('You have 5 tasks:\n• Buy milk\n• Call mom\n…and 3 more.');
  });

  it('says "1,000+" and "more" when the count stopped at the cap', () => {
    const page = { items: [task('Buy milk')], total: 1000, total_exact: false };
    expect(describeList(page, 'tagged #work', when)).toBe(
      'You have 1,000+ tasks tagged #work:\n• Buy milk\n…and more.',
    );
  });
});
