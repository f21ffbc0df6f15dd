// What notification-service tells a browser about its reminders: the inbox's list, and the stream's notification event.

/** A reminder that came due, as the inbox lists it and a stream's `notification` event carries it. */
export interface NotificationView {
  id: string;
  task_id: string;
  kind: 'reminder';
  title: string;
  due_at: string | null;
  remind_at: string;
  created_at: string;
  read_at: string | null;
}

/** GET /api/notifications: the newest first, and how many are unread (the inbox's badge). */
export interface NotificationPage {
  items: NotificationView[];
  unread: number;
}
