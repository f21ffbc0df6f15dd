// The UI in real headless Chromium (Debian's, driven by playwright-core) against the npm start system.
import { join } from 'node:path';
import { eventually, LocalSystem } from '@todo/testkit';
import type { BrowserContext, Page } from 'playwright-core';
import { pageSuite, SHOTS } from './page.test-helper';

const system = new LocalSystem();
// a ceiling, not a wait: each step waits for what the page shows, and a loaded 2-core machine is slow to paint
jest.setTimeout(30_000);
const suite = pageSuite(system);
const { newContext, signIn } = suite;

const titles = (page: Page) => page.locator('#task-list .task .title').allTextContents();
const titlesBecome = (page: Page, expected: string[]) =>
  eventually(async () => expect(await titles(page)).toEqual(expected), 5_000, 100);
const send = async (page: Page, message: string) => {
  await page.getByLabel('Message the assistant').fill(message);
  await page.getByRole('button', { name: 'Send' }).click();
};

describe('the web UI', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await newContext();
    page = await context.newPage();
  });
  afterAll(() => context.close());

  it('signs up and shows an empty list with the assistant beside it', async () => {
    await page.goto(suite.url);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.screenshot({ path: join(SHOTS, '01-sign-in.png') });
    await signIn(page, 'ui@example.com', true);
    await page.getByText('Nothing to do. Add a task, or ask the assistant.').waitFor();
    await page.getByRole('heading', { name: 'Assistant' }).waitFor();
    await page.locator('#live.on').waitFor();
    await page.screenshot({ path: join(SHOTS, '02-empty.png') });
  });

  it('adds a task with the form: due date, reminder, tags and priority', async () => {
    await page.getByRole('button', { name: '+ New task' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Title').fill('Book dentist appointment');
    await dialog.getByLabel('Due').fill('2030-03-01T10:00');
    await dialog.getByLabel('Priority').selectOption('high');
    await dialog.getByLabel('Reminder', { exact: true }).selectOption('before');
    await dialog.getByLabel('Minutes before').selectOption('30');
    await dialog.getByLabel('Tags').fill('health errands');
    await page.screenshot({ path: join(SHOTS, '03-form.png') });
    await dialog.getByRole('button', { name: 'Add task' }).click();
    const item = page.locator('#task-list .task', { hasText: 'Book dentist appointment' });
    await item.waitFor();
    expect(await item.textContent()).toMatch(
      // a date in another year shows its year
      /high.*Fri, 1 Mar 2030, 10:00.*Reminder Fri, 1 Mar 2030, 09:30.*#health.*#errands/s,
    );
  });

  it('adds a task by chat, and it shows in the list at once', async () => {
    await send(page, 'every Monday at 9 plan the week #work');
    await page.locator('.msg.assistant', { hasText: 'Added "Plan the week"' }).waitFor();
    await page.locator('#task-list .task', { hasText: 'Plan the week' }).waitFor();
    await send(page, 'add buy milk #shopping low priority');
    await page.locator('#task-list .task', { hasText: 'Buy milk' }).waitFor();
    await page.screenshot({ path: join(SHOTS, '04-chat.png') });
  });

  it('searches and filters', async () => {
    await page.getByLabel('Search').fill('dent');
    await titlesBecome(page, ['Book dentist appointment']);
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Priority').selectOption('low');
    await titlesBecome(page, ['Buy milk']);
    await page.getByLabel('Priority').selectOption('');
    await page.getByLabel('Tag').fill('work');
    await titlesBecome(page, ['Plan the week']);
    await page.getByLabel('Tag').fill('');
    await page.getByLabel('Sort').selectOption('title');
    await titlesBecome(page, ['Book dentist appointment', 'Buy milk', 'Plan the week']);
    await page.screenshot({ path: join(SHOTS, '05-filtered.png') });
  });

  it('completes a task and finds it among the done ones', async () => {
    await page.getByRole('checkbox', { name: 'Complete Buy milk' }).check();
    await titlesBecome(page, ['Book dentist appointment', 'Plan the week']);
    await page.getByLabel('Status').selectOption('completed');
    await titlesBecome(page, ['Buy milk']);
    await page.getByLabel('Status').selectOption('open');
    await titlesBecome(page, ['Book dentist appointment', 'Plan the week']);
  });

  it('shows a change made in another browser without a reload', async () => {
    const other = await newContext();
    const second = await other.newPage();
    await signIn(second, 'ui@example.com');
    await send(second, 'add water the plants #home');
    await second.locator('#task-list .task', { hasText: 'Water the plants' }).waitFor();
    await page.locator('#task-list .task', { hasText: 'Water the plants' }).waitFor({ timeout: 5_000 });
    await page.screenshot({ path: join(SHOTS, '06-live-update.png') });
    await other.close();
  });

  it('shows a reminder when it comes due', async () => {
    await send(page, 'add call the plumber');
    const item = page.locator('#task-list .task', { hasText: 'Call the plumber' });
    await item.waitFor();
    const id = await item.getAttribute('data-id');
    const token = await page.evaluate(() => localStorage.getItem('todo.token'));
    const res = await fetch(`${suite.url}api/tasks/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ remind_at: new Date(Date.now() + 3_000).toISOString() }),
    });
    expect(res.status).toBe(200);
    await page.locator('.toast.reminder', { hasText: 'Reminder: Call the plumber' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(SHOTS, '07-reminder.png') });
  });

  it('fits a phone-sized screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SHOTS, '08-phone.png'), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });
});

describe('a sign-out ends that sign-in everywhere', () => {
  it('brings the other tabs back to the sign-in form, saying so', async () => {
    const context = await newContext();
    const first = await context.newPage();
    await signIn(first, 'tabs@example.com', true);
    const second = await context.newPage();
    await second.goto(suite.url);
    await second.getByRole('heading', { name: 'Tasks' }).waitFor();
    await first.getByRole('button', { name: 'Sign out' }).click();
    await second.getByText('You were signed out').waitFor({ timeout: 5_000 });
    await second.getByRole('heading', { name: 'Sign in' }).waitFor();
    await context.close();
  }, 20_000);

  it('closes the live feed of the same sign-in in another browser, which shows the sign-in form', async () => {
    const a = await newContext();
    const pageA = await a.newPage();
    await signIn(pageA, 'tabs@example.com');
    const token = await pageA.evaluate(() => localStorage.getItem('todo.token'));
    // another browser holding the same sign-in shares no storage with the first: only the server can tell it
    const b = await newContext();
    const pageB = await b.newPage();
    await pageB.goto(suite.url);
    await pageB.evaluate((t) => localStorage.setItem('todo.token', t as string), token);
    await pageB.reload();
    await pageB.locator('#live.on').waitFor();
    const started = Date.now();
    await pageA.getByRole('button', { name: 'Sign out' }).click();
    await pageB.getByText('You were signed out').waitFor({ timeout: 5_000 });
    expect(Date.now() - started).toBeLessThan(3_000);
    await pageB.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await pageB.evaluate(() => localStorage.getItem('todo.token'))).toBeNull();
    await a.close();
    await b.close();
  }, 20_000);
});
