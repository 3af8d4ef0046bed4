import type { Context, Handler, Hono, MiddlewareHandler } from 'hono';
import type { ConsoleAuth } from '../../lib/auth/consoleLogin.js';
import { describeError, toBridgeError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { BarePage, Notice } from './layout.js';
import { type ConsoleEnv, requireCsrf, requireSession } from './session.js';

type PageHandler = Handler<ConsoleEnv>;

/**
 * How a console page is added: `router.get(path, handler)` (and `router.post` for its forms). Each
 * route gets the session check and, for a POST, the CSRF check; its handler finds the session in
 * `c.get('session')`. Routes are registered one by one, not behind a catch-all middleware, because
 * the console shares the app with the API and must not stand in front of `/api/`.
 */
export interface ConsoleRouter {
  get(path: string, handler: PageHandler): void;
  post(path: string, handler: PageHandler): void;
}

function ErrorPage({ site, status, message }: { site: string; status: number; message: string }) {
  return (
    <BarePage title={`Error ${status}`} site={site}>
      <h1>{status === 403 ? 'Refused' : 'Something went wrong'}</h1>
      <Notice kind="error">{message}</Notice>
      <p>
        <a href="/">Back to the dashboard</a>
      </p>
    </BarePage>
  );
}

export function forbiddenPage(site: string) {
  return (c: Context) =>
    c.html(
      <ErrorPage
        site={site}
        status={403}
        message="This form was not sent from this console, or it is too old. Reload the page and try again."
      />,
      403,
    );
}

/** A page that fails answers a page that says why (PostgreSQL or Temporal out of reach), never a trace. */
function failurePage(site: string, logger: Logger, handler: PageHandler): PageHandler {
  return async (c, next) => {
    try {
      return await handler(c, next);
    } catch (error) {
      const known = toBridgeError(error);
      if (known && known.httpStatus !== 500) {
        logger.warn({ msg: 'console page failed', path: c.req.path, type: known.type, error: known.message });
        return c.html(
          <ErrorPage site={site} status={known.httpStatus} message={known.message} />,
          known.httpStatus,
        );
      }
      logger.error({
        msg: 'unhandled console error',
        path: c.req.path,
        error: describeError(known ?? error),
      });
      return c.html(
        <ErrorPage site={site} status={500} message="Internal error; the log has the details." />,
        500,
      );
    }
  };
}

/** Pages run no script but htmx from this site, and no other site may frame them. */
export const pageHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
      "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  );
  c.header('X-Frame-Options', 'DENY');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'same-origin');
};

export function consoleRouter(
  app: Hono<ConsoleEnv>,
  options: { auth: ConsoleAuth; site: string; logger: Logger },
): ConsoleRouter {
  const session = requireSession(options.auth);
  const csrf = requireCsrf(forbiddenPage(options.site));
  return {
    get: (path, handler) => {
      app.get(path, pageHeaders, session, failurePage(options.site, options.logger, handler));
    },
    post: (path, handler) => {
      app.post(path, pageHeaders, session, csrf, failurePage(options.site, options.logger, handler));
    },
  };
}
