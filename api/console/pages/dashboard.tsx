import { ScheduleNotFoundError } from '@temporalio/client';
import { dayTotals } from '../../../lib/db/dailyReport.js';
import { deliveryStats } from '../../../lib/db/deliveryReports.js';
import { type DeviceRow, listDevices } from '../../../lib/db/devices.js';
import { listRawPunches, unprocessedBacklog } from '../../../lib/db/punches.js';
import { bridgeSchedules } from '../../../worker/schedules.js';
import { Page } from '../layout.js';
import { pageNumber, withQuery } from '../paths.js';
import type { ConsoleRouter } from '../router.js';
import { addDays, ago, dateTime, longDate, parseDate, todayIn } from '../time.js';
import { DayPager, Figure, Pager } from '../widgets.js';
import type { ConsoleDeps } from './types.js';

const PUNCHES_PER_PAGE = 50;

function offsetText(seconds: number | null): string {
  if (seconds === null) return 'unknown';
  if (seconds === 0) return 'in step';
  const size = Math.abs(seconds);
  const amount = size >= 60 ? `${Math.round(size / 60)} min` : `${size} s`;
  return `${amount} ${seconds > 0 ? 'ahead' : 'behind'}`;
}

/** Online: the last poll succeeded and no failure came after it. */
function isOnline(device: DeviceRow): boolean {
  if (!device.lastSuccessAt) return false;
  return !device.lastErrorAt || device.lastErrorAt <= device.lastSuccessAt;
}

function CapacityBar({ device }: { device: DeviceRow }) {
  if (device.recordCount === null || !device.recordCapacity) return <span>unknown</span>;
  const used = Math.min(100, Math.round((device.recordCount / device.recordCapacity) * 100));
  return (
    <span class="capacity">
      <meter
        min={0}
        max={device.recordCapacity}
        value={device.recordCount}
        aria-label={`Log use of ${device.name}`}
      >
        {used}%
      </meter>{' '}
      {used}% ({device.recordCount} of {device.recordCapacity})
    </span>
  );
}

