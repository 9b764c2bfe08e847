// dashboard.js - a unit's figures for a Jalali period, against the same span
// a year earlier (GET /api/v1/reports; the definitions are docs/reports.md's
// and every figure shows its own, in Persian, one tap away): the figures,
// the monthly trend, the children side by side and the categories, each
// chart with its table, CSV and XLSX of what is on screen, and a print
// layout.

import { api, qs } from './api.js';
import { faDigits, faNumber, faPercent, faDate } from './fa.js';
import { h, mount, field, select } from './ui.js';
import { session, role, units, unitOptions, subtree } from './state.js';
import { periodPicker, latestYearWithMessages, reportForm } from './period.js';
import { chartBlock } from './charts.js';

// [field, Persian label, type (n count, % rate, h hours), lower is better]
const FIGURES = [
  ['referred', 'ارجاع‌شده', 'n'],
  ['answered', 'پاسخ‌داده‌شده', 'n'],
  ['quantitative_rate', 'رسیدگی کمّی', '%'],
  ['qualitative_rate', 'رسیدگی کیفی', '%'],
  ['acceptance_rate', 'رضایت شهروندان', '%'],
  ['inspector_rate', 'تأیید بازرسان', '%'],
  ['on_time_rate', 'پاسخ به‌موقع', '%'],
  ['mean_handling_hours', 'میانگین زمان رسیدگی (ساعت)', 'h', true],
  ['median_handling_hours', 'میانهٔ زمان رسیدگی (ساعت)', 'h', true],
  ['p90_handling_hours', 'صدک ۹۰ زمان رسیدگی (ساعت)', 'h', true],
  ['overdue', 'معوق در پایان دوره', 'n', true],
  ['judgements', 'داوری‌ها', 'n'],
  ['late', 'تعهدهای دیرکرد', 'n', true],
  ['transferred_out', 'واگذارشده به بیرون', 'n'],
  ['returns', 'بازگشت به مرکز', 'n'],
];

/** The definitions, in Persian (docs/reports.md, "The figures"). */
export const DEFS = {
  referred: 'پیام‌هایی که در این دوره با هر گونه ارجاع، انتقال یا ارجاع دوباره به این واحد یا واحدهای زیرمجموعه‌اش رسیده‌اند؛ هر پیام یک بار، در روز نخستین رسیدنش.',
  answered: 'از پیام‌های ارجاع‌شده، آن‌هایی که خود این واحد (یا زیرمجموعه‌اش) تا پایان دوره — یا تا اکنون، اگر دوره تمام نشده — پاسخ داده است؛ هر پیام یک بار.',
  quantitative_rate: 'پاسخ‌داده‌شده ÷ ارجاع‌شده. پیامی که واحد به بیرون فرستاده یا به مرکز برگردانده پاسخ‌داده شمرده نمی‌شود، پس این نسبت هرگز از ۱۰۰٪ بیشتر نمی‌شود.',
  qualitative_rate: 'داوری‌های مثبت ÷ همهٔ داوری‌ها: هر نظر شهروند (پذیرش یا اعتراض) و هر نمرهٔ بازرس روی پاسخ‌های این واحد که در این دوره داده شده یک بار شمرده می‌شود و پس از پاسخ دوباره هم می‌ماند.',
  acceptance_rate: 'نظرهای شهروندان به‌تنهایی: پذیرش ÷ (پذیرش + اعتراض).',
  inspector_rate: 'نمونهٔ ارزیابی بازرسان به‌تنهایی: نمره‌های «قابل قبول» ÷ همهٔ نمره‌های بازرسان.',
  on_time_rate: 'تعهدهای به‌موقع ÷ همهٔ تعهدها. هر ارجاع یا بازگشایی که مهلتش در این دوره سر رسیده یک تعهد است؛ اگر واحد در همان نوبت و پیش از مهلت پاسخ ندهد دیرکرد است، حتی اگر هنوز پاسخ نداده باشد. بازگشایی تعهد تازه می‌سازد و تعهد پیشین را پاک نمی‌کند.',
  mean_handling_hours: 'میانگین زمان از رسیدن هر نوبت ارجاع به این واحد تا پاسخ همین واحد، به ساعت. زمانی که پیام در انتظار نظر شهروند یا بازرس بوده حساب نمی‌شود.',
  median_handling_hours: 'زمانی که نیمی از پاسخ‌ها زودتر از آن داده شده‌اند (با دقت ۱٪ یا ۶ دقیقه).',
  p90_handling_hours: 'زمانی که ۹۰٪ پاسخ‌ها زودتر از آن داده شده‌اند (با دقت ۱٪ یا ۶ دقیقه).',
  overdue: 'تعهدهایی که مهلتشان تا پایان دوره (یا تا امروز) گذشته و تا آن زمان نه پاسخ گرفته‌اند و نه به جای دیگری رفته‌اند.',
  judgements: 'همهٔ نظرهای شهروندان و نمره‌های بازرسان روی پاسخ‌های این واحد در این دوره.',
  late: 'تعهدهایی که واحد پیش از مهلت به آن‌ها پاسخ نداده است.',
  transferred_out: 'پیام‌هایی که واحد به بیرون از زیرمجموعهٔ خود فرستاده است؛ پاسخ‌داده شمرده نمی‌شوند.',
  returns: 'پیام‌هایی که واحد با «مربوط به ما نیست» به مرکز برگردانده است؛ پاسخ‌داده شمرده نمی‌شوند.',
};

