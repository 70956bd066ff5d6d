import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page, Response } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { PLAYGROUND_CSP } from '../../src/http/playground.js';
import { startGateway, type Gateway } from '../../src/server.js';
import { assertChromiumInstalled, launchTestBrowser, openGuardedPage, type GuardedPage } from '../helpers/browser.js';

/**
 * The playground in a real browser: GraphiQL must render and run the example queries with nothing but the
 * gateway on loopback (no CDN, no fonts or telemetry from elsewhere), under the CSP the gateway sends.
 *
 * Needs /usr/bin/chromium (.ci/system-packages installs it). One browser and one gateway serve the whole file;
 * each test gets its own browser context, because GraphiQL keeps its tabs in localStorage.
 */

assertChromiumInstalled();

/** What renderPlayground puts in the analyst query when the gateway has no MAC to offer. */
const PLACEHOLDER_MAC = 'aa:bb:cc:dd:ee:ff';

/** The UI reacts within a frame or two; the margin is for a CI machine busy with other test files. */
const POLL = { timeout: 5_000 };

/** Set to a file path to keep a screenshot of the playground after the dashboard query ran. */
const SCREENSHOT_PATH = process.env.PLAYGROUND_SCREENSHOT;

let browser: Browser | undefined;
let gateway: Gateway | undefined;
let dataDir: string | undefined;
let guarded: GuardedPage | undefined;

beforeAll(async () => {
  browser = await launchTestBrowser();
  dataDir = mkdtempSync(path.join(tmpdir(), 'eig-playground-'));
  gateway = await startGateway(loadConfig({ DATA_DIR: dataDir, PORT: '0', REFRESH_INTERVAL: '0', LOG_LEVEL: 'warn' }), {
    loopbackOnly: true,
    emulators: { size: 300 },
    waitForFirstRefresh: true,
  });
  // Without a snapshot the page would still render, but every query would fail: say why up front.
  if (!gateway.store.hasSnapshot()) throw new Error("the gateway's first inventory refresh left no snapshot (see its log above)");
});

