import type { ConsoleRouter } from '../router.js';
import { registerDashboard } from './dashboard.js';
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
  registerReport(router, deps);
  registerReportPrint(router, deps);
}
