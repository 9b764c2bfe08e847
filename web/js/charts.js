// charts.js - charts of the dashboard and the evaluation, drawn by Chart.js
// (installed from npm, copied to web/vendor/chartjs by scripts/bootstrap,
// loaded from this server only).  Every chart has its table beside it: the
// table is what a screen reader or the keyboard reads, and what prints when
// a canvas would not.

import { h, uid, tableWrap } from './ui.js';
import { faNumber } from './fa.js';

let loading = null;

/** Load Chart.js once (a classic script: it defines window.Chart). */
export function loadChart() {
  if (window.Chart) return Promise.resolve(window.Chart);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = 'vendor/chartjs/chart.umd.min.js';
      s.onload = () => resolve(window.Chart);
      s.onerror = () => {
        loading = null;
        reject(new Error('chart.js'));
      };
      document.head.append(s);
    });
  }
  return loading;
}

const COLORS = ['#0f5c7a', '#c7862b', '#6a8d3a', '#9b3d5a', '#5d5d9b'];

/**
 * A chart with its table: chartBlock({title, type, labels, series:
 * [{label, data}], head, rows, actions}) -> {el, draw()}.  head/rows are the
 * table (already formatted text); actions extra nodes under the title (the
 * downloads).  draw() after el is in the document.
 */
export function chartBlock(o) {
  const tid = uid('tbl');
  const canvas = h('canvas', { role: 'img', 'aria-label': o.title + ' (جدول داده‌ها در ادامه)', 'aria-describedby': tid });
  const table = h('table', { id: tid, class: 'chart-table' },
    h('caption', {}, o.title),
    h('thead', {}, h('tr', {}, o.head.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, o.rows.map((r) => h('tr', {}, r.map((c, i) => (i ? h('td', {}, c) : h('th', { scope: 'row' }, c)))))));
  const el = h('figure', { class: 'chart card' },
    h('figcaption', {}, h('h3', {}, o.title), o.actions || null),
    h('div', { class: 'chart-box' }, canvas),
    tableWrap(o.title, table));
  let chart = null;
  async function draw() {
    let Chart;
    try {
      Chart = await loadChart();
    } catch {
      el.classList.add('no-chart');
      return;
    }
    if (chart) chart.destroy();
    chart = new Chart(canvas, {
      type: o.type || 'bar',
      data: {
        labels: o.labels,
        datasets: o.series.map((s, i) => ({
          label: s.label, data: s.data, borderColor: COLORS[i % COLORS.length],
          backgroundColor: COLORS[i % COLORS.length] + (o.type === 'line' ? '33' : 'cc'),
          borderWidth: 2, tension: 0.2, spanGaps: true,
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        locale: 'fa-IR',
        indexAxis: o.horizontal ? 'y' : 'x',
        font: { family: 'Vazirmatn, sans-serif' },
        plugins: {
          legend: { rtl: true, position: 'bottom' },
          tooltip: { rtl: true, callbacks: { label: (c) => `${c.dataset.label}: ${faNumber(c.raw, o.digits || 0)}` } },
        },
        scales: { x: { reverse: !o.horizontal }, y: { beginAtZero: true, position: 'right' } },
      },
    });
  }
  return { el, draw };
}
