// GraphiQL in headless Chromium against a running hub, with no network beyond loopback:
// `node graphiql.mjs http://127.0.0.1:PORT/graphql SCREENSHOT.png`.
//
// Opens the page, waits for GraphiQL to render, opens and closes the settings dialog, opens the
// docs explorer and finds `innovations` on the Query type, runs `{ regions { code } }` and reads
// the 16 region codes from the result pane, opens a WebSocket to the subscription endpoint as
// GraphiQL would, and saves a screenshot. Any request to a host other than the hub is refused and reported, as is every
// content-security-policy violation, console error and uncaught exception. Prints one JSON
// object with what it saw; exits 1 when a step fails or anything was reported.
import { chromium } from 'playwright-core';
import { deadline } from './deadline.mjs';

deadline(90, 'the GraphiQL browser check');
const [url, screenshot] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error('usage: node graphiql.mjs <graphiql url> <screenshot.png>');
  process.exit(2);
}
const hub = new URL(url);
const STEP = 20_000;

const problems = [];
const outside = [];
const seen = {};
const warnings = [];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  timeout: 30_000,
});
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1300 } });
  // Only the hub's own origin is reachable; everything else is refused and reported. (The
  // WebSocket to /graphql/ws is opened by the page itself and checked below.)
  await context.route('**/*', (route) => {
    const target = new URL(route.request().url());
    if (target.host === hub.host) return route.continue();
    outside.push(target.href);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  // Errors fail the check (a refused load, a policy violation); warnings are GraphiQL's own
  // advice to its developers (accessibility hints of its dialogs) and are only reported.
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    if (message.type() === 'warning') warnings.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} for ${response.url()}`);
  });

  const response = await page.goto(hub.href, { waitUntil: 'load', timeout: STEP });
  seen.csp = response.headers()['content-security-policy'];
  if (!seen.csp) problems.push('the page has no Content-Security-Policy');

  // Rendered: the query editor and the execute button are there, "Loading…" is gone.
  await page.locator('.graphiql-container .graphiql-query-editor .CodeMirror').waitFor({ timeout: STEP });
  await page.locator('.graphiql-execute-button').waitFor({ timeout: STEP });
  seen.rendered = true;

  // A dialog: GraphiQL locks scrolling behind it with an inline style the policy allows by hash.
  await page.getByRole('button', { name: 'Open settings dialog' }).click({ timeout: STEP });
  await page.getByRole('dialog').waitFor({ timeout: STEP });
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached', timeout: STEP });

  // Docs explorer: the Query root type lists `innovations`.
  await page.getByRole('button', { name: 'Show Documentation Explorer' }).click({ timeout: STEP });
  const docs = page.locator('.graphiql-doc-explorer');
  await docs.getByRole('link', { name: 'Query', exact: true }).click({ timeout: STEP });
  await docs.locator('.graphiql-doc-explorer-field-name', { hasText: /^innovations$/ }).waitFor({ timeout: STEP });
  seen.docsExplorerListsInnovations = true;

  // The query, set in the editor as if typed, then run with the execute button.
  await page.evaluate((query) => {
    document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(query);
  }, '{ regions { code } }');
  await page.locator('.graphiql-execute-button').click({ timeout: STEP });
  // The result pane's editor renders only the lines in view, so the answer is read from it.
  const text = await page.waitForFunction(
    () => {
      const value = document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.getValue();
      return value?.includes('"data"') || value?.includes('"errors"') ? value : null;
    },
    null,
    { timeout: STEP },
  );
  const answer = JSON.parse(await text.jsonValue());
  seen.regionCodes = (answer.data?.regions ?? []).map((r) => r.code);
  if (seen.regionCodes.length !== 16) problems.push(`expected 16 regions, got ${JSON.stringify(answer)}`);

  // Subscriptions go over a WebSocket to the hub; the policy must let the page open it.
  seen.webSocket = await page.evaluate(
    (wsUrl) =>
      new Promise((resolve) => {
        const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
        socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init' }));
        socket.onmessage = (event) => {
          socket.close();
          resolve(JSON.parse(event.data).type);
        };
        socket.onerror = () => resolve('error');
        setTimeout(() => resolve('timeout'), 10_000);
      }),
    new URL('graphql/ws', hub.href.replace(/^http/, 'ws')).href,
  );
  if (seen.webSocket !== 'connection_ack') problems.push(`the WebSocket answered ${seen.webSocket}`);

  await page.mouse.move(0, 0);
  await page.screenshot({ path: screenshot, timeout: STEP });
  seen.screenshot = screenshot;
  seen.violations = await page.evaluate(() => window.__violations);
  problems.push(...seen.violations.map((v) => `CSP: ${v}`));
} catch (error) {
  problems.push(`step failed: ${error.message}`);
} finally {
  await browser.close();
}

problems.push(...outside.map((u) => `a request left the hub: ${u}`));
for (const p of problems) console.error(p);
console.log(JSON.stringify({ ...seen, outside, warnings, problems }));
process.exit(problems.length ? 1 : 0);
