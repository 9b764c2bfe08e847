// forms.mjs - the forms people live in, in a real browser (Debian's chromium
// driven by playwright-core) against a real server and database: field
// errors marked all at once, photos attached and previewed, the operator's
// desk («ثبت و ارجاع», national id, the region carried into the refer form,
// names in timelines), live sessions (Jalali picker, caller history, paging),
// admin editing with search and paging, one's own password, categories in
// Persian order, the phone's one-line menu.  Then axe-core over every page
// of every role, desktop and phone: no serious or critical violation; a
// screenshot of each goes to build/screens/.  Prints TAP.  Run by
// tests/web/test_forms.sh (test_web.sh's setup), which passes BASE_URL, the
// logins (OPERATOR, STAFF, INSPECTOR, ADMIN, MANAGER and *_PASSWORD),
// STAFF_UNIT and FIXTURES; WEB_SHOTS=DIR copies the README's screenshots.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, mkdirSync, readFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { smsCode } from './sms.mjs';

const env = (k) => {
  if (!process.env[k]) throw new Error(`${k} is not set`);
  return process.env[k];
};
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BASE = env('BASE_URL');
const FIX = env('FIXTURES');
const DB = env('DB');
const SHOTS = join(ROOT, 'build', 'screens');
const AXE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
mkdirSync(SHOTS, { recursive: true });

let n = 0;
let failed = 0;
function ok(cond, name, detail) {
  n += 1;
  if (!cond) failed += 1;
  console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${name}`);
  if (!cond && detail !== undefined) console.log(`#   ${String(detail).replace(/\n/g, '\n#   ')}`);
  return cond;
}

const FA = '۰۱۲۳۴۵۶۷۸۹';
const fa = (s) => String(s).replace(/[0-9]/g, (d) => FA[d]);
const MOBILE = '09981888139'; // a prefix the demo's citizens never have
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

// A valid national id (its check digit computed as the core does).
function nationalId(first9) {
  let s = 0;
  for (let i = 0; i < 9; i++) s += Number(first9[i]) * (10 - i);
  const r = s % 11;
  return first9 + String(r < 2 ? r : 11 - r);
}

// The Persian alphabet order (src/fa/collate.c), for checking a list.
const ALPHABET = ['اآأإء', 'ب', 'پ', 'ت', 'ث', 'ج', 'چ', 'ح', 'خ', 'د', 'ذ', 'ر', 'ز', 'ژ', 'س', 'ش', 'ص', 'ض',
  'ط', 'ظ', 'ع', 'غ', 'ف', 'ق', 'کك', 'گ', 'ل', 'م', 'ن', 'وؤ', 'هةۀ', 'یيىئ'];
const rank = (ch) => {
  const i = ALPHABET.findIndex((g) => g.includes(ch));
  return i < 0 ? -1 : i;
};
function firstLetterOrder(names) {
  const bad = [];
  for (let i = 1; i < names.length; i++) {
    const a = rank(names[i - 1][0]);
    const b = rank(names[i][0]);
    if (a >= 0 && b >= 0 && a > b) bad.push(`${names[i - 1]} > ${names[i]}`);
  }
  return bad;
}

const userDir = mkdtempSync(join(tmpdir(), 'hamgan-chromium-'));
const context = await chromium.launchPersistentContext(userDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--lang=fa', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage'],
  viewport: DESKTOP,
  locale: 'fa-IR',
  timezoneId: 'Asia/Tehran',
  bypassCSP: true, // axe-core is evaluated in the page
});
context.setDefaultTimeout(20000);
const page = context.pages()[0] || (await context.newPage());
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));

/** Go to a hash and wait until the page has drawn (no loading line left). */
async function visit(hash) {
  await page.goto(BASE + '/' + hash);
  await page.waitForFunction(() => document.documentElement.classList.contains('ready') &&
    document.querySelector('main h1, main .hero, main .error-box') && !document.querySelector('main .loading'));
}

async function signOut() {
  await context.clearCookies();
  await page.evaluate(() => localStorage.clear()).catch(() => {});
}

