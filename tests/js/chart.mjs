// The dissemination chart as a person sees it, in headless Chromium:
// `node chart.mjs http://127.0.0.1:PORT/statistics/dissemination.svg?groupBy=REGION API_KEY SCREENSHOT.png`.
//
// Opens the chart with the key, and reads what was drawn: every text with its box, every
// bar's width. Prints one JSON object: the texts (content, left, right, top, bottom), the
// bars' widths in drawing order, the SVG's size, and problems (texts cut off at the edges,
// texts overlapping each other, failed loads). Exits 1 when there is a problem.
import { chromium } from 'playwright-core';
import { deadline } from './deadline.mjs';

deadline(60, 'the chart browser check');
const [url, key, screenshot] = process.argv.slice(2);
if (!url || !key || !screenshot) {
  console.error('usage: node chart.mjs <chart url> <api key> <screenshot.png>');
  process.exit(2);
}
const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  timeout: 30_000,
});
let seen = {};
try {
  const context = await browser.newContext({
    viewport: { width: 1000, height: 1000 },
    extraHTTPHeaders: { authorization: `Bearer ${key}` },
  });
  const page = await context.newPage();
  // The browser's own favicon request is the only other load; it is not the chart's.
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} for ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  const response = await page.goto(url, { waitUntil: 'load', timeout: 20_000 });
  seen.status = response.status();
  seen.contentType = response.headers()['content-type'];
  seen = {
    ...seen,
    ...(await page.evaluate(() => {
      const svg = document.querySelector('svg');
      const box = svg.getBoundingClientRect();
      const texts = [...document.querySelectorAll('text')]
        .map((t) => {
          const b = t.getBoundingClientRect();
          return { text: t.textContent.trim(), left: b.left, right: b.right, top: b.top, bottom: b.bottom };
        })
        .filter((t) => t.text !== '');
      const bars = [...document.querySelectorAll('rect')]
        .map((r) => r.getBoundingClientRect())
        .filter((b) => b.height > 5 && b.height < 40)
        .map((b) => Math.round(b.width));
      return { width: box.width, height: box.height, texts, bars };
    })),
  };
  for (const t of seen.texts) {
    if (t.left < 0 || t.right > seen.width || t.top < 0 || t.bottom > seen.height) {
      problems.push(`"${t.text}" is cut off (${Math.round(t.left)}..${Math.round(t.right)})`);
    }
  }
  for (let i = 0; i < seen.texts.length; i++) {
    for (let j = i + 1; j < seen.texts.length; j++) {
      const [a, b] = [seen.texts[i], seen.texts[j]];
      const overlap = a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
      if (overlap) problems.push(`"${a.text}" overlaps "${b.text}"`);
    }
  }
  await page.setViewportSize({ width: Math.ceil(seen.width), height: Math.ceil(seen.height) });
  await page.screenshot({ path: screenshot, timeout: 20_000 });
  seen.screenshot = screenshot;
} catch (e) {
  problems.push(`failed: ${e.message}`);
} finally {
  await browser.close();
}
console.log(JSON.stringify({ ...seen, problems }));
process.exit(problems.length ? 1 : 0);
