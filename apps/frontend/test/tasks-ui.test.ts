// Tasks and time as a person meets them in the page (headless Chromium against the npm start system): every task
// reachable, no lost edit, times in the account's zone, far dates, overdue without a reload, errors in sentences.
import { join } from 'node:path';
import { CURRENT_USER_PATH } from '@todo/contracts';
import { eventually, LocalSystem } from '@todo/testkit';
import type { BrowserContext, Page } from 'playwright-core';
import { pageSuite, SHOTS } from './page.test-helper';

const system = new LocalSystem();
jest.setTimeout(30_000);
const suite = pageSuite(system);
const { newContext, signIn } = suite;

/** The API as the page's signed-in user, through the frontend. */
async function asUser(page: Page, path: string, init: { method?: string; body?: unknown; headers?: object } = {}) {
  const token = await page.evaluate(() => localStorage.getItem('todo.token'));
  const res = await fetch(`${suite.url}${path.slice(1)}`, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

const item = (page: Page, title: string) => page.locator('#task-list .task', { hasText: title });

describe('tasks and time in the page', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await newContext('Europe/Berlin');
    page = await context.newPage();
    await signIn(page, 'time@example.com', true);
  }, 60_000);
  afterAll(() => context.close());

  it("takes the browser's zone for a new account and shows it", async () => {
    await page.locator('#zone-name', { hasText: 'Europe/Berlin' }).waitFor();
    expect((await asUser(page, CURRENT_USER_PATH)).json.timezone).toBe('Europe/Berlin');
  });

  it('changes the account zone in the page: times are then shown in it, and new tasks take it', async () => {
    const other = await newContext('America/New_York');
    const ny = await other.newPage();
    await signIn(ny, 'zone@example.com', true);
    await ny.locator('#zone-name', { hasText: 'America/New_York' }).waitFor();
    await asUser(ny, '/api/tasks', { body: { title: 'Standup', due_at: '2030-06-03T13:00:00Z' } });
    expect(await item(ny, 'Standup').locator('.due').textContent()).toBe('Mon, 3 Jun 2030, 09:00');
    await ny.getByRole('button', { name: 'Change' }).click();
    await ny.getByLabel('Time zone').selectOption('Europe/Berlin');
    await ny.locator('#zone-name', { hasText: 'Europe/Berlin' }).waitFor();
    await ny.locator('#zone-browser', { hasText: 'this browser is in America/New_York' }).waitFor();
    await item(ny, 'Standup').locator('.due', { hasText: 'Mon, 3 Jun 2030, 15:00' }).waitFor();
    expect((await asUser(ny, CURRENT_USER_PATH)).json.timezone).toBe('Europe/Berlin');
    const { json } = await asUser(ny, '/api/tasks', { body: { title: 'Later' } });
    expect(json.timezone).toBe('Europe/Berlin');
    await other.close();
  });

  it('tells the person that 02:30 on the spring-forward night does not exist, next to the field, and adds nothing', async () => {
    await page.getByRole('button', { name: '+ New task' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Title').fill('Night train');
    await dialog.getByLabel('Due').fill('2027-03-28T02:30');
    await dialog.getByRole('button', { name: 'Add task' }).click();
    const note = dialog.locator('#f-due-error');
    await note.waitFor();
    expect(await note.textContent()).toMatch(/02:30 does not exist on Sun, 28 Mar 2027 in Europe\/Berlin.*03:30/);
    expect(await dialog.getByLabel('Due').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: join(SHOTS, 'time-01-dst-gap.png') });
    await dialog.getByLabel('Due').fill('2027-03-28T03:30');
    await dialog.getByRole('button', { name: 'Add task' }).click();
    await item(page, 'Night train').waitFor();
    const { json } = await asUser(page, '/api/tasks?q=night');
    expect(json.items.map((t: { due_at: string }) => t.due_at)).toEqual(['2027-03-28T01:30:00.000Z']);
  });

  it('shows the year when it is not this year, and far dates as they are', async () => {
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    await asUser(page, '/api/tasks', { body: { title: 'Soon', due_at: soon } });
    await asUser(page, '/api/tasks', { body: { title: 'End of time', due_at: '9999-12-31T23:59:00+01:00' } });
    await item(page, 'End of time').waitFor();
    expect(await item(page, 'End of time').locator('.due').textContent()).toBe('Fri, 31 Dec 9999, 23:59');
    expect(await item(page, 'Night train').locator('.due').textContent()).toBe('Sun, 28 Mar 2027, 03:30');
    expect(await item(page, 'Soon').locator('.due').textContent()).not.toMatch(/\d{4}/);
  });

  it('shows a task as overdue when its due time passes, without a reload', async () => {
    const due = new Date(Date.now() + 2_500).toISOString();
    await asUser(page, '/api/tasks', { body: { title: 'Pay the parking', due_at: due } });
    const due0 = item(page, 'Pay the parking').locator('.due');
    await due0.waitFor();
    expect(await due0.textContent()).not.toContain('Overdue');
    await item(page, 'Pay the parking').locator('.due.overdue', { hasText: 'Overdue' }).waitFor({ timeout: 10_000 });
  });

  it('filters by tags as the form takes them, and says what is wrong with a tag in a sentence', async () => {
    await asUser(page, '/api/tasks', { body: { title: 'Fix the build', tags: ['work', 'urgent'] } });
    await asUser(page, '/api/tasks', { body: { title: 'Plan the offsite', tags: ['work'] } });
    await item(page, 'Plan the offsite').waitFor();
    await page.getByLabel('Tag').fill('work urgent');
    await eventually(
      async () => expect(await page.locator('#task-list .task .title').allTextContents()).toEqual(['Fix the build']),
      5_000,
      100,
    );
    expect(await page.locator('#task-summary').textContent()).toBe('1 task');
    await page.getByLabel('Tag').fill('work ur!gent');
    const alert = page.locator('#task-list .error');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      'The tag "ur!gent" can only have letters, digits, - and _. Change the tag filter.',
    );
    expect(await page.locator('#task-summary').textContent()).toBe('');
    await page.getByLabel('Tag').fill('');
    await item(page, 'Soon').waitFor();
  });

  it('puts a refused field in a sentence next to it in the form', async () => {
    await page.getByRole('button', { name: '+ New task' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Title').fill('Tagged badly');
    await dialog.getByLabel('Tags').fill('home ur!gent');
    await dialog.getByRole('button', { name: 'Add task' }).click();
    const note = dialog.locator('#f-tags-error');
    await note.waitFor();
    expect(await note.textContent()).toBe('The tag "ur!gent" can only have letters, digits, - and _.');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('tells the open edit dialog of a change made elsewhere, and keeps both changes', async () => {
    const { json: task } = await asUser(page, '/api/tasks', { body: { title: 'Call the bank' } });
    await item(page, 'Call the bank').waitFor();
    await page.getByRole('button', { name: 'Edit Call the bank' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Notes').fill('ask about the card');
    // meanwhile, in another tab, the task is renamed
    const renamed = await asUser(page, `/api/tasks/${task.id}`, {
      method: 'PATCH',
      body: { title: 'Call the bank today' },
      headers: { 'if-match': '"1"' },
    });
    expect(renamed.status).toBe(200);
    const notice = dialog.locator('#f-conflict');
    await notice.getByText('the title is now "Call the bank today"').waitFor();
    await page.screenshot({ path: join(SHOTS, 'time-02-changed-elsewhere.png') });
    await dialog.getByRole('button', { name: 'Save my changes over it' }).click();
    await item(page, 'ask about the card').waitFor();
    expect((await asUser(page, `/api/tasks/${task.id}`)).json).toMatchObject({
      title: 'Call the bank today',
      description: 'ask about the card',
      version: 3,
    });
  });

  it('keeps a monthly task on the 31st at the month end: completing 31 Jan brings 28 Feb', async () => {
    await asUser(page, '/api/tasks', {
      body: { title: 'Pay the rent', due_at: '2030-01-31T10:00:00+01:00', recurrence: 'monthly' },
    });
    await page.getByRole('checkbox', { name: 'Complete Pay the rent' }).check();
    const next = item(page, 'Pay the rent').locator('.due', { hasText: 'Thu, 28 Feb 2030, 10:00' });
    await next.waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Edit Pay the rent' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByLabel('Repeats').locator('option:checked').textContent()).toBe(
      'Every month (at the month end when shorter)',
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('lists notifications in an inbox with an unread count, and marks them read when seen', async () => {
    const remindAt = new Date(Date.now() + 2_500).toISOString();
    await asUser(page, '/api/tasks', { body: { title: 'Take the bins out', remind_at: remindAt } });
    await page.locator('#inbox-count:visible', { hasText: '1' }).waitFor({ timeout: 15_000 });
    expect((await asUser(page, '/api/notifications')).json.unread).toBe(1);
    await page.getByRole('button', { name: 'Notifications, 1 unread' }).click();
    await page.locator('#inbox .unread', { hasText: 'Take the bins out' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'time-03-inbox.png') });
    await page.locator('#inbox-count').waitFor({ state: 'hidden' });
    const after = await asUser(page, '/api/notifications');
    expect(after.json.unread).toBe(0);
    expect(after.json.items[0]).toMatchObject({ title: 'Take the bins out', remind_at: remindAt });
    expect(after.json.items[0].read_at).not.toBeNull();
    await page.getByRole('button', { name: 'Notifications', exact: true }).click();
  });

  it('reaches every one of 112 tasks: the list loads more as it scrolls, and the count matches', async () => {
    const other = await newContext();
    const many = await other.newPage();
    await signIn(many, 'many@example.com', true);
    for (let i = 0; i < 112; i += 1) {
      await asUser(many, '/api/tasks', { body: { title: `Task ${String(i).padStart(3, '0')}` } });
    }
    await many.reload();
    await many.locator('#task-summary', { hasText: '112 tasks · showing 50' }).waitFor();
    expect(await many.locator('#task-list .task').count()).toBe(50);
    await eventually(
      async () => {
        await many
          .locator('#task-more:visible')
          .scrollIntoViewIfNeeded({ timeout: 200 })
          .catch(() => undefined);
        expect(await many.locator('#task-list .task').count()).toBe(112);
      },
      10_000,
      100,
    );
    expect(await many.locator('#task-summary').textContent()).toBe('112 tasks');
    expect(await many.locator('#task-more').isHidden()).toBe(true);
    const titles = await many.locator('#task-list .task .title').allTextContents();
    expect(new Set(titles).size).toBe(112);
    await other.close();
  }, 90_000);
});

describe('sign-in and sign-up errors', () => {
  it('keep the email the person typed', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await signIn(page, 'kept@example.com', true);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').fill('kept@example.com');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.auth .error').waitFor();
    expect(await page.getByLabel('Email').inputValue()).toBe('kept@example.com');
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Email').fill('kept@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.locator('.auth .error', { hasText: 'already exists' }).waitFor();
    expect(await page.getByLabel('Email').inputValue()).toBe('kept@example.com');
    await context.close();
  });
});
