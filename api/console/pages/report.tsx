import type { Context } from 'hono';
import type { HtmlEscapedString } from 'hono/utils/html';
import {
  attendanceSummaryByDay,
  type DailyReportFilters,
  listDailyReport,
  punchesPerHour,
} from '../../../lib/db/dailyReport.js';
import { type DeviceRow, listDevices } from '../../../lib/db/devices.js';
import type { SyncResult } from '../../../lib/delivery/types.js';
import type { ProcessingCounts } from '../../../lib/processing/counts.js';
import { processWorkflowIds, syncWorkflowIds } from '../../../workflows/ids.js';
import { manualProcessStart, syncStart } from '../../../workflows/starts.js';
import { startOrAttach } from '../../common/workflows.js';
import { AttendanceTrendChart, HourlyChart } from '../charts.js';
import { CsrfField, Notice, Page } from '../layout.js';
import { withQuery } from '../paths.js';
import {
  countLines,
  hoursText,
  type ReportCounts,
  type ReportLine,
  syncedText,
  toCsv,
  toReportLine,
} from '../reportLines.js';
import type { ConsoleRouter } from '../router.js';
import type { ConsoleEnv } from '../session.js';
import { addDays, longDate, parseDate, todayIn } from '../time.js';
import { DayPager, Figure } from '../widgets.js';
import { WorkflowResult } from '../workflowResult.js';
import type { ConsoleDeps } from './types.js';

const TREND_DAYS = 30;
/** A button waits this long for its workflow before saying it still runs. */
const ACTION_WAIT_MS = 25_000;

export interface ReportQuery {
  date: string;
  deviceId?: number;
  search?: string;
  /** Set when the query named something that does not exist or is not a date. */
  problems: string[];
}

/** The report's filters from a query string or a form; what is wrong is said, not guessed around. */
export function readReportQuery(
  values: Record<string, string | undefined>,
  today: string,
  devices: DeviceRow[],
): ReportQuery {
  const problems: string[] = [];
  let date = today;
  if (values.date) {
    const parsed = parseDate(values.date);
    if (parsed) date = parsed;
    else problems.push(`"${values.date}" is not a date (YYYY-MM-DD); showing today.`);
  }
  let deviceId: number | undefined;
  if (values.device) {
    const id = Number(values.device);
    if (Number.isInteger(id) && devices.some((device) => device.id === id)) deviceId = id;
    else problems.push('No such device; showing all devices.');
  }
  const search = values.search?.trim().slice(0, 100) || undefined;
  return { date, deviceId, search, problems };
}

export const reportLink = (path: string, q: Pick<ReportQuery, 'date' | 'deviceId' | 'search'>) =>
  withQuery(path, { date: q.date, device: q.deviceId, search: q.search });

export async function readReport(deps: ConsoleDeps, query: ReportQuery) {
  const filters: DailyReportFilters = { date: query.date, deviceId: query.deviceId, search: query.search };
  const lines = (await listDailyReport(deps.sql, filters)).map((row) => toReportLine(row, query.date));
  return { lines, counts: countLines(lines) };
}

export function ReportCountsLine({ counts }: { counts: ReportCounts }) {
  return (
    <section aria-label="Counts" class="figures">
      <Figure label="Present" value={counts.present} />
      <Figure label="Absent" value={counts.absent} />
      <Figure label="Outliers" value={counts.outliers} />
      <Figure label="Synced" value={`${counts.synced} of ${counts.present}`} />
      <Figure label="Total hours" value={hoursText(counts.totalMinutes)} />
    </section>
  );
}

