// app.js - the web app's entry (the modules are under js/): who is signed in,
// the navigation for that role, and the hash router (#/desk, #/m/1234567890, ...).

import { api, ApiError, setCsrf, setUnauthorizedHandler, qs } from './js/api.js';
import { ROLES, asciiDigits, jalaliYearNow } from './js/fa.js';
import { h, mount, field, errorBox, busy, flash, loading } from './js/ui.js';
import { session, resetCaches, role, units } from './js/state.js';
import { submitPage, trackPage } from './js/citizen.js';
import { deskPage } from './js/desk.js';
import { listPage, inboxPage, messagePage } from './js/messages.js';
import { adminPage, passwordPage } from './js/admin.js';
import { dashboardPage } from './js/dashboard.js';
import { evaluationPage } from './js/evaluation.js';
import { livePage } from './js/live.js';
import { cannedPage } from './js/daily.js';

const main = () => document.getElementById('main');
const HINT = 'hamgan.signed-in'; // set while a session cookie is believed to exist

const STAFF = ['staff', 'manager'];
const SIGNED_IN = ['operator', 'staff', 'manager', 'inspector', 'admin'];
const REPORTERS = ['operator', 'manager', 'inspector', 'admin'];

// [hash prefix, label, roles allowed (null = everyone incl. citizens)]
const NAV = [
  ['#/desk', 'میز ثبت پیام', ['operator']],
  ['#/inbox', 'کارتابل', STAFF],
  ['#/messages', 'پیام‌ها', ['operator', 'staff', 'manager', 'inspector', 'admin']],
  ['#/live', 'ارتباط مستقیم', ['manager']],
  ['#/dashboard', 'داشبورد', REPORTERS, () => session.reports],
  ['#/evaluation', 'ارزیابی شش‌ماهه', REPORTERS, () => session.reports && (role() !== 'manager' || session.cityManager)],
  ['#/admin', 'مدیریت', ['admin']],
  ['#/canned', 'پاسخ‌های آماده', ['admin', 'manager']],
  ['#/submit', 'ثبت پیام', ['citizen']],
  ['#/track', 'پیگیری پیام', null],
];

function home() {
  switch (role()) {
    case 'operator': return '#/desk';
    case 'staff': case 'manager': return '#/inbox';
    case 'inspector': return '#/messages';
    case 'admin': return '#/admin';
    default: return '#/welcome';
  }
}

function renderChrome() {
  const r = role();
  const nav = document.getElementById('nav');
  const here = location.hash || '#/';
  mount(nav, h('ul', {}, NAV
    .filter(([, , roles, cond]) => (!roles || roles.includes(r)) && (!cond || cond()))
    .map(([href, label]) => h('li', {}, h('a', {
      href, 'aria-current': here.startsWith(href) ? 'page' : null,
    }, label)))));
  const who = document.getElementById('who');
  if (session.user) {
    mount(who,
      h('span', { class: 'who-name' }, session.user.name || session.user.username),
      h('span', { class: 'who-role' }, ROLES[session.user.role] || session.user.role),
      h('a', { href: '#/password', class: 'who-link' }, 'گذرواژه'),
      h('button', { type: 'button', class: 'link', onclick: logout }, 'خروج'));
  } else {
    mount(who, h('a', { href: '#/login', class: 'button small' }, 'ورود کارکنان'));
  }
}

async function logout() {
  try {
    await api('POST', '/auth/logout', {});
  } catch {
    // the session is gone either way
  }
  signedOut();
  location.hash = '#/welcome';
  flash('از سامانه خارج شدید.');
}

function signedOut() {
  session.user = null;
  session.reports = false;
  setCsrf('');
  resetCaches();
  localStorage.removeItem(HINT);
  renderChrome();
}

async function signedIn(data) {
  flash('');
  session.user = data.user;
  setCsrf(data.csrf_token);
  localStorage.setItem(HINT, '1');
  resetCaches();
  session.reports = false;
  if (REPORTERS.includes(data.user.role)) session.reports = await probeReports(data.user);
  renderChrome();
}

// Whether this server answers /api/v1/reports (a valid request, so a
// server that has it answers 200 and one without it 404).
async function probeReports(user) {
  const y = jalaliYearNow();
  let unit = '';
  try {
    const all = await units();
    const u = user.role === 'manager' ? all.find((x) => x.id === user.unit_id) : all.find((x) => !x.parent_id);
    unit = u ? u.code : '';
    // the managers of the city (the mayor) see the evaluation of the regions
    session.cityManager = user.role === 'manager' && Boolean(u) && !u.parent_id;
  } catch {
    return false;
  }
  if (!unit) return false;
  try {
    await api('GET', '/reports' + qs({ unit, period: y }));
    return true;
  } catch (e) {
    return e instanceof ApiError && e.status !== 404 && e.status !== 0 && e.status !== 405;
  }
}

function loginPage(el) {
  const err = errorBox();
  const user = h('input', { name: 'username', autocomplete: 'username', required: true, dir: 'ltr' });
  const pass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, dir: 'ltr' });
  const btn = h('button', { type: 'submit', class: 'primary' }, 'ورود');
  const form = h('form', { class: 'card narrow', novalidate: true },
    h('h1', {}, 'ورود کارکنان'),
    field('نام کاربری', user),
    field('گذرواژه', pass),
    err, btn,
    h('p', { class: 'muted' }, 'شهروندان برای ثبت یا پیگیری پیام نیازی به ورود ندارند: ',
      h('a', { href: '#/submit' }, 'ثبت پیام'), ' · ', h('a', { href: '#/track' }, 'پیگیری پیام')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    err.show('');
    if (!user.value.trim() || !pass.value) {
      err.show('نام کاربری و گذرواژه را وارد کنید.');
      return;
    }
    busy(btn, async () => {
      try {
        const data = await api('POST', '/auth/login', {
          username: asciiDigits(user.value.trim()), password: pass.value,
        });
        await signedIn(data);
        location.hash = home();
      } catch (e) {
        err.show(e.fa || String(e));
        pass.select();
      }
    });
  });
  mount(el, form);
  user.focus();
}

