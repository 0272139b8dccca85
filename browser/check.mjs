// Opens an HTML report in Debian's headless Chromium (no browser download) and prints JSON:
// the console errors and page errors seen, and the rendered size of every figure.
// Usage: node check.mjs REPORT.html
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';

const file = process.argv[2];
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
await browser.close();
console.log(JSON.stringify({ errors, requests, figures }));
