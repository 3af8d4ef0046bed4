import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, Hono } from 'hono';
import type { ConsoleAuth } from '../../../lib/auth/consoleLogin.js';
import { BarePage, Notice } from '../layout.js';
import { safeReturnPath } from '../paths.js';
import { pageHeaders } from '../router.js';
import { type ConsoleEnv, requireSameOrigin, sessionToken, setSessionCookie } from '../session.js';
import type { ConsoleDeps } from './types.js';

/** The peer's address as the socket saw it; a proxy's own address behind one. */
function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function LoginForm(props: { site: string; next: string; name?: string; problem?: string }) {
  return (
    <BarePage title="Log in" site={props.site} bodyClass="login">
      <h1>{props.site}</h1>
      <form method="post" action="/login" class="card">
        <h2>Log in</h2>
        {props.problem ? <Notice kind="error">{props.problem}</Notice> : null}
        <input type="hidden" name="next" value={props.next} />
        <label for="name">User name</label>
        <input id="name" name="name" autocomplete="username" required value={props.name ?? ''} autofocus />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <button type="submit" class="card-submit">
          Log in
        </button>
      </form>
    </BarePage>
  );
}

const WRONG = 'Wrong user name or password.';

export function registerLogin(app: Hono<ConsoleEnv>, deps: ConsoleDeps, auth: ConsoleAuth) {
  const site = deps.config.CONSOLE_SITE_NAME;
  const forbidden = (c: Context) =>
    c.html(
      <LoginForm site={site} next="/" problem="This form came from another site; try again from here." />,
      403,
    );

  app.get('/login', pageHeaders, async (c) => {
    const next = safeReturnPath(c.req.query('next'));
    if (await auth.session(sessionToken(c))) return c.redirect(next, 303);
    return c.html(<LoginForm site={site} next={next} />);
  });

  app.post('/login', pageHeaders, requireSameOrigin(forbidden), async (c) => {
    const form = await c.req.parseBody();
    const name = typeof form.name === 'string' ? form.name : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const next = safeReturnPath(typeof form.next === 'string' ? form.next : '/');
    if (!name || !password || name.length > 200 || password.length > 1024) {
      return c.html(<LoginForm site={site} next={next} name={name.slice(0, 200)} problem={WRONG} />, 401);
    }
    const outcome = await auth.logIn(name, password, clientAddress(c));
    if (outcome.ok) {
      setSessionCookie(c, outcome.token, deps.config.CONSOLE_SESSION_HOURS);
      return c.redirect(next, 303);
    }
    if (outcome.reason === 'throttled') {
      c.header('Retry-After', String(outcome.retryAfterSeconds));
      const problem = `Too many failed logins. Try again in ${outcome.retryAfterSeconds} seconds.`;
      return c.html(<LoginForm site={site} next={next} name={name} problem={problem} />, 429);
    }
    return c.html(<LoginForm site={site} next={next} name={name} problem={WRONG} />, 401);
  });
}
