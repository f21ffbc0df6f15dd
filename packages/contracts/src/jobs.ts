// Job names and data are the contract between the code that schedules a reminder and the route that handles its
// trigger; Dapr's scheduler carries them back to the app that scheduled the job.
import { z } from 'zod';
import { isoDateTime } from './task';

const REMINDER_PREFIX = 'reminder-';
const JOB_TRIGGER_PREFIX = '/job/';

/** Where Dapr's scheduler delivers a job's trigger, on the app that scheduled it. */
export const JOB_TRIGGER_ROUTE = { method: 'POST', path: `${JOB_TRIGGER_PREFIX}:name` } as const;

/** The path a job named `jobName` is triggered at (a reminder job's name needs no encoding). */
export const jobTriggerPath = (jobName: string): string => `${JOB_TRIGGER_PREFIX}${jobName}`;

export const reminderJobName = (taskId: string): string => `${REMINDER_PREFIX}${taskId}`;

/** The task id of a reminder job name, or undefined when the name is not a reminder job. */
export const parseReminderJobName = (jobName: string): string | undefined =>
  jobName.startsWith(REMINDER_PREFIX) && jobName.length > REMINDER_PREFIX.length
    ? jobName.slice(REMINDER_PREFIX.length)
    : undefined;

/** What a reminder job carries back to its trigger: the reminder time it was scheduled for, to tell a stale one. */
export const ReminderJobDataSchema = z.object({ task_id: z.string(), remind_at: isoDateTime });
export type ReminderJobData = z.infer<typeof ReminderJobDataSchema>;

export const conversationStateKey = (conversationId: string): string => `conversation-${conversationId}`;
