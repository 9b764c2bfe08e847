// place.mjs - maps and likely duplicates in a real browser (Debian's
// chromium, playwright-core) against a real server with Tehran's
// boundaries: a pin dropped on the Grand Bazaar fills Region 12 before
// sending, open messages nearby are offered, the message page shows the
// pin, the operator's pin fills the region select, a staff list shows its
// messages on a map, the unit's inbox flags a likely duplicate and one
// click marks it.  Prints TAP; run by tests/web/test_place.sh.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { smsCode } from './sms.mjs';

const env = (k) => {
  if (!process.env[k]) throw new Error(`${k} is not set`);
  return process.env[k];
};
const BASE = env('BASE_URL');
const DB = env('DB');
const BAZAAR = [35.6745, 51.4221];
const MOBILE = '09981888138';

let n = 0;
let failed = 0;
function ok(cond, name, detail) {
  n += 1;
  console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${name}`);
  if (!cond) {
    failed += 1;
    if (detail !== undefined) console.log(`#   ${String(detail).replace(/\n/g, '\n#   ')}`);
  }
  return cond;
}

const userDir = mkdtempSync(join(tmpdir(), 'hamgan-chromium-'));
const context = await chromium.launchPersistentContext(userDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
  viewport: { width: 1280, height: 1000 },
  locale: 'fa-IR',
  timezoneId: 'Asia/Tehran',
});
context.setDefaultTimeout(15000);
await context.addInitScript(() => {
  document.addEventListener('securitypolicyviolation', (e) => {
    console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
  });
});
const problems = [];
const outside = [];
const page = context.pages()[0] || (await context.newPage());
page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
page.on('request', (r) => { if (!r.url().startsWith(BASE) && !r.url().startsWith('data:')) outside.push(r.url()); });

async function login(user, password) {
  await page.goto(BASE + '/#/login');
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', password);
  await page.click('form button[type=submit]');
  await page.waitForSelector('.who-name');
}
async function logout() {
  await page.click('.who button');
  await page.waitForSelector('.who a[href="#/login"]');
}
/** Click the map inside scope at [lat, lon]. */
async function clickMap(scope, [lat, lon]) {
  await page.waitForSelector(`${scope} .map-field[data-ready]`);
  const box = await page.$(`${scope} .map-field .map`);
  await box.scrollIntoViewIfNeeded();
  const p = await box.evaluate((el, ll) => {
    el.hamganMap.setView(ll, 16, { animate: false });
    const pt = el.hamganMap.latLngToContainerPoint(ll);
    return { x: pt.x, y: pt.y };
  }, [lat, lon]);
  const r = await box.boundingBox();
  await page.mouse.click(r.x + p.x, r.y + p.y);
}

