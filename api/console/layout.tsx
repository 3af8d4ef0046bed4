import type { Child } from 'hono/jsx';
import type { ConsoleSession } from '../../lib/db/consoleUsers.js';
import { CSRF_FIELD } from './session.js';

/**
 * The console's menu, in order. A new page adds its entry here and registers its routes in
 * `pages/index.ts`; `current` in `Page` is the entry's `href`.
 */
export const NAV: readonly { href: string; label: string }[] = [
  { href: '/', label: 'Dashboard' },
  { href: '/report/', label: 'Daily report' },
  { href: '/outliers/', label: 'Outliers' },
  { href: '/devices/', label: 'Devices' },
  { href: '/deliveries/', label: 'Deliveries' },
];

export const ASSETS = {
  css: '/static/console.css',
  htmx: '/static/htmx.min.js',
} as const;

/** The hidden field that makes a form acceptable to `requireCsrf`. */
export function CsrfField({ session }: { session: ConsoleSession }) {
  return <input type="hidden" name={CSRF_FIELD} value={session.csrfToken} />;
}

function Head({ title, site }: { title: string; site: string }) {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="referrer" content="same-origin" />
      <title>{`${title} · ${site}`}</title>
      <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}' />
      <link rel="stylesheet" href={ASSETS.css} />
      <script src={ASSETS.htmx} defer />
    </head>
  );
}

export interface PageProps {
  title: string;
  site: string;
  session: ConsoleSession;
  /** The NAV entry to mark as the current page. */
  current?: string;
  children?: Child;
}

/** Every signed-in page: header with the menu and the user, then the page's own content. */
export function Page({ title, site, session, current, children }: PageProps) {
  return (
    <html lang="en">
      <Head title={title} site={site} />
      <body hx-headers={JSON.stringify({ 'X-CSRF-Token': session.csrfToken })}>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <span class="site">{site}</span>
          <nav aria-label="Main">
            <ul>
              {NAV.map((item) => (
                <li>
                  <a href={item.href} aria-current={item.href === current ? 'page' : undefined}>
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <form method="post" action="/logout" class="logout">
            <CsrfField session={session} />
            <span class="user">{session.userName}</span> <button type="submit">Log out</button>
          </form>
        </header>
        <main id="main" tabindex={-1}>
          <h1>{title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}

/** Pages shown without a session (the login) or without the menu (print). */
export function BarePage({
  title,
  site,
  children,
  bodyClass,
}: {
  title: string;
  site: string;
  children?: Child;
  bodyClass?: string;
}) {
  return (
    <html lang="en">
      <Head title={title} site={site} />
      <body class={bodyClass}>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}

/** A line that tells what happened, for errors and results. */
export function Notice({ kind, children }: { kind: 'error' | 'ok' | 'info'; children?: Child }) {
  return (
    <p class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}
