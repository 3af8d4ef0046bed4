import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { ASSETS } from './layout.js';
import type { ConsoleEnv } from './session.js';

const require = createRequire(import.meta.url);

/** Read once at start: the files are small and change only with a new release. */
function load(path: string) {
  return readFileSync(path);
}

/** Our stylesheet and htmx from node_modules, served by the app itself (no build step, no CDN). */
export function registerAssets(app: Hono<ConsoleEnv>) {
  const files = [
    {
      path: ASSETS.css,
      type: 'text/css; charset=utf-8',
      body: load(fileURLToPath(new URL('./static/console.css', import.meta.url))),
    },
    {
      path: ASSETS.htmx,
      type: 'text/javascript; charset=utf-8',
      body: load(require.resolve('htmx.org/dist/htmx.min.js')),
    },
  ];
  for (const file of files) {
    app.get(file.path, (c) =>
      c.body(new Uint8Array(file.body), 200, {
        'Content-Type': file.type,
        'Cache-Control': 'public, max-age=3600',
        'X-Content-Type-Options': 'nosniff',
      }),
    );
  }
}
