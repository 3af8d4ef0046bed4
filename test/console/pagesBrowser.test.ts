import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { createCrmClient } from '../../lib/crm/client.js';
import { recordPushContact } from '../../lib/db/pushDevices.js';
import { DeviceSimulator } from '../../lib/zk/simulator/index.js';
import { type ChromiumSession, describeInChromium, openInChromium } from '../support/browser.js';
import { type CrmServer, startCrmServer } from '../support/crmServer.js';
import { type ConsoleHarness, startConsoleHarness } from './harness.js';
import { displayAt, enrolledUser as user } from './terminal.js';

// The outlier review, devices, device users and deliveries pages in real Chromium, against the real
// app: an F18 simulator read through Temporal workers, a local CRM, PostgreSQL.

const describeInBrowser = describeInChromium();

const ZONE = 'Africa/Nairobi';
const PASSWORD = 'a long enough password';
const COMM_KEY = '987654';
const CRM_TOKEN = 'crm-token-for-pages';
const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
/** A device stores at most 24 characters of a name. */
const HOSTILE_USER = '<i>Eve</i> & co';

let h: ConsoleHarness;
let simulator: DeviceSimulator;
let crm: CrmServer;
let chromium: ChromiumSession;
let page: Page;
let deviceId = 0;

const yesterday = DateTime.now().setZone(ZONE).minus({ days: 1 }).toISODate() as string;
const at = (time: string) => displayAt(DateTime.fromISO(`${yesterday}T${time}`, { zone: ZONE }));

const notice = () => page.locator('.notice').first().innerText();

