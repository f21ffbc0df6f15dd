// Job names are the contract between the code that schedules a reminder and the route that handles its trigger.

const REMINDER_PREFIX = 'reminder-';

export const reminderJobName = (taskId: string): string => `${REMINDER_PREFIX}${taskId}`;

/** The task id of a reminder job name, or undefined when the name is not a reminder job. */
export const parseReminderJobName = (jobName: string): string | undefined =>
  jobName.startsWith(REMINDER_PREFIX) && jobName.length > REMINDER_PREFIX.length
    ? jobName.slice(REMINDER_PREFIX.length)
    : undefined;

export const conversationStateKey = (conversationId: string): string => `conversation-${conversationId}`;
