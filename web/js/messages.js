// messages.js - lists (filters, full-text search, "more" by cursor), the
// unit's inbox (overdue first) and one message: its facts, the referral
// timeline, and the actions the reader's role may take in its state.

import { api, qs, ApiError } from './api.js';
import {
  KINDS, STATES, CHANNELS, PRIORITIES, HOPS, REJECT_REASONS, RETURN_REASONS, GRADES, VERDICTS,
  faDigits, faCode, asciiDigits,
} from './fa.js';
import { h, mount, field, select, mapOptions, fillGrouped, errorBox, formError, busy, when, stateBadge, formValues, loading, empty, flash } from './ui.js';
import { session, role, units, unitMap, unitOptions, subtree, categories, categoryGroups } from './state.js';
import { pinView, messagesMap } from './map.js';
import { attachSection } from './attach.js';
import { trackingCodeIn, jalaliToInstant, daysLate, totalText, marked } from './search.js';
import { assigneeCard, notesCard, mayNote, cannedPicker } from './daily.js';

// ---- likely duplicates (the same mobile, or the same category nearby) ----

const WHY = { mobile: 'همان شمارهٔ همراه', place: 'همان موضوع در نزدیکی' };

/** Flag a row whose message has likely duplicates (a badge with the count). */
async function flagRow(li, m) {
  try {
    const r = await api('GET', `/messages/${m.code}/similar`);
    if (!r.items.length) return;
    const why = [...new Set(r.items.flatMap((x) => x.why))].map((w) => WHY[w] || w).join('، ');
    li.querySelector('.msg-side').prepend(h('a', {
      class: 'badge dup', href: `#/m/${m.code}`, title: why, 'data-similar': r.items.length,
    }, `احتمال تکرار (${faDigits(r.items.length)})`));
  } catch {
    // a flag is a hint: without it the row is still right
  }
}

// ---- lists ----

function row(m, umap, terms) {
  const u = m.unit_id && umap.get(m.unit_id);
  const late = m.overdue ? daysLate(m.due_at) : 0;
  return h('li', { class: 'msg-row' + (m.overdue ? ' is-overdue' : '') + (m.priority === 'urgent' ? ' is-urgent' : ''), 'data-code': m.code },
    h('a', { href: '#/m/' + m.code, class: 'msg-link' },
      h('span', { class: 'msg-subject' }, marked(m.subject, terms)),
      h('span', { class: 'msg-meta' },
        h('span', { class: 'code-inline', dir: 'ltr' }, faDigits(m.code)), ' · ',
        KINDS[m.kind] || m.kind, ' · ', CHANNELS[m.channel] || m.channel,
        u ? [' · ', u.name] : null,
        m.assignee ? [' · ', h('span', { class: 'assignee' }, 'با ', h('bdi', {}, m.assignee.name || m.assignee.username))] : null),
      terms && terms.length ? h('span', { class: 'msg-snippet small' }, marked(m.body.slice(0, 160), terms)) : null),
    h('span', { class: 'msg-side' },
      m.priority === 'urgent' ? h('span', { class: 'badge urgent' }, 'فوری') : m.priority === 'high' ? h('span', { class: 'badge high' }, 'اولویت بالا') : null,
      stateBadge(m.state),
      m.overdue ? h('span', { class: 'badge overdue' }, late ? `${faDigits(late)} روز تأخیر` : 'دیرکرد') : null,
      m.due_at && ['referred', 'in_progress', 'reopened', 'registered', 'returned'].includes(m.state)
        ? h('span', { class: 'small muted due' }, 'مهلت ', when(m.due_at, false), '؛') : null,
      h('span', { class: 'small muted' }, 'ثبت ', when(m.created_at, false))));
}

/**
 * A paged list under el for the query; returns {reload(query)}.  The "more"
 * button fetches the next page with the cursor the server gave; the total
 * (exact up to 1,000) is shown above, and in onTotal(r) when given.
 */
