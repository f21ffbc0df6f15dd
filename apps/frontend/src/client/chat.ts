// The assistant beside the list: what it did shows up in the list at once (and in every other tab via the feed).
import { ApiFailure, api } from './api';
import { h, replace } from './dom';

const CONVERSATION_KEY = 'todo.conversation';

export function renderChat(root: HTMLElement, onActed: () => void): void {
  const log = h('ol', { class: 'messages', id: 'chat-log', 'aria-live': 'polite' });
  const input = h('input', {
    id: 'chat-input',
    autocomplete: 'off',
    placeholder: 'e.g. remind me to call mom tomorrow at 6pm',
    maxlength: 2000,
  });
  const send = h('button', { type: 'submit', class: 'primary' }, 'Send');
  const say = (role: 'user' | 'assistant' | 'error', text: string) => {
    log.append(
      h(
        'li',
        { class: `msg ${role}` },
        h('span', { class: 'who' }, role === 'user' ? 'You' : 'Assistant'),
        h('span', { class: 'text' }, text),
      ),
    );
    log.scrollTop = log.scrollHeight;
  };
  const form = h(
    'form',
    { class: 'composer' },
    h('label', { for: 'chat-input', class: 'visually-hidden' }, 'Message the assistant'),
    input,
    send,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const message = input.value.trim();
    if (!message) return;
    say('user', message);
    input.value = '';
    send.disabled = true;
    try {
      const conversation_id = sessionStorage.getItem(CONVERSATION_KEY) ?? undefined;
      const res = await api<{ conversation_id: string; reply: string; tool_calls: { ok: boolean }[] }>('/api/chat', {
        body: { message, conversation_id },
      });
      sessionStorage.setItem(CONVERSATION_KEY, res.conversation_id);
      say('assistant', res.reply);
      if (res.tool_calls.some((c) => c.ok)) onActed();
    } catch (err) {
      if (err instanceof ApiFailure && err.code === 'CONVERSATION_NOT_FOUND')
        sessionStorage.removeItem(CONVERSATION_KEY);
      say('error', err instanceof ApiFailure ? err.message : 'The assistant did not answer.');
    } finally {
      send.disabled = false;
      input.focus();
    }
  });
  replace(root, h('h2', { id: 'chat-title' }, 'Assistant'), log, form);
  say(
    'assistant',
    'Hi! Tell me what to do: "add buy milk #shopping", "what\'s due this week?", "mark the dentist task done".',
  );
}