export function ReportTable({ lines }: { lines: ReportLine[] }) {
  if (lines.length === 0) return <p>No employees match.</p>;
  return (
    <table class="report">
      <thead>
        <tr>
          <th scope="col">Employee</th>
          <th scope="col">Name</th>
          <th scope="col">Clock-in</th>
          <th scope="col">Clock-out</th>
          <th scope="col" class="number">
            Hours
          </th>
          <th scope="col">Flags</th>
          <th scope="col">Synced</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => (
          <tr class={line.present ? (line.isOutlier ? 'outlier' : undefined) : 'absent'}>
            <td>{line.userId}</td>
            <td>{line.name}</td>
            <td>{line.present ? line.clockIn : 'absent'}</td>
            <td>{line.present ? line.clockOut || 'missing' : ''}</td>
            <td class="number">{hoursText(line.minutes)}</td>
            <td>
              {line.isOutlier ? <span class="badge badge-warn">outlier</span> : null} {line.flags.join('; ')}
            </td>
            <td>{syncedText(line)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ReportFilters({ query, devices }: { query: ReportQuery; devices: DeviceRow[] }) {
  return (
    <form method="get" action="/report/" class="filters">
      <label for="report-date">Date</label>
      <input id="report-date" type="date" name="date" value={query.date} required />
      <label for="report-device">Device</label>
      <select id="report-device" name="device">
        <option value="">All devices</option>
        {devices.map((device) => (
          <option value={String(device.id)} selected={device.id === query.deviceId}>
            {device.name}
          </option>
        ))}
      </select>
      <label for="report-search">Employee id or name</label>
      <input id="report-search" name="search" value={query.search ?? ''} />
      <button type="submit">Show</button>
    </form>
  );
}

function DayActions({ query, session }: { query: ReportQuery; session: ConsoleEnv['Variables']['session'] }) {
  return (
    <section aria-labelledby="day-actions" class="no-print">
      <h2 id="day-actions">Work on this day</h2>
      <div class="actions">
        <form method="post" action="/report/reprocess" hx-post="/report/reprocess" hx-target="#action-result">
          <CsrfField session={session} />
          <input type="hidden" name="date" value={query.date} />
          <button type="submit">Reprocess {query.date}</button>
        </form>
        <form method="post" action="/report/resync" hx-post="/report/resync" hx-target="#action-result">
          <CsrfField session={session} />
          <input type="hidden" name="date" value={query.date} />
          <label>
            <input type="checkbox" name="force" value="1" /> also records already delivered or rejected
          </label>{' '}
          <button type="submit">Re-sync {query.date}</button>
        </form>
      </div>
      <div id="action-result" aria-live="polite" />
    </section>
  );
}

const describeProcessing = (counts: ProcessingCounts) => [
  `Punches read: ${counts.punchesProcessed}`,
  `Daily records: ${counts.daysCreated} new, ${counts.daysRevised} revised, ${counts.daysUnchanged} unchanged`,
  `Outliers: ${counts.outliers}`,
  `Punches that could not be used: ${counts.failed}`,
];

const describeSync = (result: SyncResult) => [
  `Records picked up: ${result.total}`,
  `Delivered: ${result.successful}`,
  `Failed or refused: ${result.failed}`,
  `Not sent: ${result.notSent}${result.skipped ? ` (${result.skipped})` : ''}`,
  ...result.errors.map((error) => `Error, ${error.user_id} on ${error.date}: ${error.error}`),
];

export function registerReport(router: ConsoleRouter, deps: ConsoleDeps) {
  const zone = deps.config.TIME_ZONE;
  const site = deps.config.CONSOLE_SITE_NAME;
  const prefix = deps.workflowIdPrefix ?? '';

  const queryOf = async (values: Record<string, string | undefined>) => {
    const devices = await listDevices(deps.sql);
    return { devices, query: readReportQuery(values, todayIn(zone), devices) };
  };

  router.get('/report/', async (c) => {
    const { devices, query } = await queryOf(c.req.query());
    const [{ lines, counts }, hourly, trend] = await Promise.all([
      readReport(deps, query),
      punchesPerHour(deps.sql, { date: query.date, deviceId: query.deviceId }),
      attendanceSummaryByDay(deps.sql, {
        startDate: addDays(query.date, -(TREND_DAYS - 1)),
        endDate: query.date,
        deviceId: query.deviceId,
      }),
    ]);
    const session = c.get('session');
    return c.html(
      <Page title="Daily report" site={site} session={session} current="/report/">
        {query.problems.map((problem) => (
          <Notice kind="error">{problem}</Notice>
        ))}
        <DayPager
          date={query.date}
          label={longDate(query.date)}
          previous={reportLink('/report/', { ...query, date: addDays(query.date, -1) })}
          next={reportLink('/report/', { ...query, date: addDays(query.date, 1) })}
        />
        <ReportFilters query={query} devices={devices} />
        <ReportCountsLine counts={counts} />
        <p class="no-print">
          <a class="button secondary" href={reportLink('/report/csv', query)} download>
            Download CSV
          </a>{' '}
          <a class="button secondary" href={reportLink('/report/print/', query)}>
            Print view
          </a>
        </p>
        <DayActions query={query} session={session} />
        <h2 id="employees">Employees ({counts.employees})</h2>
        <p>
          <small>Times are the devices' wall clocks, with their offset from UTC.</small>
        </p>
        <ReportTable lines={lines} />
        <h2 id="pictures">Pictures</h2>
        <figure class="picture">
          <HourlyChart counts={hourly} label={`Punches per hour on ${query.date}`} />
          <figcaption>Punches per hour of the device clock on {query.date}.</figcaption>
        </figure>
        <figure class="picture">
          <AttendanceTrendChart days={trend} label={`Present, outliers and absent over ${TREND_DAYS} days`} />
          <figcaption>
            Present (outliers hatched) and absent employees per day, the {TREND_DAYS} days up to {query.date}.
          </figcaption>
        </figure>
      </Page>,
    );
  });

  router.get('/report/csv', async (c) => {
    const { query } = await queryOf(c.req.query());
    const { lines } = await readReport(deps, query);
    const device = query.deviceId === undefined ? '' : `-device-${query.deviceId}`;
    return c.body(toCsv(query.date, lines), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="attendance-${query.date}${device}.csv"`,
      'Cache-Control': 'no-store',
    });
  });

  /** A button's answer: the result alone for htmx, or a page with it for a browser without script. */
  const answer = (
    c: Context<ConsoleEnv>,
    title: string,
    date: string,
    result: HtmlEscapedString | Promise<HtmlEscapedString>,
  ) => {
    if (c.req.header('hx-request')) return c.html(result);
    return c.html(
      <Page title={title} site={site} session={c.get('session')} current="/report/">
        {result}
        <p>
          <a href={reportLink('/report/', { date })}>Back to the report of {date}</a>
        </p>
      </Page>,
    );
  };

  const formDate = async (c: Context<ConsoleEnv>) => {
    const form = await c.req.parseBody();
    return {
      date: parseDate(typeof form.date === 'string' ? form.date : undefined),
      force: form.force === '1',
    };
  };

  router.post('/report/reprocess', async (c) => {
    const { date } = await formDate(c);
    if (!date) return c.html(<Notice kind="error">The form needs a date (YYYY-MM-DD).</Notice>, 400);
    const start = manualProcessStart(deps.config, { startDate: date, endDate: date });
    const outcome = await startOrAttach(
      deps.temporal,
      { ...start, workflowId: processWorkflowIds.day(date) },
      { waitMs: ACTION_WAIT_MS, idPrefix: prefix },
    );
    return answer(
      c,
      `Reprocess ${date}`,
      date,
      <WorkflowResult what={`Reprocessing ${date}`} outcome={outcome} describe={describeProcessing} />,
    );
  });

  router.post('/report/resync', async (c) => {
    const { date, force } = await formDate(c);
    if (!date) return c.html(<Notice kind="error">The form needs a date (YYYY-MM-DD).</Notice>, 400);
    const start = syncStart(deps.config, 'manual', {
      startDate: date,
      endDate: date,
      retryFailed: true,
      force,
    });
    const outcome = await startOrAttach(
      deps.temporal,
      { ...start, workflowId: syncWorkflowIds.day(date) },
      { waitMs: ACTION_WAIT_MS, idPrefix: prefix },
    );
    return answer(
      c,
      `Re-sync ${date}`,
      date,
      <WorkflowResult what={`Re-sync of ${date}`} outcome={outcome} describe={describeSync} />,
    );
  });
}
