// open311_cors.mjs - a browser page on another origin (http://localhost:PORT,
// while the API is asked as http://127.0.0.1:PORT; the page's own CSP is
// bypassed so that only CORS decides) reads Open311 GET answers (Access-Control-Allow-Origin: *), may send an
// Open311 form POST with its api_key (no CSRF rule there) but cannot read
// the answer, and cannot read /api/v1 at all.  Prints TAP.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.BASE_URL;
const KEY = process.env.API_KEY;
let n = 0;
let failed = 0;
function check(name, ok, why = '') {
  n += 1;
  if (ok) console.log(`ok ${n} - ${name}`);
  else {
    failed += 1;
    console.log(`not ok ${n} - ${name}`);
    if (why) console.log(`#   ${why}`);
  }
}

const userDir = mkdtempSync(join(tmpdir(), 'hamgan-chromium-'));
const context = await chromium.launchPersistentContext(userDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage'],
  bypassCSP: true,
});
try {
  const page = await context.newPage();
  const other = BASE.replace('127.0.0.1', 'localhost');
  await page.goto(`${other}/`);
  check('the page is on another origin', await page.evaluate(() => window.location.origin) !== BASE);
  const run = (fn, arg) => page.evaluate(fn, arg);

  const services = await run(async (base) => {
    try {
      const r = await fetch(`${base}/open311/v2/services.json`);
      return { status: r.status, type: r.headers.get('content-type'), body: await r.json() };
    } catch (e) { return { error: String(e) }; }
  }, BASE);
  check('another origin reads services.json', services.status === 200, JSON.stringify(services).slice(0, 200));
  check('with the exact JSON type', services.type === 'application/json', services.type);
  check('and the services in it', Array.isArray(services.body) && services.body.some((s) => s.service_code === 'roads'));

  const xml = await run(async (base) => {
    try {
      const r = await fetch(`${base}/open311/v2/discovery.xml`);
      const doc = new DOMParser().parseFromString(await r.text(), 'text/xml');
      return { status: r.status, root: doc.documentElement.nodeName, err: doc.getElementsByTagName('parsererror').length };
    } catch (e) { return { error: String(e) }; }
  }, BASE);
  check('another origin reads discovery.xml and the browser parses it', xml.status === 200 && xml.root === 'discovery' && xml.err === 0, JSON.stringify(xml));

  const api = await run(async (base) => {
    try {
      await fetch(`${base}/api/v1/categories`);
      return 'read';
    } catch (e) { return 'blocked'; }
  }, BASE);
  check('another origin cannot read /api/v1', api === 'blocked', api);

  const post = await run(async ({ base, key }) => {
    const body = new URLSearchParams({ api_key: key, service_code: 'roads', address_string: 'از مرورگر', description: 'cors-post' });
    try {
      await fetch(`${base}/open311/v2/requests.json`, { method: 'POST', body });
      return 'read';
    } catch (e) { return 'unreadable'; }
  }, { base: BASE, key: KEY });
  check('another origin may POST with its api_key, but not read the answer', post === 'unreadable', post);
  const list = await (await fetch(`${BASE}/open311/v2/requests.json?service_code=roads`)).json();
  check('the cross-origin POST was filed (no CSRF rule under /open311/v2)', list.some((r) => r.description === 'cors-post'), JSON.stringify(list).slice(0, 200));
} finally {
  await context.close();
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
