import { Hono } from 'hono';
import { createConsoleAuth } from '../../lib/auth/consoleLogin.js';
import type { AppDeps } from '../deps.js';
import { registerAssets } from './assets.js';
import { registerPages } from './pages/index.js';
import { registerLogin } from './pages/login.js';
import { consoleRouter } from './router.js';
import { type ConsoleEnv, clearSessionCookie, sessionToken } from './session.js';

/**
 * The operator's web console: server-rendered pages behind a login, in the API's own process and on
 * its own queries. Pages are in `pages/`, one file each; `pages/index.ts` lists them.
 */
export function consoleRoutes(deps: AppDeps) {
  const auth = createConsoleAuth(deps.sql, { sessionHours: deps.config.CONSOLE_SESSION_HOURS });
  const app = new Hono<ConsoleEnv>();
  registerAssets(app);
  registerLogin(app, deps, auth);
  const router = consoleRouter(app, { auth, site: deps.config.CONSOLE_SITE_NAME, logger: deps.logger });
  router.post('/logout', async (c) => {
    const token = sessionToken(c);
    if (token) await auth.logOut(token);
    clearSessionCookie(c);
    return c.redirect('/login', 303);
  });
  registerPages(router, deps);
  return app;
}
