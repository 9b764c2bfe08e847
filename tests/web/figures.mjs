// figures.mjs - the dashboard and the six-monthly evaluation in a real
// browser (Debian's chromium driven by playwright-core) against a real
// server and a demo database.  Prints TAP.  Run by tests/web/test_figures.sh,
// which passes BASE_URL, PASSWORD (of manager12, mayor and inspector) and
// DOWNLOADS (a directory for the downloaded files).
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = (k) => {
  if (!process.env[k]) throw new Error(`${k} is not set`);
  return process.env[k];
};
const BASE = env('BASE_URL');
const PASSWORD = env('PASSWORD');
const DOWNLOADS = env('DOWNLOADS');
mkdirSync(DOWNLOADS, { recursive: true });

let n = 0;
let failed = 0;
function ok(cond, name, detail) {
  n += 1;
  if (cond) {
    console.log(`ok ${n} - ${name}`);
  } else {
    failed += 1;
    console.log(`not ok ${n} - ${name}`);
    if (detail !== undefined) console.log(`#   ${String(detail).replace(/\n/g, '\n#   ')}`);
  }
  return cond;
}

const FA = '۰۱۲۳۴۵۶۷۸۹';
const fa = (s) => String(s).replace(/[0-9]/g, (d) => FA[d]);
const faNum = (x) => fa(String(x).replace(/\B(?=(\d{3})+(?!\d))/g, '٬'));

const userDir = mkdtempSync(join(tmpdir(), 'hamgan-figures-'));
const context = await chromium.launchPersistentContext(userDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage'],
  viewport: { width: 1280, height: 900 },
  locale: 'fa-IR',
  timezoneId: 'Asia/Tehran',
  acceptDownloads: true,
});
context.setDefaultTimeout(30000);

const problems = [];
const offsite = [];
await context.addInitScript(() => {
  document.addEventListener('securitypolicyviolation', (e) => {
    console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
  });
});
const page = context.pages()[0] || (await context.newPage());
page.on('console', (m) => {
  if (m.type() === 'error') problems.push(`console: ${m.text()} (${m.location().url})`);
});
page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
page.on('request', (r) => {
  if (!r.url().startsWith(BASE) && !r.url().startsWith('data:')) offsite.push(r.url());
});

async function login(user) {
  await page.goto(BASE + '/#/login');
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('form button[type=submit]');
  await page.waitForSelector('.who-name');
}

async function logout() {
  await page.click('.who button');
  await page.waitForSelector('.who a[href="#/login"]');
}

// The JSON the page shows, fetched with the page's own session.
const apiJson = (path) => page.evaluate(async (p) => (await fetch(p)).json(), path);

async function download(selector, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const path = join(DOWNLOADS, name);
  await dl.saveAs(path);
  return readFileSync(path);
}

// After the report is (re)drawn: its heading and every chart.
async function shown() {
  await page.waitForSelector('.report-out .report-head h2');
  await page.waitForFunction(() => document.querySelectorAll('.report-out figure.chart canvas').length > 0 &&
    [...document.querySelectorAll('.report-out figure.chart')].every((f) => f.classList.contains('no-chart') ||
      f.querySelector('canvas').width > 0));
}

