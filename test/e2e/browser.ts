/**
 * Headless Chromium for the end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core (never a
 * downloaded browser), with the flags of DESIGN.md (WebGL on SwiftShader) and a fresh user-data-dir per launch.
 * Screenshots go to test-output/screenshots/<suite>/ (git-ignored), for people to look at.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CLIENT_INDEX = fileURLToPath(new URL('../../dist/client/index.html', import.meta.url));
export const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

const FLAGS = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every console error and uncaught page error, for assertions and for failure messages. */
  readonly errors: string[];
  /** Requests to any other origin than `origin` are refused and listed (nothing may come from a CDN). */
  blockOtherOrigins(origin: string): Promise<string[]>;
  screenshot(name: string): Promise<Buffer>;
  /** After a failed test: a screenshot named after it, and the page's address and errors on stderr. */
  reportFailure(title: string): Promise<void>;
  close(): Promise<void>;
}

/** Fails fast, with the fix, when a prerequisite is missing (nothing is skipped silently). */
export function requireBrowserPrerequisites(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
  if (!existsSync(CLIENT_INDEX)) throw new Error('dist/client is not built: run `npm run build:client` (npm test does it)');
}

export async function launchBrowser(suite: string, viewport = { width: 1400, height: 1000 }): Promise<Browser> {
  requireBrowserPrerequisites();
  const userDataDir = mkdtempSync(join(tmpdir(), 'carina-chromium-'));
  const shots = join(SCREENSHOTS, suite);
  rmSync(shots, { recursive: true, force: true }); // only this run's pictures
  mkdirSync(shots, { recursive: true });
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport });
  // tsx compiles the tests with esbuild's keepNames, which wraps functions passed to page.evaluate in a __name()
  // helper that only exists in Node: give the page a no-op one
  await context.addInitScript({ content: 'globalThis.__name = (target) => target;' });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  return {
    context,
    page,
    errors,
    async blockOtherOrigins(origin) {
      const blocked: string[] = [];
      await context.route(
        (url) => url.origin !== origin && (url.protocol === 'http:' || url.protocol === 'https:'),
        (route) => {
          blocked.push(route.request().url());
          return route.abort('blockedbyclient');
        },
      );
      return blocked;
    },
    screenshot: (name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true }),
    async reportFailure(title) {
      await page.screenshot({ path: join(shots, `failed-${title.slice(0, 40).replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => undefined);
      console.error(`page ${page.url()}\nbrowser errors:\n${errors.join('\n')}`);
    },
    async close() {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
