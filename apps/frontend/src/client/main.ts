// Boot: signed out -> the sign-in form; signed in -> tasks and assistant side by side, kept live by the feed.
// A sign-in that ends elsewhere (another tab, the server) brings every tab back to the form, saying so.
import type { CurrentUser, NotificationView } from '@todo/contracts';
import { CURRENT_USER_PATH, SIGN_OUT_PATH } from '@todo/contracts/src/routes';
import { STREAM_EVENTS } from '@todo/contracts/src/stream';
import { api, session, TOKEN_KEY } from './api';
import { renderAuth } from './auth';
import { renderChat } from './chat';
import { $, h, replace } from './dom';
import { askNotificationPermission, remind } from './notify';
import { openFeed } from './stream';
import { TaskList } from './tasks';

let closeFeed: (() => void) | undefined;
let isSignedIn = false;

const ENDED = 'You were signed out. Sign in again to go on.';

function signedOut(notice = ''): void {
  isSignedIn = false;
  closeFeed?.();
  closeFeed = undefined;
  session.token = null;
  replace($('#account'));
  renderAuth($('#main'), () => void signedIn(), notice);
}

async function signedIn(): Promise<void> {
  isSignedIn = true;
  let me: CurrentUser;
  try {
    me = await api<CurrentUser>(CURRENT_USER_PATH);
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
          await api(SIGN_OUT_PATH, { method: 'POST' }).catch(() => undefined);
          // removing the token tells the other tabs (a storage event); the server closes their streams too
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
      if (event === STREAM_EVENTS.taskUpdate) list.refreshSoon();
      if (event === STREAM_EVENTS.notification) {
        const n = data as NotificationView;
        remind(`Reminder: ${n.title}`, n.due_at ? `due ${new Date(n.due_at).toLocaleString()}` : 'now');
      }
    },
    (isLive) => {
      live.textContent = isLive ? 'live' : 'offline';
      live.classList.toggle('on', isLive);
    },
    () => signedOut(ENDED),
  );
}

window.addEventListener('signed-out', () => signedOut(ENDED));
// another tab signed out (its token removed) or in (a token where there was none)
window.addEventListener('storage', (event) => {
  if (event.key !== TOKEN_KEY && event.key !== null) return;
  if (isSignedIn && !session.token) signedOut(ENDED);
  else if (!isSignedIn && session.token) void signedIn();
});
if (session.token) void signedIn();
else signedOut();