async function login(user, password) {
  await signOut();
  // a fresh page: a hash change alone keeps the previous user's header,
  // and the wait below would see it at once
  await page.goto(BASE + '/#/login');
  await page.reload();
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', password);
  await page.click('form button[type=submit]');
  // signed in and sent to the role's own page: only then may a test move on
  // (else the app's move to that page would replace the test's)
  await page.waitForFunction(() => !location.hash.startsWith('#/login') &&
    document.querySelector('.who-name'));
}

/** A signed-in API call from the page (the session cookie and CSRF token). */
async function call(method, path, body) {
  return page.evaluate(async ([m, p, b]) => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    const r = await fetch('/api/v1' + p, {
      method: m,
      headers: { 'Content-Type': 'application/json', 'X-Hamgan-CSRF': me.csrf_token || '' },
      body: b ? JSON.stringify(b) : undefined,
    });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, [method, path, body]);
}

// ---- axe-core and screenshots, every page ----
const audited = [];
async function audit(role, name, hash, prepare) {
  for (const [device, size] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    await page.setViewportSize(size);
    await visit(hash);
    if (prepare) await prepare();
    await page.evaluate(AXE);
    const bad = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((x) => x.target.join(' ')).join('; ')})`);
    });
    const file = join(SHOTS, `${role}-${name}-${device}.png`);
    await page.screenshot({ path: file, fullPage: true });
    audited.push(file);
    ok(bad.length === 0, `axe: ${role} ${name} (${device}) has no serious or critical violation`, bad.join('\n'));
  }
  await page.setViewportSize(DESKTOP);
}

let code1 = '';
let code2 = '';
let code3 = '';
try {
  // ---- the citizen: every wrong field marked at once, then a photo ----
  await signOut();
  await visit('#/submit');
  await page.click('form button[type=submit]');
  await page.waitForSelector('[aria-invalid="true"]');
  const marked = await page.$$eval('[aria-invalid="true"]', (els) => els.map((e) => e.name).sort().join(','));
  ok(['body', 'kind', 'subject'].every((f) => marked.includes(f)), 'an empty form marks every missing field at once', marked);
  const sentences = await page.$$eval('.field-error', (ps) => ps.map((p) => p.textContent));
  ok(sentences.includes('عنوان را پر کنید') && sentences.includes('متن پیام را پر کنید'),
    'each marked field names its rule in Persian under it', sentences.join(' | '));
  const described = await page.$eval('input[name=subject]', (el) => document.getElementById(el.getAttribute('aria-describedby').split(' ').pop())?.textContent);
  ok(described === 'عنوان را پر کنید', 'the sentence is tied to the field (aria-describedby)', described);
  const box = await page.textContent('form > .error-box');
  ok(!/پذیرفته نیست/.test(box) && /عنوان را پر کنید/.test(box), 'the error box says the rules, not «… پذیرفته نیست»', box);

  // categories in Persian alphabetical order (the API and the form)
  const api = await page.evaluate(async () => (await (await fetch('/api/v1/categories')).json()).items.map((c) => c.name));
  ok(firstLetterOrder(api).length === 0, 'GET /categories is in Persian alphabetical order', firstLetterOrder(api).slice(0, 5).join('; '));
  await page.selectOption('select[name=kind]', 'complaint');
  const groups = await page.$$eval('select[name=category] optgroup', (gs) => gs.map((g) => [...g.querySelectorAll('option')].map((o) => o.textContent)));
  const badGroups = groups.flatMap(firstLetterOrder);
  ok(groups.length > 0 && badGroups.length === 0, 'the form lists categories in Persian order (پ after ب, گ after ک)', badGroups.join('; '));

  await page.fill('input[name=subject]', 'درخت افتاده در کوچه');
  await page.fill('textarea[name=body]', 'درخت بزرگی در کوچهٔ ما افتاده و راه را بسته است.');
  await page.fill('input[name=mobile]', '0912');
  await page.click('form button[type=submit]');
  // the empty form's marks (the mobile's among them) stay until this answer
  // comes: wait for the kind's mark to go, then read the mobile's own sentence
  await page.waitForFunction(() => !document.querySelector('select[name=kind]').hasAttribute('aria-invalid')
    && document.querySelector('input[name=mobile]').getAttribute('aria-invalid') === 'true');
  const mobileRule = await page.$eval('input[name=mobile]', (el) => document.getElementById(el.getAttribute('aria-describedby').split(' ').pop())?.textContent);
  ok(/۰۹/.test(mobileRule), 'a wrong mobile is marked with its rule', mobileRule);
  ok(await page.$eval('input[name=subject]', (e) => !e.hasAttribute('aria-invalid')), 'fields fixed since are no longer marked');
  await page.fill('input[name=mobile]', fa(MOBILE));
  // the mobile is proved with the code texted to it (tests/web/verify.mjs tests the step)
  await page.click('button.send-code');
  await page.waitForSelector('input[name=verification_code]', { state: 'visible' });
  await page.fill('input[name=verification_code]', fa(smsCode(DB, MOBILE)));
  await page.setInputFiles('input[name=files]', join(FIX, 'photo.jpg'));
  await page.click('form button[type=submit]');
  const c1 = await page.waitForSelector('.tracking-code');
  code1 = await c1.getAttribute('data-code');
  const filesLine = await page.textContent('.card.done');
  ok(/۱ پرونده پیوست شد/.test(filesLine), 'the citizen attaches a photo with the message', filesLine);
  await visit(`#/track/${code1}`);
  await page.fill('input[name=mobile]', MOBILE);
  await page.click('form button[type=submit]');
  await page.waitForSelector('.track-files img');
  const own = await page.$eval('.track-files img', (el) => ({ data: el.src.startsWith('data:image/jpeg'), w: el.naturalWidth }));
  ok(own.data && own.w === 320, 'the citizen sees their photo when tracking (with the code and mobile)', JSON.stringify(own));

  // ---- the operator ----
  await login(env('OPERATOR'), env('OPERATOR_PASSWORD'));
  const opName = (await call('GET', '/auth/me')).body.user.name;
  await visit(`#/m/${code1}`);
  await page.waitForSelector('.attachments img');
  const img = await page.$eval('.attachments img', async (el) => {
    await el.decode().catch(() => {});
    return { w: el.naturalWidth, src: el.getAttribute('src') };
  });
  ok(img.w === 320 && /thumb=1/.test(img.src), "the citizen's photo shows as a 320-pixel preview", JSON.stringify(img));
  await page.setInputFiles('.attach-form input[type=file]', join(FIX, 'photo.webp'));
  await page.click('.attach-form button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('.attachments li.attachment').length === 2);
  const who = await page.$$eval('.attachments li.attachment', (ls) => ls.map((l) => l.textContent));
  ok(who[1].includes(opName), 'the operator adds a WebP on the message page, shown under their name', who.join(' | '));
  await page.setInputFiles('.attach-form input[type=file]', { name: 'notes.txt', mimeType: 'image/jpeg', buffer: Buffer.from('not an image at all') });
  await page.click('.attach-form button[type=submit]');
  await page.waitForSelector('.attach-form .error-box:not([hidden])');
  ok(/JPEG|PNG|WebP|PDF|پرونده/.test(await page.textContent('.attach-form .error-box')), 'a file that is not a photo or PDF by its bytes is refused with a sentence');

  // the desk: an empty form marks the fields; national id; «ثبت و ارجاع»
  await visit('#/desk');
  await page.click('form.desk-form button[value=register]');
  await page.waitForSelector('form.desk-form [aria-invalid="true"]');
  const deskMarked = await page.$$eval('form.desk-form [aria-invalid="true"]', (els) => els.map((e) => e.name).sort().join(','));
  ok(['body', 'kind', 'subject'].every((f) => deskMarked.includes(f)), 'the desk marks every missing field at once', deskMarked);
  await page.fill('input[name=mobile]', MOBILE);
  await page.fill('input[name=name]', 'مریم احمدی');
  await page.fill('input[name=national_id]', nationalId('001234567'));
  await page.selectOption('select[name=kind]', 'complaint');
  await page.fill('input[name=subject]', 'چراغ خاموش کوچه');
  await page.fill('textarea[name=body]', 'چراغ‌های کوچه یک هفته است خاموش است.');
  await page.click('form.desk-form button[value=refer]');
  await page.waitForSelector('form.desk-form select[name=region][aria-invalid="true"]');
  ok(true, '«ثبت و ارجاع» without a region marks the region');
  await page.selectOption('select[name=region]', env('STAFF_UNIT'));
  await page.click('form.desk-form button[value=refer]');
  const c2 = await page.waitForSelector('.desk-result .tracking-code');
  code2 = await c2.getAttribute('data-code');
  const m2 = (await call('GET', `/messages/${code2}`)).body;
  ok(m2.state === 'referred' && m2.citizen && m2.citizen.national_id === nationalId('001234567'),
    '«ثبت و ارجاع» registers with the national id and refers in one step', `${m2.state} ${JSON.stringify(m2.citizen)}`);
  ok(/ارجاع شد/.test(await page.textContent('.desk-result')), 'the desk says it was referred');

  // register only, with a region: the refer form starts with that region
  await visit('#/desk');
  await page.fill('input[name=mobile]', MOBILE);
  await page.selectOption('select[name=kind]', 'request');
  await page.selectOption('select[name=region]', env('STAFF_UNIT'));
  await page.fill('input[name=subject]', 'جمع‌آوری نخاله');
  await page.fill('textarea[name=body]', 'نخالهٔ ساختمانی کنار پیاده‌رو مانده است.');
  await page.click('form.desk-form button[value=register]');
  const c3 = await page.waitForSelector('.desk-result .tracking-code');
  code3 = await c3.getAttribute('data-code');
  await visit(`#/m/${code3}`);
  await page.click('button[data-action=refer]');
  const picked = await page.$eval('form[data-action=refer] select[name=unit]', (s) => s.value);
  ok(picked === env('STAFF_UNIT'), 'the region picked at registration carries into the refer form', picked);

  // people's names in the timeline, dates apart from numbers
  await visit(`#/m/${code2}`);
  const hop = await page.textContent('.timeline .hop');
  ok(hop.includes(opName) && !hop.includes(`به دست ${env('OPERATOR')}`), "the timeline names the person, not the username", hop);
  const runTogether = await page.$$eval('time.jdate', (ts) => ts.filter((t) => {
    const before = t.previousSibling && t.previousSibling.textContent;
    return before && /[0-9۰-۹]\s*$/.test(before);
  }).length);
  ok(runTogether === 0, 'no date follows a number without a separator', runTogether);

  // ---- the manager: a Jalali picker, caller history and address, paging ----
  await login(env('MANAGER'), env('MANAGER_PASSWORD'));
  for (let i = 0; i < 23; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    const r = await call('POST', '/sessions', { unit: env('STAFF_UNIT'), title: `جلسهٔ آزمایشی ${fa(i + 1)}`, starts_at: `2025-0${1 + Math.floor(i / 28)}-${day}T06:30:00Z`, ends_at: `2025-0${1 + Math.floor(i / 28)}-${day}T08:30:00Z` });
    if (r.status !== 201) throw new Error(`session ${i}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  await visit('#/live');
  const pager = await page.textContent('aside .pager');
  ok(/۱ تا ۱۰ از/.test(pager), 'more than 20 sessions come in pages', pager);
  await page.click('aside button[data-page=next]');
  ok(/۱۱ تا ۲۰ از/.test(await page.textContent('aside .pager')), 'the next page of sessions');
  const days = async (m) => {
    await page.selectOption('form[data-form=live-new] select[name=month]', String(m));
    return page.$$eval('form[data-form=live-new] select[name=day] option', (os) => os.length);
  };
  ok(await days(1) === 31 && await days(7) === 30, 'the Jalali picker gives Farvardin 31 days, Mehr 30', '');
  ok(await page.$eval('form[data-form=live-new] select[name=month]', (s) => s.selectedOptions[0].textContent) === 'مهر', 'months by their Persian names');
  const monthNow = await page.evaluate(() => {
    const p = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', { timeZone: 'Asia/Tehran', month: 'numeric' }).formatToParts(new Date());
    return p.find((x) => x.type === 'month').value;
  });
  await page.selectOption('form[data-form=live-new] select[name=month]', monthNow);
  await page.selectOption('form[data-form=live-new] select[name=from_h]', '16');
  await page.selectOption('form[data-form=live-new] select[name=to_h]', '18');
  await page.click('form[data-form=live-new] button[type=submit]');
  await page.waitForSelector('form[data-form=live-call]');
  const starts = await page.getAttribute('[data-session] h2 time', 'datetime');
  const hm = await page.evaluate((iso) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tehran', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso)), starts);
  ok(hm === '16:00', 'the picked time is Tehran time', `${starts} ${hm}`);
  await page.fill('form[data-form=live-call] input[name=mobile]', MOBILE);
  await page.waitForFunction(() => /درخت افتاده در کوچه|چراغ خاموش کوچه/.test(document.querySelector('.live-call .history')?.textContent || ''));
  ok(true, "a call shows the caller's history");
  ok(await page.$('form[data-form=live-call] input[name=address]') !== null, 'a call takes an address');

  // ---- the admin: search, paging, edit, deactivate and re-enable ----
  await login(env('ADMIN'), env('ADMIN_PASSWORD'));
  await page.waitForSelector('.tab-panel table');
  ok(/۱ تا ۲۰ از/.test(await page.textContent('.tab-panel .pager')), 'users come twenty to a page');
  await page.click('.tab-panel button[data-page=next]');
  ok(/۲۱ تا ۴۰ از/.test(await page.textContent('.tab-panel .pager')), 'the next page of users');
  await page.fill('.tab-panel input[type=search]', env('STAFF'));
  await page.waitForFunction(() => document.querySelectorAll('.tab-panel tbody tr').length >= 1 &&
    document.querySelector('.tab-panel .pager').textContent.includes('از'));
  const rows = await page.$$eval('.tab-panel tbody tr', (rs) => rs.map((r) => r.textContent));
  ok(rows.every((r) => r.includes(process.env.STAFF || '')), 'the search finds the user', rows.join(' | '));
  await page.click('.tab-panel tbody tr button.link');
  await page.waitForSelector(`form[data-edit="${env('STAFF')}"]`);
  const staffName = await page.inputValue(`form[data-edit="${env('STAFF')}"] input[name=name]`);
  await page.fill(`form[data-edit="${env('STAFF')}"] input[name=name]`, 'کارشناس ویرایش‌شده');
  await page.uncheck(`form[data-edit="${env('STAFF')}"] input[name=active]`);
  await page.click(`form[data-edit="${env('STAFF')}"] button[type=submit]`);
  await page.waitForFunction(() => document.querySelector('.tab-panel tbody')?.textContent.includes('کارشناس ویرایش‌شده'));
  ok((await page.textContent('.tab-panel tbody')).includes('غیرفعال'), 'the admin renames and deactivates a user');
  await page.fill('.tab-panel input[type=search]', env('STAFF'));
  await page.click('.tab-panel tbody tr button.link');
  await page.check(`form[data-edit="${env('STAFF')}"] input[name=active]`);
  await page.fill(`form[data-edit="${env('STAFF')}"] input[name=name]`, staffName);
  await page.fill(`form[data-edit="${env('STAFF')}"] input[name=password]`, env('STAFF_PASSWORD'));
  await page.click(`form[data-edit="${env('STAFF')}"] button[type=submit]`);
  await page.waitForFunction(() => !document.querySelector('.tab-panel tbody')?.textContent.includes('غیرفعال'));
  ok(true, 'the admin re-enables the user and resets the password');
  // a form with two wrong fields marks both
  await page.fill('.tab-panel form:not([data-edit]) input[name=username]', 'Bad Name');
  await page.fill('.tab-panel form:not([data-edit]) input[name=password]', 'x');
  await page.click('.tab-panel form:not([data-edit]) button[type=submit]');
  await page.waitForSelector('.tab-panel form:not([data-edit]) [aria-invalid="true"]');
  const addMarked = await page.$$eval('.tab-panel form:not([data-edit]) [aria-invalid="true"]', (els) => els.map((e) => e.name).sort().join(','));
  ok(addMarked.includes('name') && addMarked.includes('role'), 'the add-user form marks every missing field', addMarked);
  // categories: kinds, service code, deadline
  await page.click('button[data-tab=categories]');
  await page.waitForSelector('.tab-panel table');
  const catCode = await page.$eval('.tab-panel tbody tr bdi', (b) => b.textContent);
  await page.fill('.tab-panel input[type=search]', catCode);
  await page.click('.tab-panel tbody tr button.link');
  await page.fill(`form[data-edit="${catCode}"] input[name=deadline_hours]`, '۱۲۰');
  await page.fill(`form[data-edit="${catCode}"] input[name=service_code]`, 'svc-edited');
  await page.uncheck(`form[data-edit="${catCode}"] input[name=kind_appreciation]`);
  await page.click(`form[data-edit="${catCode}"] button[type=submit]`);
  await page.waitForFunction(() => document.querySelector('.tab-panel tbody')?.textContent.includes('svc-edited'));
  const catRow = await page.textContent('.tab-panel tbody tr');
  ok(catRow.includes('۱۲۰') && !catRow.includes('همه'), 'the admin edits a category: deadline, service code, kinds', catRow);
  await page.click('button[data-tab=units]');
  await page.waitForSelector('.tab-panel table');
  ok(/۱ تا ۲۰ از/.test(await page.textContent('.tab-panel .pager')), 'units come in pages too');

  // ---- the phone: the navigation is one line, a menu ----
  await page.setViewportSize(PHONE);
  await visit('#/admin');
  const closed = await page.evaluate(() => ({
    h: document.querySelector('.top').getBoundingClientRect().height,
    nav: getComputedStyle(document.getElementById('nav')).display,
    btn: getComputedStyle(document.getElementById('menu-toggle')).display,
  }));
  ok(closed.h < 64 && closed.nav === 'none' && closed.btn !== 'none', 'on a phone the header is one line with a menu button', JSON.stringify(closed));
  await page.click('#menu-toggle');
  const open = await page.evaluate(() => ({
    expanded: document.getElementById('menu-toggle').getAttribute('aria-expanded'),
    links: [...document.querySelectorAll('#nav a')].filter((a) => a.offsetParent).length,
  }));
  ok(open.expanded === 'true' && open.links >= 2, 'the menu opens the sections', JSON.stringify(open));
  await page.click('#nav a[href="#/messages"]');
  await page.waitForFunction(() => location.hash === '#/messages' && !document.querySelector('.top.open'));
  ok(true, 'a section chosen from the menu opens and the menu closes');
  await page.setViewportSize(DESKTOP);
} catch (e) {
  ok(false, 'the form scenarios ran to the end', e.stack || e);
}

// ---- every page of every role, desktop and phone ----
try {
  await signOut();
  await audit('citizen', 'welcome', '#/welcome');
  await audit('citizen', 'submit', '#/submit');
  await audit('citizen', 'submit-errors', '#/submit', async () => {
    await page.click('form button[type=submit]');
    await page.waitForSelector('[aria-invalid="true"]');
  });
  await audit('citizen', 'track', '#/track');
  await audit('citizen', 'track-result', `#/track/${code1}`, async () => {
    await page.fill('input[name=mobile]', MOBILE);
    await page.click('form button[type=submit]');
    await page.waitForSelector('.track-result');
  });
  await audit('citizen', 'login', '#/login');

  await login(env('OPERATOR'), env('OPERATOR_PASSWORD'));
  await audit('operator', 'desk', '#/desk');
  await audit('operator', 'messages', '#/messages');
  await audit('operator', 'message', `#/m/${code1}`, () => page.waitForSelector('.attachments img'));
  await audit('operator', 'refer', `#/m/${code3}`, () => page.click('button[data-action=refer]'));
  await audit('operator', 'password', '#/password');

  await login(env('STAFF'), env('STAFF_PASSWORD'));
  await audit('staff', 'inbox', '#/inbox');
  await audit('staff', 'messages', '#/messages');
  await audit('staff', 'message', `#/m/${code2}`);
  await audit('staff', 'answer', `#/m/${code2}`, () => page.click('button[data-action=answer]'));

  await login(env('MANAGER'), env('MANAGER_PASSWORD'));
  await audit('manager', 'inbox', '#/inbox');
  await audit('manager', 'live', '#/live');
  await audit('manager', 'dashboard', '#/dashboard');
  await audit('manager', 'messages', '#/messages');
  await audit('manager', 'canned', '#/canned');

  await login(env('INSPECTOR'), env('INSPECTOR_PASSWORD'));
  await audit('inspector', 'messages', '#/messages');
  await audit('inspector', 'message', `#/m/${code1}`);
  await audit('inspector', 'dashboard', '#/dashboard');
  await audit('inspector', 'evaluation', '#/evaluation');

  await login(env('ADMIN'), env('ADMIN_PASSWORD'));
  await audit('admin', 'users', '#/admin');
  await audit('admin', 'user-edit', '#/admin', async () => {
    await page.click('.tab-panel tbody tr button.link');
    await page.waitForSelector('form[data-edit]');
  });
  await audit('admin', 'units', '#/admin', async () => {
    await page.click('button[data-tab=units]');
    await page.waitForSelector('.tab-panel table');
  });
  await audit('admin', 'categories', '#/admin', async () => {
    await page.click('button[data-tab=categories]');
    await page.waitForSelector('.tab-panel table');
  });
  await audit('admin', 'messages', '#/messages');
  await audit('admin', 'password', '#/password');
} catch (e) {
  ok(false, 'the accessibility audit visited every page', e.stack || e);
}

