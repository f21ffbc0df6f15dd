// Create or edit a task in a dialog: title, notes, due date and time, reminder, recurrence, tags, priority.
import type { TaskSnapshot } from '@todo/contracts';
import { ApiFailure, api } from './api';
import { fromLocalInput, h, toLocalInput } from './dom';

const RECURRENCES: [string, string][] = [
  ['', 'Does not repeat'],
  ['daily', 'Every day'],
  ['weekdays', 'Every weekday'],
  ['weekly', 'Every week'],
  ['monthly', 'Every month'],
];
const PRESET_RULES: Record<string, string> = {
  'FREQ=DAILY': 'daily',
  'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR': 'weekdays',
  'FREQ=WEEKLY': 'weekly',
  'FREQ=MONTHLY': 'monthly',
};

export function openTaskForm(task: TaskSnapshot | undefined, onSaved: (task: TaskSnapshot) => void): void {
  const field = (id: string, label: string, input: HTMLElement, hint?: string) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      input,
      hint ? h('small', { id: `${id}-hint` }, hint) : '',
    );
  const title = h('input', { id: 'f-title', required: true, maxlength: 200, value: task?.title ?? '' });
  const description = h('textarea', { id: 'f-description', rows: 2 }, task?.description ?? '');
  const due = h('input', { id: 'f-due', type: 'datetime-local', value: toLocalInput(task?.due_at ?? null) });
  const reminderKind = h(
    'select',
    { id: 'f-reminder' },
    h('option', { value: '' }, 'No reminder'),
    h('option', { value: 'at' }, 'At a time'),
    h('option', { value: 'before' }, 'Before it is due'),
  );
  const remindAt = h('input', {
    id: 'f-remind-at',
    type: 'datetime-local',
    'aria-label': 'Reminder time',
    value: task?.remind_before_minutes === null ? toLocalInput(task?.remind_at ?? null) : '',
  });
  const remindBefore = h(
    'select',
    { id: 'f-remind-before', 'aria-label': 'Minutes before' },
    ...[5, 10, 15, 30, 60, 120, 1440].map((m) =>
      h('option', { value: m }, m < 60 ? `${m} minutes` : m < 1440 ? `${m / 60} hour${m > 60 ? 's' : ''}` : '1 day'),
    ),
  );
  reminderKind.value = task?.remind_before_minutes != null ? 'before' : task?.remind_at ? 'at' : '';
  if (task?.remind_before_minutes != null) remindBefore.value = String(task.remind_before_minutes);
  const recurrence = h(
    'select',
    { id: 'f-recurrence' },
    ...RECURRENCES.map(([value, label]) => h('option', { value }, label)),
  );
  const custom = task?.recurrence && !PRESET_RULES[task.recurrence] ? task.recurrence : '';
  if (custom) recurrence.append(h('option', { value: custom }, `Custom: ${custom}`));
  recurrence.value = task?.recurrence ? (PRESET_RULES[task.recurrence] ?? custom) : '';
  const tags = h('input', {
    id: 'f-tags',
    value: (task?.tags ?? []).join(' '),
    placeholder: 'work home',
    'aria-describedby': 'f-tags-hint',
  });
  const priority = h(
    'select',
    { id: 'f-priority' },
    h('option', { value: 'high' }, 'High'),
    h('option', { value: 'medium' }, 'Medium'),
    h('option', { value: 'low' }, 'Low'),
  );
  priority.value = task?.priority ?? 'medium';
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const syncReminder = () => {
    remindAt.hidden = reminderKind.value !== 'at';
    remindBefore.hidden = reminderKind.value !== 'before';
  };
  reminderKind.addEventListener('change', syncReminder);
  syncReminder();

  const dialog = h(
    'dialog',
    { class: 'card', 'aria-labelledby': 'form-title' },
    h(
      'form',
      { method: 'dialog', id: 'task-form' },
      h('h2', { id: 'form-title' }, task ? 'Edit task' : 'New task'),
      field('f-title', 'Title', title),
      field('f-description', 'Notes', description),
      h('div', { class: 'row' }, field('f-due', 'Due', due), field('f-priority', 'Priority', priority)),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'f-reminder' }, 'Reminder'),
        h('div', { class: 'row' }, reminderKind, remindAt, remindBefore),
      ),
      h(
        'div',
        { class: 'row' },
        field('f-recurrence', 'Repeats', recurrence),
        field('f-tags', 'Tags', tags, 'Separate with spaces'),
      ),
      error,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', value: 'cancel', onclick: () => dialog.close() }, 'Cancel'),
        h('button', { type: 'submit', class: 'primary' }, task ? 'Save' : 'Add task'),
      ),
    ),
  );
  dialog.addEventListener('close', () => dialog.remove());
  let lastCreate = { fingerprint: '', key: '' };
  dialog.querySelector('form')?.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body: Record<string, unknown> = {
      title: title.value,
      description: description.value || null,
      priority: priority.value,
      tags: tags.value.split(/[\s,]+/).filter(Boolean),
      due_at: fromLocalInput(due.value),
      recurrence: recurrence.value || null,
      remind_at: reminderKind.value === 'at' ? fromLocalInput(remindAt.value) : null,
      remind_before_minutes: reminderKind.value === 'before' ? Number(remindBefore.value) : null,
    };
    if (body.remind_at === null && body.remind_before_minutes !== null) delete body.remind_at;
    else delete body.remind_before_minutes;
    if (!task) for (const key of Object.keys(body)) if (body[key] === null) delete body[key];
    // a create sent again with the same fields (after a lost answer) keeps its key, so it cannot make a second task
    const fingerprint = JSON.stringify(body);
    if (fingerprint !== lastCreate.fingerprint) lastCreate = { fingerprint, key: randomKey() };
    try {
      const saved = await api<TaskSnapshot>(task ? `/api/tasks/${task.id}` : '/api/tasks', {
        method: task ? 'PATCH' : 'POST',
        body,
        headers: task ? {} : { 'idempotency-key': lastCreate.key },
      });
      dialog.close();
      onSaved(saved);
    } catch (err) {
      error.hidden = false;
      error.textContent = err instanceof ApiFailure ? err.message : 'Could not save.';
    }
  });
  document.body.append(dialog);
  dialog.showModal();
  title.focus();
}

/** 128 random bits as hex (crypto.randomUUID needs a secure context; an in-cluster http URL may not be one). */
function randomKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