export function pagedList(el, emptyText, pageSize = 25, opts = {}) {
  const onTotal = opts.onTotal || null;
  const ul = h('ul', { class: 'msg-list', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'پیام‌های بیشتر');
  const status = h('p', { class: 'list-status', role: 'status' });
  const err = errorBox();
  mount(el, status, ul, err, h('p', { class: 'more' }, more));
  let query = {};
  let cursor = null;
  let umap = new Map();
  let seq = 0;
  let count = 0;
  let loaded = [];
  let terms = [];
  const page = async (first) => {
    const my = ++seq;
    err.show('');
    if (first) {
      ul.replaceChildren();
      count = 0;
      loaded = [];
      cursor = null;
      status.replaceChildren(loading());
      more.hidden = true;
    }
    try {
      const r = await api('GET', '/messages' + qs({ ...query, cursor, limit: pageSize }));
      if (my !== seq) return;
      if (first) terms = r.terms || [];
      for (const m of r.items) {
        const li = row(m, umap, terms);
        ul.append(li);
        if (opts.flagDuplicates) flagRow(li, m);
      }
      loaded.push(...r.items);
      count += r.items.length;
      if (opts.onPage) opts.onPage(loaded);
      cursor = r.next_cursor;
      more.hidden = !cursor;
      if (first && onTotal) onTotal(r);
      // a section that shows its total in its heading (onTotal) says it once
      // a text search reads a bounded share of its matches per page: an
      // empty page with a cursor means "nothing yet, read on"
      status.replaceChildren(count
        ? (onTotal ? '' : h('span', { class: 'muted small list-total' }, totalText(r), count < r.total || r.total_capped ? ` (${faDigits(count)} نمایش داده شده)` : ''))
        : cursor ? h('span', { class: 'muted small list-total' }, 'در پیام‌های تازه‌تر چیزی پیدا نشد؛ برای جست‌وجو در پیام‌های قدیمی‌تر «پیام‌های بیشتر» را بزنید.')
          : empty(emptyText));
    } catch (e) {
      if (my !== seq) return;
      status.replaceChildren();
      err.show(e.fa);
    }
  };
  more.addEventListener('click', () => busy(more, () => page(false)));
  return {
    items: () => loaded,
    async reload(q) {
      query = q;
      umap = await unitMap().catch(() => new Map());
      await page(true);
    },
  };
}

function filterForm(onChange, all, cats, opts = {}) {
  const err = errorBox();
  const q = h('input', { name: 'q', type: 'search', placeholder: 'واژه‌های عنوان یا متن، یا کد رهگیری' });
  const state = select('state', mapOptions(STATES), { empty: 'همه' });
  const kind = select('kind', mapOptions(KINDS), { empty: 'همه' });
  const channel = select('channel', mapOptions(CHANNELS), { empty: 'همه' });
  const unit = select('unit', unitOptions(all, opts.unitFilter || (() => true)), { empty: 'همه' });
  const category = select('category', []);
  fillGrouped(category, 'همه', categoryGroups(cats));
  const from = h('input', { name: 'from', inputmode: 'numeric', dir: 'ltr', placeholder: '۱۴۰۳/۰۱/۰۱' });
  const to = h('input', { name: 'to', inputmode: 'numeric', dir: 'ltr', placeholder: '۱۴۰۳/۱۲/۲۹' });
  const overdue = h('input', { type: 'checkbox', name: 'overdue' });
  const mine = h('input', { type: 'checkbox', name: 'assigned' });
  const form = h('form', { class: 'filters card', role: 'search', novalidate: true },
    field('جست‌وجو', q),
    field('وضعیت', state), field('نوع', kind), field('موضوع', category), field('راه دریافت', channel), field('واحد', unit),
    field('از تاریخ', from), field('تا تاریخ (با خود روز)', to),
    h('label', { class: 'check' }, overdue, ' فقط دیرکردها'),
    opts.mine ? h('label', { class: 'check' }, mine, ' فقط پیام‌های من') : null,
    h('button', { type: 'submit', class: 'primary' }, 'جست‌وجو'),
    err);
  const fire = () => {
    err.show('');
    const v = formValues(form);
    const code = trackingCodeIn(v.q);
    if (code) {
      location.hash = '#/m/' + code;
      return;
    }
    const f = jalaliToInstant(v.from);
    const t = jalaliToInstant(v.to, true);
    if (f === null || t === null) {
      (f === null ? from : to).focus();
      err.show('تاریخ را به شکل ۱۴۰۳/۰۱/۱۵ وارد کنید.');
      return;
    }
    onChange({
      q: asciiDigits(v.q), state: v.state, kind: v.kind, channel: v.channel, unit: v.unit,
      category: v.category, from: f, to: t,
      overdue: v.overdue ? 'true' : '', assigned: v.assigned ? 'me' : '',
    });
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    fire();
  });
  for (const s of [state, kind, channel, unit, category, overdue, mine]) s.addEventListener('change', fire);
  return form;
}

