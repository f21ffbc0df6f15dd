// Create or edit a task in a dialog: title, notes, due date and time, reminder, recurrence, tags, priority. An edit
// sends only what the person changed, with If-Match: a change made meanwhile elsewhere is shown, never overwritten.
import type { FieldIssue, TaskSnapshot } from '@todo/contracts';
import { pathFor, TASK_PATH, TASKS_PATH } from '@todo/contracts/src/routes';
import { TASK_CHANGED, taskEtag } from '@todo/contracts/src/task-version';
import { ApiFailure, api } from './api';
import { displayZone, formatWhen, fromLocalInput, h, replace, toLocalInput } from './dom';
import { clearFieldIssues, showFieldIssues } from './field-errors';

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
/** "Monthly" from the 29th–31st, as the next occurrence spells it (the month's last day when it is shorter). */
const MONTH_END = /^FREQ=MONTHLY;BYMONTHDAY=28(,29(,30(,31)?)?)?;BYSETPOS=-1$/;

/** The input that shows a field of the API, for the error next to it. */
const FIELD_IDS: Record<string, string> = {
  title: 'f-title',
  description: 'f-description',
  due_at: 'f-due',
  priority: 'f-priority',
  remind_at: 'f-remind-at',
  remind_before_minutes: 'f-remind-before',
  recurrence: 'f-recurrence',
  tags: 'f-tags',
};

/** The dialog open for an existing task, told when the task changes elsewhere. */
let editing: { id: string; newer: (task: TaskSnapshot) => void } | undefined;
export const editingTaskId = () => editing?.id;
/** The task as it is now (from the live feed or a refresh): the open dialog says so if it is newer. */
export const taskChangedElsewhere = (task: TaskSnapshot) => {
  if (editing?.id === task.id) editing.newer(task);
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
  const monthEnd = task?.recurrence && MONTH_END.test(task.recurrence);
  const custom = task?.recurrence && !PRESET_RULES[task.recurrence] ? task.recurrence : '';
  if (custom)
    recurrence.append(
      h('option', { value: custom }, monthEnd ? 'Every month (at the month end when shorter)' : `Custom: ${custom}`),
    );
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
  // a change made elsewhere while this dialog is open: what changed, and the choice to load it or keep mine
  const conflict = h('div', { class: 'notice conflict', id: 'f-conflict', role: 'alert', hidden: true });
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
      h(
        'div',
        { class: 'row' },
        field('f-due', 'Due', due, `Times in ${displayZone()}`),
        field('f-priority', 'Priority', priority),
      ),
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
      conflict,
      error,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', value: 'cancel', onclick: () => dialog.close() }, 'Cancel'),
        h('button', { type: 'submit', class: 'primary' }, task ? 'Save' : 'Add task'),
      ),
    ),
  );
  dialog.addEventListener('close', () => {
    if (editing?.id === task?.id) editing = undefined;
    dialog.remove();
  });
  const form = dialog.querySelector('form') as HTMLFormElement;
  /** The fields as the form shows them, in the API's terms; a time that does not exist is an issue, not a value. */
  const read = (): { body: Record<string, unknown>; issues: FieldIssue[] } => {
    const issues: FieldIssue[] = [];
    const time = (path: string, value: string) => {
      const local = fromLocalInput(value);
      if (local.problem !== undefined) issues.push({ path, message: local.problem });
      return local.iso ?? null;
    };
    const body: Record<string, unknown> = {
      title: title.value,
      description: description.value || null,
      priority: priority.value,
      tags: tags.value
        .split(/[\s,]+/)
        .map((t) => t.replace(/^#+/, ''))
        .filter(Boolean),
      due_at: time('due_at', due.value),
      recurrence: recurrence.value || null,
      remind_at: reminderKind.value === 'at' ? time('remind_at', remindAt.value) : null,
      remind_before_minutes: reminderKind.value === 'before' ? Number(remindBefore.value) : null,
    };
    if (body.remind_at === null && body.remind_before_minutes !== null) delete body.remind_at;
    else delete body.remind_before_minutes;
    return { body, issues };
  };
  // what the dialog opened with: an edit sends only the fields that differ from it
  const initial = read().body;
  let base = task;
  const changedFields = (body: Record<string, unknown>) => {
    const patch: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body)) {
      if (JSON.stringify(value) !== JSON.stringify(initial[key])) patch[key] = value;
    }
    return patch;
  };
  const describeChange = (from: TaskSnapshot, to: TaskSnapshot) => {
    const parts: string[] = [];
    if (from.title !== to.title) parts.push(`the title is now "${to.title}"`);
    if (from.description !== to.description) parts.push('the notes changed');
    if (from.due_at !== to.due_at)
      parts.push(to.due_at ? `it is now due ${formatWhen(to.due_at)}` : 'it has no due time now');
    if (from.priority !== to.priority) parts.push(`the priority is now ${to.priority}`);
    if (JSON.stringify(from.tags) !== JSON.stringify(to.tags)) parts.push('the tags changed');
    if (from.status !== to.status) parts.push(to.status === 'completed' ? 'it was completed' : 'it was reopened');
    if (from.remind_at !== to.remind_at) parts.push('the reminder changed');
    if (from.recurrence !== to.recurrence) parts.push('the repeat rule changed');
    return parts.length ? parts.join(', ') : 'it was saved again';
  };
  const showNewer = (current: TaskSnapshot) => {
    if (!base || current.version <= base.version || !task) return;
    conflict.hidden = false;
    replace(
      conflict,
      h('p', {}, `This task was changed elsewhere while you were editing: ${describeChange(base, current)}.`),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            id: 'f-load-newer',
            onclick: () => {
              dialog.close();
              openTaskForm(current, onSaved);
            },
          },
          'Load the new version',
        ),
        h(
          'button',
          {
            type: 'button',
            id: 'f-keep-mine',
            onclick: () => {
              // my changes go on top of theirs: only the fields I changed are sent, against the new version
              base = current;
              conflict.hidden = true;
              form.requestSubmit();
            },
          },
          'Save my changes over it',
        ),
      ),
    );
  };
  if (task) editing = { id: task.id, newer: showNewer };
  let lastCreate = { fingerprint: '', key: '' };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    clearFieldIssues(form);
    const { body: all, issues } = read();
    if (issues.length) {
      showFieldIssues(form, issues, (path) => FIELD_IDS[path], all);
      return;
    }
    const body = task ? changedFields(all) : all;
    if (task && Object.keys(body).length === 0) {
      dialog.close();
      return;
    }
    if (!task) for (const key of Object.keys(body)) if (body[key] === null) delete body[key];
    // a create sent again with the same fields (after a lost answer) keeps its key, so it cannot make a second task
    const fingerprint = JSON.stringify(body);
    if (fingerprint !== lastCreate.fingerprint) lastCreate = { fingerprint, key: randomKey() };
    try {
      const saved = await api<TaskSnapshot>(task ? pathFor(TASK_PATH, { id: task.id }) : TASKS_PATH, {
        method: task ? 'PATCH' : 'POST',
        body,
        headers: base ? { 'if-match': taskEtag(base.version) } : { 'idempotency-key': lastCreate.key },
      });
      dialog.close();
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiFailure && err.code === TASK_CHANGED && err.body?.task) {
        showNewer(err.body.task as TaskSnapshot);
        return;
      }
      const rest = err instanceof ApiFailure ? showFieldIssues(form, err.details, (path) => FIELD_IDS[path], all) : [];
      if (err instanceof ApiFailure && err.details.length && !rest.length) return;
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
