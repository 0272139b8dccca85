// End to end in Debian's headless Chromium: screen a patient, plan, record a signed consent, a
// session and a photo, see them in the history (before/after series), the patient list and the
// due list. Prints JSON; saves a screenshot.
// Usage: node e2e.mjs BASE_URL TOKEN SCREENSHOT.png PHOTO.png
import { chromium } from 'playwright-core';
import { textProblems } from './geometry.mjs';

const [base, token, screenshot, photo] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
const errors = [];
// The 422 and 409 the test provokes on purpose are logged by the browser as failed loads: not
// errors.
page.on('console', (m) => { if (m.type() === 'error' && !/\b(422|409)\b/.test(m.text())) errors.push(m.text()); });
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
// The consent is signed on the pad: a stroke drawn with the mouse, and the signer's name.
await page.fill('#c-signer', 'E2E Patient');
const pad = await page.$('#signature');
await pad.scrollIntoViewIfNeeded();
const box = await pad.boundingBox();
await page.mouse.move(box.x + 20, box.y + 80);
await page.mouse.down();
for (const [dx, dy] of [[60, -40], [120, 20], [200, -30], [300, 10]]) await page.mouse.move(box.x + dx, box.y + 70 + dy, { steps: 4 });
await page.mouse.up();
await page.click('#record-consent');
await waitStatus('Consent recorded');
const consentStatus = await page.textContent('#status');
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
// A photo without the patient's consent is refused; with it, it is kept.
await page.setInputFiles('#p-file', photo);
await page.selectOption('#p-zone', 'cheek');
await page.click('#record-photo');
await page.waitForFunction(() => document.getElementById('status').textContent.includes('consent to photos'));
const photoRefused = await page.textContent('#status');
await page.check('#p-consent');
await page.click('#record-photo');
await waitStatus(' kept.');
await page.click('#history');
await page.waitForSelector('#sessions tr:nth-child(2)');
await page.waitForFunction(() => {
  const img = document.querySelector('#photo-series img');
  return img && img.complete && img.naturalWidth > 0;
}, null, { timeout: 20000 }).catch(async (e) => {
  console.error(await page.textContent('#status'), await page.innerHTML('#photo-series').catch(() => 'no series'), errors);
  throw e;
});
const consents = await page.textContent('#consents');
const photos = await page.$$eval('#photo-series img', (imgs) => imgs.map((i) => ({ width: i.naturalWidth, caption: i.parentElement.textContent })));
// The clinic's lists: the patient list (searched) and the due list, and the calendar file.
await page.fill('#search', 'e2e');
await page.click('#list-patients');
await page.waitForSelector('#patients-list');
const patientCodes = await page.$$eval('#patients-list a[data-code]', (as) => as.map((a) => a.textContent));
await page.click('#list-due');
await page.waitForSelector('#due-list');
const due = await page.$$eval('#due-list tr', (rows) => rows.slice(1).map((r) => r.textContent));
const calendar = await page.evaluate(async (t) => (await fetch('/api/records/due?format=ics&within_days=30', { headers: { authorization: 'Bearer ' + t } })).text(), token);
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
console.log(JSON.stringify({ verdict, plan, fieldError, sessions, trend, trendText, trendGeometry, errors, fields, flagBoxes, openWounds, recentLaser, isotretinoin,
  consentStatus, photoRefused, consents, photos, patientCodes, due, calendarStart: calendar.slice(0, 15) }));
