import { type AttendanceDayRow, listAttendanceDays } from '../../../lib/db/attendanceDayList.js';
import type { ConsoleSession } from '../../../lib/db/consoleUsers.js';
import { listDevices } from '../../../lib/db/devices.js';
import { markOutliersReviewed } from '../../../lib/db/outlierReviews.js';
import { CsrfField, Notice, Page } from '../layout.js';
import { pageNumber, safeReturnPath, withQuery } from '../paths.js';
import type { ConsoleRouter } from '../router.js';
import { clockTime, dateTime, parseDate } from '../time.js';
import { Pager } from '../widgets.js';
import type { ConsoleDeps } from './types.js';

const PER_PAGE = 50;
const REVIEWED = ['no', 'yes', 'all'] as const;
type ReviewedChoice = (typeof REVIEWED)[number];

/** The filters of the list, from the query string; anything unusable is ignored, not an error. */
function readFilters(query: (name: string) => string | undefined) {
  const device = Number.parseInt(query('device') ?? '', 10);
  const reviewed = REVIEWED.find((choice) => choice === query('reviewed')) ?? 'no';
  return {
    device: Number.isInteger(device) && device > 0 ? device : undefined,
    from: parseDate(query('from')) ?? undefined,
    to: parseDate(query('to')) ?? undefined,
    reviewed: reviewed as ReviewedChoice,
    search: query('search')?.trim().slice(0, 100) || undefined,
    page: pageNumber(query('page')),
  };
}

type Filters = ReturnType<typeof readFilters>;

const listPath = (filters: Filters, changes: Partial<Record<keyof Filters, string | number | undefined>>) =>
  withQuery('/outliers/', {
    device: filters.device,
    from: filters.from,
    to: filters.to,
    reviewed: filters.reviewed === 'no' ? undefined : filters.reviewed,
    search: filters.search,
    page: filters.page === 1 ? undefined : filters.page,
    ...changes,
  });

function OutlierRow({
  row,
  back,
  session,
}: {
  row: AttendanceDayRow;
  back: string;
  session: ConsoleSession;
}) {
  const who = row.userName ? `${row.userName} (${row.userId})` : row.userId;
  return (
    <tr>
      <td>{row.date}</td>
      <td>{who}</td>
      <td>{row.clockInDeviceName}</td>
      <td>{clockTime(row.clockIn, row.clockInTimezone)}</td>
      <td>{row.clockOut ? clockTime(row.clockOut, row.clockOutTimezone ?? row.clockInTimezone) : '—'}</td>
      <td>{[row.outlierReason, ...row.flags].filter(Boolean).join('; ')}</td>
      <td>
        {row.reviewed ? (
          <span>
            Reviewed by {row.reviewedBy}
            <br />
            <small>{dateTime(row.reviewedAt, row.clockInTimezone)}</small>
          </span>
        ) : (
          <form method="post" action="/outliers/review">
            <CsrfField session={session} />
            <input type="hidden" name="record" value={`${row.id}:${row.revision}`} />
            <input type="hidden" name="back" value={back} />
            <button type="submit" aria-label={`Mark reviewed: ${who} on ${row.date}`}>
              Mark reviewed
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}

/** The review queue: outlier records by device, dates and employee; reviewed ones leave the default view. */
export function registerOutliers(router: ConsoleRouter, deps: ConsoleDeps) {
  const site = deps.config.CONSOLE_SITE_NAME;

  router.get('/outliers/', async (c) => {
    const filters = readFilters((name) => c.req.query(name));
    const [devices, listed] = await Promise.all([
      listDevices(deps.sql),
      listAttendanceDays(deps.sql, {
        filters: {
          isOutlier: true,
          deviceId: filters.device,
          startDate: filters.from,
          endDate: filters.to,
          employee: filters.search,
          reviewed: filters.reviewed === 'all' ? undefined : filters.reviewed === 'yes',
        },
        order: [
          { field: 'date', descending: true },
          { field: 'user_id', descending: false },
        ],
        window: { limit: PER_PAGE, offset: (filters.page - 1) * PER_PAGE },
      }),
    ]);
    const back = listPath(filters, {});
    const marked = Number.parseInt(c.req.query('marked') ?? '', 10);
    const session = c.get('session');
    return c.html(
      <Page title="Outlier review" site={site} session={session} current="/outliers/">
        {Number.isInteger(marked) ? (
          <Notice kind={marked > 0 ? 'ok' : 'info'}>
            {marked > 0
              ? `${marked} outlier marked reviewed.`
              : 'Nothing marked: the record changed since the page was shown, or was reviewed already.'}
          </Notice>
        ) : null}
        <form method="get" action="/outliers/" class="filters">
          <label for="device">Device</label>
          <select id="device" name="device">
            <option value="">All devices</option>
            {devices.map((device) => (
              <option value={String(device.id)} selected={device.id === filters.device}>
                {device.name}
              </option>
            ))}
          </select>
          <label for="from">From</label>
          <input id="from" name="from" type="date" value={filters.from ?? ''} />
          <label for="to">To</label>
          <input id="to" name="to" type="date" value={filters.to ?? ''} />
          <label for="reviewed">Reviewed</label>
          <select id="reviewed" name="reviewed">
            <option value="no" selected={filters.reviewed === 'no'}>
              Not reviewed
            </option>
            <option value="yes" selected={filters.reviewed === 'yes'}>
              Reviewed
            </option>
            <option value="all" selected={filters.reviewed === 'all'}>
              All
            </option>
          </select>
          <label for="search">Employee id or name</label>
          <input id="search" name="search" value={filters.search ?? ''} />
          <button type="submit">Filter</button>
        </form>
        <p>
          {listed.count} outlier record{listed.count === 1 ? '' : 's'}. Times are each device's own clock,
          with its offset from UTC. Records are never deleted here: marking one reviewed takes it out of this
          list until its punches change.
        </p>
        {listed.rows.length === 0 ? (
          <p>No outliers match.</p>
        ) : (
          <table>
            <caption class="visually-hidden">Outlier records</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Employee</th>
                <th scope="col">Device</th>
                <th scope="col">Clock-in</th>
                <th scope="col">Clock-out</th>
                <th scope="col">Why</th>
                <th scope="col">Review</th>
              </tr>
            </thead>
            <tbody>
              {listed.rows.map((row) => (
                <OutlierRow row={row} back={back} session={session} />
              ))}
            </tbody>
          </table>
        )}
        <Pager
          label="Outlier pages"
          page={filters.page}
          count={listed.count}
          perPage={PER_PAGE}
          href={(page) => listPath(filters, { page })}
        />
      </Page>,
    );
  });

  router.post('/outliers/review', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const values = ([] as unknown[]).concat(form.record ?? []);
    const reviews = values
      .map((value) => /^(\d{1,15}):(\d{1,9})$/.exec(String(value)))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => ({ id: Number(match[1]), revision: Number(match[2]) }));
    if (reviews.length === 0) {
      return c.html(
        <Page title="Outlier review" site={site} session={c.get('session')} current="/outliers/">
          <Notice kind="error">No outlier record was named in the form.</Notice>
          <p>
            <a href="/outliers/">Back to the outliers</a>
          </p>
        </Page>,
        400,
      );
    }
    const marked = await markOutliersReviewed(deps.sql, reviews, c.get('session').userName);
    const back = safeReturnPath(String(form.back ?? ''));
    const target = back.startsWith('/outliers/') ? back : '/outliers/';
    const url = new URL(target, 'http://console.invalid');
    url.searchParams.set('marked', String(marked));
    return c.redirect(`${url.pathname}${url.search}`, 303);
  });
}
