import type { ConsoleRouter } from '../router.js';
import { registerDashboard } from './dashboard.js';
import { registerDeliveries } from './deliveries.js';
import { registerDeviceDelete } from './deviceDelete.js';
import { registerDeviceForm } from './deviceForm.js';
import { registerDevices } from './devices.js';
import { registerDeviceTest } from './deviceTest.js';
import { registerDeviceUsers } from './deviceUsers.js';
import { registerOutliers } from './outliers.js';
import { registerReport } from './report.js';
import { registerReportPrint } from './reportPrint.js';
import type { ConsoleDeps } from './types.js';

/**
 * Every page of the console. To add one: a file in this folder exporting `registerX(router, deps)`
 * that calls `router.get(...)` (and `router.post(...)` for its forms), rendered inside `Page` from
 * `../layout.js`; its menu entry goes in `NAV` there; a call here.
 */
export function registerPages(router: ConsoleRouter, deps: ConsoleDeps) {
  registerDashboard(router, deps);
  registerOutliers(router, deps);
  registerDevices(router, deps);
  registerDeviceForm(router, deps);
  registerDeviceDelete(router, deps);
  registerDeviceTest(router, deps);
  registerDeviceUsers(router, deps);
  registerDeliveries(router, deps);
  registerReport(router, deps);
  registerReportPrint(router, deps);
}