const RATES = new Set(['quantitative_rate', 'qualitative_rate', 'acceptance_rate', 'inspector_rate', 'on_time_rate']);
export const fmt = (v, t) => (t === '%' ? faPercent(v, 1) : t === 'h' ? faNumber(v, 1) : faNumber(v));

/** The change against last year: percent for counts and times, «واحد
 * درصد» (percentage points) for rates; green when it is an improvement. */
export function change(r, k, lowerIsBetter) {
  const v = RATES.has(k) ? r.change_pp && r.change_pp[k] : r.change_pct && r.change_pct[k];
  if (v === null || v === undefined) return null;
  const good = lowerIsBetter ? v < 0 : v > 0;
  const unit = RATES.has(k) ? ' واحد درصد' : '٪';
  return h('bdi', { class: 'change ' + (v === 0 ? 'flat' : good ? 'up' : 'down') },
    (v > 0 ? '+' : v < 0 ? '−' : '') + faNumber(Math.abs(v), 1) + unit);
}

function definition(k) {
  return h('details', { class: 'def' }, h('summary', {}, 'تعریف'), h('p', {}, DEFS[k]));
}

function figures(r) {
  return h('div', { class: 'figures' }, FIGURES.map(([k, label, t, lower]) => h('div', { class: 'figure', dataset: { field: k } },
    h('span', { class: 'figure-label' }, label),
    h('span', { class: 'figure-value' }, fmt(r[k], t)),
    r.previous ? h('span', { class: 'figure-prev small muted' }, 'سال پیش: ', fmt(r.previous[k], t), ' ', change(r, k, lower)) : null,
    definition(k))));
}

/** CSV and XLSX of one report as links (the session cookie goes along). */
export function downloads(path, params, what) {
  return h('span', { class: 'downloads' },
    h('a', { class: 'button small', href: 'api/v1' + path + qs({ ...params, format: 'xlsx' }), download: '', 'data-format': 'xlsx' }, 'XLSX ' + what),
    ' ',
    h('a', { class: 'button small', href: 'api/v1' + path + qs({ ...params, format: 'csv' }), download: '', 'data-format': 'csv' }, 'CSV ' + what));
}

function rankLine(r) {
  const w = r.weights || { quantity: 0.4, quality: 0.4, timeliness: 0.2 };
  return h('p', { class: 'rank-line' },
    'رتبه میان واحدهای هم‌سطحی که در این دوره پیام گرفته‌اند: ',
    h('strong', {}, r.rank ? faDigits(`${r.rank} از ${r.rank_of}`) : '—'),
    ' · امتیاز ', h('strong', {}, faNumber(r.score, 1)),
    h('span', { class: 'muted' }, ` (= ${faNumber(w.quantity * 100)}٪ رسیدگی کمّی + ${faNumber(w.quality * 100)}٪ رسیدگی کیفی + ${faNumber(w.timeliness * 100)}٪ پاسخ به‌موقع)`));
}

function monthChart(m, params) {
  const rows = m.rows || [];
  return chartBlock({
    title: 'روند ماهانه در برابر سال پیش',
    type: 'line',
    labels: rows.map((x) => x.name || x.key),
    series: [{ label: 'ارجاع‌شده', data: rows.map((x) => x.referred) }]
      .concat(m.previous ? [{ label: 'ارجاع‌شده سال پیش', data: rows.map((x) => (x.previous ? x.previous.referred : null)) }] : [])
      .concat([{ label: 'پاسخ‌داده‌شده', data: rows.map((x) => x.answered) }]),
    head: ['ماه', 'ارجاع‌شده', 'سال پیش', 'پاسخ‌داده‌شده', 'رسیدگی کمّی', 'رسیدگی کیفی', 'پاسخ به‌موقع', 'میانگین زمان (ساعت)'],
    rows: rows.map((x) => [faDigits(x.name || x.key), faNumber(x.referred), x.previous ? faNumber(x.previous.referred) : '—',
      faNumber(x.answered), faPercent(x.quantitative_rate, 1), faPercent(x.qualitative_rate, 1),
      faPercent(x.on_time_rate, 1), faNumber(x.mean_handling_hours, 1)]),
    actions: downloads('/reports', { ...params, by: 'month' }, 'ماهانه'),
  });
}

