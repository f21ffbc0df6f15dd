// The assistant in real headless Chromium against the npm start system: the conversation is still there after a
// reload, and on a phone-sized screen the assistant opens with one tap instead of sitting below the whole list.
import { LocalSystem } from '@todo/testkit';
import type { Page } from 'playwright-core';
import { pageSuite } from './page.test-helper';

const system = new LocalSystem();
const suite = pageSuite(system, 60_000);
const signUp = (page: Page, email: string) => suite.signIn(page, email, true);

const send = async (page: Page, message: string) => {
  await page.getByLabel('Message the assistant').fill(message);
  await page.getByRole('button', { name: 'Send' }).click();
};

it('brings the conversation back after a reload, and goes on with it', async () => {
  const context = await suite.browser.newContext({
    timezoneId: 'Europe/Berlin',
    viewport: { width: 1280, height: 860 },
  });
  const page = await context.newPage();
  await signUp(page, 'chat-reload@example.com');
  await send(page, 'add water the plants tomorrow');
  await page.locator('.msg.assistant', { hasText: 'Added "Water the plants"' }).waitFor();

  await page.reload();
  await page.locator('.msg.user', { hasText: 'add water the plants tomorrow' }).waitFor();
  await page.locator('.msg.assistant', { hasText: 'Added "Water the plants"' }).waitFor();
  // the same conversation: "it" is still the task just added
  await send(page, 'move it to saturday at 10am');
  await page.locator('.msg.assistant', { hasText: /Updated "Water the plants": due Sat .*10:00/ }).waitFor();
  expect(await page.locator('.msg.user').allTextContents()).toEqual([
    'Youadd water the plants tomorrow',
    'Youmove it to saturday at 10am',
  ]);
  await context.close();
}, 60_000);

it('on a phone, the assistant is one tap away and works there', async () => {
  const context = await suite.browser.newContext({
    timezoneId: 'Europe/Berlin',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  await signUp(page, 'chat-phone@example.com');
  const toggle = page.getByRole('button', { name: 'Assistant' });
  await toggle.waitFor();
  expect(await page.getByLabel('Message the assistant').isVisible()).toBe(false);
  // the button sits inside the first screen, whatever the length of the list
  const box = await toggle.boundingBox();
  expect(box && box.y + box.height).toBeLessThanOrEqual(844);

  await toggle.tap();
  const input = page.getByLabel('Message the assistant');
  await input.waitFor();
  expect(await input.evaluate((el) => el === document.activeElement)).toBe(true);
  await send(page, 'add buy bread tomorrow');
  await page.locator('.msg.assistant', { hasText: 'Added "Buy bread"' }).waitFor();

  await page.getByRole('button', { name: 'Close the assistant' }).tap();
  await page.locator('#task-list .task', { hasText: 'Buy bread' }).waitFor();
  expect(await input.isVisible()).toBe(false);
  await context.close();
}, 60_000);
