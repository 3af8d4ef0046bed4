import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { DeviceSimulator } from '../../lib/zk/simulator/index.js';
import { type ChromiumSession, describeInChromium, openInChromium } from '../support/browser.js';
import { type ConsoleHarness, startConsoleHarness } from './harness.js';
import { displayAt, enrolledUser as user } from './terminal.js';

// The console in real Chromium against the real app: a simulated F18 polled through Temporal, the
// punches processed by the real workflow, pages served over HTTP on a loopback port.

const describeInBrowser = describeInChromium();

const ZONE = 'Africa/Nairobi';
const PASSWORD = 'a long enough password';
const HOSTILE_DEVICE = '<script>alert(1)</script>';

let h: ConsoleHarness;
let simulator: DeviceSimulator;
let chromium: ChromiumSession;
let page: Page;

const now = DateTime.now().setZone(ZONE);
const yesterday = now.minus({ days: 1 }).toISODate() as string;
// A punch a few minutes ago, kept on today's date just after midnight.
const recent = DateTime.max(now.minus({ minutes: 3 }), now.startOf('day').plus({ seconds: 1 }));

const at = (date: string, time: string) => displayAt(DateTime.fromISO(`${date}T${time}`, { zone: ZONE }));

describeInBrowser('the console in Chromium', () => {
  beforeAll(async () => {
    h = await startConsoleHarness({ workers: true, settings: { CONSOLE_SITE_NAME: 'Head office' } });
    await h.createUser('operator', PASSWORD);
    simulator = await DeviceSimulator.start({
      port: 0,
      timezone: ZONE,
      initialLog: {
        users: [
          user(1, '101', 'Amina Okoth'),
          user(2, '102', 'Brian Mwangi'),
          user(3, '103', '<b>Eve</b> & co'),
        ],
        punches: [
          { userId: '101', time: at(yesterday, '08:01:00'), verifyType: 1, state: 0 },
          { userId: '101', time: at(yesterday, '17:05:00'), verifyType: 1, state: 1 },
          // Two hours past the allowed lateness, and no clock-out: an outlier.
          { userId: '102', time: at(yesterday, '11:30:00'), verifyType: 1, state: 0 },
          { userId: '101', time: displayAt(recent), verifyType: 1, state: 0 },
        ],
      },
    });
    const created = await h.call('POST', '/api/devices/', {
      body: { name: HOSTILE_DEVICE, ip_address: '127.0.0.1', port: simulator.port, timezone: ZONE },
    });
    expect(created.status).toBe(201);
    const deviceId = (created.body as { id: number }).id;
    const poll = await h.call('POST', `/api/devices/${deviceId}/poll/?wait=60`);
    expect(poll.status).toBe(200);
    const processed = await h.call('POST', '/api/processed-attendance/process/?wait=60');
    expect(processed.status).toBe(200);

    chromium = await openInChromium(h.app.fetch);
    page = chromium.page;
  }, 180_000);

  afterAll(async () => {
    await chromium?.close();
    await simulator?.close();
    await h?.close();
  });

  test('a page without a session goes to the login and comes back after it', async () => {
    await page.goto(`${chromium.url}/report/?date=${yesterday}`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await chromium.shot('login');
    expect(await chromium.seriousViolations()).toEqual([]);
    await page.getByLabel('User name').fill('operator');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${chromium.url}/report/?date=${yesterday}`);
    await expect(page.getByRole('heading', { name: 'Daily report' }).isVisible()).resolves.toBe(true);
  });

  test("the dashboard shows the device (its name as text) and today's punches", async () => {
    await page.goto(`${chromium.url}/`);
    const devices = page.locator('#device-states');
    await expect(devices.getByText(HOSTILE_DEVICE, { exact: true }).isVisible()).resolves.toBe(true);
    await expect(devices.getByText('online').isVisible()).resolves.toBe(true);
    expect(chromium.dialogs()).toBe(0);
    expect(await page.locator('script:not([src])').count()).toBe(0);
    const punches = page.locator('section[aria-labelledby="punches"] tbody tr');
    expect(await punches.count()).toBe(1);
    await expect(punches.first().innerText()).resolves.toContain(recent.toFormat('HH:mm:ss'));
    await expect(punches.first().innerText()).resolves.toContain('101');
    await chromium.shot('dashboard');
    expect(await chromium.seriousViolations()).toEqual([]);
  });

  test('the daily report lists the absent employee and the outlier, with names from the device', async () => {
    await page.goto(`${chromium.url}/report/?date=${yesterday}`);
    const row = (userId: string) =>
      page.locator('table.report tbody tr', { has: page.locator(`td:text-is("${userId}")`) });
    await expect(row('101').innerText()).resolves.toMatch(
      /Amina Okoth\s+08:01 \+03:00\s+17:05 \+03:00\s+9:04/,
    );
    await expect(row('102').innerText()).resolves.toMatch(/Brian Mwangi\s+11:30 \+03:00\s+missing/);
    await expect(row('102').locator('.badge', { hasText: 'outlier' }).count()).resolves.toBe(1);
    await expect(row('103').innerText()).resolves.toMatch(/<b>Eve<\/b> & co\s+absent/);
    const figures = await page.locator('.figures').innerText();
    expect(figures).toMatch(/2\s+Present/);
    expect(figures).toMatch(/1\s+Absent/);
    expect(figures).toMatch(/1\s+Outliers/);
    await expect(
      page.locator('svg[aria-labelledby="hourly-title hourly-desc"] desc').textContent(),
    ).resolves.toBe('3 punches; the busiest hour is 08:00 with 1.');
    await chromium.shot('report');
    expect(await chromium.seriousViolations()).toEqual([]);

    const csv = await page.request.get(`${chromium.url}/report/csv?date=${yesterday}`);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('date,employee_id,name,status,clock_in,clock_out,hours,device,flags,synced');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe(`${yesterday},103,<b>Eve</b> & co,absent,,,,,,`);
  });

  test('reprocess and re-sync run the workflows for the day and show their ids and results', async () => {
    await page.goto(`${chromium.url}/report/?date=${yesterday}`);
    await page.getByRole('button', { name: `Reprocess ${yesterday}` }).click();
    const result = page.locator('#action-result .workflow-result');
    await result.waitFor({ timeout: 40_000 });
    await expect(result.innerText()).resolves.toContain(
      `${h.workflowIdPrefix}process-attendance/day-${yesterday}`,
    );
    await expect(result.innerText()).resolves.toMatch(/finished[\s\S]*Punches read\s+3/);
    await page.getByRole('button', { name: `Re-sync ${yesterday}` }).click();
    await page
      .locator('#action-result .workflow-result', { hasText: 'sync-to-crm' })
      .waitFor({ timeout: 40_000 });
    await expect(result.innerText()).resolves.toContain(`${h.workflowIdPrefix}sync-to-crm/day-${yesterday}`);
    await chromium.shot('report-actions');
  });

  test('the print view has no menu, a header with the day and counts, and rows that are not cut', async () => {
    await page.goto(`${chromium.url}/report/print/?date=${yesterday}`);
    expect(await page.locator('header.top').count()).toBe(0);
    const header = await page.locator('.print-header').innerText();
    expect(header).toContain('Head office');
    expect(header).toMatch(/Present\s+2/);
    expect(header).toMatch(/Absent\s+1/);
    await page.emulateMedia({ media: 'print' });
    const breakInside = await page
      .locator('table.report tbody tr')
      .first()
      .evaluate((row) => getComputedStyle(row).breakInside);
    expect(breakInside).toBe('avoid');
    await chromium.shot('print');
    await page.emulateMedia({ media: 'screen' });
    expect(await chromium.seriousViolations()).toEqual([]);
  });

  test('the keyboard reaches the menu and the log-out button, the skip link first', async () => {
    await page.goto(`${chromium.url}/`);
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent?.trim())).resolves.toBe(
      'Skip to content',
    );
    const reached: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      reached.push((await page.evaluate(() => document.activeElement?.textContent?.trim())) ?? '');
    }
    expect(reached).toEqual(expect.arrayContaining(['Dashboard', 'Daily report', 'Log out']));
  });

  test('logging out ends the session: the next page goes to the login', async () => {
    await page.goto(`${chromium.url}/`);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${chromium.url}/login`);
    await page.goto(`${chromium.url}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
  });
});
