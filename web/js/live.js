// live.js - a manager's direct-connection sessions (ارتباط مستقیم): the
// unit's sessions, opening one, and registering the calls taken in it.

import { api } from './api.js';
import { KINDS, MONTHS, asciiDigits, faDigits, fromJalali, jalaliOf, jalaliMonthLength, normalizeMobile, tehranParts } from './fa.js';
import { h, mount, field, select, mapOptions, fillGrouped, faOnBlur, errorBox, formError, busy, when, stateBadge, formValues, empty, flash } from './ui.js';
import { session, units, categories, categoryGroups } from './state.js';
import { codeBox } from './citizen.js';
import { pinPicker } from './map.js';
import { historyPanel } from './desk.js';

const pad2 = (n) => String(n).padStart(2, '0');

// Calls registered here, by session id.  GET /sessions/{id} lists only the
// calls inside the reader's unit scope, and a new call stays with the centre
// until it is referred, so the host would not see the calls just taken.
const taken = new Map();

function merged(id, fromServer) {
  const seen = new Set(fromServer.map((m) => m.code));
  return [...(taken.get(id) || []).filter((m) => !seen.has(m.code)), ...fromServer];
}

/** A Jalali day and a time in Tehran -> ISO UTC, or null. */
function tehranInstant(jy, jm, jd, hh, mm) {
  if (!jy || jm < 1 || jm > 12 || jd < 1 || jd > jalaliMonthLength(jy, jm) || hh > 23 || mm > 59) return null;
  const g = fromJalali(jy, jm, jd);
  const want = Date.UTC(g.y, g.m - 1, g.d, hh, mm);
  // Tehran is UTC+3:30 (+4:30 in the DST years): guess, then correct once
  let utc = want - 3.5 * 3600000;
  for (let i = 0; i < 2; i++) {
    const p = tehranParts(new Date(utc));
    utc += want - Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm);
  }
  return new Date(utc).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A Jalali date picker: day, month (by name) and year selects in a
 * fieldset; .value() gives {y, m, d}.  The days follow the month's length.
 */
function jalaliPicker(legend, j) {
  const day = h('select', { name: 'day', 'aria-label': 'روز' });
  const month = select('month', MONTHS.map((n, i) => [String(i + 1), n]), { value: String(j.m) });
  month.setAttribute('aria-label', 'ماه');
  const year = select('year', [j.y - 1, j.y, j.y + 1].map((y) => [String(y), faDigits(y)]), { value: String(j.y) });
  year.setAttribute('aria-label', 'سال');
  const fillDays = () => {
    const keep = Number(day.value || j.d);
    const n = jalaliMonthLength(Number(year.value), Number(month.value));
    day.replaceChildren(...Array.from({ length: n }, (_, i) => h('option', { value: String(i + 1) }, faDigits(i + 1))));
    day.value = String(Math.min(keep, n));
  };
  month.addEventListener('change', fillDays);
  year.addEventListener('change', fillDays);
  fillDays();
  const el = h('fieldset', { class: 'picker' }, h('legend', {}, legend), day, month, year);
  el.value = () => ({ y: Number(year.value), m: Number(month.value), d: Number(day.value) });
  return el;
}

/** Hour and minute selects (every 5 minutes); .value() gives {hh, mm}. */
function timePicker(legend, name, hh) {
  const hour = select(name + '_h', Array.from({ length: 24 }, (_, i) => [String(i), faDigits(pad2(i))]), { value: String(hh) });
  hour.setAttribute('aria-label', 'ساعت');
  const minute = select(name + '_m', Array.from({ length: 12 }, (_, i) => [String(i * 5), faDigits(pad2(i * 5))]), { value: '0' });
  minute.setAttribute('aria-label', 'دقیقه');
  const el = h('fieldset', { class: 'picker' }, h('legend', {}, legend), hour, h('span', { 'aria-hidden': 'true' }, ':'), minute);
  el.value = () => ({ hh: Number(hour.value), mm: Number(minute.value) });
  return el;
}

