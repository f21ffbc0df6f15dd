// A bench's SVG chart as a PNG, drawn by Debian's Chromium (playwright-core, already a dependency): no image library.
import { chromium } from 'playwright-core';

export async function writePng(svg: string, path: string, width = 980): Promise<void> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage({ viewport: { width, height: 420 } });
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
    await page.screenshot({ path, fullPage: true });
  } finally {
    await browser.close();
  }
}
