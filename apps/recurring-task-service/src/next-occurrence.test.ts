import { nextOccurrence } from './next-occurrence';

const at = (iso: string) => new Date(iso);

describe('next occurrence', () => {
  it('keeps 9:00 in Berlin across the switch to summer time', () => {
    // Monday 23 March 2026 09:00 CET (+01) -> Monday 30 March 09:00 CEST (+02)
    const next = nextOccurrence(
      'FREQ=WEEKLY;BYDAY=MO',
      at('2026-03-23T08:00:00Z'),
      'Europe/Berlin',
      at('2026-03-23T09:00:00Z'),
    );
    expect(next?.due.toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });

  it('skips occurrences that are already past', () => {
    const next = nextOccurrence('FREQ=DAILY', at('2026-11-20T09:00:00Z'), 'UTC', at('2026-11-26T12:00:00Z'));
    expect(next?.due.toISOString()).toBe('2026-11-27T09:00:00.000Z');
  });

  it('goes to the next weekday after a Friday', () => {
    const next = nextOccurrence(
      'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
      at('2026-11-27T17:00:00Z'),
      'America/New_York',
      at('2026-11-27T18:00:00Z'),
    );
    expect(next?.due.toISOString()).toBe('2026-11-30T17:00:00.000Z');
  });

  it('counts COUNT down and ends the series after the last one', () => {
    const second = nextOccurrence('FREQ=DAILY;COUNT=3', at('2030-01-01T09:00:00Z'), 'UTC', at('2030-01-01T10:00:00Z'));
    expect(second).toEqual({ due: at('2030-01-02T09:00:00Z'), rule: 'FREQ=DAILY;COUNT=2' });
    const third = nextOccurrence('FREQ=DAILY;COUNT=2', at('2030-01-02T09:00:00Z'), 'UTC', at('2030-01-02T10:00:00Z'));
    expect(third).toEqual({ due: at('2030-01-03T09:00:00Z'), rule: 'FREQ=DAILY;COUNT=1' });
    expect(
      nextOccurrence('FREQ=DAILY;COUNT=1', at('2030-01-03T09:00:00Z'), 'UTC', at('2030-01-03T10:00:00Z')),
    ).toBeUndefined();
  });

  it('counts skipped past occurrences against COUNT', () => {
    const next = nextOccurrence('FREQ=DAILY;COUNT=5', at('2030-01-01T09:00:00Z'), 'UTC', at('2030-01-03T10:00:00Z'));
    expect(next).toEqual({ due: at('2030-01-04T09:00:00Z'), rule: 'FREQ=DAILY;COUNT=2' });
  });

  it('stops at UNTIL', () => {
    const rule = 'FREQ=WEEKLY;UNTIL=20300110T000000Z';
    expect(nextOccurrence(rule, at('2030-01-01T09:00:00Z'), 'UTC', at('2030-01-01T10:00:00Z'))?.due.toISOString()).toBe(
      '2030-01-08T09:00:00.000Z',
    );
    expect(nextOccurrence(rule, at('2030-01-08T09:00:00Z'), 'UTC', at('2030-01-08T10:00:00Z'))).toBeUndefined();
  });

  it('keeps a monthly task on the 31st at the month end: 28 Feb, then 31 Mar, then 30 Apr', () => {
    const feb = nextOccurrence('FREQ=MONTHLY', at('2030-01-31T12:00:00Z'), 'UTC', at('2030-01-31T13:00:00Z'));
    expect(feb).toEqual({ due: at('2030-02-28T12:00:00Z'), rule: 'FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1' });
    const mar = nextOccurrence(feb?.rule ?? '', at('2030-02-28T12:00:00Z'), 'UTC', at('2030-02-28T13:00:00Z'));
    expect(mar?.due.toISOString()).toBe('2030-03-31T12:00:00.000Z');
    const apr = nextOccurrence(mar?.rule ?? '', at('2030-03-31T12:00:00Z'), 'UTC', at('2030-03-31T13:00:00Z'));
    expect(apr?.due.toISOString()).toBe('2030-04-30T12:00:00.000Z');
  });

  it('gives 29 Feb in a leap year, and the 30th and 29th keep their day where the month has it', () => {
    const leap = nextOccurrence('FREQ=MONTHLY', at('2028-01-31T09:00:00Z'), 'UTC', at('2028-01-31T10:00:00Z'));
    expect(leap?.due.toISOString()).toBe('2028-02-29T09:00:00.000Z');
    const thirtieth = nextOccurrence('FREQ=MONTHLY', at('2030-01-30T09:00:00Z'), 'UTC', at('2030-01-30T10:00:00Z'));
    expect(thirtieth?.due.toISOString()).toBe('2030-02-28T09:00:00.000Z');
    const then = nextOccurrence(
      thirtieth?.rule ?? '',
      thirtieth?.due ?? at('2030-02-28T09:00:00Z'),
      'UTC',
      at('2030-02-28T10:00:00Z'),
    );
    expect(then?.due.toISOString()).toBe('2030-03-30T09:00:00.000Z');
    const twentyNinth = nextOccurrence(
      'FREQ=MONTHLY;INTERVAL=2',
      at('2029-12-29T09:00:00Z'),
      'UTC',
      at('2029-12-29T10:00:00Z'),
    );
    expect(twentyNinth?.due.toISOString()).toBe('2030-02-28T09:00:00.000Z');
  });

  it('keeps the month end in the task zone: 31 Jan 23:30 in New York is 1 Feb in UTC', () => {
    const next = nextOccurrence(
      'FREQ=MONTHLY',
      at('2030-02-01T04:30:00Z'),
      'America/New_York',
      at('2030-02-01T05:00:00Z'),
    );
    expect(next?.due.toISOString()).toBe('2030-03-01T04:30:00.000Z');
  });

  it('leaves a rule that names its days alone, and the 28th stays the 28th', () => {
    const named = nextOccurrence(
      'FREQ=MONTHLY;BYMONTHDAY=31',
      at('2030-01-31T12:00:00Z'),
      'UTC',
      at('2030-01-31T13:00:00Z'),
    );
    expect(named?.due.toISOString()).toBe('2030-03-31T12:00:00.000Z');
    const plain = nextOccurrence('FREQ=MONTHLY', at('2030-01-28T12:00:00Z'), 'UTC', at('2030-01-28T13:00:00Z'));
    expect(plain).toEqual({ due: at('2030-02-28T12:00:00Z'), rule: 'FREQ=MONTHLY' });
  });
});