/** "Show on a map": the loaded messages with a point, under a toggle. */
function mapToggle(list) {
  const area = h('div', { class: 'list-map-area' });
  const btn = h('button', { type: 'button', class: 'secondary small', 'aria-expanded': 'false', 'data-map': 'list' }, 'نمایش روی نقشه');
  const show = () => mount(area, messagesMap(list.items()));
  btn.addEventListener('click', () => {
    const open = btn.getAttribute('aria-expanded') !== 'true';
    btn.setAttribute('aria-expanded', String(open));
    btn.textContent = open ? 'بستن نقشه' : 'نمایش روی نقشه';
    if (open) show();
    else area.replaceChildren();
  });
  return { el: h('div', { class: 'map-toggle' }, btn, area), refresh: () => { if (btn.getAttribute('aria-expanded') === 'true') show(); } };
}

export async function listPage(el, { isCurrent = () => true } = {}) {
  const [all, cats] = await Promise.all([units(), categories().catch(() => [])]);
  if (!isCurrent()) return;
  const box = h('div', {});
  let toggle = null;
  const list = pagedList(box, 'پیامی با این شرط‌ها پیدا نشد.', 25, { onPage: () => toggle && toggle.refresh() });
  toggle = mapToggle(list);
  const staff = session.user.unit_id && ['staff', 'manager'].includes(role());
  const mine = staff ? new Set(subtree(all, session.user.unit_id).map((u) => u.id)) : null;
  mount(el, h('h1', {}, 'پیام‌ها'),
    filterForm((q) => list.reload(q), all, cats, { unitFilter: mine ? (u) => mine.has(u.id) : undefined, mine: staff }),
    toggle.el, box);
  await list.reload({});
}

// The unit's queue: every open message once, in the first section it fits
// (overdue, then by state), each section by deadline, the most overdue first.
export async function inboxPage(el, { isCurrent = () => true } = {}) {
  const all = await units();
  if (!isCurrent()) return;
  const unit = all.find((u) => u.id === session.user.unit_id);
  const SECTIONS = [
    ['overdue', 'دیرکرد', { overdue: 'true' }, 'پیام دیرکردی ندارید.'],
    ['referred', 'ارجاع‌شده، در انتظار رسیدگی', { state: 'referred', overdue: 'false' }, 'پیام تازه‌ای ارجاع نشده است.'],
    ['reopened', 'بازگشایی‌شده', { state: 'reopened', overdue: 'false' }, 'پیام بازگشایی‌شده‌ای نیست.'],
    ['in_progress', 'در دست رسیدگی', { state: 'in_progress', overdue: 'false' }, 'پیامی در دست رسیدگی نیست.'],
  ];
  const onlyMine = h('input', { type: 'checkbox', name: 'mine' });
  const lists = SECTIONS.map(([key, title, query, emptyText]) => {
    const count = h('span', { class: 'sec-total' });
    const box = h('div', {});
    const list = pagedList(box, emptyText, 25, {
      onTotal: (r) => count.replaceChildren(' (', totalText(r), ')'),
      flagDuplicates: true,
    });
    const sec = h('section', { class: 'inbox-sec' + (key === 'overdue' ? ' overdue-sec' : ''), 'data-section': key },
      h('h2', {}, title, count), box);
    return { sec, list, query };
  });
  const toggle = mapToggle({ items: () => lists.flatMap((x) => x.list.items()) });
  const load = () => Promise.all(lists.map(({ list, query }) =>
    list.reload({ ...query, sort: 'due', assigned: onlyMine.checked ? 'me' : '' })));
  onlyMine.addEventListener('change', load);
  mount(el,
    h('h1', {}, 'کارتابل', unit ? ' — ' + unit.name : ''),
    toggle.el,
    h('p', { class: 'muted' }, 'پیام‌هایی که به واحد شما و زیرمجموعه‌هایش ارجاع شده است؛ دیرکردها نخست و در هر بخش نزدیک‌ترین مهلت بالاتر. همهٔ پیام‌ها در ', h('a', { href: '#/messages' }, 'فهرست پیام‌ها'), '.'),
    h('p', {}, h('label', { class: 'check' }, onlyMine, ' فقط پیام‌های سپرده به من')),
    lists.map((x) => x.sec));
  await load();
}

