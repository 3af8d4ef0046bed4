import { findDevice } from '../../../lib/db/devices.js';
import { readDeviceInfoLive } from '../../devices/live.js';
import { Notice, Page } from '../layout.js';
import type { ConsoleRouter } from '../router.js';
import { missingDevice } from './missingDevice.js';
import type { ConsoleDeps } from './types.js';

function offsetText(seconds: number): string {
  if (seconds === 0) return 'in step';
  const size = Math.abs(seconds);
  const amount = size >= 60 ? `${Math.floor(size / 60)} min ${size % 60} s` : `${size} s`;
  return `${amount} ${seconds > 0 ? 'ahead' : 'behind'}`;
}

/** "Test": the device-info read, through a device worker, shown as identity, counts and clock. */
export function registerDeviceTest(router: ConsoleRouter, deps: ConsoleDeps) {
  const site = deps.config.CONSOLE_SITE_NAME;

  router.post('/devices/:id{[0-9]{1,9}}/test', async (c) => {
    const device = await findDevice(deps.sql, Number(c.req.param('id')));
    if (!device) return missingDevice(c, site, 'Test a device');
    const session = c.get('session');
    if (device.transport === 'push') {
      return c.html(
        <Page title={`Test of ${device.name}`} site={site} session={session} current="/devices/">
          <Notice kind="error">
            {device.name} is a push device: it sends its punches to the bridge and cannot be connected to. Its
            last contact and uploads are on the devices page.
          </Notice>
          <p>
            <a href="/devices/">Back to the devices</a>
          </p>
        </Page>,
        400,
      );
    }
    const answer = await readDeviceInfoLive(deps, device);
    return c.html(
      <Page title={`Test of ${device.name}`} site={site} session={session} current="/devices/">
        {answer.ok ? (
          <>
            <Notice kind="ok">
              Connected to {device.host}:{device.port}.
            </Notice>
            <dl class="pairs">
              <dt>Name on the device</dt>
              <dd>{answer.value.deviceName}</dd>
              <dt>Serial number</dt>
              <dd>{answer.value.serialNumber}</dd>
              <dt>Platform</dt>
              <dd>{answer.value.platform}</dd>
              <dt>Firmware</dt>
              <dd>{answer.value.firmwareVersion}</dd>
              <dt>Users enrolled</dt>
              <dd>{answer.value.userCount}</dd>
              <dt>Punches in its log</dt>
              <dd>
                {answer.value.attendanceCount} of {answer.value.recordCapacity}
              </dd>
              <dt>Its clock shows</dt>
              <dd>
                {answer.value.deviceTime.replace('T', ' ')} ({device.timezone})
              </dd>
              <dt>Clock</dt>
              <dd>{offsetText(answer.value.clockOffsetSeconds)}</dd>
            </dl>
          </>
        ) : (
          <Notice kind="error">
            Failed to connect to {device.name} ({device.host}:{device.port}): {answer.reason}
          </Notice>
        )}
        <p>
          <a href="/devices/">Back to the devices</a>
        </p>
      </Page>,
      answer.ok ? 200 : 503,
    );
  });
}
