import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

/**
 * Headless Chromium for browser tests, fenced in to loopback.
 *
 * We drive Debian's Chromium (installed by .ci/system-packages) through playwright-core: Playwright's own
 * browser download cannot run here, and the tests must prove that a page works with nothing but the gateway.
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

const CHROMIUM_ARGS = [
  // Tests run as root in a container, where Chromium's sandbox cannot start.
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  // Chromium's own background traffic (first-run pages, component and safe-browsing updates, sync) would
  // otherwise try to reach Google; route interception does not see it, because no page makes it.
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Second fence for anything the browser itself might still resolve: every name but loopback fails to resolve.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];

/**
 * Throws, with the fix, when Chromium is not installed: a browser test must fail, not skip, on a bare machine.
 * Call it at the top of a test file, so the file fails at collection and counts as failed in every report
 * (a failing beforeAll shows its tests as merely skipped).
 */
export function assertChromiumInstalled(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run .ci/system-packages (as root) to install Debian's chromium`);
  }
}

/**
 * Launches headless Chromium. `chromium.launch` gives the browser a fresh temporary user-data-dir of its own
 * (and deletes it on close), so no profile, cache or stored GraphiQL state leaks between runs.
 */
export async function launchTestBrowser(): Promise<Browser> {
  assertChromiumInstalled();
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

export interface CspViolation {
  directive: string;
  blockedUri: string;
  sourceFile: string;
  sample: string;
}

/** A page in its own browser context, with everything a test wants to assert about what the page tried to do. */
export interface GuardedPage {
  page: Page;
  context: BrowserContext;
  /** URLs of requests (and WebSockets) to hosts other than loopback; each was aborted before it left. */
  blockedRequests: string[];
  /** `console.error` messages (Chromium also logs CSP refusals here, including those from workers). */
  consoleErrors: string[];
  /** `securitypolicyviolation` events seen by the document. */
  cspViolations: CspViolation[];
  /** Uncaught exceptions in the page. */
  pageErrors: string[];
  close(): Promise<void>;
}

function isLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  // data:, blob: and about: never touch the network.
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
  return LOOPBACK_HOSTS.has(hostname);
}

/**
 * Opens a page in a new, isolated context (fresh storage: GraphiQL keeps its tabs in localStorage, so pages must
 * not share one) whose requests may reach loopback only. Everything else is aborted and recorded, so a test can
 * assert that the page needs nothing from outside.
 */
export async function openGuardedPage(browser: Browser): Promise<GuardedPage> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: 'block' });
  const guarded: GuardedPage = {
    page: undefined as unknown as Page,
    context,
    blockedRequests: [],
    consoleErrors: [],
    cspViolations: [],
    pageErrors: [],
    close: () => context.close(),
  };

  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLoopback(url)) return route.continue();
    guarded.blockedRequests.push(url);
    return route.abort('blockedbyclient');
  });
  await context.routeWebSocket(/.*/, (ws) => {
    if (isLoopback(ws.url().replace(/^ws/, 'http'))) return ws.connectToServer();
    guarded.blockedRequests.push(ws.url());
    return ws.close();
  });

  // CSP violations arrive as DOM events, so a script injected before any of the page's own reports them back.
  // Playwright injects both the binding and the init script over the DevTools protocol, which the page's CSP
  // does not govern, so they work under the policy under test without loosening it.
  await context.exposeBinding('__reportCspViolation', (_source, violation: CspViolation) => {
    guarded.cspViolations.push(violation);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __reportCspViolation: (v: CspViolation) => void }).__reportCspViolation;
      void report({ directive: e.effectiveDirective, blockedUri: e.blockedURI, sourceFile: e.sourceFile, sample: e.sample });
    });
  });

  const page = await context.newPage();
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') guarded.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => guarded.pageErrors.push(error.message));
  guarded.page = page;
  return guarded;
}
