// live.js - a manager's direct-connection sessions (ارتباط مستقیم): the
// unit's sessions, opening one, and registering the calls taken in it.

import { api } from './api.js';
import { KINDS, asciiDigits, faDigits, fromJalali, jalaliOf, normalizeMobile, tehranParts } from './fa.js';
import { h, mount, field, select, mapOptions, fillGrouped, faOnBlur, errorBox, formError, busy, when, stateBadge, formValues, empty, flash } from './ui.js';
import { session, units, categories, categoryGroups } from './state.js';
import { codeBox } from './citizen.js';

const pad2 = (n) => String(n).padStart(2, '0');

// Calls registered here, by session id.  GET /sessions/{id} lists only the
// calls inside the reader's unit scope, and a new call stays with the centre
// until it is referred, so the host would not see the calls just taken.
const taken = new Map();

function merged(id, fromServer) {
  const seen = new Set(fromServer.map((m) => m.code));
  return [...(taken.get(id) || []).filter((m) => !seen.has(m.code)), ...fromServer];
}

/** Jalali "1405/09/10" and "10:00" in Tehran -> ISO UTC, or null. */
function tehranInstant(jdate, hm) {
  const d = asciiDigits(jdate).trim().match(/^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/);
  const t = asciiDigits(hm).trim().match(/^(\d{1,2}):(\d{2})$/);
  if (!d || !t) return null;
  const [jy, jm, jd] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const [hh, mm] = [Number(t[1]), Number(t[2])];
  if (jm < 1 || jm > 12 || jd < 1 || jd > 31 || hh > 23 || mm > 59) return null;
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
  const btn = h('button', { type: 'submit', class: 'primary' }, 'ثبت تماس');
  const out = h('div', {});
  const form = h('form', { class: 'add-form', novalidate: true, 'data-form': 'live-call' },
    h('h3', {}, 'ثبت تماس شهروند'),
    h('div', { class: 'row3' }, field('شمارهٔ همراه', mobile), field('نام', h('input', { name: 'name' })), field('نوع پیام', kind, { required: true })),
    h('div', { class: 'row2' }, field('موضوع', cat), field('عنوان', h('input', { name: 'subject', required: true }), { required: true })),
    field('متن پیام', h('textarea', { name: 'body', rows: 3, required: true }), { required: true }),
    err, btn);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    err.show('');
    const v = formValues(form);
    const body = { kind: v.kind, subject: v.subject, body: v.body, channel: 'live', live_session_id: s.id };
    if (v.category) body.category = v.category;
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
    h('h3', {}, 'تماس‌های این جلسه'), calls, form, out));
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
  const load = async () => {
    const r = await api('GET', '/sessions?unit=' + encodeURIComponent(unit.code));
    mount(list, r.items.length
      ? h('ul', { class: 'msg-list' }, r.items.slice(0, 20).map((s) => h('li', { class: 'msg-row' },
        h('span', { class: 'msg-link' }, h('span', { class: 'msg-subject' }, s.title),
          h('span', { class: 'msg-meta' }, when(s.starts_at), ' تا ', when(s.ends_at))),
        h('button', { type: 'button', class: 'secondary', 'data-open': s.id, onclick: () => sessionView(detail, s, cats).catch((e) => flash(e.fa, 'error')) }, 'باز کردن'))))
      : empty('جلسه‌ای برگزار نشده است.'));
    return r.items;
  };
  const now = jalaliOf(new Date());
  const err = errorBox();
  const btn = h('button', { type: 'submit', class: 'primary' }, 'گشودن جلسه');
  const form = h('form', { class: 'add-form', novalidate: true, 'data-form': 'live-new' },
    h('h3', {}, 'جلسهٔ تازه'),
    h('div', { class: 'row2' },
      field('عنوان', h('input', { name: 'title', required: true, value: 'ارتباط مستقیم مدیر ' + unit.name }), { required: true }),
      field('تاریخ', faOnBlur(h('input', { name: 'date', dir: 'ltr', required: true, value: faDigits(`${now.y}/${pad2(now.m)}/${pad2(now.d)}`) })), { required: true })),
    h('div', { class: 'row2' },
      field('از ساعت', faOnBlur(h('input', { name: 'from', dir: 'ltr', required: true, value: '۱۰:۰۰' })), { required: true }),
      field('تا ساعت', faOnBlur(h('input', { name: 'to', dir: 'ltr', required: true, value: '۱۲:۰۰' })), { required: true })),
    err, btn);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    err.show('');
    const v = formValues(form);
    const starts = tehranInstant(v.date, v.from);
    const ends = tehranInstant(v.date, v.to);
    if (!v.title) return err.show('عنوان جلسه را بنویسید.');
    if (!starts || !ends) return err.show('تاریخ را مانند ۱۴۰۵/۰۹/۱۰ و ساعت را مانند ۱۰:۰۰ بنویسید.');
    if (ends <= starts) return err.show('پایان جلسه باید پس از آغاز آن باشد.');
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