async function sessionView(box, s, cats) {
  const full = await api('GET', '/sessions/' + s.id);
  const calls = h('div', {});
  const showCalls = (items) => mount(calls, items.length
    ? h('ul', { class: 'msg-list' }, items.map((m) => h('li', { class: 'msg-row' },
      h('a', { class: 'msg-link', href: '#/m/' + m.code },
        h('span', { class: 'msg-subject' }, m.subject),
        h('span', { class: 'msg-meta' }, h('span', { class: 'code-inline', dir: 'ltr' }, faDigits(m.code)), ' · ', KINDS[m.kind] || m.kind)),
      h('span', { class: 'msg-side' }, stateBadge(m.state), when(m.created_at)))))
    : empty('هنوز تماسی در این جلسه ثبت نشده است.'));
  showCalls(merged(s.id, full.messages || []));
  const err = errorBox();
  const kind = select('kind', mapOptions(KINDS), { required: true, empty: 'برگزینید…' });
  const cat = select('category', []);
  const fill = () => fillGrouped(cat, '—', categoryGroups(cats, kind.value));
  kind.addEventListener('change', fill);
  fill();
  const mobile = faOnBlur(h('input', { name: 'mobile', inputmode: 'tel', dir: 'ltr', autocomplete: 'off' }));
  const pin = pinPicker();	// the region of the pin is shown; the server records it
  const name = h('input', { name: 'name' });
  const hist = historyPanel();
  let timer = 0;
  mobile.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => hist.lookup(normalizeMobile(mobile.value) || '', (c) => {
      if (!name.value && c.name) name.value = c.name;
    }), 250);
  });
  const btn = h('button', { type: 'submit', class: 'primary' }, 'ثبت تماس');
  const out = h('div', {});
  const form = h('form', { class: 'add-form', novalidate: true, 'data-form': 'live-call' },
    h('h3', {}, 'ثبت تماس شهروند'),
    h('div', { class: 'row3' }, field('شمارهٔ همراه', mobile), field('نام', name), field('نوع پیام', kind, { required: true })),
    h('div', { class: 'row2' }, field('موضوع', cat), field('عنوان', h('input', { name: 'subject', required: true }), { required: true })),
    field('متن پیام', h('textarea', { name: 'body', rows: 3, required: true }), { required: true }),
    field('نشانی', h('input', { name: 'address' }), { hint: 'منطقه، خیابان و نشانهٔ نزدیک' }),
    pin, err, btn);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    err.show('');
    const v = formValues(form);
    const body = { kind: v.kind, subject: v.subject, body: v.body, channel: 'live', live_session_id: s.id };
    if (v.category) body.category = v.category;
    if (pin.point()) Object.assign(body, pin.point());
    if (v.address) body.address = v.address;
    const mob = normalizeMobile(v.mobile) || asciiDigits(v.mobile);
    if (mob) {
      body.mobile = mob;
      if (v.name) body.name = v.name;
    } else {
      body.anonymous = true;
    }
    return busy(btn, async () => {
      try {
        const m = await api('POST', '/messages', body);
        form.reset();
        fill();
        pin.clear();
        hist.lookup('', () => {});
        mount(out, codeBox(m.code));
        taken.set(s.id, [m, ...(taken.get(s.id) || [])]);
        const again = await api('GET', '/sessions/' + s.id);
        showCalls(merged(s.id, again.messages || []));
      } catch (e) {
        formError(form, err, e);
      }
    });
  });
  mount(box, h('section', { class: 'card', 'data-session': s.id },
    h('h2', {}, s.title, ' — ', when(s.starts_at)),
    h('h3', {}, 'تماس‌های این جلسه'), calls,
    h('div', { class: 'desk live-call' }, h('div', { class: 'desk-main' }, form, out), hist)));
  mobile.focus();
}