try {
  // ---- the manager of Region 12: the dashboard ----
  await login('manager12');
  await page.click('#nav a[href="#/dashboard"]');
  await shown();
  const def = await page.evaluate(() => ({
    kind: document.querySelector('select[name=period-kind]').value,
    year: document.querySelector('select[name=period-year]').value,
    free: document.querySelectorAll('form input[name=period]').length,
  }));
  // the demo's messages end in 1400: this year has none, so the latest year that has
  ok(def.kind === 'year' && def.year === '1400', 'the picker defaults to the latest year with messages', JSON.stringify(def));
  ok(def.free === 0, 'no free-text period code to learn');
  const kinds = await page.$$eval('select[name=period-kind] option', (os) => os.map((o) => o.textContent));
  ok(kinds.length === 7 && kinds.every((k) => /[آ-ی]/.test(k) && !/[0-9]|H1|Q2/.test(k)),
    'the picker offers year to date, year, half, season, month, first N months and a range, in Persian', kinds.join(' | '));

  // first nine months of 1399 against 1398
  await page.selectOption('select[name=period-kind]', 'first');
  await page.selectOption('select[name=period-year]', '1399');
  await page.selectOption('select[name=period-first]', '9');
  await page.click('form.report-filters button[type=submit]');
  await page.waitForFunction(() => /۹ ماه نخست ۱۳۹۹/.test(document.querySelector('.report-out h2')?.textContent || ''));
  await shown();
  const want = await apiJson('/api/v1/reports?unit=region-12&period=1399-01..1399-09&compare=previous-year&by=child');
  const referred = await page.textContent('.figure[data-field=referred] .figure-value');
  ok(referred === faNum(want.referred), 'the dashboard shows the API\'s referred for 1399-01..1399-09, in Persian digits',
    `${referred} vs ${want.referred}`);
  const quant = await page.textContent('.figure[data-field=quantitative_rate] .figure-prev');
  ok(/واحد درصد/.test(quant) && !/[0-9]/.test(quant), 'a rate changes in «واحد درصد» (percentage points)', quant);
  const cnt = await page.textContent('.figure[data-field=referred] .figure-prev');
  ok(/٪/.test(cnt) && !/واحد درصد/.test(cnt), 'a count changes in percent', cnt);
  const rank = await page.textContent('.rank-line');
  ok(/۴۰٪ رسیدگی کمّی \+ ۴۰٪ رسیدگی کیفی \+ ۲۰٪ پاسخ به‌موقع/.test(rank), 'the rank says its score formula and weights', rank);

  // every figure has its definition one tap away
  const nfig = await page.$$eval('.figure', (fs) => fs.length);
  const ndef = await page.$$eval('.figure details.def summary', (ds) => ds.length);
  ok(nfig >= 10 && ndef === nfig, 'every figure has a definition', `${ndef} of ${nfig}`);
  const before = await page.isVisible('.figure[data-field=on_time_rate] details.def p');
  await page.click('.figure[data-field=on_time_rate] details.def summary');
  const text = await page.textContent('.figure[data-field=on_time_rate] details.def p');
  ok(!before && (await page.isVisible('.figure[data-field=on_time_rate] details.def p')) && /مهلت/.test(text),
    'one tap shows the on-time definition in Persian', text);

  // the charts and their tables
  const charts = await page.$$eval('.report-out figure.chart', (fs) => fs.map((f) => ({
    title: f.querySelector('h3').textContent,
    drawn: !f.classList.contains('no-chart') && f.querySelector('canvas').width > 0,
    label: f.querySelector('canvas').getAttribute('aria-label'),
    described: document.getElementById(f.querySelector('canvas').getAttribute('aria-describedby'))?.tagName,
    rows: [...f.querySelectorAll('table.chart-table tbody tr')].map((r) => [...r.children].map((c) => c.textContent)),
    head: [...f.querySelectorAll('table.chart-table thead th')].map((c) => c.textContent),
  })));
  ok(charts.length === 3 && charts.every((c) => c.drawn), 'three charts drawn by Chart.js: trend, children, categories',
    JSON.stringify(charts.map((c) => [c.title, c.drawn])));
  ok(charts.every((c) => c.described === 'TABLE' && c.label && c.rows.length > 0),
    'each chart names its table for screen readers', JSON.stringify(charts.map((c) => [c.described, c.rows.length])));
  const months = charts[0].rows;
  ok(months.length === 9 && months[0][0].includes('فروردین') && months.every((r) => !/[0-9]/.test(r.join(''))),
    'the trend\'s table: nine months, this year and the year before, Persian digits', JSON.stringify(months[0]));
  const wantMonths = await apiJson('/api/v1/reports?unit=region-12&period=1399-01..1399-09&compare=previous-year&by=month');
  ok(months.map((r) => r[1]).join(',') === wantMonths.rows.map((r) => faNum(r.referred)).join(',') &&
    months.map((r) => r[2]).join(',') === wantMonths.rows.map((r) => faNum(r.previous.referred)).join(','),
  'the trend\'s table holds the API\'s monthly figures against the year before');
  const kids = charts[1].rows;
  ok(kids.some((r) => /خود واحد/.test(r[0])) && kids.some((r) => /ناحیه/.test(r[0])),
    'children side by side, with the region\'s own row', JSON.stringify(kids.map((r) => r[0])));
  ok(charts[2].rows.length > 1, 'the categories\' table', String(charts[2].rows.length));
  const focusable = await page.$$eval('.report-out a, .report-out button, .report-out summary', (es) => es.length);
  ok(focusable > 6, 'downloads, print and definitions are reachable by keyboard', String(focusable));

  // XLSX and CSV of what is on screen
  const xlsx = await download('.report-head .downloads a[data-format=xlsx]', 'report.xlsx');
  ok(xlsx.subarray(0, 2).toString() === 'PK', 'XLSX of the report downloads (a zip)', String(xlsx.length));
  const csv = await download('.report-head .downloads a[data-format=csv]', 'report.csv');
  const lines = csv.toString('utf8').split('\r\n');
  ok(csv[0] === 0xef && csv[1] === 0xbb && csv[2] === 0xbf && /change_pp_quantitative_rate/.test(lines[0]) &&
    lines[1].startsWith('"region-12"'), 'CSV of the report downloads (BOM, the unit first, points for rates)', lines[0].slice(0, 80));
  const mcsv = await download('figure.chart:nth-of-type(1) .downloads a[data-format=csv]', 'months.csv');
  ok(mcsv.toString('utf8').split('\r\n').filter(Boolean).length === 11, 'CSV of the monthly trend: header, unit, nine months');

  // the print layout
  await page.emulateMedia({ media: 'print' });
  const print = await page.evaluate(() => ({
    filters: getComputedStyle(document.querySelector('.report-filters')).display,
    nav: getComputedStyle(document.querySelector('#nav')).display,
    tables: [...document.querySelectorAll('table.chart-table')].every((t) => getComputedStyle(t).display !== 'none'),
  }));
  ok(print.filters === 'none' && print.nav === 'none' && print.tables, 'print shows the report without the app around it', JSON.stringify(print));
  await page.emulateMedia({ media: 'screen' });

  // a custom range, and a reversed one refused in Persian
  await page.selectOption('select[name=period-kind]', 'range');
  await page.fill('input[name=period-from]', '۱۳۹۹/۰۱/۱۵');
  await page.fill('input[name=period-to]', '1399/02/10');
  await page.click('form.report-filters button[type=submit]');
  await page.waitForFunction(() => /۱۳۹۹\/۰۲\/۱۰/.test(document.querySelector('.report-out .report-head')?.textContent || ''));
  const head = await page.textContent('.report-out .report-head p');
  ok(/۱۳۹۹\/۰۱\/۱۵ تا ۱۳۹۹\/۰۲\/۱۰/.test(head) && /۱۳۹۸\/۰۱\/۱۵/.test(head), 'a custom range against the same days a year earlier', head);
  await page.fill('input[name=period-from]', '۱۳۹۹/۰۳/۰۱');
  await page.click('form.report-filters button[type=submit]');
  await page.waitForSelector('form.report-filters .error-box:not(:empty)');
  ok(/پس از/.test(await page.textContent('form.report-filters .error-box')), 'a reversed range is refused in Persian');
  ok(await page.$('#nav a[href="#/evaluation"]') === null, 'a region\'s manager has no evaluation link');
  await logout();

  // ---- the mayor: the evaluation ----
  await login('mayor');
  ok(await page.$('#nav a[href="#/evaluation"]') !== null, 'the mayor (manager of the city) has the evaluation');
  await page.click('#nav a[href="#/evaluation"]');
  await shown();
  const ev = await page.evaluate(() => ({
    kind: document.querySelector('select[name=period-kind]').value,
    year: document.querySelector('select[name=period-year]').value,
    formula: document.querySelector('.formula').textContent,
    rows: [...document.querySelectorAll('table.chart-table tbody tr')].map((r) => [...r.children].map((c) => c.textContent)),
  }));
  ok(ev.kind === 'half' && ev.year === '1400', 'the evaluation opens on the first half of the latest year with messages', JSON.stringify([ev.kind, ev.year]));
  ok(/امتیاز = ۰٫۴ × رسیدگی کمّی \+ ۰٫۴ × رسیدگی کیفی \+ ۰٫۲ × پاسخ به‌موقع/.test(ev.formula), 'the score formula with its weights', ev.formula);
  ok(ev.rows.length === 22 && ev.rows[0][1] === `۱ از ${fa(22)}`, 'the 22 regions ranked, first «۱ از ۲۲»', JSON.stringify(ev.rows[0]));
  const evJson = await apiJson('/api/v1/reports/evaluation?period=1400-H1&compare=previous-year');
  ok(ev.rows.map((r) => r[0]).join(',') === evJson.rows.map((r) => r.name).join(','), 'in the API\'s rank order');
  ok(ev.rows.every((r) => r.length === 9), 'the inspectors\' sample and the citizens\' verdicts apart and together');
  const evx = await download('.report-out .downloads a[data-format=xlsx]', 'evaluation.xlsx');
  ok(evx.subarray(0, 2).toString() === 'PK', 'XLSX of the evaluation downloads');
  await logout();

  // ---- an inspector: the evaluation too ----
  await login('inspector');
  ok(await page.$('#nav a[href="#/evaluation"]') !== null, 'an inspector has the evaluation');
  await logout();

  ok(offsite.length === 0, 'nothing is fetched from another origin (Chart.js is served locally)', offsite.join(' '));
  ok(problems.length === 0, 'no console errors, page errors or CSP violations', problems.join('\n'));
} catch (e) {
  ok(false, 'the flows ran to the end', e.stack || String(e));
} finally {
  await context.close();
  rmSync(userDir, { recursive: true, force: true });
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
