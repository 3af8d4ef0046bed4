import type { Context } from 'hono';
import { Notice, Page } from '../layout.js';
import type { ConsoleEnv } from '../session.js';

/** The 404 of a page about one device whose id names none (deleted meanwhile, or mistyped). */
export function missingDevice(c: Context<ConsoleEnv>, site: string, title: string) {
  return c.html(
    <Page title={title} site={site} session={c.get('session')} current="/devices/">
      <Notice kind="error">No such device.</Notice>
      <p>
        <a href="/devices/">Back to the devices</a>
      </p>
    </Page>,
    404,
  );
}