// ---- one message ----

function facts(m, umap, cats) {
  const cat = cats.find((c) => c.id === m.category_id);
  const u = (id) => (id && umap.get(id) ? umap.get(id).name : '—');
  const dd = (label, value) => [h('dt', {}, label), h('dd', {}, value)];
  return h('dl', { class: 'facts' },
    dd('کد رهگیری', h('span', { class: 'code-inline', dir: 'ltr' }, faCode(m.code))),
    dd('نوع', KINDS[m.kind] || m.kind),
    dd('موضوع', cat ? cat.name : '—'),
    dd('راه دریافت', CHANNELS[m.channel] || m.channel),
    dd('اولویت', PRIORITIES[m.priority] || m.priority),
    dd('منطقه', u(m.region_id)),
    dd('واحد کنونی', u(m.unit_id)),
    dd('ثبت', when(m.created_at)),
    dd('مهلت پاسخ', m.due_at ? [when(m.due_at), m.overdue ? h('span', { class: 'badge overdue' }, 'دیرکرد') : null] : '—'),
    m.answered_at ? dd('پاسخ', when(m.answered_at)) : null,
    m.closed_at ? dd('بسته شدن', when(m.closed_at)) : null,
    m.address ? dd('نشانی', m.address) : null,
    dd('شهروند', m.anonymous ? 'بی‌نام'
      : m.identity_hidden ? 'محرمانه (هویت برای واحد پنهان است)'
        : m.citizen ? [m.citizen.name || 'بی‌نام', ' · ', h('span', { dir: 'ltr' }, faDigits(m.citizen.mobile || '')),
          m.citizen.national_id ? [' · کد ملی ', faDigits(m.citizen.national_id)] : null] : '—'),
    m.confidential ? dd('محرمانه', 'بله') : null,
    m.verdict ? dd('نظر شهروند', [VERDICTS[m.verdict], m.rating ? ` — امتیاز ${faDigits(m.rating)} از ۵` : '']) : null,
    m.grade ? dd('ارزیابی بازرس', [GRADES[m.grade] || m.grade, m.grade_note ? ' — ' + m.grade_note : '']) : null,
    m.reject_reason ? dd('دلیل رد', REJECT_REASONS[m.reject_reason] || m.reject_reason) : null,
    m.return_reason ? dd('دلیل برگشت', RETURN_REASONS[m.return_reason] || m.return_reason) : null);
}

// A hop's reason as the core writes it: "objection[: why]",
// "inspector[: note]", or "<return reason>[: note]", or free text.
function reasonText(r) {
  const m = r.match(/^([a-z_]+)(?:: ([\s\S]*))?$/);
  if (!m) return r;
  const rest = m[2] ? ': ' + m[2] : '';
  if (m[1] === 'objection') return 'اعتراض شهروند به پاسخ' + (m[2] ? ' — «' + m[2] + '»' : '');
  if (m[1] === 'inspector') return (m[2] ? 'بازرس: ' + m[2] : 'ارزیابی بازرس: پاسخ غیرقابل قبول');
  if (RETURN_REASONS[m[1]]) return RETURN_REASONS[m[1]] + rest;
  return r;
}

const SMS_STATES = { pending: 'در صف', sending: 'در حال فرستادن', sent: 'فرستاده شد', failed: 'فرستاده نشد' };

