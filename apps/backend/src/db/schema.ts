// The backend's tables as Kysely sees them.
import type { TaskSnapshot } from '@todo/contracts';
import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  display_name: string | null;
  timezone: string;
  created_at: DefaultTimestamp;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface TasksTable {
  id: string;
  user_id: string;
  title: string;
  description: string | null;
  status: 'open' | 'completed';
  priority: 'high' | 'medium' | 'low';
  priority_rank: Generated<number>;
  tags: string[];
  due_at: Timestamp | null;
  remind_at: Timestamp | null;
  remind_before_minutes: number | null;
  recurrence: string | null;
  timezone: string;
  series_id: string | null;
  occurrence_key: string | null;
  reminded_for: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  completed_at: Timestamp | null;
  version: number;
}

/** What a task is read with: every column but `search` (a tsvector about as large as the text, for WHERE only). */
export const TASK_COLUMNS = [
  'id',
  'user_id',
  'title',
  'description',
  'status',
  'priority',
  'priority_rank',
  'tags',
  'due_at',
  'remind_at',
  'remind_before_minutes',
  'recurrence',
  'timezone',
  'series_id',
  'occurrence_key',
  'reminded_for',
  'created_at',
  'updated_at',
  'completed_at',
  'version',
] as const satisfies readonly (keyof TasksTable)[];

export interface OutboxTable {
  id: string;
  seq: Generated<string>;
  kind: 'publish' | 'job.schedule' | 'job.delete';
  topic: string | null;
  event_type: string | null;
  partition_key: string | null;
  payload: ColumnType<unknown, string, string>;
  created_at: DefaultTimestamp;
  published_at: Timestamp | null;
  attempts: Generated<number>;
  last_error: string | null;
  /** W3C traceparent of the request that made the change (null for rows from before it was kept). */
  traceparent: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface TaskCreateKeysTable {
  user_id: string;
  key: string;
  request_hash: string;
  task: ColumnType<TaskSnapshot | null, string | null, string>;
  created_at: DefaultTimestamp;
}

/** A task deleted in the last day (tasks/deletions.ts): a repeated DELETE of it answers as the first did. */
export interface DeletedTasksTable {
  id: string;
  user_id: string;
  deleted_at: DefaultTimestamp;
}

/** A word the user has written in a task (migration 0014): what a typo in a search is corrected to. */
export interface TaskWordsTable {
  user_id: string;
  word: string;
}

export interface ChatTurnsTable {
  user_id: string;
  key: string;
  request_hash: string;
  conversation_id: string;
  /** What the turn answered and what it adds to the conversation (see chat/turns.ts). */
  result: ColumnType<unknown, string, string>;
  conversation_saved: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: DefaultTimestamp;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  tasks: TasksTable;
  outbox: OutboxTable;
  task_create_keys: TaskCreateKeysTable;
  deleted_tasks: DeletedTasksTable;
  task_words: TaskWordsTable;
  chat_turns: ChatTurnsTable;
}

export type TaskRow = Selectable<TasksTable>;
export type UserRow = Selectable<UsersTable>;
