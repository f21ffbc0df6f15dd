// What every browser test does the same way: Debian's Chromium launched headless, and a person signing in or up.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { APP_IDS } from '@todo/contracts';
import type { LocalSystem } from '@todo/testkit';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots for people to look at (CI keeps them as an artifact). */
export const SHOTS = join(__dirname, '..', '..', '..', 'test-results', 'screens');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install chromium (.ci/run does)`);
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Signs in (or, with `create`, up) through the page's own form, and waits for the task list. */
export async function signIn(page: Page, url: string, email: string, create = false): Promise<void> {
  await page.goto(url);
  if (create) await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: create ? 'Sign up' : 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Tasks' }).waitFor();
}

/** A browser suite: the system and Chromium started before its tests and stopped after them. */
export function pageSuite(system: LocalSystem, stopTimeoutMs = 30_000) {
  const suite = {
    browser: undefined as unknown as Browser,
    /** The frontend's address, ending in a slash. */
    url: '',
    /** A desktop-sized page in British English and the given zone. */
    newContext: (timezoneId = 'Europe/Berlin'): Promise<BrowserContext> =>
      suite.browser.newContext({ timezoneId, locale: 'en-GB', viewport: { width: 1280, height: 860 } }),
    signIn: (page: Page, email: string, create = false) => signIn(page, suite.url, email, create),
  };
  beforeAll(async () => {
    await system.start();
    suite.url = `http://127.0.0.1:${system.appPort(APP_IDS.frontend)}/`;
    suite.browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await suite.browser?.close();
    await system.stop();
  }, stopTimeoutMs);
  return suite;
}
