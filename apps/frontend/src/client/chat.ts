// The assistant beside the list: what it did shows up in the list at once (and in every other tab via the feed);
// the conversation comes back after a reload, and on a phone a button keeps it one tap away.
import type { ChatRequest, ChatResponse, ConversationView } from '@todo/contracts';
import { CHAT_PATH, CONVERSATION_PATH, pathFor } from '@todo/contracts/src/routes';
import { ApiFailure, api } from './api';
import { h, replace } from './dom';

/** The conversation to continue, kept across reloads; another account's id answers 404 and is forgotten. */
const CONVERSATION_KEY = 'todo.conversation';
const GREETING =
  'Hi! Tell me what to do: "add buy milk #shopping", "what\'s due this week?", "mark the dentist task done".';
/** Answers after which the same message may be sent again: offline, the assistant or a sidecar unavailable. */
const RETRYABLE = new Set([0, 502, 503, 504]);
const RETRY_DELAYS_MS = [500, 1500];

/** crypto.randomUUID exists only in secure contexts (https, localhost); a plain-http cluster address is not one. */
const newMessageId = () =>
  typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

/** One turn, retried a couple of times with the same message id when the answer was lost on the way. */
async function sendTurn(turn: ChatRequest): Promise<ChatResponse> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await api<ChatResponse>(CHAT_PATH, { body: turn });
    } catch (err) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (!(err instanceof ApiFailure) || !RETRYABLE.has(err.status) || delay === undefined) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

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
  /** Sends one message; its id stays the same on every retry, so the assistant acts once however often it is sent. */
  const deliver = async (turn: ChatRequest) => {
    send.disabled = true;
    try {
      const res = await sendTurn(turn);
      localStorage.setItem(CONVERSATION_KEY, res.conversation_id);
      say('assistant', res.reply);
      if (res.conversation_saved === false)
        say('error', 'That was done, but the conversation could not be saved just now; I may not remember it.');
      if (res.tool_calls.some((c) => c.ok)) onActed();
    } catch (err) {
      if (err instanceof ApiFailure && err.code === 'CONVERSATION_NOT_FOUND') localStorage.removeItem(CONVERSATION_KEY);
      say('error', err instanceof ApiFailure ? err.message : 'The assistant did not answer.');
      if (err instanceof ApiFailure && RETRYABLE.has(err.status)) {
        const again = h('button', { type: 'button', class: 'retry' }, 'Send again');
        again.addEventListener('click', () => {
          again.remove();
          void deliver(turn);
        });
        log.lastElementChild?.append(again);
      }
    } finally {
      send.disabled = false;
      input.focus();
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const message = input.value.trim();
    if (!message) return;
    say('user', message);
    input.value = '';
    const conversation_id = localStorage.getItem(CONVERSATION_KEY) ?? undefined;
    void deliver({ message, conversation_id, client_message_id: newMessageId() });
  });
  // on a narrow screen the pane is a sheet over the list, opened by a button that is always in reach
  if (!root.id) root.id = 'chat-pane';
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'chat-toggle primary',
      id: 'chat-toggle',
      'aria-controls': root.id,
      'aria-expanded': 'false',
    },
    'Assistant',
  );
  const close = h('button', { type: 'button', class: 'chat-close link', 'aria-label': 'Close the assistant' }, '✕');
  const open = (isOpen: boolean) => {
    root.classList.toggle('open', isOpen);
    toggle.setAttribute('aria-expanded', String(isOpen));
    if (isOpen) input.focus();
    else toggle.focus();
  };
  toggle.addEventListener('click', () => open(!root.classList.contains('open')));
  close.addEventListener('click', () => open(false));
  document.querySelector('#chat-toggle')?.remove();
  document.body.append(toggle);
  replace(root, h('div', { class: 'chat-head' }, h('h2', { id: 'chat-title' }, 'Assistant'), close), log, form);
  void restore(log, say, send);
}

/** Shows the stored conversation, or a greeting for a new one; sending waits until it is there. */
async function restore(
  log: HTMLElement,
  say: (role: 'user' | 'assistant' | 'error', text: string) => void,
  send: HTMLButtonElement,
): Promise<void> {
  const id = localStorage.getItem(CONVERSATION_KEY);
  if (!id) {
    say('assistant', GREETING);
    return;
  }
  send.disabled = true;
  try {
    const conversation = await api<ConversationView>(pathFor(CONVERSATION_PATH, { id }));
    if (conversation.messages.length === 0) say('assistant', GREETING);
    for (const message of conversation.messages) say(message.role, message.content);
    log.scrollTop = log.scrollHeight;
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 404) localStorage.removeItem(CONVERSATION_KEY);
    say('assistant', GREETING);
  } finally {
    send.disabled = false;
  }
}
