// In-page toasts, and the browser's Notification when the user allowed it.
import { $, h } from './dom';

export function toast(message: string, kind: 'info' | 'error' | 'reminder' = 'info'): void {
  const el = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
  $('#toasts').append(el);
  setTimeout(() => el.remove(), kind === 'reminder' ? 15_000 : 5_000);
}

/** A window event: a notification reached this page (the inbox counts it). */
export const NOTIFICATION_ARRIVED = 'notification-arrived';

export function remind(title: string, body: string): void {
  toast(`${title} — ${body}`, 'reminder');
  window.dispatchEvent(new Event(NOTIFICATION_ARRIVED));
  if ('Notification' in window && Notification.permission === 'granted') new Notification(title, { body });
}

export function askNotificationPermission(): void {
  if ('Notification' in window && Notification.permission === 'default') void Notification.requestPermission();
}
