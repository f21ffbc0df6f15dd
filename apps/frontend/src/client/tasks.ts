// The task list: search, filters, sort, and the actions on each task.
import type { TaskSnapshot } from '@todo/contracts';
import { ApiFailure, api } from './api';
import { formatWhen, h, replace } from './dom';
import { toast } from './notify';
import { openTaskForm } from './task-form';

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
  private refreshTimer?: number;

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
      toolbar,
      this.summary,
      this.list,
    );
    void this.refresh();
  }

  refreshSoon(delay = 100): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = window.setTimeout(() => void this.refresh(), delay);
  }

  async refresh(): Promise<void> {
    const f = this.filters;
    const params = new URLSearchParams({ status: f.status, limit: '100' });
    if (f.q.trim()) params.set('q', f.q.trim());
    if (f.priority) params.set('priority', f.priority);
    if (f.tag.trim()) params.set('tags', f.tag.trim().replace(/^#/, ''));
    if (f.due === 'today') {
      params.set('due_from', startOfDay().toISOString());
      params.set('due_to', startOfDay(1).toISOString());
    } else if (f.due === 'week') {
      params.set('due_from', startOfDay().toISOString());
      params.set('due_to', startOfDay(7).toISOString());
    } else if (f.due === 'overdue') params.set('overdue', 'true');
    if (!f.q.trim() || f.sort !== 'due') params.set('sort', f.sort);
    if (f.order) params.set('order', f.order);
    this.list.setAttribute('aria-busy', 'true');
    try {
      const page = await api<{ items: TaskSnapshot[]; total: number }>(`/api/tasks?${params}`);
      this.summary.textContent = page.total === 0 ? '' : `${page.total} task${page.total === 1 ? '' : 's'}`;
      if (page.items.length === 0) {
        replace(
          this.list,
          h(
            'li',
            { class: 'empty' },
            f.q || f.priority || f.tag || f.due
              ? 'No tasks match these filters.'
              : 'Nothing to do. Add a task, or ask the assistant.',
          ),
        );
      } else replace(this.list, ...page.items.map((t) => this.item(t)));
    } catch (err) {
      replace(
        this.list,
        h('li', { class: 'error', role: 'alert' }, err instanceof ApiFailure ? err.message : 'Could not load tasks.'),
      );
    } finally {
      this.list.setAttribute('aria-busy', 'false');
    }
  }

  private item(task: TaskSnapshot): HTMLLIElement {
    const done = task.status === 'completed';
    const act = async (what: string, run: () => Promise<unknown>) => {
      try {
        await run();
        toast(what);
        await this.refresh();
      } catch (err) {
        toast(err instanceof ApiFailure ? err.message : 'That did not work.', 'error');
      }
    };
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
            api(`/api/tasks/${task.id}/${done ? 'reopen' : 'complete'}`, { method: 'POST' }),
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
            act(`Deleted "${task.title}"`, () => api(`/api/tasks/${task.id}`, { method: 'DELETE' })),
        },
        'Delete',
      ),
    );
  }
}