// One event of the message's timeline (GET /messages/{code} "timeline").
function eventText(ev, u) {
  const d = ev.details || {};
  const hop = ev.hop;
  switch (ev.event) {
    case 'register': return 'ثبت پیام' + (d.channel && CHANNELS[d.channel] ? ' (' + CHANNELS[d.channel] + ')' : '');
    case 'refer': return `ارجاع به ${u(hop ? hop.to_unit : null)}`;
    case 'transfer': return `انتقال از ${u(hop ? hop.from_unit : null)} به ${u(hop ? hop.to_unit : null)}`;
    case 'return': return `${HOPS.return}: از ${u(hop ? hop.from_unit : null)}`;
    case 'start': return 'شروع رسیدگی';
    case 'answer': return 'پاسخ داده شد';
    case 'close': return 'بسته شد';
    case 'reject': return 'رد شد' + (d.reason && REJECT_REASONS[d.reason] ? ': ' + REJECT_REASONS[d.reason] : '');
    case 'verdict':
      return (d.verdict === 'accept' ? 'شهروند پاسخ را پذیرفت' : 'شهروند به پاسخ اعتراض کرد')
        + (d.rating ? ` (امتیاز ${faDigits(d.rating)} از ۵)` : '')
        + (hop ? ' — دوباره به جریان افتاد' : '');
    case 'grade': return 'ارزیابی بازرس: ' + (GRADES[d.grade] || d.grade) + (hop ? ' — بازگشایی' : '');
    case 'reopen': return 'بازگشایی به دست بازرس';
    case 'assign': return d.user ? `سپرده به ${d.user}` : 'پس گرفته شد (به کسی سپرده نیست)';
    case 'note': return 'یادداشت داخلی افزوده شد';
    case 'sms': return 'پیامک به شهروند: ' + (SMS_STATES[ev.sms.state] || ev.sms.state);
    default: return ev.event;
  }
}

function smsDetail(sms) {
  if (sms.hidden) return h('div', { class: 'small muted sms-hidden' }, 'پیام محرمانه است: شماره و متن پیامک برای واحد پنهان است.');
  return h('div', { class: 'sms-text' }, h('bdi', { dir: 'ltr', class: 'small muted' }, faDigits(sms.to || '')), ' ', sms.text);
}

function timeline(m, umap) {
  const u = (id) => (id && umap.get(id) ? umap.get(id).name : 'مرکز');
  const items = (m.timeline || []).map((ev) => {
    const d = ev.details || {};
    const hop = ev.hop;
    const note = ev.event === 'grade' ? d.note : ev.event === 'answer' ? d.answer : null;
    return h('li', { class: 'ev ev-' + ev.event + (hop ? ' hop hop-' + hop.kind : '') },
      h('span', { class: 'tl-what' }, eventText(ev, u)), ' · ', when(ev.at),
      h('div', { class: 'small muted' },
        ev.actor && ev.event !== 'sms' ? ['به دست ', h('bdi', {}, ev.actor_name || ev.actor)] : null,
        hop && hop.deadline && hop.kind !== 'return' ? [' · مهلت ', when(hop.deadline)] : null,
        hop && hop.reason ? [' · ', h('span', { class: 'tl-reason' }, reasonText(hop.reason))] : null),
      note ? h('div', { class: 'tl-note' }, note) : null,
      ev.event === 'sms' ? smsDetail(ev.sms) : null);
  });
  return h('ol', { class: 'timeline' }, items);
}

const umapOf = (all) => new Map(all.map((u) => [u.id, u]));

function smsCard(m) {
  const list = (m.timeline || []).filter((ev) => ev.event === 'sms');
  return h('section', { class: 'card sms-card', 'aria-labelledby': 'sms-title' },
    h('h2', { id: 'sms-title' }, 'پیامک‌های فرستاده به شهروند'),
    list.length
      ? h('ul', { class: 'sms-list' }, list.map((ev) => h('li', {},
        h('span', { class: 'badge' }, SMS_STATES[ev.sms.state] || ev.sms.state), ' ', when(ev.at), smsDetail(ev.sms))))
      : h('p', { class: 'muted' }, 'پیامکی برای این پیام فرستاده نشده است.'));
}

