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

  it('moves a monthly task on the 31st to the next month that has one', () => {
    const next = nextOccurrence('FREQ=MONTHLY', at('2030-01-31T12:00:00Z'), 'UTC', at('2030-01-31T13:00:00Z'));
    expect(next?.due.toISOString()).toBe('2030-03-31T12:00:00.000Z');
  });
});
