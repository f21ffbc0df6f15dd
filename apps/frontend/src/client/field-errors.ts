// The server's field issues ("tags.1: tags are letters, digits, - and _") as sentences a person understands, shown
// next to the field they are about.
import type { FieldIssue } from '@todo/contracts';
import { h } from './dom';

const NAMES: Record<string, string> = {
  title: 'The title',
  description: 'The notes',
  due_at: 'The due time',
  remind_at: 'The reminder time',
  remind_before_minutes: 'The reminder',
  recurrence: 'The repeat rule',
  tags: 'The tags',
  priority: 'The priority',
  email: 'The email',
  password: 'The password',
  timezone: 'The time zone',
};

const sentence = (text: string) => {
  const t = text.trim().replace(/^\w/, (c) => c.toUpperCase());
  return /[.!?]$/.test(t) ? t : `${t}.`;
};

/** One issue as a sentence; `value` is what was sent for the field, to quote it. */
export function humanIssue(issue: FieldIssue, body: Record<string, unknown> = {}): string {
  const [field = '', index] = issue.path.split('.');
  const m = issue.message;
  if (field === 'tags' && index !== undefined) {
    const tag = String((body.tags as unknown[] | undefined)?.[Number(index)] ?? '');
    if (/letters, digits/.test(m)) return `The tag "${tag}" can only have letters, digits, - and _.`;
    if (/empty/.test(m)) return 'A tag cannot be empty.';
    if (/too big|at most|<=/i.test(m)) return `The tag "${tag.slice(0, 20)}…" is too long.`;
  }
  if (/control characters/.test(m)) return `${NAMES[field] ?? 'This'} cannot hold invisible control characters.`;
  if (/needs a title/.test(m)) return 'Give the task a title.';
  if (/must not come after the due/.test(m)) return 'The reminder has to come before the due time.';
  if (/before the due date needs a due_at/.test(m)) return 'A reminder before it is due needs a due time.';
  if (/either remind_at or remind_before_minutes/.test(m)) return 'Choose one kind of reminder.';
  const big = /too big.*?(\d+)/i.exec(m);
  if (big) return `${NAMES[field] ?? 'This'} can be at most ${big[1]}${field === 'tags' ? ' tags' : ' characters'}.`;
  if (/invalid.*datetime|iso/i.test(m)) return `${NAMES[field] ?? 'This'} is not a date and time.`;
  return sentence(m.replace(/^[\w.]+: /, ''));
}

/** Shows each issue in the `<small>` after the field whose id `fieldId` maps it to; returns the issues left over. */
export function showFieldIssues(
  form: HTMLElement,
  issues: FieldIssue[],
  fieldId: (path: string) => string | undefined,
  body: Record<string, unknown> = {},
): FieldIssue[] {
  clearFieldIssues(form);
  const rest: FieldIssue[] = [];
  for (const issue of issues) {
    const id = fieldId(issue.path.split('.')[0] ?? '');
    const input = id ? form.querySelector<HTMLElement>(`#${id}`) : null;
    if (!id || !input) {
      rest.push(issue);
      continue;
    }
    const note = h('small', { class: 'field-error', id: `${id}-error`, role: 'alert' }, humanIssue(issue, body));
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-errormessage', note.id);
    (input.closest('.field') ?? input.parentElement)?.append(note);
  }
  return rest;
}

export function clearFieldIssues(form: HTMLElement): void {
  for (const note of form.querySelectorAll('.field-error')) note.remove();
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-errormessage');
  }
}