function childChart(c, params) {
  const rows = (c.rows || []).filter((x) => x.referred > 0 || x.self);
  const name = (x) => (x.self ? `${x.name} (خود واحد)` : x.name || x.key);
  return chartBlock({
    title: 'واحدهای زیرمجموعه کنار هم',
    labels: rows.map(name),
    series: [{ label: 'ارجاع‌شده', data: rows.map((x) => x.referred) }, { label: 'پاسخ‌داده‌شده', data: rows.map((x) => x.answered) }],
    head: ['واحد', 'رتبه', 'ارجاع‌شده', 'پاسخ‌داده‌شده', 'رسیدگی کمّی', 'رسیدگی کیفی', 'پاسخ به‌موقع', 'میانگین زمان (ساعت)', 'امتیاز'],
    rows: rows.map((x) => [name(x), x.rank ? faDigits(`${x.rank} از ${x.rank_of}`) : '—', faNumber(x.referred),
      faNumber(x.answered), faPercent(x.quantitative_rate, 1), faPercent(x.qualitative_rate, 1),
      faPercent(x.on_time_rate, 1), faNumber(x.mean_handling_hours, 1), x.self ? '—' : faNumber(x.score, 1)]),
    actions: downloads('/reports', { ...params, by: 'child' }, 'واحدها'),
  });
}

function categoryChart(k, params) {
  const rows = (k.rows || []).filter((x) => x.referred > 0).sort((a, b) => b.referred - a.referred);
  return chartBlock({
    title: 'دسته‌ها',
    horizontal: true,
    labels: rows.map((x) => x.name || x.key),
    series: [{ label: 'ارجاع‌شده', data: rows.map((x) => x.referred) }, { label: 'پاسخ‌داده‌شده', data: rows.map((x) => x.answered) }],
    head: ['دسته', 'ارجاع‌شده', 'پاسخ‌داده‌شده', 'رسیدگی کمّی', 'رسیدگی کیفی', 'پاسخ به‌موقع', 'معوق'],
    rows: rows.map((x) => [x.name || x.key, faNumber(x.referred), faNumber(x.answered), faPercent(x.quantitative_rate, 1),
      faPercent(x.qualitative_rate, 1), faPercent(x.on_time_rate, 1), faNumber(x.overdue)]),
    actions: downloads('/reports', { ...params, by: 'category' }, 'دسته‌ها'),
  });
}

export async function dashboardPage(el) {
  const all = await units();
  const mine = role() === 'manager' && session.user.unit_id
    ? new Set(subtree(all, session.user.unit_id).map((u) => u.id)) : null;
  const unit = select('unit', unitOptions(all, (u) => !mine || mine.has(u.id)));
  const start = mine ? all.find((u) => u.id === session.user.unit_id) : all.find((u) => !u.parent_id);
  if (start) unit.value = start.code;
  const picker = periodPicker();
  const { form, out, run } = reportForm(picker, field('واحد', unit), async (period, box) => {
    const params = { unit: unit.value, period, ...(picker.compare.checked ? { compare: 'previous-year' } : {}) };
    const [r, m, k] = await Promise.all([
      api('GET', '/reports' + qs({ ...params, by: 'child' })),
      api('GET', '/reports' + qs({ ...params, by: 'month' })),
      api('GET', '/reports' + qs({ ...params, by: 'category' })),
    ]);
    const charts = [monthChart(m, params), childChart(r, params), categoryChart(k, params)];
    mount(box, h('section', { class: 'card report-head' },
      h('h2', {}, r.unit_name || r.unit, ' — ', picker.describe()),
      h('p', { class: 'muted small' },
        faDigits((r.period_first || '').replace(/-/g, '/')), ' تا ', faDigits((r.period_last || '').replace(/-/g, '/')),
        r.previous_period ? [' در برابر ', faDigits((r.previous_period_first || '').replace(/-/g, '/')), ' تا ',
          faDigits((r.previous_period_last || '').replace(/-/g, '/'))] : null,
        ' · وضعیت تا ', faDate(r.as_of),
        ' · معوق همین حالا: ', h('strong', { class: 'overdue-now' }, faNumber(r.overdue_now)), ' (', faDate(r.overdue_now_at), ')'),
      h('div', { class: 'toolbar no-print' },
        downloads('/reports', { ...params, by: 'child' }, 'این گزارش'),
        ' ', h('button', { type: 'button', class: 'small', onclick: () => window.print() }, 'چاپ')),
      figures(r), rankLine(r)),
    charts.map((c) => c.el));
    for (const c of charts) await c.draw();
  });
  // the current year to date, or the latest year that has messages (known
  // before the form shows, so nothing changes under the reader's hand)
  try {
    const y = await latestYearWithMessages(unit.value);
    if (y !== null && y !== picker.today.y) picker.set({ kind: 'year', year: y });
  } catch {
    // the report below shows the error
  }
  mount(el, h('h1', {}, 'داشبورد رسیدگی'), form, out);
  await run();
}
