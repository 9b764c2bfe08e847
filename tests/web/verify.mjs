// verify.mjs - the citizen's «کد تأیید» step in a real browser (issue 9,
// point 4): a submission with a mobile needs the code texted to it; the form
// says so in Persian, texts the code with «ارسال کد», refuses a wrong code in
// Persian, forgets the code when the number changes, and registers with the
// right one.  The codes are read from the server's SMS outbox.  Prints TAP
// lines (the plan is left to tests/web/test_verify_web.sh, which runs it with
// BASE_URL and DB and adds its own checks).
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smsCode, smsCount } from './sms.mjs';

const env = (k) => {
  if (!process.env[k]) throw new Error(`${k} is not set`);
  return process.env[k];
};
const BASE = env('BASE_URL');
const DB = env('DB');
const MOBILE = '09981888150'; // a prefix the demo's citizens never have
const OTHER = '09981888151';
const FA = '۰۱۲۳۴۵۶۷۸۹';
const fa = (s) => String(s).replace(/[0-9]/g, (d) => FA[d]);

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

const userDir = mkdtempSync(join(tmpdir(), 'hamgan-chromium-'));
const context = await chromium.launchPersistentContext(userDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage'],
  viewport: { width: 1280, height: 900 },
  locale: 'fa-IR',
  timezoneId: 'Asia/Tehran',
});
context.setDefaultTimeout(15000);
const page = context.pages()[0] || (await context.newPage());
const problems = [];
page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
page.on('console', (m) => {
  // the refused codes below answer 422 on purpose
  if (m.type() === 'error' && !/status of 422/.test(m.text())) problems.push(`console: ${m.text()}`);
});

const errorText = () => page.$eval('form > .error-box:not([hidden]), .verify-step .error-box:not([hidden])', (e) => e.textContent).catch(() => '');

try {
  await page.goto(BASE + '/#/submit');
  await page.waitForSelector('form select[name=kind]');
  ok(await page.isHidden('input[name=verification_code]'), 'the code field waits until a code is sent');
  await page.selectOption('select[name=kind]', 'suggestion');
  await page.fill('input[name=subject]', 'پیشنهاد نیمکت');
  await page.fill('textarea[name=body]', 'در پارک محله نیمکت کم است.');
  await page.fill('input[name=mobile]', fa(MOBILE));

  // submitting before asking for a code: a Persian hint, nothing sent
  await page.click('form button[type=submit]');
  await page.waitForFunction(() => /ارسال کد/.test(document.querySelector('form > .error-box')?.textContent || ''));
  ok(true, 'submitting without a code asks, in Persian, for «ارسال کد»');
  ok(smsCount(DB, MOBILE) === 0, 'nothing is texted before the citizen asks');

  // «ارسال کد» texts a code and shows its field
  await page.click('button.send-code');
  await page.waitForSelector('input[name=verification_code]', { state: 'visible' });
  const status = await page.textContent('.verify-status');
  ok(/پیامک شد/.test(status) && status.includes(fa(MOBILE)), 'the form says where the code went', status);
  const code = smsCode(DB, MOBILE);
  ok(/^\d{5}$/.test(code), 'one five-digit code is texted to the number', code);
  ok(await page.evaluate(() => document.activeElement?.name) === 'verification_code', 'the code field takes the focus');

  // a wrong code is refused in Persian and nothing is registered
  const wrong = String((Number(code) + 1) % 100000).padStart(5, '0');
  await page.fill('input[name=verification_code]', fa(wrong));
  await page.click('form button[type=submit]');
  await page.waitForFunction(() => /نادرست/.test(document.querySelector('form > .error-box')?.textContent || ''));
  ok(true, 'a wrong code is refused: «کد تأیید نادرست است»');
  ok(await page.isHidden('.tracking-code'), 'and nothing is registered');

  // another number forgets the code: it proves one number only
  await page.fill('input[name=mobile]', OTHER);
  ok(await page.isHidden('input[name=verification_code]'), 'changing the number hides the code field');
  await page.fill('input[name=mobile]', MOBILE);
  await page.click('form button[type=submit]');
  await page.waitForFunction(() => /ارسال کد/.test(document.querySelector('form > .error-box')?.textContent || ''));
  ok(true, 'and the new number needs its own code');

  // the right code (asked again: «ارسال دوبارهٔ کد») registers the message
  await page.click('button.send-code');
  await page.waitForSelector('input[name=verification_code]', { state: 'visible' });
  const again = smsCode(DB, MOBILE);
  ok(/^\d{5}$/.test(again) && smsCount(DB, MOBILE) === 2, 'a second code is texted', again);
  await page.fill('input[name=verification_code]', fa(again));
  await page.click('form button[type=submit]');
  const codeEl = await page.waitForSelector('.tracking-code');
  const tracking = await codeEl.getAttribute('data-code');
  ok(/^\d{10}$/.test(tracking || ''), 'the right code registers the message', tracking);
  ok(smsCount(DB, MOBILE) === 3, 'and the number is texted its tracking code', smsCount(DB, MOBILE));
  ok((await errorText()) === '', 'no error is left on the page', await errorText());
} catch (e) {
  ok(false, 'the verification flow ran to the end', e.stack || e);
}

ok(problems.length === 0, 'no console errors or page errors', problems.join('\n'));
await context.close();
rmSync(userDir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
