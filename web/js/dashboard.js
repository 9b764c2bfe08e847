// dashboard.js - a unit's figures for a Jalali period, against the same
// period a year earlier (GET /api/v1/reports; see docs/reports.md).

import { api, qs } from './api.js';
import { asciiDigits, faDigits, faNumber, faPercent, jalaliOf } from './fa.js';
import { h, mount, field, select, errorBox, busy, loading, tableWrap } from './ui.js';
import { session, role, units, unitOptions, subtree } from './state.js';

const FIGURES = [
  ['referred', 'ارجاع‌شده', 'n'],
  ['answered', 'پاسخ‌داده‌شده', 'n'],
  ['quantitative_rate', 'رسیدگی کمّی', '%'],
  ['qualitative_rate', 'رسیدگی کیفی', '%'],
  ['on_time_rate', 'پاسخ به‌موقع', '%'],
  ['mean_handling_hours', 'میانگین زمان رسیدگی (ساعت)', 'h'],
  ['median_handling_hours', 'میانهٔ زمان رسیدگی (ساعت)', 'h'],
  ['p90_handling_hours', 'صدک ۹۰ زمان رسیدگی (ساعت)', 'h'],
  ['overdue', 'دیرکرد جاری', 'n'],
];

const fmt = (v, t) => (t === '%' ? faPercent(v, 1) : t === 'h' ? faNumber(v, 1) : faNumber(v));

// The change against last year, green when it is an improvement (fewer
// hours and less overdue are better; more of everything else).
function change(pct, lowerIsBetter) {
  if (pct === null || pct === undefined) return null;
  const up = pct > 0;
  const good = lowerIsBetter ? pct < 0 : pct > 0;
  return h('bdi', { dir: 'ltr', class: 'change ' + (pct === 0 ? 'flat' : good ? 'up' : 'down') },
    (up ? '+' : pct < 0 ? '−' : '') + faNumber(Math.abs(pct), 1) + '٪');
}

function figures(r) {
  return h('div', { class: 'figures' }, FIGURES.map(([k, label, t]) => h('div', { class: 'figure' },
    h('span', { class: 'figure-label' }, label),
    h('span', { class: 'figure-value' }, fmt(r[k], t)),
    r.previous ? h('span', { class: 'figure-prev small muted' }, 'سال پیش: ', fmt(r.previous[k], t), ' ', change(r.change_pct && r.change_pct[k], t === 'h' || k === 'overdue')) : null)));
}

function rowsTable(r) {
  if (!r.rows || !r.rows.length) return null;
  return tableWrap('جدول واحدها', h('table', {},
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'واحد'), h('th', { scope: 'col' }, 'ارجاع'), h('th', { scope: 'col' }, 'پاسخ'),
      h('th', { scope: 'col' }, 'کمّی'), h('th', { scope: 'col' }, 'کیفی'), h('th', { scope: 'col' }, 'رتبه'))),
    h('tbody', {}, r.rows.map((x) => h('tr', {},
      h('td', {}, x.name || x.key), h('td', {}, faNumber(x.referred)), h('td', {}, faNumber(x.answered)),
      h('td', {}, faPercent(x.quantitative_rate, 1)), h('td', {}, faPercent(x.qualitative_rate, 1)),
      h('td', {}, x.rank ? faDigits(`${x.rank} از ${x.rank_of}`) : '—'))))));
}

export async function dashboardPage(el) {
  const all = await units();
  const mine = role() === 'manager' && session.user.unit_id
    ? new Set(subtree(all, session.user.unit_id).map((u) => u.id)) : null;
  const unit = select('unit', unitOptions(all, (u) => !mine || mine.has(u.id)));
  const start = mine ? all.find((u) => u.id === session.user.unit_id) : all.find((u) => !u.parent_id);
  if (start) unit.value = start.code;
  const now = jalaliOf(new Date());
  const period = h('input', { name: 'period', dir: 'ltr', required: true, value: faDigits(`${now.y}-01..${now.y}-${String(now.m).padStart(2, '0')}`) });
  const err = errorBox();
  const out = h('div', { class: 'report-out', 'aria-live': 'polite' });
  const btn = h('button', { type: 'submit', class: 'primary' }, 'نمایش');
  const form = h('form', { class: 'card filters', novalidate: true },
    field('واحد', unit),
    field('دوره', period, {
      hint: ['مانند ', h('bdi', { dir: 'ltr' }, '۱۳۹۹'), '، ', h('bdi', { dir: 'ltr' }, '۱۳۹۹-۰۱..۱۳۹۹-۰۹'),
        '، ', h('bdi', { dir: 'ltr' }, '۱۳۹۹-H1'), ' یا ', h('bdi', { dir: 'ltr' }, '۱۳۹۹-Q2')],
    }),
    err, btn);
  const run = () => busy(btn, async () => {
    err.show('');
    out.replaceChildren(loading());
    try {
      const r = await api('GET', '/reports' + qs({ unit: unit.value, period: asciiDigits(period.value.trim()), compare: 'previous-year', by: 'child' }));
      mount(out, h('section', { class: 'card' },
        h('h2', {}, r.unit_name || r.unit, ' — ', faDigits((r.period_first || '').replace(/-/g, '/')), ' تا ', faDigits((r.period_last || '').replace(/-/g, '/'))),
        figures(r), rowsTable(r)));
    } catch (e) {
      out.replaceChildren();
      err.show(e.fa);
    }
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    run();
  });
  mount(el, h('h1', {}, 'داشبورد رسیدگی'), form, out);
  await run();
}