afterEach(async () => {
  await guarded?.close();
  guarded = undefined;
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Opens the playground and waits until GraphiQL has rendered its editors, not just its HTML. */
async function openPlayground(): Promise<{ page: Page; response: Response }> {
  guarded = await openGuardedPage(browser!);
  const { page } = guarded;
  // Accept text/html is what makes the gateway serve the playground instead of the GraphQL endpoint.
  const response = await page.goto(`${gateway!.url}/graphql`, { waitUntil: 'load' });
  if (!response) throw new Error('no response for the playground page');
  await expect.poll(() => queryEditorText(page), { timeout: 20_000 }).toContain('query Dashboard');
  return { page, response };
}

/** The lines Monaco has rendered; it renders only the visible ones, and spaces as no-break spaces. */
async function renderedLines(editor: Locator): Promise<string> {
  return (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
}

function queryEditorText(page: Page): Promise<string> {
  return renderedLines(page.locator('.graphiql-query-editor'));
}

function resultPane(page: Page): Locator {
  // GraphiQL labels its result editor for screen readers; the label is steadier than its class names.
  return page.getByRole('region', { name: 'Result Window' });
}

/**
 * Makes a tab the active one and waits until GraphiQL has taken in its document.
 *
 * By keyboard, not by mouse: GraphiQL's draggable tabs (framer-motion Reorder) come up with stale translateX
 * offsets that its CSS hides only while no tab has focus. A mouse press focuses the tab, the tab jumps sideways,
 * the release lands beside it and the click is lost (real users hit this too, on the first click after load).
 * Enter on the focused tab button is what a keyboard user does, and is reliable.
 *
 * Then the wait: GraphiQL parses the editor 100 ms after a change (debounced), and until then it still holds
 * the previous tab's operation name, which the execute button would send along with the new tab's query. The
 * same debounced step saves the query to localStorage ("graphiql:query"), which is the one place to see it done.
 */
async function activateTab(page: Page, title: string): Promise<void> {
  // GraphiQL titles each tab button with the name of the tab's first operation.
  await page.getByRole('tab').locator(`.graphiql-tab-button[title="${title}"]`).press('Enter');
  await expect.poll(() => page.getByRole('tab', { selected: true }).locator('.graphiql-tab-button').getAttribute('title'), POLL).toBe(title);
  const firstOperation = new RegExp(`^(query|mutation) ${title}\\b`, 'm');
  await expect.poll(() => page.evaluate(() => localStorage.getItem('graphiql:query')), POLL).toMatch(firstOperation);
}

/**
 * Clicks the execute button and returns the gateway's JSON answer to the operation whose text contains
 * `operationMarker` (GraphiQL also posts its introspection query, which must not be mistaken for it).
 */
async function executeActiveTab(page: Page, operationMarker: string): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
  // The button's accessible name is "Execute query (Ctrl-Enter)"; its class is .graphiql-execute-button.
  const executeButton = page.getByRole('button', { name: /^Execute query/ });
  // GraphiQL re-parses the document some 100 ms after a tab switch. Until then the button can still be the
  // previous tab's operation menu (the scripts tab holds two operations), and a click would open that menu
  // instead of running anything. A one-operation document makes it a plain button again, without a popup.
  await expect.poll(() => executeButton.getAttribute('aria-haspopup'), POLL).toBeNull();
  const answered = page.waitForResponse(
    (r) => r.url().endsWith('/graphql') && r.request().method() === 'POST' && (r.request().postData() ?? '').includes(operationMarker),
    // Shorter than the test's timeout, so a click that ran nothing fails with this message, not a bare timeout.
    { timeout: 15_000 },
  );
  await executeButton.click();
  const response = await answered;
  expect(response.status()).toBe(200);
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

/**
 * Scrolls the result editor until a line matching `pattern` is in view, and returns the match. The answers are
 * hundreds of lines long and Monaco keeps only the lines near the viewport in the DOM, so we scroll the way a
 * user would, and insist the line be inside the pane rather than merely rendered just below its edge.
 */
async function revealInResult(page: Page, pattern: RegExp): Promise<RegExpMatchArray> {
  const pane = resultPane(page);
  await pane.hover();
  for (let attempt = 0; attempt < 40; attempt++) {
    const linesInView = await pane.evaluate((section) => {
      const paneBox = section.getBoundingClientRect();
      return [...section.querySelectorAll('.view-line')]
        .filter((line) => {
          const box = line.getBoundingClientRect();
          return box.top >= paneBox.top && box.bottom <= paneBox.bottom;
        })
        .map((line) => (line.textContent ?? '').replace(/\u00a0/g, ' '));
    });
    for (const line of linesInView) {
      const match = line.match(pattern);
      if (match) return match;
    }
    await page.mouse.wheel(0, 200);
    // Monaco re-renders its lines on the next animation frame.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  }
  throw new Error(`the result pane never showed ${pattern}; last rendered lines:\n${await renderedLines(pane)}`);
}

/** Nothing left loopback, nothing was refused by the CSP, nothing threw. */
function expectCleanPage(): void {
  expect(guarded!.blockedRequests, 'requests to hosts other than loopback').toEqual([]);
  expect(guarded!.cspViolations, 'CSP violations').toEqual([]);
  expect(guarded!.consoleErrors, 'console errors').toEqual([]);
  expect(guarded!.pageErrors, 'uncaught page errors').toEqual([]);
}

describe('GraphiQL playground in Chromium', () => {
  test('renders self-contained under its CSP and runs the dashboard query from its example tab', async () => {
    const { page, response } = await openPlayground();

    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^text\/html/);
    expect(response.headers()['content-security-policy']).toBe(PLAYGROUND_CSP);

    // The three example tabs, named by their first operation, each holding its persona's example.
    const tabs = page.getByRole('tab');
    await expect.poll(() => tabs.count(), POLL).toBe(3);
    const examples: Array<[tab: string, firstLine: string]> = [
      ['Explore', '# Analyst:'],
      ['Refresh', '# Scripts:'],
      ['Dashboard', '# Dashboard:'], // last, so the dashboard is the active tab for the run below
    ];
    for (const [tab, firstLine] of examples) {
      await activateTab(page, tab);
      await expect.poll(() => queryEditorText(page), POLL).toContain(firstLine);
    }

    const answer = await executeActiveTab(page, 'query Dashboard');
    expect(answer.errors).toBeUndefined();
    const devices = answer.data?.devices as { totalCount: number } | undefined;
    expect(devices?.totalCount).toBeGreaterThan(0);

    // What the user sees: the same count in the result pane.
    const [, shownCount] = await revealInResult(page, /"totalCount": (\d+)/);
    expect(Number(shownCount)).toBe(devices!.totalCount);

    if (SCREENSHOT_PATH) await page.screenshot({ path: SCREENSHOT_PATH });
    expectCleanPage();
  });

  test("runs the analyst tab's deviceByMac query with the example MAC the gateway filled in", async () => {
    const { page } = await openPlayground();

    await activateTab(page, 'Explore');
    await expect.poll(() => queryEditorText(page), POLL).toContain('query Explore');
    // The gateway fills in the MAC of a matched device of the current snapshot, in place of a placeholder.
    const exampleMac = (await queryEditorText(page)).match(/\$mac: String! = "([0-9a-f]{2}(?::[0-9a-f]{2}){5})"/)?.[1];
    expect(exampleMac, 'a MAC filled into the analyst query').toBeTruthy();
    expect(exampleMac).not.toBe(PLACEHOLDER_MAC);

    const answer = await executeActiveTab(page, 'query Explore');
    expect(answer.errors).toBeUndefined();
    const device = answer.data?.deviceByMac as { macs: Array<{ mac: string }>; match: { status: string } } | null | undefined;
    expect(device, 'deviceByMac found the example MAC').toBeTruthy();
    expect(device!.macs.map((m) => m.mac)).toContain(exampleMac);
    expect(device!.match.status).toBe('MATCHED');

    await revealInResult(page, /"match": \{/);
    expectCleanPage();
  });
});
