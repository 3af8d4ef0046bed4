/**
 * The README's console pictures, taken from the demo's data: starts the demo (as `npm run demo`
 * does), waits for its first poll, process and sync, signs in as `demo` in Chromium and saves the
 * dashboard and yesterday's daily report under docs/. Needs Chromium (CHROMIUM_PATH or
 * /usr/bin/chromium). Run with `npm run screenshots`.
 */
import { DateTime } from 'luxon';
import { chromium } from 'playwright-core';
import { createLogger } from '../lib/logger.js';
import { runDemoPipeline, startDemo } from '../runtime/demo/index.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function main(): Promise<void> {
  const demo = await startDemo(process.env, createLogger('error'));
  try {
    await runDemoPipeline(demo.bridge.temporal, demo.config, () => {}, new AbortController().signal);
    const password = /password "([^"]+)"/.exec(demo.consoleLogin)?.[1] ?? '';
    const args = ['--disable-gpu', '--disable-background-networking', '--disable-component-update'];
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const base = demo.bridge.apiUrl;
      await page.goto(`${base}/login`);
      await page.getByLabel('User name').fill('demo');
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${base}/`);
      await page.screenshot({ path: 'docs/console-dashboard.png', fullPage: false });
      const yesterday = DateTime.now().setZone(demo.config.TIME_ZONE).minus({ days: 1 }).toISODate();
      await page.goto(`${base}/report/?date=${yesterday}`);
      await page.screenshot({ path: 'docs/console-report.png', fullPage: false });
      console.log('Saved docs/console-dashboard.png and docs/console-report.png');
    } finally {
      await browser.close();
    }
  } finally {
    await demo.stop();
  }
}

main().catch((error) => {
  console.error(`screenshots failed: ${(error as Error).message}`);
  process.exitCode = 1;
});