function welcomePage(el) {
  mount(el,
    h('section', { class: 'hero' },
      h('h1', {}, 'سامانهٔ نظارت همگانی'),
      h('p', { class: 'lead' }, 'انتقاد، شکایت، پیشنهاد، تقدیر یا درخواست خدمت خود را برای شهرداری بفرستید و پاسخ آن را با کد رهگیری دنبال کنید.'),
      h('div', { class: 'hero-actions' },
        h('a', { href: '#/submit', class: 'button primary big' }, 'ثبت پیام تازه'),
        h('a', { href: '#/track', class: 'button big' }, 'پیگیری پیام'))),
    h('section', { class: 'grid3' },
      h('div', { class: 'card' }, h('h2', {}, 'تلفن'), h('p', {}, 'با شمارهٔ ۱۸۸۸ یا ۱۳۷ تماس بگیرید.')),
      h('div', { class: 'card' }, h('h2', {}, 'پیامک'), h('p', {}, 'پاسخ هر پیام را با پیامک دریافت می‌کنید؛ برای پذیرفتن ۳۱ و برای اعتراض ۳۳ را بفرستید.')),
      h('div', { class: 'card' }, h('h2', {}, 'وب'), h('p', {}, 'همین‌جا پیام بفرستید و با کد رهگیری و شمارهٔ همراه پیگیری کنید.'))));
}

// [pattern, page, roles allowed (null = anyone)]
const ROUTES = [
  [/^#\/welcome$/, welcomePage, null],
  [/^#\/login$/, loginPage, null],
  [/^#\/submit$/, submitPage, null],
  [/^#\/track(?:\/([0-9۰-۹]+))?$/, trackPage, null],
  [/^#\/desk$/, deskPage, ['operator']],
  [/^#\/inbox$/, inboxPage, STAFF],
  [/^#\/messages$/, listPage, ['operator', 'staff', 'manager', 'inspector', 'admin']],
  [/^#\/m\/([0-9۰-۹]{10})$/, messagePage, ['operator', 'staff', 'manager', 'inspector', 'admin']],
  [/^#\/admin$/, adminPage, ['admin']],
  [/^#\/canned$/, cannedPage, ['admin', 'manager']],
  [/^#\/dashboard$/, dashboardPage, REPORTERS],
  [/^#\/evaluation$/, evaluationPage, REPORTERS],
  [/^#\/live$/, livePage, ['manager']],
  [/^#\/password$/, (el) => passwordPage(el, {
    onChanged: (r) => {
      session.user = r.user;
      setCsrf(r.csrf_token);
      renderChrome();
    },
  }), SIGNED_IN],
];

let navSeq = 0;

async function route() {
  const hash = location.hash || '';
  if (hash === '' || hash === '#' || hash === '#/') {
    location.replace(home());
    return;
  }
  renderChrome();
  const el = main();
  const seq = ++navSeq;
  for (const [re, page, roles] of ROUTES) {
    const m = hash.match(re);
    if (!m) continue;
    if (roles && !roles.includes(role())) {
      if (!session.user) {
        location.replace('#/login');
      } else {
        mount(el, h('p', { class: 'error-box' }, 'این بخش برای نقش شما نیست.'));
      }
      return;
    }
    mount(el, loading());
    try {
      await page(el, { params: m.slice(1).map((x) => (x ? asciiDigits(x) : x)), isCurrent: () => seq === navSeq });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401 && session.user) {
        signedOut();
        flash('نشست شما به پایان رسیده است؛ دوباره وارد شوید.', 'error');
        location.replace('#/login');
        return;
      }
      if (seq === navSeq) mount(el, h('p', { class: 'error-box', role: 'alert' }, e.fa || 'خطایی پیش آمد؛ صفحه را تازه کنید.'));
    }
    if (seq === navSeq) {
      const h1 = el.querySelector('h1');
      document.title = (h1 ? h1.textContent + ' — ' : '') + 'همگان';
    }
    return;
  }
  mount(el, h('section', { class: 'card narrow' }, h('h1', {}, 'صفحه پیدا نشد'),
    h('p', {}, h('a', { href: '#/' }, 'بازگشت به صفحهٔ نخست'))));
}

async function boot() {
  setUnauthorizedHandler(() => {
    signedOut();
    flash('نشست شما به پایان رسیده است؛ دوباره وارد شوید.', 'error');
    location.hash = '#/login';
  });
  if (localStorage.getItem(HINT)) {
    try {
      await signedIn(await api('GET', '/auth/me'));
    } catch {
      signedOut();
    }
  }
  // the phone's one-line header: a menu button opens the sections
  const top = document.querySelector('.top');
  const toggle = document.getElementById('menu-toggle');
  const setMenu = (open) => {
    top.classList.toggle('open', open);
    toggle.setAttribute('aria-expanded', String(open));
  };
  toggle.addEventListener('click', () => setMenu(!top.classList.contains('open')));
  window.addEventListener('hashchange', () => {
    setMenu(false);
    route();
    main().focus({ preventScroll: true });
  });
  await route();
  document.documentElement.classList.add('ready');
}

export { signedOut };

boot();