/** Device states, a fragment of its own so that htmx can refresh it in place. */
export function DeviceStates({ devices, zone, now }: { devices: DeviceRow[]; zone: string; now: Date }) {
  if (devices.length === 0) return <p>No devices yet.</p>;
  return (
    <table>
      <caption class="visually-hidden">Devices</caption>
      <thead>
        <tr>
          <th scope="col">Device</th>
          <th scope="col">State</th>
          <th scope="col">Last poll</th>
          <th scope="col">Last error</th>
          <th scope="col">Clock</th>
          <th scope="col">Log capacity</th>
        </tr>
      </thead>
      <tbody>
        {devices.map((device) => {
          const online = isOnline(device);
          return (
            <tr>
              <td>
                <strong class="device-name">{device.name}</strong>
                <br />
                <small>
                  {device.host}:{device.port} · {device.timezone}
                </small>
              </td>
              <td>
                {!device.enabled ? (
                  <span class="badge">disabled</span>
                ) : online ? (
                  <span class="badge badge-ok">online</span>
                ) : (
                  <span class="badge badge-bad">offline</span>
                )}
              </td>
              <td title={dateTime(device.lastPollAt, zone)}>{ago(device.lastPollAt, now)}</td>
              <td>{device.lastError && !online ? device.lastError : '—'}</td>
              <td>{offsetText(device.clockOffsetSeconds)}</td>
              <td>
                <CapacityBar device={device} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

async function nextRuns(deps: ConsoleDeps) {
  const schedules = deps.schedules ?? bridgeSchedules(deps.config);
  return Promise.all(
    schedules.map(async (schedule) => {
      try {
        const described = await deps.temporal.schedule.getHandle(schedule.id).describe();
        return {
          id: schedule.id,
          description: schedule.description,
          paused: described.state.paused,
          next: described.info.nextActionTimes[0] ?? null,
          problem: null,
        };
      } catch (error) {
        const problem =
          error instanceof ScheduleNotFoundError ? 'not created yet' : 'Temporal is not reachable';
        return { id: schedule.id, description: schedule.description, paused: false, next: null, problem };
      }
    }),
  );
}

export function registerDashboard(router: ConsoleRouter, deps: ConsoleDeps) {
  const zone = deps.config.TIME_ZONE;
  const site = deps.config.CONSOLE_SITE_NAME;

  router.get('/devices/states', async (c) => {
    const devices = await listDevices(deps.sql);
    return c.html(<DeviceStates devices={devices} zone={zone} now={new Date()} />);
  });

  router.get('/', async (c) => {
    const today = todayIn(zone);
    const date = parseDate(c.req.query('date')) ?? today;
    const employee = c.req.query('employee')?.trim().slice(0, 100) || undefined;
    const page = pageNumber(c.req.query('page'));
    const [totals, punches, devices, backlog, deliveries, schedules] = await Promise.all([
      dayTotals(deps.sql, date),
      listRawPunches(deps.sql, {
        filters: { startDate: date, endDate: date, employee },
        order: [{ field: 'timestamp', descending: true }],
        window: { limit: PUNCHES_PER_PAGE, offset: (page - 1) * PUNCHES_PER_PAGE },
      }),
      listDevices(deps.sql),
      unprocessedBacklog(deps.sql),
      deliveryStats(deps.sql),
      nextRuns(deps),
    ]);
    const link = (changes: Record<string, string | number | undefined>) =>
      withQuery('/', { date: date === today ? undefined : date, employee, ...changes });
    const now = new Date();
    return c.html(
      <Page title="Dashboard" site={site} session={c.get('session')} current="/">
        <DayPager
          date={date}
          label={longDate(date)}
          previous={link({ date: addDays(date, -1), page: undefined })}
          next={link({ date: addDays(date, 1), page: undefined })}
        />
        <section aria-labelledby="totals" class="figures">
          <h2 id="totals" class="visually-hidden">
            Totals
          </h2>
          <Figure label="Daily records" value={totals.records} />
          <Figure label="Outliers" value={totals.outliers} />
          <Figure label="Not yet synced" value={totals.unsynced} />
        </section>

        <section aria-labelledby="devices">
          <h2 id="devices">Devices</h2>
          <div id="device-states" hx-get="/devices/states" hx-trigger="every 15s" hx-swap="innerHTML">
            <DeviceStates devices={devices} zone={zone} now={now} />
          </div>
        </section>

        <section aria-labelledby="backlog" class="columns">
          <div>
            <h2 id="backlog">Backlog</h2>
            <dl class="pairs">
              <dt>Punches not processed yet</dt>
              <dd>{backlog.count}</dd>
              <dt>Records pending delivery</dt>
              <dd>{deliveries.pending}</dd>
              <dt>Deliveries failed (retried)</dt>
              <dd>{deliveries.failed - deliveries.rejected}</dd>
              <dt>Deliveries rejected by the CRM</dt>
              <dd>{deliveries.rejected}</dd>
            </dl>
          </div>
          <div>
            <h2 id="schedules">Schedules</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">Schedule</th>
                  <th scope="col">Next run</th>
                </tr>
              </thead>
              <tbody>
                {schedules.map((s) => (
                  <tr>
                    <td>
                      {s.description}
                      <br />
                      <small>{s.id}</small>
                    </td>
                    <td>{s.problem ?? (s.paused ? 'paused' : s.next ? dateTime(s.next, zone) : 'none')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>

        <section aria-labelledby="punches">
          <h2 id="punches">Punches of the day ({punches.count})</h2>
          <form method="get" action="/" class="filters">
            {date !== today ? <input type="hidden" name="date" value={date} /> : null}
            <label for="employee">Employee id or name</label>
            <input id="employee" name="employee" value={employee ?? ''} />
            <button type="submit">Filter</button>
          </form>
          {punches.rows.length === 0 ? (
            <p>No punches on this day{employee ? ' for this employee' : ''}.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Time (device clock)</th>
                  <th scope="col">Employee</th>
                  <th scope="col">Device</th>
                  <th scope="col">State</th>
                  <th scope="col">Processed</th>
                </tr>
              </thead>
              <tbody>
                {punches.rows.map((punch) => (
                  <tr>
                    <td>{dateTime(punch.punchedAt, punch.timezone)}</td>
                    <td>{punch.userId}</td>
                    <td>{punch.deviceName}</td>
                    <td>{punch.punchState}</td>
                    <td>{punch.processedAt ? 'yes' : 'not yet'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <Pager
            label="Punch pages"
            page={page}
            count={punches.count}
            perPage={PUNCHES_PER_PAGE}
            href={(p) => link({ page: p })}
            words={{ previous: 'Newer', next: 'Older' }}
          />
        </section>
      </Page>,
    );
  });
}