let first = '';
let second = '';
try {
  // an open message of the same category at the bazaar, sent as a citizen
  await page.goto(BASE + '/#/submit');
  await page.waitForSelector('form select[name=kind]');
  await page.selectOption('select[name=kind]', 'complaint');
  const cat = await page.$$eval('select[name=category] option', (os) =>
    (os.find((o) => /چاله/.test(o.textContent)) || os.find((o) => /معابر/.test(o.textContent)) || os[1]).value);
  // the mobile is proved with the code texted to it (tests/web/verify.mjs tests the step)
  await page.evaluate(async (mobile) => {
    await fetch('/api/v1/verify', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ mobile }),
    });
  }, MOBILE);
  first = await page.evaluate(async ({ cat, ll, mobile, vc }) => {
    const r = await fetch('/api/v1/messages', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'complaint', category: cat, subject: 'چاله در بازار بزرگ', body: 'چاله‌ای کنار سبزه‌میدان', mobile, verification_code: vc, lat: ll[0], lon: ll[1] }),
    });
    return (await r.json()).code;
  }, { cat, ll: BAZAAR, mobile: MOBILE, vc: smsCode(DB, MOBILE) });
  ok(/^\d{10}$/.test(first), 'a first message at the bazaar', first);

  // the form: a pin on the bazaar shows Region 12 before sending
  await page.selectOption('select[name=category]', cat);
  ok(outside.length === 0, 'the map asks nothing of the internet', outside.join(' '));
  await clickMap('form', [BAZAAR[0] + 0.0002, BAZAAR[1] + 0.0002]);
  await page.waitForSelector('.map-status[data-region]');
  const status = await page.$eval('.map-status', (e) => ({ code: e.dataset.region, text: e.textContent }));
  ok(status.code === 'region-12' && /منطقه ۱۲/.test(status.text), 'the pin on the Grand Bazaar shows Region 12 before sending', JSON.stringify(status));
  const drawn = await page.$$eval('.map-field .leaflet-overlay-pane path', (ps) => ps.length);
  ok(drawn >= 22, "the regions' boundaries are drawn as vector data", drawn);
  const attribution = await page.textContent('.map-field .leaflet-control-attribution');
  ok(/OpenStreetMap/.test(attribution) && /ODbL/.test(attribution), "the map keeps OpenStreetMap's attribution", attribution);
  const tiles = await page.$$eval('.leaflet-tile', (t) => t.length);
  ok(tiles === 0, 'no tile layer without a configured tile server', tiles);
  const near = await page.waitForSelector(`.nearby li[data-code="${first}"]`);
  ok(Boolean(near), 'the open message of the same category nearby is offered ("is this yours?")');
  ok(await page.$(`.nearby a[href="#/track/${first}"]`) !== null, 'with a link to follow it instead');
  await page.fill('input[name=subject]', 'باز هم چاله در بازار');
  await page.fill('textarea[name=body]', 'همان چاله هنوز هست.');
  await page.fill('input[name=mobile]', MOBILE);
  await page.evaluate(() => document.fonts.ready);
  mkdirSync(dirname(env('SHOT')), { recursive: true });
  await page.screenshot({ path: env('SHOT'), fullPage: true });
  ok(true, `screenshot of the submit form with its map saved in ${env('SHOT')}`);
  await page.click('button.send-code');
  await page.waitForSelector('input[name=verification_code]', { state: 'visible' });
  await page.fill('input[name=verification_code]', smsCode(DB, MOBILE));
  await page.click('form button[type=submit]');
  second = await (await page.waitForSelector('.tracking-code')).getAttribute('data-code');
  ok(/^\d{10}$/.test(second), 'the second message is sent', second);

  // the operator: the message page shows the pin; the desk's pin fills the region
  await login(env('OPERATOR'), env('OPERATOR_PASSWORD'));
  await page.goto(BASE + '/#/m/' + second);
  const pv = await page.waitForSelector('.pin-view');
  const pinAt = await pv.evaluate((e) => [Number(e.dataset.lat), Number(e.dataset.lon)]);
  // the pin is where the click landed (a pixel is some metres): the page
  // shows the point stored with the message, which is near the bazaar
  const stored = execFileSync('sqlite3', [DB, `SELECT lat || ',' || lon FROM messages WHERE code = '${second}'`])
    .toString().trim().split(',').map(Number);
  ok(Math.abs(pinAt[0] - stored[0]) < 1e-6 && Math.abs(pinAt[1] - stored[1]) < 1e-6 &&
    Math.abs(pinAt[0] - BAZAAR[0]) < 0.005 && Math.abs(pinAt[1] - BAZAAR[1]) < 0.005,
  'the message page shows the pin', `${pinAt} (stored ${stored})`);
  await page.waitForSelector('.pin-view .map[data-ready] .leaflet-marker-icon');
  ok(true, 'with a marker on the map');
  const facts = await page.textContent('.facts');
  ok(/منطقه ۱۲/.test(facts), 'the message went to Region 12 by itself', facts.slice(0, 300));
  const hop = await page.textContent('.timeline');
  ok(/system:place/.test(hop), 'the referral is the system\'s', hop.slice(0, 300));
  await page.goto(BASE + '/#/desk');
  await clickMap('.desk-form', BAZAAR);
  await page.waitForFunction(() => document.querySelector('select[name=region]').value === 'region-12');
  ok(true, "the operator's pin fills the region select with Region 12 (to confirm)");
  await logout();

  // Region 12's staff: the inbox flags the duplicate, one click marks it
  await login(env('STAFF'), env('STAFF_PASSWORD'));
  const flag = await page.waitForSelector(`.msg-row:has(a[href="#/m/${second}"]) .badge.dup`);
  ok(Boolean(flag), "the unit's inbox flags the second message as a likely duplicate");
  await page.click('[data-map=list]');
  await page.waitForSelector('.list-map .map[data-ready]');
  const markers = await page.$$eval('.list-map .leaflet-marker-icon', (m) => m.length);
  ok(markers >= 2, "the inbox's messages are shown on a map", markers);
  await page.goto(BASE + '/#/m/' + second);
  const btn = await page.waitForSelector(`.similar button[data-duplicate-of="${first}"]`);
  const why = await page.textContent(`.similar li[data-code="${first}"]`);
  ok(/همان شمارهٔ همراه/.test(why) && /همان موضوع در نزدیکی/.test(why), 'flagged by the same mobile and the same category nearby', why);
  await btn.click();
  // the page is drawn again with the new state, and the notice is still
  // there after the redraw (not shown before it and wiped by it); on a
  // time-out, say what the page showed instead (an error box, another flash)
  await page.waitForFunction(() => document.querySelector('.msg-head .state-rejected') &&
    document.querySelector('ul.attachments li') &&
    /تکراری/.test(document.getElementById('flash').textContent))
    .catch(async (e) => {
      const shown = await page.evaluate(() => [...document.querySelectorAll('.error-box:not([hidden])')]
        .map((b) => b.textContent).concat(document.getElementById('flash').textContent).join(' | '));
      throw new Error(`no «تکراری» flash after marking the duplicate; the page showed: ${shown}\n${e.message}`);
    });
  const kept = await page.evaluate(() => document.getElementById('flash').textContent);
  ok(/تکراری/.test(kept), 'the notice stays once the page is drawn again', kept);
  const state = await page.evaluate(async (c) => (await (await fetch('/api/v1/messages/' + c)).json()), second);
  ok(state.state === 'rejected' && state.reject_reason === 'duplicate', 'one click marks it a duplicate of the first', JSON.stringify({ s: state.state, r: state.reject_reason }));
} catch (e) {
  ok(false, 'the place flows ran to the end', e.stack || e);
}
ok(problems.length === 0, 'no console errors, page errors or CSP violations', problems.join('\n'));
await context.close();
rmSync(userDir, { recursive: true, force: true });
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
