// End to end in Debian's headless Chromium: screen a patient, plan, record a session, see it in
// the history. Prints JSON; saves a screenshot. Usage: node e2e.mjs BASE_URL TOKEN SCREENSHOT.png
import { chromium } from 'playwright-core';
import { textProblems } from './geometry.mjs';

const [base, token, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
const errors = [];
// The 422 the test provokes on purpose is logged by the browser as a failed load: not an error.
page.on('console', (m) => { if (m.type() === 'error' && !m.text().includes('422')) errors.push(m.text()); });
page.on('pageerror', (e) => errors.push(String(e)));
const waitStatus = (text) => page.waitForFunction((t) => document.getElementById('status').textContent.includes(t), text, { timeout: 20000 });

await page.goto(base, { waitUntil: 'load' });
await page.waitForSelector('body[data-ready="true"]');
await page.selectOption('#indication', 'acne-scars');
await page.fill('#fitzpatrick', '4');
// The form asks every history question of the patient file, from the parser's own list.
const fields = await page.evaluate(async () => (await fetch('/api/patient-file')).json());
const flagBoxes = await page.$$eval('#flags input[type=checkbox]', (boxes) => boxes.map((b) => b.dataset.flag));
const screenVerdict = async () => {
  await page.evaluate(() => { const v = document.getElementById('verdict'); if (v) v.remove(); });
  await page.click('#screen');
  await page.waitForSelector('#verdict');
  return page.textContent('#verdict');
};
// Open wounds, ticked on the web form, contraindicate; a laser 5 days before needs clearance.
await page.check('#flag-open_wounds');
const openWounds = await screenVerdict();
await page.uncheck('#flag-open_wounds');
await page.fill('#treatment-date', '2026-12-01');
await page.selectOption('#procedure-kind', 'laser');
await page.fill('#procedure-date', '2026-11-26');
await page.click('#add-procedure');
const recentLaser = await screenVerdict();
await page.click('#procedures button[data-remove="0"]');
await page.fill('#isotretinoin_last_dose', '2026-10-01');
const isotretinoin = await page.evaluate(async () => {
  await document.getElementById('screen').onclick();
  return Array.from(document.querySelectorAll('#findings li')).map((li) => li.textContent).join(' | ');
});
await page.fill('#isotretinoin_last_dose', '');
await page.fill('#treatment-date', '');
const verdict = await screenVerdict();
await page.click('#plan');
await page.waitForSelector('#plan-summary');
const plan = await page.textContent('#plan-summary');
await page.fill('#token', token);
await page.fill('#code', 'E2E-1');
// The record's birth year fits the form's age (34) at today's treatment date, as the store checks.
await page.fill('#birth_year', String(new Date().getFullYear() - 34));
await page.click('#add-patient');
await waitStatus('added');
await page.click('#record-screening');
await waitStatus('Screening recorded');
await page.click('#record-plan');
await waitStatus('Plan recorded');
await page.click('#record-consent');
await waitStatus('Consent recorded');
await page.fill('#s-depth', '9');
await page.click('#record-session');
await page.waitForFunction(() => document.querySelector('.error[data-for="zones[0].depth_mm"]').textContent.length > 0);
const fieldError = await page.textContent('.error[data-for="zones[0].depth_mm"]');
await page.fill('#s-depth', '1');
await page.click('#record-session');
await waitStatus('Session recorded');
await page.click('#record-event');
await waitStatus('Adverse event recorded');
await page.click('#record-outcome');
await waitStatus('Outcome recorded');
await page.click('#history');
await page.waitForSelector('#sessions tr:nth-child(2)');
const sessions = await page.$$eval('#sessions tr', (rows) => rows.length - 1);
const trend = await page.$$eval('svg.trend', (nodes) => nodes.length);
// The trend's text must not overlap or leave the figure; its points lie inside the plot area
// (not above it) and its y axis has labelled ticks.
const trendText = await textProblems(page, 'svg.trend');
const trendGeometry = await page.$$eval('svg.trend', (nodes) => nodes.map((svg) => {
  const area = svg.querySelector('rect.plot-area').getBoundingClientRect();
  const outside = Array.from(svg.querySelectorAll('circle.point')).map((c) => c.getBoundingClientRect())
    .filter((b) => (b.top + b.bottom) / 2 < area.top - 0.5 || (b.top + b.bottom) / 2 > area.bottom + 0.5).length;
  return { points: svg.querySelectorAll('circle.point').length, outside,
    yTicks: Array.from(svg.querySelectorAll('g.y-tick text')).map((t) => t.textContent) };
}));
await page.screenshot({ path: screenshot, fullPage: true });
await browser.close();
console.log(JSON.stringify({ verdict, plan, fieldError, sessions, trend, trendText, trendGeometry, errors, fields, flagBoxes, openWounds, recentLaser, isotretinoin }));
