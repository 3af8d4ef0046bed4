import { listDevices } from '../../../lib/db/devices.js';
import { CsrfField, Notice, Page } from '../layout.js';
import type { ConsoleRouter } from '../router.js';
import { ago, dateTime } from '../time.js';
import type { ConsoleDeps } from './types.js';

/** The devices, with what to do with each: edit, test (pull devices), its users, delete. */
export function registerDevices(router: ConsoleRouter, deps: ConsoleDeps) {
  const site = deps.config.CONSOLE_SITE_NAME;
  const zone = deps.config.TIME_ZONE;

  router.get('/devices/', async (c) => {
    const devices = await listDevices(deps.sql);
    const session = c.get('session');
    const saved = Number.parseInt(c.req.query('saved') ?? '', 10);
    const deleted = c.req.query('deleted');
    const now = new Date();
    return c.html(
      <Page title="Devices" site={site} session={session} current="/devices/">
        {Number.isInteger(saved) ? <Notice kind="ok">Device {saved} saved.</Notice> : null}
        {deleted ? <Notice kind="ok">Device {deleted} deleted.</Notice> : null}
        <p>
          <a class="button" href="/devices/new">
            Add a device
          </a>
        </p>
        {devices.length === 0 ? (
          <p>No devices yet.</p>
        ) : (
          <table>
            <caption class="visually-hidden">Devices</caption>
            <thead>
              <tr>
                <th scope="col">Id</th>
                <th scope="col">Name</th>
                <th scope="col">Address</th>
                <th scope="col">Time zone</th>
                <th scope="col">State</th>
                <th scope="col">Last contact</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {devices.map((device) => (
                <tr>
                  <td>{device.id}</td>
                  <td>
                    {device.name}
                    {device.serialNumber ? (
                      <>
                        <br />
                        <small>serial {device.serialNumber}</small>
                      </>
                    ) : null}
                  </td>
                  <td>
                    {device.transport === 'push' ? (
                      <>
                        <span class="badge">push</span>
                        {device.pushLastAddress ? (
                          <>
                            <br />
                            <small>from {device.pushLastAddress}</small>
                          </>
                        ) : null}
                      </>
                    ) : (
                      `${device.host}:${device.port}`
                    )}
                  </td>
                  <td>{device.timezone}</td>
                  <td>
                    {device.enabled ? (
                      <span class="badge badge-ok">enabled</span>
                    ) : (
                      <span class="badge">disabled</span>
                    )}
                    {device.lastError &&
                    (!device.lastSuccessAt || (device.lastErrorAt ?? 0) > device.lastSuccessAt) ? (
                      <>
                        <br />
                        <small>{device.lastError}</small>
                      </>
                    ) : null}
                  </td>
                  {device.transport === 'push' ? (
                    <td title={dateTime(device.pushLastContactAt, zone)}>
                      {ago(device.pushLastContactAt, now)}
                      <br />
                      <small title={dateTime(device.pushLastUploadAt, zone)}>
                        last upload {ago(device.pushLastUploadAt, now)}
                      </small>
                      <br />
                      <small>{device.pendingCommands} command(s) pending</small>
                    </td>
                  ) : (
                    <td title={dateTime(device.lastPollAt, zone)}>{ago(device.lastPollAt, now)}</td>
                  )}
                  <td class="actions">
                    <a href={`/devices/${device.id}/edit`} aria-label={`Edit ${device.name}`}>
                      Edit
                    </a>{' '}
                    <a href={`/devices/${device.id}/users/`} aria-label={`Users of ${device.name}`}>
                      Users
                    </a>{' '}
                    {device.transport === 'pull' ? (
                      // A push device cannot be connected to; it reports itself when it pushes.
                      <form method="post" action={`/devices/${device.id}/test`}>
                        <CsrfField session={session} />
                        <button type="submit" class="secondary" aria-label={`Test ${device.name}`}>
                          Test
                        </button>
                      </form>
                    ) : null}{' '}
                    <a href={`/devices/${device.id}/delete`} aria-label={`Delete ${device.name}`}>
                      Delete
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Page>,
    );
  });
}