// The actions of docs/core.md's table, by role and state.
function allowed(m) {
  const r = role();
  const s = m.state;
  const a = [];
  const inUnit = ['referred', 'in_progress', 'reopened'].includes(s);
  if (r === 'operator') {
    if (['registered', 'returned', 'referred'].includes(s)) a.push('refer');
    if (['registered', 'returned'].includes(s)) a.push('reject');
    if (s === 'answered') a.push('close');
    if (['answered', 'closed'].includes(s) && !m.verdict) a.push('verdict');
  }
  if (r === 'staff' || r === 'manager') {
    if (['referred', 'reopened'].includes(s)) a.push('start');
    if (inUnit) a.push('answer', 'return', 'transfer');
  }
  if (r === 'inspector') {
    if (['answered', 'closed'].includes(s)) a.push('grade', 'reopen');
    if (s === 'answered') a.push('close');
  }
  return a;
}

const ACTION_LABELS = {
  refer: 'ارجاع', reject: 'رد پیام', close: 'بستن', verdict: 'ثبت نظر شهروند (تلفنی)',
  start: 'شروع رسیدگی', answer: 'پاسخ', return: 'برگشت به مرکز («مربوط به ما نیست»)',
  transfer: 'انتقال به واحد دیگر', grade: 'ارزیابی پاسخ', reopen: 'بازگشایی',
};

async function actionForm(action, m, all, cats, done) {
  const err = errorBox();
  const parts = [];
  const note = (label = 'یادداشت', name = 'note') => field(label, h('textarea', { name, rows: 2 }));
  switch (action) {
    case 'refer':
      parts.push(h('div', { class: 'row3' },
        // the region picked at registration is the first guess
        field('واحد مسئول', select('unit', unitOptions(all, (u) => !['organisation', 'centre'].includes(u.kind)), {
          required: true, empty: 'برگزینید…', value: m.region_id && umapOf(all).get(m.region_id) ? umapOf(all).get(m.region_id).code : '',
        }), { required: true }),
        field('موضوع', (() => {
          const sel = select('category', []);
          fillGrouped(sel, 'بدون تغییر', categoryGroups(cats, m.kind));
          return sel;
        })()),
        field('مهلت (ساعت)', h('input', { name: 'deadline_hours', inputmode: 'numeric', dir: 'ltr', placeholder: 'پیش‌فرض موضوع' }))),
      note('توضیح ارجاع', 'reason'));
      break;
    case 'reject':
      parts.push(h('div', { class: 'row2' },
        field('دلیل رد', select('reason', mapOptions(REJECT_REASONS), { required: true, empty: 'برگزینید…' }), { required: true }),
        field('کد پیام اصلی (برای تکراری)', h('input', { name: 'duplicate_of', inputmode: 'numeric', dir: 'ltr' }))),
      note());
      break;
    case 'answer': {
      const text = h('textarea', { name: 'answer', rows: 5, required: true });
      parts.push(cannedPicker(m, cats, text),
        field('متن پاسخ به شهروند', text, { required: true, hint: 'این پاسخ برای شهروند پیامک می‌شود.' }));
      break;
    }
    case 'return':
      parts.push(field('دلیل', select('reason', mapOptions(RETURN_REASONS), { required: true, value: 'not_ours' }), { required: true }), note());
      break;
    case 'transfer': {
      const mine = new Set(subtree(all, session.user.unit_id).map((u) => u.id));
      parts.push(field('واحد مقصد (در زیرمجموعهٔ شما)', select('unit', unitOptions(all, (u) => mine.has(u.id) && u.id !== m.unit_id), { required: true, empty: 'برگزینید…' }), { required: true }),
        note('دلیل انتقال', 'reason'));
      break;
    }
    case 'grade':
      parts.push(field('ارزیابی', select('grade', mapOptions(GRADES), { required: true, empty: 'برگزینید…' }), { required: true }),
        note(),
        h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'reopen' }), ' بازگشایی و بازگرداندن به واحد (فقط با ارزیابی غیرقابل قبول)'));
      break;
    case 'reopen':
      parts.push(note('دلیل بازگشایی'));
      break;
    case 'verdict':
      parts.push(field('نظر شهروند', select('verdict', mapOptions(VERDICTS), { required: true, empty: 'برگزینید…' }), { required: true }),
        field('امتیاز (۱ تا ۵، اختیاری)', h('input', { name: 'rating', inputmode: 'numeric', dir: 'ltr' })));
      break;
    default:
      break;
  }
  const btn = h('button', { type: 'submit', class: action === 'reject' ? 'danger' : 'primary' }, ACTION_LABELS[action]);
  const form = h('form', { class: 'action-form', novalidate: true, 'data-action': action }, parts, err, h('p', { class: 'actions' }, btn));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    err.show('');
    const v = formValues(form);
    const body = { version: m.version };
    for (const [k, val] of Object.entries(v)) {
      if (val === '' || val === false || k === 'canned') continue;
      if (k === 'deadline_hours' || k === 'rating') {
        const n = Number(asciiDigits(val));
        if (!Number.isInteger(n) || n < 1) return err.show('عدد درستی وارد کنید.');
        body[k] = n;
      } else if (k === 'duplicate_of') {
        body[k] = asciiDigits(val).replace(/\s+/g, '');
      } else body[k] = val;
    }
    for (const el of form.querySelectorAll('[required]')) {
      if (!el.value) {
        el.focus();
        return err.show('خانه‌های ستاره‌دار را پر کنید.');
      }
    }
    return busy(btn, async () => {
      try {
        const after = await api('POST', `/messages/${m.code}/${action}`, body);
        done(after, `«${ACTION_LABELS[action]}» انجام شد.`);
      } catch (e) {
        formError(form, err, e);
      }
    });
  });
  return form;
}