describeInBrowser('outliers, devices, device users and deliveries in Chromium', () => {
  beforeAll(async () => {
    crm = await startCrmServer();
    h = await startConsoleHarness({
      workers: true,
      // One attempt per run: a CRM outage marks the record failed at once.
      settings: { CRM_API_URL: crm.url, CRM_API_TOKEN: CRM_TOKEN, CRM_MAX_RETRIES: '1' },
      crm: createCrmClient({ url: crm.url, token: CRM_TOKEN, timeoutMs: 10_000 }),
    });
    await h.createUser('reviewer', PASSWORD);
    simulator = await DeviceSimulator.start({
      port: 0,
      timezone: ZONE,
      commKey: Number(COMM_KEY),
      initialLog: {
        users: [user(1, '201', 'Grace Njeri'), user(2, '202', 'Peter Otieno'), user(3, '203', HOSTILE_USER)],
        punches: [
          { userId: '201', time: at('08:02:00'), verifyType: 1, state: 0 },
          { userId: '201', time: at('17:01:00'), verifyType: 1, state: 1 },
          // Far too late and no clock-out: an outlier.
          { userId: '202', time: at('12:15:00'), verifyType: 1, state: 0 },
        ],
      },
    });
    chromium = await openInChromium(h.app.fetch);
    page = chromium.page;
    await page.goto(`${chromium.url}/login`);
    await page.getByLabel('User name').fill('reviewer');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${chromium.url}/`);
  }, 180_000);

  afterAll(async () => {
    await chromium?.close();
    await simulator?.close();
    await h?.close();
    await crm?.close();
  });

  test('a device is added and edited through the form; its comm key is never shown again', async () => {
    await page.goto(`${chromium.url}/devices/`);
    await page.getByRole('link', { name: 'Add a device' }).click();
    expect(await chromium.seriousViolations()).toEqual([]);
    await page.getByLabel('Name', { exact: true }).fill('Gate');
    await page.getByLabel('Address (IP or host name)').fill('127.0.0.1');
    await page.getByLabel('Port').fill(String(simulator.port));
    await page.getByLabel('Time zone of the device clock').fill('Mars/Olympus');
    await page.getByLabel('Comm key').fill(COMM_KEY);
    await page.getByRole('button', { name: 'Add device' }).click();
    // The device rules of the API: a zone that does not exist is refused, naming the field.
    await expect(notice()).resolves.toMatch(/^Time zone: must be an IANA time zone/);
    await page.getByLabel('Time zone of the device clock').fill(ZONE);
    await page.getByLabel('Comm key').fill(COMM_KEY);
    await page.getByRole('button', { name: 'Add device' }).click();
    await page.waitForURL(/\/devices\/\?saved=\d+$/);
    deviceId = Number(new URL(page.url()).searchParams.get('saved'));
    await expect(page.locator('tbody tr').innerText()).resolves.toContain(`127.0.0.1:${simulator.port}`);
    await chromium.shot('devices');
    expect(await chromium.seriousViolations()).toEqual([]);

    await page.getByRole('link', { name: 'Edit Gate' }).click();
    expect(await page.getByLabel('Comm key').inputValue()).toBe('');
    expect(await page.content()).not.toContain(COMM_KEY);
    await page.getByLabel('Name', { exact: true }).fill(HOSTILE_NAME);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/devices\/\?saved=/);
    // The name is text, not markup, and the kept comm key still opens the device.
    await expect(page.getByText(HOSTILE_NAME, { exact: true }).isVisible()).resolves.toBe(true);
    expect(chromium.dialogs()).toBe(0);
    const stored = await h.db.sql<
      { commKey: number }[]
    >`select comm_key as "commKey" from devices where id = ${deviceId}`;
    expect(stored[0].commKey).toBe(Number(COMM_KEY));
  });

  test('"Test" reads identity, counts and clock from the device through a device worker', async () => {
    await page.goto(`${chromium.url}/devices/`);
    await page.getByRole('button', { name: `Test ${HOSTILE_NAME}` }).click();
    const facts = await page.locator('dl.pairs').innerText();
    expect(facts).toContain(simulator.serialNumber);
    expect(facts).toMatch(/Users enrolled\s+3/);
    expect(facts).toMatch(/Punches in its log\s+3 of/);
    expect(facts).toMatch(/Clock\s+(in step|\d+ s (ahead|behind))/);
    await chromium.shot('device-test');
    expect(await chromium.seriousViolations()).toEqual([]);
  });

  test('device users are read from the device on request, names shown as text', async () => {
    await page.goto(`${chromium.url}/devices/${deviceId}/users/`);
    await expect(page.getByText('No users stored for this device yet.').isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Sync users from the device' }).click();
    await expect(notice()).resolves.toBe('Read 3 users from the device.');
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(3);
    await expect(rows.nth(2).innerText()).resolves.toContain(HOSTILE_USER);
    expect(chromium.dialogs()).toBe(0);
    await chromium.shot('device-users');
    expect(await chromium.seriousViolations()).toEqual([]);
  });

  test('an outlier marked reviewed leaves the default view and records who did it', async () => {
    expect((await h.call('POST', `/api/devices/${deviceId}/poll/?wait=60`)).status).toBe(200);
    expect((await h.call('POST', '/api/processed-attendance/process/?wait=60')).status).toBe(200);
    await page.goto(`${chromium.url}/outliers/`);
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    await expect(rows.first().innerText()).resolves.toMatch(/Peter Otieno \(202\)[\s\S]*Clock-in too late/);
    await chromium.shot('outliers');
    expect(await chromium.seriousViolations()).toEqual([]);

    await page.getByRole('button', { name: `Mark reviewed: Peter Otieno (202) on ${yesterday}` }).click();
    await expect(notice()).resolves.toBe('1 outlier marked reviewed.');
    await expect(page.getByText('No outliers match.').isVisible()).resolves.toBe(true);
    await page.getByLabel('Reviewed').selectOption('yes');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect(page.locator('tbody tr').first().innerText()).resolves.toContain('Reviewed by reviewer');
    // Payroll data stays: the record is still there, only reviewed.
    const [record] = await h.db.sql<{ reviewedBy: string }[]>`
      select reviewed_by as "reviewedBy" from attendance_days where user_id = '202'`;
    expect(record.reviewedBy).toBe('reviewer');
  });

  test('a failed delivery shows its error and attempts, and re-delivering it succeeds', async () => {
    crm.setBehaviour(() => ({ status: 503, body: { error: 'down for maintenance' } }));
    const sync = await h.call('POST', '/api/processed-attendance/sync/?wait=60');
    expect(sync.status).toBe(200);
    await page.goto(`${chromium.url}/deliveries/`);
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    await expect(rows.first().innerText()).resolves.toMatch(/failed\s+1\s/);
    await expect(rows.first().innerText()).resolves.toContain('503');
    await chromium.shot('deliveries');
    expect(await chromium.seriousViolations()).toEqual([]);

    crm.setBehaviour(() => ({ status: 201, body: {} }));
    const id = (await rows.first().locator('td').first().innerText()).split(' ')[0];
    await page.getByRole('button', { name: `Re-deliver record ${id}` }).click();
    await expect(notice()).resolves.toContain(`Record ${id} delivered`);
    expect(await page.locator('tbody tr').count()).toBe(1);
    const [record] = await h.db.sql<{ status: string }[]>`
      select delivery_status as status from attendance_days where id = ${Number(id)}`;
    expect(record.status).toBe('delivered');
  });

  test('a device with punches is not deleted: the confirm page leads to disabling it', async () => {
    await page.goto(`${chromium.url}/devices/`);
    await page.getByRole('link', { name: `Delete ${HOSTILE_NAME}` }).click();
    expect(await chromium.seriousViolations()).toEqual([]);
    await page.getByRole('button', { name: 'Delete this device' }).click();
    await expect(notice()).resolves.toMatch(/has 3 punch\(es\) and 2 daily record\(s\)/);
    await page.getByRole('button', { name: 'Disable it instead' }).click();
    await page.waitForURL(/\/devices\/\?saved=/);
    await expect(page.locator('tbody tr').innerText()).resolves.toContain('disabled');
    const [device] = await h.db.sql<
      { enabled: boolean }[]
    >`select enabled from devices where id = ${deviceId}`;
    expect(device.enabled).toBe(false);
  });

  test('a push device shows its last contact, last upload and pending commands, and no Test', async () => {
    const created = await h.call('POST', '/api/devices/', {
      body: { name: 'Push Gate', transport: 'push', serial_number: 'PAGEPUSH1', timezone: ZONE },
    });
    expect(created.status).toBe(201);
    const { id } = created.body as { id: number };
    await recordPushContact(h.db.sql, id, { address: '10.20.30.40', upload: true });
    expect((await h.call('POST', `/api/devices/${id}/commands/`, { body: { command: 'INFO' } })).status).toBe(
      201,
    );
    await page.goto(`${chromium.url}/devices/`);
    const row = page.locator('tbody tr', { hasText: 'Push Gate' });
    const text = await row.innerText();
    expect(text).toContain('serial PAGEPUSH1');
    expect(text).toMatch(/push\s+from 10\.20\.30\.40/);
    expect(text).toMatch(/\d+ s ago\s+last upload \d+ s ago\s+1 command\(s\) pending/);
    expect(await row.getByRole('button', { name: 'Test Push Gate' }).count()).toBe(0);
    expect(await chromium.seriousViolations()).toEqual([]);
  });
});
