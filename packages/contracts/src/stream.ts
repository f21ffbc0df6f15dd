// The events of the browser's live feed (STREAM_PATH): notification-service writes them, the browser reads them.
// No imports: the browser bundle uses it too.

/** The `event:` field of each server-sent event, and what its data is. */
export const STREAM_EVENTS = {
  /** First on every stream: `{ user_id }`. */
  ready: 'ready',
  /** A reminder came due: a NotificationView. */
  notification: 'notification',
  /** A task changed: the `upsert` or `delete` TaskUpdate. */
  taskUpdate: 'task-update',
  /** The last event of a stream whose sign-in ended (`{ code, message }`), just before the stream closes. */
  sessionEnded: 'session-ended',
} as const;
export type StreamEvent = (typeof STREAM_EVENTS)[keyof typeof STREAM_EVENTS];
