// One of the hub's small pages (the submission status page, say) as a person opens it from a
// message, in headless Chromium with no network beyond loopback:
// `node page.mjs http://127.0.0.1:PORT/path SCREENSHOT.png`.
//
// Opens the page on a phone-sized and a desktop-sized screen and reports what a person sees:
// the HTTP status, the title, the main heading, the text of the page as rendered, the page's
// language, whether it needs scrolling sideways on the phone, the security headers, and any
// request to another host, content-security-policy violation, console error or uncaught
// exception. Prints one JSON object; exits 1 when the page could not be opened or anything
// was reported.
import { chromium } from 'playwright-core';
import { deadline } from './deadline.mjs';

deadline(60, 'the page check');
const [url, screenshot] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error('usage: node page.mjs <page url> <screenshot.png>');
  process.exit(2);
}
const hub = new URL(url);
const STEP = 20_000;

const problems = [];
const outside = [];
const report = {};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  timeout: 30_000,
});
try {
  for (const [name, viewport] of [
    ['phone', { width: 360, height: 740 }],
    ['desktop', { width: 1280, height: 900 }],
  ]) {
    const context = await browser.newContext({ viewport });
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
        window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
      });
    });
    page.on('console', (m) => {
      // Chromium logs the page's own 404 as a failed load; the status is reported instead.
      const own = m.location().url === hub.href && m.text().startsWith('Failed to load resource');
      if (m.type() === 'error' && !own) problems.push(`${name}: console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${name}: uncaught: ${e.message}`));
    const response = await page.goto(hub.href, { waitUntil: 'load', timeout: STEP });
    const seen = await page.evaluate(() => ({
      title: document.title,
      heading: document.querySelector('h1')?.innerText ?? null,
      text: document.body.innerText,
      lang: document.documentElement.lang,
      scrollsSideways: document.documentElement.scrollWidth > document.documentElement.clientWidth,
      violations: window.__violations,
    }));
    problems.push(...seen.violations.map((v) => `${name}: ${v}`));
    if (name === 'phone') {
      const headers = response.headers();
      Object.assign(report, {
        status: response.status(),
        title: seen.title,
        heading: seen.heading,
        text: seen.text,
        lang: seen.lang,
        scrollsSideways: seen.scrollsSideways,
        headers: {
          cacheControl: headers['cache-control'] ?? null,
          referrerPolicy: headers['referrer-policy'] ?? null,
          robots: headers['x-robots-tag'] ?? null,
          csp: headers['content-security-policy'] ?? null,
        },
      });
    } else {
      report.desktopText = seen.text;
      await page.screenshot({ path: screenshot, fullPage: true });
    }
    await context.close();
  }
} catch (e) {
  problems.push(`failed: ${e.message}`);
} finally {
  await browser.close();
}
report.problems = problems;
report.outside = outside;
console.log(JSON.stringify(report));
process.exit(problems.length || outside.length ? 1 : 0);
