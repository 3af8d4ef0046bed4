import { findDevice } from '../../../lib/db/devices.js';
import { listDeviceUsersPage } from '../../../lib/db/deviceUsers.js';
import { syncDeviceUsersLive } from '../../devices/live.js';
import { CsrfField, Notice, Page } from '../layout.js';
import { pageNumber, withQuery } from '../paths.js';
import type { ConsoleRouter } from '../router.js';
import { dateTime } from '../time.js';
import { Pager } from '../widgets.js';
import { missingDevice } from './missingDevice.js';
import type { ConsoleDeps } from './types.js';

const PER_PAGE = 100;
const PRIVILEGES: Record<number, string> = {
  0: 'user',
  2: 'enroller',
  6: 'administrator',
  14: 'super administrator',
};

/** The users enrolled on one device, and reading them again from it. Nothing is deleted on the device. */
export function registerDeviceUsers(router: ConsoleRouter, deps: ConsoleDeps) {
  const site = deps.config.CONSOLE_SITE_NAME;
  const zone = deps.config.TIME_ZONE;

  router.get('/devices/:id{[0-9]{1,9}}/users/', async (c) => {
    const device = await findDevice(deps.sql, Number(c.req.param('id')));
    if (!device) return missingDevice(c, site, 'Device users');
    const session = c.get('session');
    const page = pageNumber(c.req.query('page'));
    const listed = await listDeviceUsersPage(deps.sql, device.id, {
      order: [{ field: 'user_id', descending: false }],
      window: { limit: PER_PAGE, offset: (page - 1) * PER_PAGE },
    });
    const path = `/devices/${device.id}/users/`;
    const synced = c.req.query('synced');
    const failed = c.req.query('failed');
    return c.html(
      <Page title={`Users of ${device.name}`} site={site} session={session} current="/devices/">
        {synced !== undefined ? <Notice kind="ok">Read {synced} users from the device.</Notice> : null}
        {failed !== undefined ? <Notice kind="error">Reading the users failed: {failed}</Notice> : null}
        <form method="post" action={`${path}sync`} class="actions">
          <CsrfField session={session} />
          <button type="submit">Sync users from the device</button>
        </form>
        <p>
          {listed.count} user{listed.count === 1 ? '' : 's'} stored. Every poll also reads them; reports use
          these names. Users are managed on the device itself.
        </p>
        {listed.rows.length === 0 ? (
          <p>No users stored for this device yet.</p>
        ) : (
          <table>
            <caption class="visually-hidden">Users enrolled on {device.name}</caption>
            <thead>
              <tr>
                <th scope="col">User id</th>
                <th scope="col">Name</th>
                <th scope="col" class="number">
                  Slot
                </th>
                <th scope="col">Role</th>
                <th scope="col">Card</th>
                <th scope="col">Stored</th>
              </tr>
            </thead>
            <tbody>
              {listed.rows.map((user) => (
                <tr>
                  <td>{user.userId}</td>
                  <td>{user.name}</td>
                  <td class="number">{user.uid}</td>
                  <td>{PRIVILEGES[user.privilege] ?? `privilege ${user.privilege}`}</td>
                  <td>{user.cardNumber === 0 ? '—' : 'yes'}</td>
                  <td>{dateTime(user.updatedAt, zone)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pager
          label="User pages"
          page={page}
          count={listed.count}
          perPage={PER_PAGE}
          href={(p) => withQuery(path, { page: p })}
        />
      </Page>,
    );
  });

  router.post('/devices/:id{[0-9]{1,9}}/users/sync', async (c) => {
    const id = Number(c.req.param('id'));
    const device = await findDevice(deps.sql, id);
    if (!device) return c.redirect('/devices/', 303);
    const answer = await syncDeviceUsersLive(deps, device);
    const path = `/devices/${id}/users/`;
    return c.redirect(
      answer.ok
        ? withQuery(path, { synced: answer.value })
        : withQuery(path, { failed: answer.reason.slice(0, 300) }),
      303,
    );
  });
}
