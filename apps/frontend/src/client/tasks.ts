// The task list: search, filters, sort, every task reachable (more on scroll), overdue as it happens, and the
// actions on each task (sent with If-Match, so a change made elsewhere is never overwritten).
import type { AccountChangeRequest, CurrentUser, TaskPage, TaskSnapshot } from '@todo/contracts';
import {
  COMPLETE_TASK_PATH,
  CURRENT_USER_PATH,
  pathFor,
  REOPEN_TASK_PATH,
  TASK_PATH,
  TASKS_PATH,
} from '@todo/contracts/src/routes';
import { type PageTotal, totalText } from '@todo/contracts/src/task-total';
import { TASK_CHANGED, taskEtag } from '@todo/contracts/src/task-version';
import { ApiFailure, api } from './api';
import { displayZone, formatWhen, h, replace, setDisplayZone } from './dom';
import { humanIssue } from './field-errors';
import { inbox } from './inbox';
import { toast } from './notify';
import { editingTaskId, openTaskForm, taskChangedElsewhere } from './task-form';

const PAGE = 50;
/** setTimeout's longest delay; a due time further away is checked again then. */
const MAX_TIMER = 2 ** 31 - 1;

interface Filters {
  q: string;
  status: string;
  priority: string;
  tag: string;
  due: string;
  sort: string;
  order: string;
}

const startOfDay = (days = 0) => {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() + days);
  return d;
};

export class TaskList {
  private filters: Filters = { q: '', status: 'open', priority: '', tag: '', due: '', sort: 'due', order: '' };
  private readonly list = h('ul', { class: 'tasks', id: 'task-list', 'aria-live': 'polite', 'aria-busy': 'true' });
  private readonly summary = h('p', { class: 'summary', id: 'task-summary' });
  private readonly more = h('button', { class: 'more', id: 'task-more', type: 'button', hidden: true }, 'Show more');
  private readonly zoneNote = h('p', { class: 'zone', id: 'zone-note' });
  private refreshTimer?: number;
  private overdueTimer?: number;
  private observer?: IntersectionObserver;
  private items: TaskSnapshot[] = [];
  private cursor: string | null = null;
  private total: PageTotal = { total: 0, total_exact: true };
  private loadingMore = false;
  /** Grows on every refresh: a page that answers after a newer refresh started is dropped. */
  private generation = 0;

  constructor(private readonly root: HTMLElement) {}

