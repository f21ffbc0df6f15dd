// Boot: signed out -> the sign-in form; signed in -> tasks and assistant side by side, kept live by the feed.
import { api, session } from './api';
import { renderAuth } from './auth';
import { renderChat } from './chat';
import { $, h, replace } from './dom';
import { askNotificationPermission, remind, toast } from './notify';
import { openFeed } from './stream';
import { TaskList } from './tasks';

let closeFeed: (() => void) | undefined;

function signedOut(): void {
  closeFeed?.();
  session.token = null;
  replace($('#account'));
  renderAuth($('#main'), () => void signedIn());
}

async function signedIn(): Promise<void> {
  let me: { email: string };
  try {
    me = await api('/api/auth/me');
  } catch {
    signedOut();
    return;
  }
  const live = h('span', { class: 'live', id: 'live', title: 'Live updates' }, 'offline');
  replace(
    $('#account'),
    live,
    h('span', { class: 'who' }, me.email),
    h(
      'button',
      {
        class: 'link',
        id: 'sign-out',
        onclick: async () => {
          await api('/api/auth/sign-out', { method: 'POST' }).catch(() => undefined);
          signedOut();
        },
      },
      'Sign out',
    ),
  );
  const tasksPane = h('section', { class: 'pane tasks-pane', 'aria-labelledby': 'tasks-title' });
  const chatPane = h('aside', { class: 'pane chat-pane', 'aria-labelledby': 'chat-title' });
  replace($('#main'), h('div', { class: 'layout' }, tasksPane, chatPane));
  const list = new TaskList(tasksPane);
  list.render();
  renderChat(chatPane, () => list.refreshSoon(0));
  askNotificationPermission();
  closeFeed = openFeed(
    (event, data) => {
      if (event === 'task-update') list.refreshSoon();
      if (event === 'notification') {
        const n = data as { title: string; due_at: string | null };
        remind(`Reminder: ${n.title}`, n.due_at ? `due ${new Date(n.due_at).toLocaleString()}` : 'now');
      }
    },
    (isLive) => {
      live.textContent = isLive ? 'live' : 'offline';
      live.classList.toggle('on', isLive);
    },
  );
}

window.addEventListener('signed-out', () => {
  toast('Please sign in again.', 'error');
  signedOut();
});
if (session.token) void signedIn();
else signedOut();