// ---- one's own password (last: it changes the inspector's) ----
try {
  await login(env('INSPECTOR'), env('INSPECTOR_PASSWORD'));
  await visit('#/password');
  await page.fill('input[name=current_password]', 'not-my-password');
  await page.fill('input[name=password]', 'a-new-inspector-pass');
  await page.fill('input[name=again]', 'a-new-inspector-pass');
  await page.click('form button[type=submit]');
  await page.waitForSelector('input[name=current_password][aria-invalid="true"]');
  ok(/گذرواژهٔ کنونی درست نیست/.test(await page.textContent('.field-error')), 'a wrong current password is marked on its field');
  await page.fill('input[name=current_password]', env('INSPECTOR_PASSWORD'));
  await page.fill('input[name=password]', 'a-new-inspector-pass');
  await page.fill('input[name=again]', 'a-new-inspector-pass');
  await page.click('form button[type=submit]');
  await page.waitForFunction(() => /گذرواژهٔ شما تغییر کرد/.test(document.getElementById('flash').textContent));
  const still = await call('GET', '/auth/me');
  ok(still.status === 200, 'the user changes their own password and stays signed in here', still.status);
  await login(env('INSPECTOR'), 'a-new-inspector-pass');
  ok(true, 'the new password signs in');
} catch (e) {
  ok(false, 'the own-password scenario ran to the end', e.stack || e);
}

ok(pageErrors.length === 0, 'no page errors', pageErrors.join('\n'));

// `make screenshots`: the few the README shows
if (process.env.WEB_SHOTS) {
  mkdirSync(process.env.WEB_SHOTS, { recursive: true });
  for (const f of ['operator-desk-desktop', 'operator-message-desktop', 'staff-inbox-desktop', 'admin-users-desktop',
    'manager-live-desktop', 'citizen-submit-errors-phone', 'citizen-track-result-phone']) {
    copyFileSync(join(SHOTS, f + '.png'), join(process.env.WEB_SHOTS, f + '.png'));
  }
}
console.log(`# ${audited.length} screenshots in build/screens`);
await context.close();
rmSync(userDir, { recursive: true, force: true });
console.log(`1..${n}`);
process.exitCode = failed ? 1 : 0;