  render(): void {
    const control = (label: string, el: HTMLInputElement | HTMLSelectElement, key: keyof Filters) => {
      el.value = this.filters[key];
      el.addEventListener(el instanceof HTMLInputElement ? 'input' : 'change', () => {
        this.filters[key] = el.value;
        this.refreshSoon(el instanceof HTMLInputElement ? 250 : 0);
      });
      // a label apart from the control: wrapped around a select, it would read out every option as its name
      return h('div', { class: 'control' }, h('label', { for: el.id }, label), el);
    };
    const option = (value: string, label: string) => h('option', { value }, label);
    const toolbar = h(
      'form',
      { class: 'toolbar', role: 'search', onsubmit: (e: Event) => e.preventDefault() },
      control('Search', h('input', { type: 'search', id: 'search', placeholder: 'Search tasks' }), 'q'),
      control(
        'Status',
        h('select', { id: 'filter-status' }, option('open', 'Open'), option('completed', 'Done'), option('all', 'All')),
        'status',
      ),
      control(
        'Priority',
        h(
          'select',
          { id: 'filter-priority' },
          option('', 'Any'),
          option('high', 'High'),
          option('medium', 'Medium'),
          option('low', 'Low'),
        ),
        'priority',
      ),
      control('Tag', h('input', { id: 'filter-tag', placeholder: 'any' }), 'tag'),
      control(
        'Due',
        h(
          'select',
          { id: 'filter-due' },
          option('', 'Any time'),
          option('today', 'Today'),
          option('week', 'Next 7 days'),
          option('overdue', 'Overdue'),
        ),
        'due',
      ),
      control(
        'Sort',
        h(
          'select',
          { id: 'sort' },
          option('due', 'Due date'),
          option('priority', 'Priority'),
          option('title', 'Title'),
          option('created', 'Newest'),
        ),
        'sort',
      ),
      control(
        'Order',
        h('select', { id: 'order' }, option('', 'Natural'), option('asc', 'Ascending'), option('desc', 'Descending')),
        'order',
      ),
    );
    replace(
      this.root,
      h(
        'div',
        { class: 'list-head' },
        h('h2', { id: 'tasks-title' }, 'Tasks'),
        h(
          'div',
          { class: 'head-actions' },
          inbox(),
          h(
            'button',
            {
              class: 'primary',
              id: 'new-task',
              onclick: () =>
                openTaskForm(undefined, (t) => {
                  toast(`Added "${t.title}"`);
                  this.refresh();
                }),
            },
            '+ New task',
          ),
        ),
      ),
      this.zoneNote,
      toolbar,
      this.summary,
      this.list,
      this.more,
    );
    this.more.addEventListener('click', () => void this.loadMore());
    // infinite scroll: the "more" button coming into view loads the next page
    if ('IntersectionObserver' in window) {
      this.observer = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) void this.loadMore();
      });
    }
    void this.loadZone().finally(() => void this.refresh());
  }

  /** The account's zone: every time in the list and the form is in it, and it says so. */
  private async loadZone(): Promise<void> {
    try {
      const me = await api<CurrentUser>(CURRENT_USER_PATH);
      setDisplayZone(me.timezone);
    } catch {
      // the browser's zone stays; the list says which one it shows
    }
    this.renderZone();
  }

  /** "Times in Europe/Berlin · Change": the one zone of the account, and the way to change it. */
  private renderZone(): void {
    const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const picker = h(
      'select',
      { id: 'zone-select', 'aria-label': 'Time zone', hidden: true },
      ...Intl.supportedValuesOf('timeZone').map((z) => h('option', { value: z }, z)),
    );
    if (!Intl.supportedValuesOf('timeZone').includes(displayZone())) picker.append(h('option', {}, displayZone()));
    picker.value = displayZone();
    picker.addEventListener('change', async () => {
      try {
        const change: AccountChangeRequest = { timezone: picker.value };
        const me = await api<CurrentUser>(CURRENT_USER_PATH, { method: 'PATCH', body: change });
        setDisplayZone(me.timezone);
        toast(`Times are now in ${me.timezone}`);
        this.renderZone();
        await this.refresh();
      } catch (err) {
        toast(err instanceof ApiFailure ? err.message : 'Could not change the time zone.', 'error');
      }
    });
    const change = h(
      'button',
      {
        type: 'button',
        class: 'link',
        id: 'zone-change',
        onclick: () => {
          picker.hidden = false;
          change.hidden = true;
          picker.focus();
        },
      },
      'Change',
    );
    replace(
      this.zoneNote,
      'Times in ',
      h('strong', { id: 'zone-name' }, displayZone()),
      ' · ',
      change,
      picker,
      browserZone !== displayZone() ? h('small', { id: 'zone-browser' }, ` (this browser is in ${browserZone})`) : '',
    );
  }

  refreshSoon(delay = 100): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = window.setTimeout(() => void this.refresh(), delay);
  }

  private query(): URLSearchParams {
    const f = this.filters;
    const params = new URLSearchParams({ status: f.status, limit: String(PAGE) });
    if (f.q.trim()) params.set('q', f.q.trim());
    if (f.priority) params.set('priority', f.priority);
    // as typed: the API takes tags separated by spaces or commas, with or without #
    if (f.tag.trim()) params.set('tags', f.tag.trim());
    if (f.due === 'today') {
      params.set('due_from', startOfDay().toISOString());
      params.set('due_to', startOfDay(1).toISOString());
    } else if (f.due === 'week') {
      params.set('due_from', startOfDay().toISOString());
      params.set('due_to', startOfDay(7).toISOString());
    } else if (f.due === 'overdue') params.set('overdue', 'true');
    if (!f.q.trim() || f.sort !== 'due') params.set('sort', f.sort);
    if (f.order) params.set('order', f.order);
    return params;
  }

  /** The list from the top again, as many tasks as were shown (a live update does not collapse a long list). */
  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const want = Math.max(PAGE, this.items.length);
    const f = this.filters;
    this.list.setAttribute('aria-busy', 'true');
    try {
      const items: TaskSnapshot[] = [];
      let page: TaskPage;
      let cursor: string | null = null;
      do {
        const params = this.query();
        if (cursor) params.set('cursor', cursor);
        page = await api<TaskPage>(`${TASKS_PATH}?${params}`);
        items.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor && items.length < want);
      if (generation !== this.generation) return;
      this.items = items;
      this.cursor = cursor;
      this.total = { total: page.total, total_exact: page.total_exact };
      this.renderItems(
        f.q || f.priority || f.tag || f.due
          ? 'No tasks match these filters.'
          : 'Nothing to do. Add a task, or ask the assistant.',
      );
      const editing = editingTaskId();
      if (editing) {
        const shown = items.find((t) => t.id === editing);
        if (shown) taskChangedElsewhere(shown);
        else void api<TaskSnapshot>(pathFor(TASK_PATH, { id: editing })).then(taskChangedElsewhere, () => undefined);
      }
    } catch (err) {
      if (generation !== this.generation) return;
      this.items = [];
      this.cursor = null;
      this.total = { total: 0, total_exact: true };
      this.summary.textContent = '';
      this.more.hidden = true;
      replace(this.list, h('li', { class: 'error', role: 'alert' }, this.problem(err)));
    } finally {
      if (generation === this.generation) this.list.setAttribute('aria-busy', 'false');
    }
  }

  /** The next page after the shown ones. */
  async loadMore(): Promise<void> {
    if (!this.cursor || this.loadingMore) return;
    this.loadingMore = true;
    const generation = this.generation;
    try {
      const params = this.query();
      params.set('cursor', this.cursor);
      const page = await api<TaskPage>(`${TASKS_PATH}?${params}`);
      if (generation !== this.generation) return;
      const known = new Set(this.items.map((t) => t.id));
      this.items.push(...page.items.filter((t) => !known.has(t.id)));
      this.cursor = page.next_cursor;
      this.total = { total: page.total, total_exact: page.total_exact };
      this.renderItems('');
    } catch (err) {
      toast(this.problem(err), 'error');
    } finally {
      this.loadingMore = false;
    }
  }

  /** A failed load as a sentence: the filter a person typed, not "tags.0: …". */
  private problem(err: unknown): string {
    if (!(err instanceof ApiFailure)) return 'Could not load tasks.';
    const issue = err.details[0];
    if (!issue) return err.message;
    const tags = this.filters.tag
      .trim()
      .split(/[\s,]+/)
      .map((t) => t.replace(/^#+/, ''));
    const text = humanIssue(issue, { tags });
    return issue.path.startsWith('tags') ? `${text} Change the tag filter.` : text;
  }

  private renderItems(empty: string): void {
    const shown = this.items.length;
    const { total, total_exact: exact } = this.total;
    this.summary.textContent =
      total === 0
        ? ''
        : `${totalText(this.total)} task${total === 1 ? '' : 's'}${shown < total || !exact ? ` · showing ${shown}` : ''}`;
    if (shown === 0) replace(this.list, h('li', { class: 'empty' }, empty));
    else replace(this.list, ...this.items.map((t) => this.item(t)));
    this.more.hidden = !this.cursor;
    this.more.textContent = exact ? `Show more (${total - shown} more)` : 'Show more';
    // observed anew after each render: a button still in view (a page dropped for a newer refresh) loads again
    this.observer?.disconnect();
    if (this.cursor) this.observer?.observe(this.more);
    this.watchOverdue();
  }

  /** Marks a task overdue when its due time passes, on an open page, without a reload. */
  private watchOverdue(): void {
    clearTimeout(this.overdueTimer);
    const now = Date.now();
    const next = Math.min(
      ...this.items
        .filter((t) => t.status === 'open' && t.due_at && Date.parse(t.due_at) > now)
        .map((t) => Date.parse(t.due_at as string)),
    );
    if (!Number.isFinite(next)) return;
    this.overdueTimer = window.setTimeout(
      () => {
        if (!this.list.isConnected) return; // signed out meanwhile
        for (const li of this.list.querySelectorAll<HTMLLIElement>('li.task')) {
          const task = this.items.find((t) => t.id === li.dataset.id);
          if (task) li.replaceWith(this.item(task));
        }
        this.watchOverdue();
      },
      Math.min(next - now + 50, MAX_TIMER),
    );
  }

  private item(task: TaskSnapshot): HTMLLIElement {
    const done = task.status === 'completed';
    const act = async (what: string, run: () => Promise<unknown>) => {
      try {
        await run();
        toast(what);
      } catch (err) {
        toast(
          err instanceof ApiFailure && err.code === TASK_CHANGED
            ? `"${task.title}" was changed elsewhere, so nothing was done. The list now shows the new version.`
            : err instanceof ApiFailure
              ? err.message
              : 'That did not work.',
          'error',
        );
      }
      await this.refresh();
    };
    const ifMatch = { 'if-match': taskEtag(task.version) };
    const overdue = !done && task.due_at && new Date(task.due_at) < new Date();
    return h(
      'li',
      { class: `task ${done ? 'done' : ''} p-${task.priority}`, 'data-id': task.id },
      h('input', {
        type: 'checkbox',
        checked: done,
        'aria-label': done ? `Reopen ${task.title}` : `Complete ${task.title}`,
        onchange: () =>
          act(done ? `Reopened "${task.title}"` : `Completed "${task.title}"`, () =>
            api(pathFor(done ? REOPEN_TASK_PATH : COMPLETE_TASK_PATH, { id: task.id }), {
              method: 'POST',
              headers: ifMatch,
            }),
          ),
      }),
      h(
        'div',
        { class: 'body' },
        h('span', { class: 'title' }, task.title),
        h(
          'span',
          { class: 'meta' },
          task.priority !== 'medium' ? h('span', { class: `badge ${task.priority}` }, task.priority) : '',
          task.due_at
            ? h(
                'span',
                { class: `due ${overdue ? 'overdue' : ''}` },
                `${overdue ? 'Overdue · ' : ''}${formatWhen(task.due_at)}`,
              )
            : '',
          task.remind_at ? h('span', { class: 'remind' }, `Reminder ${formatWhen(task.remind_at)}`) : '',
          task.recurrence ? h('span', { class: 'repeat', title: task.recurrence }, '↻ repeats') : '',
          ...task.tags.map((t) => h('span', { class: 'tag' }, `#${t}`)),
        ),
        task.description ? h('span', { class: 'notes' }, task.description) : '',
      ),
      h(
        'button',
        {
          class: 'icon',
          'aria-label': `Edit ${task.title}`,
          onclick: () =>
            openTaskForm(task, (t) => {
              toast(`Saved "${t.title}"`);
              void this.refresh();
            }),
        },
        'Edit',
      ),
      h(
        'button',
        {
          class: 'icon danger',
          'aria-label': `Delete ${task.title}`,
          onclick: () =>
            confirm(`Delete "${task.title}"?`) &&
            act(`Deleted "${task.title}"`, () =>
              api(pathFor(TASK_PATH, { id: task.id }), { method: 'DELETE', headers: ifMatch }),
            ),
        },
        'Delete',
      ),
    );
  }
}
