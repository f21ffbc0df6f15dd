// When a job fires next: dueTime (RFC 3339 or Go duration), schedule (6-field cron, @every, @daily...), repeats, ttl.
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { parseGoDuration } from '../config/duration';

export const JobSpecSchema = z
  .object({
    dueTime: z.string().min(1).optional(),
    schedule: z.string().min(1).optional(),
    repeats: z.number().int().nonnegative().optional(),
    ttl: z.string().min(1).optional(),
    data: z.unknown().optional(),
    overwrite: z.boolean().optional(),
    failurePolicy: z
      .union([
        z.object({ drop: z.object({}).passthrough() }),
        z.object({
          constant: z.object({ interval: z.string().optional(), maxRetries: z.number().int().optional() }),
        }),
      ])
      .optional(),
  })
  .refine((spec) => spec.dueTime !== undefined || spec.schedule !== undefined, {
    message: 'at least one of schedule or dueTime must be provided',
  });
export type StoredJobSpec = z.infer<typeof JobSpecSchema>;

const PERIODS: Record<string, string> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
};

/** A point in time: RFC 3339 with an offset, or a Go duration from `from`. */
export function parseTimeOrDuration(value: string, from: Date, field: string): Date {
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(value)) {
      throw new Error(`${field} "${value}" has no zone offset: send RFC 3339 with an offset`);
    }
    const time = Date.parse(value);
    if (Number.isNaN(time)) throw new Error(`${field} "${value}" is not an RFC 3339 time`);
    return new Date(time);
  }
  try {
    return new Date(from.getTime() + parseGoDuration(value));
  } catch {
    throw new Error(`${field} "${value}" is neither an RFC 3339 time nor a Go duration`);
  }
}

/** The first firing time strictly after `after` for a schedule expression. */
export function nextFromSchedule(schedule: string, after: Date): Date {
  const every = /^@every\s+(.+)$/.exec(schedule.trim());
  if (every) {
    const step = parseGoDuration(every[1] as string);
    if (step <= 0) throw new Error(`schedule "${schedule}" needs a positive duration`);
    return new Date(after.getTime() + step);
  }
  const expression = PERIODS[schedule.trim()] ?? schedule;
  if (expression.trim().split(/\s+/).length !== 6) {
    throw new Error(`schedule "${schedule}" must have 6 fields (seconds first) or be @every/@daily/@hourly/...`);
  }
  return CronExpressionParser.parse(expression, { currentDate: after, tz: 'UTC' }).next().toDate();
}

export interface Timing {
  firstDueAt: Date;
  expiresAt?: Date;
}

/** Validates the spec's times now (so a bad job is a 400, not a silent no-op) and gives the first firing time. */
export function firstTiming(spec: StoredJobSpec, now: Date): Timing {
  const expiresAt = spec.ttl ? parseTimeOrDuration(spec.ttl, now, 'ttl') : undefined;
  if (spec.schedule) nextFromSchedule(spec.schedule, now); // validate
  const firstDueAt = spec.dueTime
    ? parseTimeOrDuration(spec.dueTime, now, 'dueTime')
    : nextFromSchedule(spec.schedule as string, now);
  return { firstDueAt, expiresAt };
}

/** After a firing: the next time, or undefined when the job is done. */
export function nextTiming(spec: StoredJobSpec, firedAt: Date, fired: number, expiresAt?: Date): Date | undefined {
  if (!spec.schedule) return undefined;
  if (spec.repeats !== undefined && fired >= spec.repeats) return undefined;
  const next = nextFromSchedule(spec.schedule, firedAt);
  if (expiresAt && next > expiresAt) return undefined;
  return next;
}