/** Which reader may mark m a duplicate of another in one step. */
function mayMarkDuplicate(m) {
  const r = role();
  if (r === 'operator') return ['registered', 'returned'].includes(m.state);
  if (r === 'staff' || r === 'manager') return ['referred', 'in_progress', 'reopened'].includes(m.state);
  return false;
}

/** The likely duplicates of m, each with "mark this one a duplicate of it". */
function similarCard(m, done) {
  const body = h('div', {}, loading('در حال یافتن پیام‌های مشابه…'));
  const card = h('section', { class: 'card similar', 'aria-labelledby': 'sim-title' },
    h('h2', { id: 'sim-title' }, 'پیام‌های احتمالاً تکراری'), body);
  (async () => {
    try {
      const r = await api('GET', `/messages/${m.code}/similar`);
      if (!r.items.length) {
        mount(body, empty(`پیامی از همین شماره یا همین موضوع در ${faDigits(r.radius_m)} متری در ${faDigits(r.days)} روز پیش و پس از آن نیست.`));
        return;
      }
      const err = errorBox();
      mount(body, h('p', { class: 'muted small' }, `از همین شمارهٔ همراه، یا از همین موضوع در ${faDigits(r.radius_m)} متری، در ${faDigits(r.days)} روز پیش و پس از این پیام:`),
        h('ul', { class: 'msg-list' }, r.items.map((x) => {
          const mark = mayMarkDuplicate(m)
            ? h('button', { type: 'button', class: 'secondary small', 'data-duplicate-of': x.code }, 'این پیام تکراریِ آن است')
            : null;
          if (mark) {
            mark.addEventListener('click', () => busy(mark, async () => {
              err.show('');
              try {
                const after = await api('POST', `/messages/${m.code}/reject`, { reason: 'duplicate', duplicate_of: x.code, version: m.version });
                // the notice goes through done, which shows it once the page is
                // drawn again (a flash before it would be wiped by the redraw)
                done(after, `پیام به‌عنوان تکراریِ ${faDigits(x.code)} رد شد.`);
              } catch (e) {
                err.show(e.fa);
              }
            }));
          }
          return h('li', { class: 'msg-row', 'data-code': x.code },
            h('a', { href: '#/m/' + x.code, class: 'msg-link' },
              h('span', { class: 'msg-subject' }, x.subject),
              h('span', { class: 'msg-meta' }, h('span', { class: 'code-inline', dir: 'ltr' }, faDigits(x.code)), ' · ',
                x.why.map((w) => WHY[w] || w).join('، '),
                x.distance_m !== null ? ` · ${faDigits(x.distance_m)} متر` : '')),
            h('span', { class: 'msg-side' }, stateBadge(x.state), h('span', { class: 'small muted' }, when(x.created_at, false)), mark));
        })), err);
    } catch (e) {
      mount(body, h('p', { class: 'error-box' }, e.fa));
    }
  })();
  return card;
}

