// notification-service's tables: notifications, the audit log, and the per-user event feed behind the streams.
import type { STREAM_EVENTS, StreamEvent } from '@todo/contracts';
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;

export interface NotificationsTable {
  id: string;
  /** CloudEvent id of the reminder: the same event seen twice makes one notification. */
  event_id: string;
  user_id: string;
  task_id: string;
  kind: 'reminder';
  title: string;
  due_at: Timestamp | null;
  remind_at: Timestamp;
  created_at: DefaultTimestamp;
  read_at: Timestamp | null;
}

export interface AuditLogTable {
  event_id: string;
  user_id: string;
  task_id: string;
  event_type: string;
  occurred_at: Timestamp;
  received_at: DefaultTimestamp;
  event: Json;
}

export interface UserEventsTable {
  id: Generated<string>;
  event_id: string;
  user_id: string;
  /** The stream event it is sent as; session-ended entries close that session's streams (payload: the update). */
  kind: Exclude<StreamEvent, typeof STREAM_EVENTS.ready>;
  payload: Json;
  created_at: DefaultTimestamp;
}

export interface Database {
  notifications: NotificationsTable;
  audit_log: AuditLogTable;
  user_events: UserEventsTable;
}
