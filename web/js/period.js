// period.js - the Jalali period picker of the dashboard and the evaluation:
// year to date, a year, a half, a season, a month, the first N months or a
// custom range of days, all in Persian, turned into the API's period
// parameter (docs/reports.md; "1399", "1399-H1", "1399-01..1399-09", ...).
// Nobody has to learn the codes.

import { api, qs } from './api.js';
import { MONTHS, asciiDigits, faDigits, jalaliOf, jalaliMonthLength } from './fa.js';
import { h, field, select, errorBox, busy, loading } from './ui.js';

const KINDS = [
  ['ytd', 'از آغاز سال تا امروز'],
  ['year', 'سال'],
  ['half', 'نیمهٔ سال'],
  ['season', 'فصل'],
  ['month', 'ماه'],
  ['first', 'چند ماه نخست'],
  ['range', 'بازهٔ دلخواه'],
];
const HALVES = [['1', 'نیمهٔ نخست (فروردین تا شهریور)'], ['2', 'نیمهٔ دوم (مهر تا اسفند)']];
const SEASONS = [['1', 'بهار'], ['2', 'تابستان'], ['3', 'پاییز'], ['4', 'زمستان']];
const pad2 = (n) => String(n).padStart(2, '0');

/** "۱۳۹۹/۰۱/۱۵" (any digits, / - or . between) -> {y, m, d} or null. */
export function parseJalaliDate(text) {
  const m = /^\s*(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})\s*$/.exec(asciiDigits(text));
  if (!m) return null;
  const y = Number(m[1]); const mo = Number(m[2]); const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > jalaliMonthLength(y, mo)) return null;
  return { y, m: mo, d };
}

/**
 * The picker: {el, code(), describe(), set({kind, year, ...}), compare}.
 * code() is the API's period parameter, or throws an Error with a Persian
 * message when the custom range is not valid.
 */