/** The queue the reader works from. */
function queueHash() {
  if (role() === 'operator') return '#/desk';
  if (['staff', 'manager'].includes(role())) return '#/inbox';
  return '#/messages';
}

// Back to the queue with a notice (the message left the reader's scope).
function backToQueue(text, kind = 'ok') {
  location.hash = queueHash();
  flash(text, kind);
}

export async function messagePage(el, { params, isCurrent = () => true }) {
  const code = params[0];
  let m;
  let all;
  let cats;
  try {
    [m, all, cats] = await Promise.all([api('GET', '/messages/' + code), units(), categories().catch(() => [])]);
  } catch (e) {
    // out of the reader's scope answers 404 like a code that does not exist:
    // one page for both, so a unit does not learn the code exists
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) {
      mount(el, h('section', { class: 'card narrow' },
        h('h1', {}, 'پیام پیدا نشد'),
        h('p', {}, 'پیامی با این کد رهگیری نیست، یا در کارتابل شما نیست (مثلاً به واحد دیگری رفته است).'),
        h('p', {}, h('a', { href: queueHash() }, 'بازگشت به کارتابل'))));
      return;
    }
    throw e;
  }
  // the reader moved on while this loaded: do not paint over the new page
  if (!isCurrent()) return;
  const umap = new Map(all.map((u) => [u.id, u]));
  // After an action: stay when the message is still ours, else back to the
  // queue with the notice (no stale page, no 403 on reload).
  const reload = async (after, notice) => {
    const mine = ['staff', 'manager'].includes(role())
      ? new Set(subtree(all, session.user.unit_id).map((u) => u.id)) : null;
    if (mine && after && !mine.has(after.unit_id)) {
      backToQueue(notice);
      return;
    }
    try {
      await messagePage(el, { params });
      flash(notice);
    } catch (e) {
      backToQueue(notice);
    }
  };
  const acts = allowed(m);
  const inScope = ['staff', 'manager'].includes(role()) &&
    new Set(subtree(all, session.user.unit_id).map((u) => u.id)).has(m.unit_id);
  const panel = h('div', { class: 'action-panel' });
  const buttons = acts.map((a) => {
    const b = h('button', { type: 'button', class: 'secondary', 'data-action': a, 'aria-expanded': 'false' }, ACTION_LABELS[a]);
    b.addEventListener('click', async () => {
      for (const o of buttons) o.setAttribute('aria-expanded', String(o === b));
      mount(panel, await actionForm(a, m, all, cats, reload));
      const first = panel.querySelector('select, input, textarea, button[type=submit]');
      if (first) first.focus();
    });
    return b;
  });
  // operators and the units holding it add photos and files
  const files = attachSection(m.code, ['operator', 'staff', 'manager'].includes(role()) &&
    !['closed', 'rejected'].includes(m.state));
  mount(el,
    h('p', { class: 'crumbs' }, h('a', { href: queueHash() }, '→ بازگشت')),
    h('article', { class: 'card message' },
      h('div', { class: 'msg-head' }, h('h1', {}, m.subject), stateBadge(m.state)),
      h('p', { class: 'msg-body' }, m.body),
      facts(m, umap, cats),
      m.point ? h('section', { class: 'msg-map' }, h('h2', {}, 'محل روی نقشه'), pinView(m.point, m.subject)) : null,
      m.answer ? h('section', { class: 'answer' }, h('h2', {}, 'پاسخ'), h('p', { class: 'answer-text' }, m.answer)) : null),
    ['operator', 'inspector', 'admin', 'staff', 'manager'].includes(role()) ? similarCard(m, reload) : null,
    files,
    h('section', { class: 'card' }, h('h2', {}, 'روند و ارجاع‌ها'), timeline(m, umap)),
    ['referred', 'in_progress', 'reopened'].includes(m.state) || m.assignee ? assigneeCard(m, inScope) : null,
    mayNote(inScope) ? notesCard(m) : null,
    smsCard(m),
    acts.length
      ? h('section', { class: 'card actions-card', 'aria-labelledby': 'act-title' },
        h('h2', { id: 'act-title' }, 'اقدام'), h('div', { class: 'action-buttons' }, buttons), panel)
      : null);
  await files.load();
}

