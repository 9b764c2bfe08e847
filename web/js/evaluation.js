// evaluation.js - the six-monthly evaluation of the regions (GET
// /api/v1/reports/evaluation; docs/reports.md, "The evaluation"): the score
// formula with its weights, the ranking with the inspectors' sample and the
// citizens' verdicts apart and together, a chart of the scores with its
// table, CSV, XLSX and print.  For inspectors, the centre, admins and the
// managers of the city (the mayor).

import { api, qs } from './api.js';
import { faDigits, faNumber, faPercent } from './fa.js';
import { h, mount } from './ui.js';
import { units } from './state.js';
import { periodPicker, latestYearWithMessages, reportForm } from './period.js';
import { chartBlock } from './charts.js';
import { DEFS, downloads } from './dashboard.js';

function formula(w) {
  return h('p', { class: 'formula' },
    'امتیاز = ', faNumber(w.quantity, 1), ' × رسیدگی کمّی + ', faNumber(w.quality, 1), ' × رسیدگی کیفی + ',
    faNumber(w.timeliness, 1), ' × پاسخ به‌موقع',
    h('span', { class: 'muted' }, ' (هر بخش از ۰ تا ۱۰۰؛ بخشی که چیزی برای سنجیدن ندارد صفر است). رتبه فقط میان مناطقی است که در این دوره پیام گرفته‌اند؛ در برابری، بخش کمّی، سپس کیفی، سپس به‌موقع، سپس شمار ارجاع‌ها و در پایان کد منطقه تعیین می‌کند.'));
}

function ranking(r, params) {
  const rows = r.rows || [];
  return chartBlock({
    title: 'رتبه‌بندی مناطق',
    horizontal: true,
    digits: 1,
    labels: rows.map((x) => x.name || x.key),
    series: [{ label: 'امتیاز', data: rows.map((x) => (x.rank ? Number(x.score.toFixed(1)) : null)) }],
    head: ['منطقه', 'رتبه', 'ارجاع‌شده', 'رسیدگی کمّی', 'رسیدگی کیفی (همه)', 'رضایت شهروندان', 'تأیید بازرسان', 'پاسخ به‌موقع', 'امتیاز'],
    rows: rows.map((x) => [x.name || x.key, x.rank ? faDigits(`${x.rank} از ${x.rank_of}`) : '—', faNumber(x.referred),
      faPercent(x.quantitative_rate, 1), faPercent(x.qualitative_rate, 1), faPercent(x.acceptance_rate, 1),
      faPercent(x.inspector_rate, 1), faPercent(x.on_time_rate, 1), x.rank ? faNumber(x.score, 1) : '—']),
    actions: downloads('/reports/evaluation', params, 'ارزیابی'),
  });
}

export async function evaluationPage(el) {
  const all = await units();
  const root = all.find((u) => !u.parent_id);
  const picker = periodPicker({ kind: 'half', kinds: ['half', 'year', 'season', 'month', 'first', 'range'] });
  const { form, out, run } = reportForm(picker, null, async (period, box) => {
    const params = { period, ...(picker.compare.checked ? { compare: 'previous-year' } : {}) };
    const r = await api('GET', '/reports/evaluation' + qs(params));
    const chart = ranking(r, params);
    mount(box, h('section', { class: 'card report-head' },
      h('h2', {}, 'ارزیابی شش‌ماهه مناطق — ', picker.describe()),
      formula(r.weights || { quantity: 0.4, quality: 0.4, timeliness: 0.2 }),
      h('details', { class: 'def' }, h('summary', {}, 'تعریف بخش‌ها'),
        h('p', {}, 'رسیدگی کمّی: ', DEFS.quantitative_rate), h('p', {}, 'رسیدگی کیفی: ', DEFS.qualitative_rate),
        h('p', {}, 'رضایت شهروندان: ', DEFS.acceptance_rate), h('p', {}, 'تأیید بازرسان: ', DEFS.inspector_rate),
        h('p', {}, 'پاسخ به‌موقع: ', DEFS.on_time_rate)),
      h('div', { class: 'toolbar no-print' }, h('button', { type: 'button', class: 'small', onclick: () => window.print() }, 'چاپ'))),
    chart.el);
    await chart.draw();
  });
  try {
    const y = root ? await latestYearWithMessages(root.code) : null;
    if (y !== null && y !== picker.today.y) picker.set({ kind: 'half', year: y, half: 1 });
  } catch {
    // keep the default; the evaluation below shows any error
  }
  mount(el, h('h1', {}, 'ارزیابی شش‌ماهه'), form, out);
  await run();
}
