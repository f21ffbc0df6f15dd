// How the offline agent words a repeat rule: rrule's toText, with a week's days listed as a person lists them.
import { describeRule } from './replies';

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
