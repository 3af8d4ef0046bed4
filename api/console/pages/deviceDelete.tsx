import type { Context } from 'hono';
import { deleteDevice, updateDevice } from '../../../lib/db/deviceSettings.js';
import { findDevice } from '../../../lib/db/devices.js';
import { CsrfField, Notice, Page } from '../layout.js';
import type { ConsoleRouter } from '../router.js';
import type { ConsoleEnv } from '../session.js';
import { missingDevice } from './missingDevice.js';
import type { ConsoleDeps } from './types.js';

/**
 * Deleting a device asks first. A device that has punches is never deleted (punches are payroll
 * data and name their device): the page says so and offers to disable it, as the API does.
 */
export function registerDeviceDelete(router: ConsoleRouter, deps: ConsoleDeps) {
  const site = deps.config.CONSOLE_SITE_NAME;

  const missing = (c: Context<ConsoleEnv>) => missingDevice(c, site, 'Delete a device');

  router.get('/devices/:id{[0-9]{1,9}}/delete', async (c) => {
    const device = await findDevice(deps.sql, Number(c.req.param('id')));
    if (!device) return missing(c);
    const session = c.get('session');
    return c.html(
      <Page title={`Delete ${device.name}?`} site={site} session={session} current="/devices/">
        <p>
          Device {device.id}, {device.name}, at {device.host}:{device.port}. A device that has recorded
          punches is not deleted: its punches and daily records are kept for good, so it can only be disabled.
        </p>
        <form method="post" action={`/devices/${device.id}/delete`} class="actions">
          <CsrfField session={session} />
          <button type="submit">Delete this device</button>
          <a href="/devices/">Cancel</a>
        </form>
      </Page>,
    );
  });

  router.post('/devices/:id{[0-9]{1,9}}/delete', async (c) => {
    const id = Number(c.req.param('id'));
    const device = await findDevice(deps.sql, id);
    if (!device) return missing(c);
    const result = await deleteDevice(deps.sql, id);
    if (result.deleted) return c.redirect(`/devices/?deleted=${id}`, 303);
    if (result.reason === 'not-found') return missing(c);
    const session = c.get('session');
    return c.html(
      <Page title={`${device.name} was not deleted`} site={site} session={session} current="/devices/">
        <Notice kind="error">
          Device {id} has {result.punches} punch(es) and {result.attendanceDays} daily record(s); punches are
          kept for good and are never deleted with their device.
        </Notice>
        {device.enabled ? (
          <form method="post" action={`/devices/${id}/disable`} class="actions">
            <CsrfField session={session} />
            <button type="submit">Disable it instead</button>
            <a href="/devices/">Cancel</a>
          </form>
        ) : (
          <p>
            It is disabled already. <a href="/devices/">Back to the devices</a>
          </p>
        )}
      </Page>,
      409,
    );
  });

  router.post('/devices/:id{[0-9]{1,9}}/disable', async (c) => {
    const id = Number(c.req.param('id'));
    const result = await updateDevice(deps.sql, id, { enabled: false });
    if (!result.ok) return missing(c);
    return c.redirect(`/devices/?saved=${id}`, 303);
  });
}
