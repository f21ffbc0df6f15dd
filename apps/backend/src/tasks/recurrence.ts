// Recurrence rules: presets (daily, weekly, weekdays, monthly) or an RRULE, validated by the rrule library.
import { RRule } from 'rrule';

export const RECURRENCE_PRESETS = {
  daily: 'FREQ=DAILY',
  weekly: 'FREQ=WEEKLY',
  weekdays: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
  monthly: 'FREQ=MONTHLY',
} as const;

/** The canonical RRULE for a preset name or an RRULE string; throws a reason a person can act on. */
export function normalizeRecurrence(input: string): string {
  const text = input.trim();
  const preset = RECURRENCE_PRESETS[text.toLowerCase() as keyof typeof RECURRENCE_PRESETS];
  if (preset) return preset;
  const rule = text.replace(/^RRULE:/i, '').toUpperCase();
  if (/DTSTART|\n/.test(rule)) throw new Error('give only the RRULE part: the series starts at the task due date');
  if (!/(^|;)FREQ=/.test(rule)) throw new Error('an RRULE needs FREQ, e.g. FREQ=WEEKLY;BYDAY=MO');
  let options: ReturnType<typeof RRule.parseString>;
  try {
    options = RRule.parseString(rule);
  } catch (error) {
    throw new Error(`not a valid RRULE: ${(error as Error).message}`);
  }
  for (const part of rule.split(';')) {
    const [key, value] = part.split('=');
    if (!key || value === undefined || value === '') throw new Error(`not a valid RRULE part: "${part}"`);
  }
  if (options.freq === undefined || options.freq === null) throw new Error('an RRULE needs FREQ');
  if (options.interval !== undefined && options.interval !== null && !(options.interval >= 1)) {
    throw new Error('INTERVAL must be 1 or more');
  }
  return rule;
}