export async function livePage(el) {
  const [all, cats] = await Promise.all([units(), categories().catch(() => [])]);
  const unit = all.find((u) => u.id === session.user.unit_id);
  if (!unit) {
    mount(el, h('h1', {}, 'ارتباط مستقیم'), empty('حساب شما به واحدی وابسته نیست.'));
    return;
  }
  const list = h('div', {});
  const detail = h('div', {});
  const PER = 10;
  let items = [];
  let page = 0;
  const draw = () => {
    const pages = Math.max(1, Math.ceil(items.length / PER));
    const shown = items.slice(page * PER, page * PER + PER);
    const prev = h('button', { type: 'button', class: 'secondary', 'data-page': 'prev', disabled: page === 0, onclick: () => { page -= 1; draw(); } }, 'تازه‌تر');
    const next = h('button', { type: 'button', class: 'secondary', 'data-page': 'next', disabled: page >= pages - 1, onclick: () => { page += 1; draw(); } }, 'قدیمی‌تر');
    mount(list, items.length
      ? [h('ul', { class: 'msg-list' }, shown.map((s) => h('li', { class: 'msg-row' },
        h('span', { class: 'msg-link' }, h('span', { class: 'msg-subject' }, s.title),
          h('span', { class: 'msg-meta' }, when(s.starts_at), ' تا ', when(s.ends_at))),
        h('button', { type: 'button', class: 'secondary', 'data-open': s.id, onclick: () => sessionView(detail, s, cats).catch((e) => flash(e.fa, 'error')) }, 'باز کردن')))),
      h('div', { class: 'pager' }, prev,
        h('span', { class: 'muted small', role: 'status' }, `${faDigits(page * PER + 1)} تا ${faDigits(page * PER + shown.length)} از ${faDigits(items.length)} جلسه`), next)]
      : empty('جلسه‌ای برگزار نشده است.'));
  };
  const load = async () => {
    const r = await api('GET', '/sessions?unit=' + encodeURIComponent(unit.code));
    items = r.items;
    page = 0;
    draw();
    return r.items;
  };
  const now = jalaliOf(new Date());
  const err = errorBox();
  const btn = h('button', { type: 'submit', class: 'primary' }, 'گشودن جلسه');
  const day = jalaliPicker('تاریخ جلسه', now);
  const from = timePicker('از ساعت', 'from', 10);
  const to = timePicker('تا ساعت', 'to', 12);
  const form = h('form', { class: 'add-form', novalidate: true, 'data-form': 'live-new' },
    h('h3', {}, 'جلسهٔ تازه'),
    field('عنوان', h('input', { name: 'title', required: true, value: 'ارتباط مستقیم مدیر ' + unit.name }), { required: true }),
    h('div', { class: 'row3' }, day, from, to),
    err, btn);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    err.show('');
    const v = formValues(form);
    const d = day.value();
    const f = from.value();
    const t = to.value();
    const starts = tehranInstant(d.y, d.m, d.d, f.hh, f.mm);
    const ends = tehranInstant(d.y, d.m, d.d, t.hh, t.mm);
    if (!starts || !ends) return err.show('تاریخ جلسه درست نیست.');
    return busy(btn, async () => {
      try {
        const s = await api('POST', '/sessions', { unit: unit.code, title: v.title, starts_at: starts, ends_at: ends });
        flash('جلسه گشوده شد.');
        await load();
        await sessionView(detail, s, cats);
      } catch (e) {
        formError(form, err, e);
      }
    });
  });
  mount(el, h('h1', {}, 'ارتباط مستقیم — ', unit.name),
    h('p', { class: 'muted' }, 'جلسه‌های تلفنی مدیر با شهروندان؛ تماس‌های هر جلسه با راه دریافت «ارتباط مستقیم» ثبت می‌شوند.'),
    h('div', { class: 'desk' }, h('div', { class: 'desk-main' }, detail, form), h('aside', { class: 'card' }, h('h2', {}, 'جلسه‌ها'), list)));
  await load();
}
