// The backend's own series beside the HTTP ones: the outbox, reminder lateness, chat turns and tool calls.
import { prom, registry } from '@todo/service-kit';

export const outboxPublished = new prom.Counter({
  name: 'todo_outbox_published_total',
  help: 'Outbox rows sent through Dapr, by kind (publish, job.schedule, job.delete)',
  labelNames: ['kind'],
  registers: [registry],
});
export const outboxLag = new prom.Histogram({
  name: 'todo_outbox_publish_lag_seconds',
  help: 'Time from the commit of a change to its outbox row being sent',
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [registry],
});
export const outboxBacklog = new prom.Gauge({
  name: 'todo_outbox_backlog',
  help: 'Outbox rows not sent yet (after the last relay run)',
  registers: [registry],
});
export const reminderLateness = new prom.Histogram({
  name: 'todo_reminder_lateness_seconds',
  help: 'When a reminder job fired, minus the reminder time',
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
  registers: [registry],
});
export const chatTurns = new prom.Counter({
  name: 'todo_chat_turns_total',
  help: 'Chat turns, by agent and outcome',
  labelNames: ['agent', 'outcome'],
  registers: [registry],
});
export const chatToolCalls = new prom.Counter({
  name: 'todo_chat_tool_calls_total',
  help: 'Tool calls the chat agent made, by tool and whether the tool did it',
  labelNames: ['tool', 'ok'],
  registers: [registry],
});
export const passwordHashes = new prom.Counter({
  name: 'todo_password_hashes_total',
  help: 'Passwords hashed (sign-up, sign-in, and the decoy for unknown emails): the CPU an attacker can make us spend',
  registers: [registry],
});
export const authThrottled = new prom.Counter({
  name: 'todo_auth_throttled_total',
  help: 'Sign-ins and sign-ups refused with 429 before any hashing, by action',
  labelNames: ['action'],
  registers: [registry],
});
