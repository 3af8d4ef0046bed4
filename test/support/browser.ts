import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import axe from 'axe-core';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium), or CHROMIUM_PATH. Null when there is none. */
export function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((path): path is string => Boolean(path) && existsSync(path as string)) ?? null;
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  const args = [
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ];
  // Chromium's sandbox needs user namespaces that root in a container does not get.
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return chromium.launch({ executablePath, headless: true, args });
}

/** Serves a fetch handler on a free loopback port, as `runtime/bridge.ts` does. */
export async function serveOnLoopback(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `describe` when there is a Chromium to drive; else `describe.skip`, after saying how to get one. */
export function describeInChromium(): jest.Describe {
  if (chromiumPath()) return describe;
  console.warn(
    'Browser tests skipped: no Chromium at /usr/bin/chromium (apt-get install -y chromium) or CHROMIUM_PATH.',
  );
  return describe.skip;
}

/** Where the browser tests leave their screenshots. */
const ARTIFACTS = 'test-artifacts';

/** An app served on a loopback port and one Chromium page looking at it. */
export interface ChromiumSession {
  /** The app's address, `http://127.0.0.1:<port>`. */
  url: string;
  page: Page;
  /** The alert, confirm and prompt dialogs the page opened, each dismissed: none unless a script got in. */
  dialogs(): number;
  /** A full-page screenshot in test-artifacts/console-<name>.png. */
  shot(name: string): Promise<void>;
  /** axe-core inside the page: its serious and critical WCAG 2.1 A and AA findings. */
  seriousViolations(): Promise<string[]>;
  close(): Promise<void>;
}

export async function openInChromium(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<ChromiumSession> {
  const executable = chromiumPath();
  if (!executable) throw new Error('no Chromium: run browser tests under describeInChromium()');
  mkdirSync(ARTIFACTS, { recursive: true });
  const site = await serveOnLoopback(fetch);
  const browser = await launchChromium(executable);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  let dialogs = 0;
  page.on('dialog', async (dialog) => {
    dialogs++;
    await dialog.dismiss();
  });
  return {
    url: site.url,
    page,
    dialogs: () => dialogs,
    async shot(name) {
      await page.screenshot({ path: `${ARTIFACTS}/console-${name}.png`, fullPage: true });
    },
    seriousViolations: () => seriousViolations(page),
    async close() {
      await browser.close();
      await site.close();
    },
  };
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axe.source);
  const found = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3),
    }));
  });
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.join(', ')}`);
}
