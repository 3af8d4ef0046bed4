import { listDevices } from '../../../lib/db/devices.js';
import { BarePage } from '../layout.js';
import { hoursText } from '../reportLines.js';
import type { ConsoleRouter } from '../router.js';
import { dateTime, longDate, todayIn } from '../time.js';
import { ReportTable, readReport, readReportQuery, reportLink } from './report.js';
import type { ConsoleDeps } from './types.js';

/** The daily report for paper: A4, no menu, a header with the day's figures, rows kept whole. */
export function registerReportPrint(router: ConsoleRouter, deps: ConsoleDeps) {
  const zone = deps.config.TIME_ZONE;
  const site = deps.config.CONSOLE_SITE_NAME;

  router.get('/report/print/', async (c) => {
    const devices = await listDevices(deps.sql);
    const query = readReportQuery(c.req.query(), todayIn(zone), devices);
    const { lines, counts } = await readReport(deps, query);
    const device = devices.find((d) => d.id === query.deviceId);
    return c.html(
      <BarePage title={`Attendance ${query.date}`} site={site} bodyClass="print">
        <p class="no-print">
          <a href={reportLink('/report/', query)}>Back to the report</a> · print with your browser (Ctrl+P)
        </p>
        <header class="print-header">
          <div>
            <h1>Daily attendance, {longDate(query.date)}</h1>
            <div>
              {site}
              {device ? ` · ${device.name}` : ' · all devices'}
              {query.search ? ` · employees matching "${query.search}"` : ''}
            </div>
          </div>
          <dl class="pairs">
            <dt>Present</dt>
            <dd>{counts.present}</dd>
            <dt>Absent</dt>
            <dd>{counts.absent}</dd>
            <dt>Outliers</dt>
            <dd>{counts.outliers}</dd>
            <dt>Synced</dt>
            <dd>
              {counts.synced} of {counts.present}
            </dd>
            <dt>Total hours</dt>
            <dd>{hoursText(counts.totalMinutes)}</dd>
          </dl>
        </header>
        <ReportTable lines={lines} />
        <p>
          <small>
            Times are the devices' wall clocks with their offset from UTC. Printed{' '}
            {dateTime(new Date(), zone)} by {c.get('session').userName}.
          </small>
        </p>
      </BarePage>,
    );
  });
}
