import { findAttendanceDay, listAttendanceDays } from '../../../lib/db/attendanceDayList.js';
import { syncWorkflowIds } from '../../../workflows/ids.js';
import { redeliverRecord } from '../../processed-attendance/redeliver.js';
import { CsrfField, Notice, Page } from '../layout.js';
import { pageNumber, withQuery } from '../paths.js';
import type { ConsoleRouter } from '../router.js';
import { dateTime } from '../time.js';
import { Pager } from '../widgets.js';
import type { ConsoleDeps } from './types.js';

const PER_PAGE = 50;
/** A person is waiting on the button: a short wait, then the page says the delivery goes on. */
const REDELIVER_WAIT_MS = 20_000;

const STATUSES = {
  all: ['failed', 'rejected'],
  failed: ['failed'],
  rejected: ['rejected'],
} as const;
type StatusChoice = keyof typeof STATUSES;

const OUTCOME_TEXT: Record<string, string> = {
  delivered: 'delivered: the CRM took it',
  rejected: 'refused again by the CRM; its answer is in the list',
  failed: 'failed again; the retry rounds will try it later',
  pending: 'queued; the next sync sends it',
  running: 'still being delivered; reload the page in a moment',
  error: 'could not be started',
};

/** What went wrong with deliveries: failed (retried) and rejected (refused by the CRM) records. */
export function registerDeliveries(router: ConsoleRouter, deps: ConsoleDeps) {
  const site = deps.config.CONSOLE_SITE_NAME;
  const zone = deps.config.TIME_ZONE;

  router.get('/deliveries/', async (c) => {
    const status = (Object.keys(STATUSES).find((key) => key === c.req.query('status')) ??
      'all') as StatusChoice;
    const page = pageNumber(c.req.query('page'));
    const listed = await listAttendanceDays(deps.sql, {
      filters: { deliveryStatuses: STATUSES[status] },
      order: [{ field: 'last_sync_attempt', descending: true }],
      window: { limit: PER_PAGE, offset: (page - 1) * PER_PAGE },
    });
    const link = (p: number) =>
      withQuery('/deliveries/', {
        status: status === 'all' ? undefined : status,
        page: p === 1 ? undefined : p,
      });
    const redelivered = Number.parseInt(c.req.query('redelivered') ?? '', 10);
    const outcome = c.req.query('outcome') ?? '';
    const session = c.get('session');
    return c.html(
      <Page title="Deliveries" site={site} session={session} current="/deliveries/">
        {Number.isInteger(redelivered) && OUTCOME_TEXT[outcome] ? (
          <Notice kind={outcome === 'delivered' ? 'ok' : outcome === 'running' ? 'info' : 'error'}>
            Record {redelivered} {OUTCOME_TEXT[outcome]} (workflow {syncWorkflowIds.record(redelivered)}).
          </Notice>
        ) : null}
        <form method="get" action="/deliveries/" class="filters">
          <label for="status">Show</label>
          <select id="status" name="status">
            <option value="all" selected={status === 'all'}>
              Failed and rejected
            </option>
            <option value="failed" selected={status === 'failed'}>
              Failed (retried by the retry rounds)
            </option>
            <option value="rejected" selected={status === 'rejected'}>
              Rejected by the CRM
            </option>
          </select>
          <button type="submit">Show</button>
        </form>
        <p>
          {listed.count} record{listed.count === 1 ? '' : 's'}. Re-deliver sends one record again now,
          whatever happened to it before, with the same idempotency key for the same revision.
        </p>
        {listed.rows.length === 0 ? (
          <p>No failed or rejected deliveries.</p>
        ) : (
          <table>
            <caption class="visually-hidden">Failed and rejected deliveries</caption>
            <thead>
              <tr>
                <th scope="col">Record</th>
                <th scope="col">Date</th>
                <th scope="col">Employee</th>
                <th scope="col">Status</th>
                <th scope="col" class="number">
                  Attempts
                </th>
                <th scope="col">Last attempt</th>
                <th scope="col">Last error</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {listed.rows.map((row) => (
                <tr>
                  <td>
                    {row.id} <small>rev. {row.revision}</small>
                  </td>
                  <td>{row.date}</td>
                  <td>{row.userName ? `${row.userName} (${row.userId})` : row.userId}</td>
                  <td>
                    <span class={`badge ${row.deliveryStatus === 'rejected' ? 'badge-bad' : 'badge-warn'}`}>
                      {row.deliveryStatus}
                    </span>
                  </td>
                  <td class="number">{row.syncAttempts}</td>
                  <td>{dateTime(row.lastSyncAttempt, zone)}</td>
                  <td>{row.lastSyncError ?? '—'}</td>
                  <td>
                    <form method="post" action={`/deliveries/${row.id}/redeliver`}>
                      <CsrfField session={session} />
                      <button type="submit" aria-label={`Re-deliver record ${row.id}`}>
                        Re-deliver
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pager label="Delivery pages" page={page} count={listed.count} perPage={PER_PAGE} href={link} />
      </Page>,
    );
  });

  router.post('/deliveries/:id{[0-9]{1,15}}/redeliver', async (c) => {
    const id = Number(c.req.param('id'));
    const outcome = await redeliverRecord(deps, id, REDELIVER_WAIT_MS);
    if (!outcome) {
      return c.html(
        <Page title="Deliveries" site={site} session={c.get('session')} current="/deliveries/">
          <Notice kind="error">Record {id} does not exist.</Notice>
          <p>
            <a href="/deliveries/">Back to the deliveries</a>
          </p>
        </Page>,
        404,
      );
    }
    let state = outcome.state === 'failed' ? 'error' : outcome.state;
    if (outcome.state === 'completed')
      state = (await findAttendanceDay(deps.sql, id))?.deliveryStatus ?? 'error';
    return c.redirect(withQuery('/deliveries/', { redelivered: id, outcome: state }), 303);
  });
}
