// The notification inbox: reminders listed with an unread count, marked read when the person opens the list.
import type { NotificationPage } from '@todo/contracts';
import { NOTIFICATIONS_PATH, pathFor, READ_NOTIFICATION_PATH } from '@todo/contracts/src/routes';
import { api } from './api';
import { formatWhen, h, replace } from './dom';
import { NOTIFICATION_ARRIVED } from './notify';

/** The inbox button (with its unread badge) and its panel; keeps itself current as reminders arrive. */
export function inbox(): HTMLElement {
  const badge = h('span', { class: 'badge-count', id: 'inbox-count', hidden: true });
  const panel = h('div', {
    class: 'inbox card',
    id: 'inbox',
    role: 'region',
    'aria-label': 'Notifications',
    hidden: true,
  });
  const button = h(
    'button',
    { type: 'button', class: 'icon', id: 'inbox-button', 'aria-expanded': 'false', 'aria-controls': 'inbox' },
    'Notifications ',
    badge,
  );
  const showCount = (unread: number) => {
    badge.hidden = unread === 0;
    badge.textContent = String(unread);
    button.setAttribute('aria-label', unread ? `Notifications, ${unread} unread` : 'Notifications');
  };
  const load = async () => {
    const page = await api<NotificationPage>(`${NOTIFICATIONS_PATH}?limit=50`);
    showCount(page.unread);
    return page.items;
  };
  const open = async () => {
    const items = await load();
    replace(
      panel,
      items.length
        ? h(
            'ul',
            { class: 'inbox-list' },
            ...items.map((n) =>
              h(
                'li',
                { class: n.read_at ? 'read' : 'unread', 'data-id': n.id },
                h('span', { class: 'title' }, n.title),
                h(
                  'small',
                  {},
                  `Reminder ${formatWhen(n.remind_at)}${n.due_at ? ` · due ${formatWhen(n.due_at)}` : ''}`,
                ),
              ),
            ),
          )
        : h('p', { class: 'empty' }, 'No notifications yet.'),
    );
    // seen: the ones shown are marked read, one by one, so a reminder that arrives meanwhile stays unread
    const unseen = items.filter((n) => !n.read_at);
    await Promise.all(
      unseen.map((n) => api(pathFor(READ_NOTIFICATION_PATH, { id: n.id }), { method: 'POST' }).catch(() => undefined)),
    );
    if (unseen.length) await load();
  };
  button.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    button.setAttribute('aria-expanded', String(!panel.hidden));
    if (!panel.hidden)
      void open().catch(() => replace(panel, h('p', { class: 'error' }, 'Could not load notifications.')));
  });
  const wrap = h('div', { class: 'inbox-wrap' }, button, panel);
  const arrived = () => {
    // an inbox of an earlier sign-in, no longer on the page, stops listening
    if (!wrap.isConnected) window.removeEventListener(NOTIFICATION_ARRIVED, arrived);
    else void (panel.hidden ? load() : open()).catch(() => undefined);
  };
  window.addEventListener(NOTIFICATION_ARRIVED, arrived);
  void load().catch(() => undefined);
  return wrap;
}