export function periodPicker(opts = {}) {
  const today = jalaliOf(new Date());
  const years = [];
  for (let y = today.y; y >= today.y - 12; y -= 1) years.push([String(y), faDigits(y)]);
  const kind = select('period-kind', opts.kinds ? KINDS.filter(([k]) => opts.kinds.includes(k)) : KINDS);
  const year = select('period-year', years);
  const half = select('period-half', HALVES);
  const season = select('period-season', SEASONS);
  const month = select('period-month', MONTHS.map((n, i) => [String(i + 1), n]));
  const first = select('period-first', MONTHS.map((n, i) => [String(i + 1), faDigits(i + 1) + ' ماه نخست (تا پایان ' + n + ')']));
  const from = h('input', { name: 'period-from', dir: 'ltr', inputmode: 'numeric', placeholder: '۱۳۹۹/۰۱/۰۱' });
  const to = h('input', { name: 'period-to', dir: 'ltr', inputmode: 'numeric', placeholder: '۱۳۹۹/۰۶/۳۱' });
  const compare = h('input', { type: 'checkbox', name: 'compare', checked: opts.compare !== false });
  const fields = {
    year: field('سال', year),
    half: field('نیمه', half),
    season: field('فصل', season),
    month: field('ماه', month),
    first: field('تا پایان', first),
    from: field('از تاریخ', from, { hint: 'روز/ماه/سال خورشیدی' }),
    to: field('تا تاریخ', to, { hint: 'روز/ماه/سال خورشیدی' }),
  };
  const shown = {
    ytd: [], year: ['year'], half: ['year', 'half'], season: ['year', 'season'],
    month: ['year', 'month'], first: ['year', 'first'], range: ['from', 'to'],
  };
  const sync = () => {
    for (const [k, f] of Object.entries(fields)) f.hidden = !shown[kind.value].includes(k);
  };
  kind.addEventListener('change', sync);
  const el = h('fieldset', { class: 'period-picker' },
    h('legend', {}, 'دوره'),
    field('نوع دوره', kind), Object.values(fields),
    h('label', { class: 'check' }, compare, ' مقایسه با همین بازه در سال پیش'));

  function code() {
    const y = Number(year.value);
    switch (kind.value) {
      case 'ytd': return `${today.y}-01-01..${today.y}-${pad2(today.m)}-${pad2(today.d)}`;
      case 'year': return String(y);
      case 'half': return `${y}-H${half.value}`;
      case 'season': return `${y}-Q${season.value}`;
      case 'month': return `${y}-${pad2(month.value)}`;
      case 'first': return `${y}-01..${y}-${pad2(first.value)}`;
      default: {
        const a = parseJalaliDate(from.value); const b = parseJalaliDate(to.value);
        if (!a || !b) throw new Error('تاریخ آغاز و پایان بازه را به شکل ۱۳۹۹/۰۱/۱۵ بنویسید.');
        const s = (x) => `${x.y}-${pad2(x.m)}-${pad2(x.d)}`;
        if (s(a) > s(b)) throw new Error('تاریخ آغاز بازه پس از تاریخ پایان آن است.');
        return `${s(a)}..${s(b)}`;
      }
    }
  }
  function describe() {
    const y = faDigits(year.value);
    switch (kind.value) {
      case 'ytd': return faDigits(`از آغاز ${today.y} تا ${today.d} ${MONTHS[today.m - 1]}`);
      case 'year': return `سال ${y}`;
      case 'half': return `${half.value === '1' ? 'نیمهٔ نخست' : 'نیمهٔ دوم'} ${y}`;
      case 'season': return `${SEASONS[Number(season.value) - 1][1]} ${y}`;
      case 'month': return `${MONTHS[Number(month.value) - 1]} ${y}`;
      case 'first': return `${faDigits(first.value)} ماه نخست ${y}`;
      default: return `${faDigits(from.value)} تا ${faDigits(to.value)}`;
    }
  }
  function set(v) {
    if (v.kind) kind.value = v.kind;
    if (v.year) year.value = String(v.year);
    if (v.half) half.value = String(v.half);
    if (v.season) season.value = String(v.season);
    if (v.month) month.value = String(v.month);
    if (v.first) first.value = String(v.first);
    sync();
  }
  set({ kind: opts.kind || 'ytd', year: today.y, half: today.m <= 6 ? 1 : 2,
    season: Math.ceil(today.m / 3), month: today.m, first: today.m });
  return { el, code, describe, set, compare, today };
}

/**
 * The default of the pickers: the current year to date when unit has
 * messages this year, else the latest year that has (the demo's data ends
 * years ago); null when none of the last 12 years has any.
 */
export async function latestYearWithMessages(unit) {
  const now = jalaliOf(new Date()).y;
  for (let y = now; y > now - 12; y -= 1) {
    const r = await api('GET', '/reports' + qs({ unit, period: String(y) }));
    if (r.referred > 0) return y;
  }
  return null;
}

/**
 * The form around a picker and what it shows: reportForm(picker, controls,
 * show) -> {form, out, run}.  run() checks the period, shows the loading
 * state, awaits show(period, out) and turns a failure into the form's
 * Persian error.
 */
export function reportForm(picker, controls, show) {
  const err = errorBox();
  const out = h('div', { class: 'report-out', 'aria-live': 'polite' });
  const btn = h('button', { type: 'submit', class: 'primary' }, 'نمایش');
  const form = h('form', { class: 'card filters report-filters', novalidate: true }, controls, picker.el, err, btn);
  const run = () => busy(btn, async () => {
    err.show('');
    let period;
    try {
      period = picker.code();
    } catch (e) {
      err.show(e.message);
      return;
    }
    out.replaceChildren(loading());
    try {
      await show(period, out);
    } catch (e) {
      out.replaceChildren();
      err.show(e.fa || e.message);
    }
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    run();
  });
  return { form, out, run };
}
