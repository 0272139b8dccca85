// Opens an HTML report in Debian's headless Chromium (no browser download) and prints JSON:
// the console errors and page errors seen, any network request, the rendered size of every
// figure, and the geometry of their text (overlap and clipping, see geometry.mjs). With a second
// argument, also saves a screenshot of the page's top (header, cautions, first figure) there.
// Usage: node check.mjs REPORT.html [SCREENSHOT.png]
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { textProblems } from './geometry.mjs';

const [file, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
const errors = [];
page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
page.on('pageerror', (error) => errors.push(String(error)));
const requests = [];
page.on('request', (request) => { if (!request.url().startsWith('file:')) requests.push(request.url()); });
await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
const figures = await page.$$eval('svg.figure', (nodes) => nodes.map((node) => {
  const box = node.getBoundingClientRect();
  return { id: node.id, width: box.width, height: box.height };
}));
const text = await textProblems(page, 'svg.figure');
// The print layout (A4): the same figures, scaled to the page, must keep their text apart too.
await page.emulateMedia({ media: 'print' });
await page.setViewportSize({ width: 718, height: 1000 });
const printText = await textProblems(page, 'svg.figure');
await page.emulateMedia({ media: 'screen' });
await page.setViewportSize({ width: 1000, height: 800 });
if (screenshot) {
  // The page's top: header, cautions and down to the end of the first figure with its caption.
  const end = await page.evaluate(() => {
    const first = document.querySelector('figure');
    return first ? first.getBoundingClientRect().bottom + window.scrollY + 16 : document.body.scrollHeight;
  });
  await page.screenshot({ path: screenshot, fullPage: true, clip: { x: 0, y: 0, width: 1000, height: Math.ceil(end) } });
}
await browser.close();
console.log(JSON.stringify({ errors, requests, figures, text, printText }));
