// admin.js - the system owner's page: users, units and categories, each a
// list and a form to add one.

import { api } from './api.js';
import { ROLES, UNIT_KINDS, KINDS, faDigits, asciiDigits } from './fa.js';
import { h, mount, field, select, mapOptions, errorBox, formError, busy, formValues, when, flash, empty } from './ui.js';
import { units, categories, unitOptions, resetCaches } from './state.js';

function table(headers, rows, emptyText) {
  if (!rows.length) return empty(emptyText);
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c)))))));
}

function addForm(title, parts, submit) {
  const err = errorBox();
  const btn = h('button', { type: 'submit', class: 'primary' }, 'افزودن');
  const form = h('form', { class: 'add-form', novalidate: true }, h('h3', {}, title), h('div', { class: 'row3' }, parts), err, btn);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    err.show('');
    return busy(btn, async () => {
      try {
        await submit(formValues(form));
      } catch (e) {
        formError(form, err, e);
      }
    });
  });
  return form;
}

async function usersSection(box, all) {
  const r = await api('GET', '/users');
  const umap = new Map(all.map((u) => [u.id, u.name]));
  mount(box,
    table(['نام کاربری', 'نام', 'نقش', 'واحد', 'فعال', 'ساخته‌شده'],
      r.items.map((u) => [h('bdi', {}, u.username), u.name, ROLES[u.role] || u.role, umap.get(u.unit_id) || '—', u.active ? 'بله' : 'خیر', when(u.created_at, false)]),
      'کاربری نیست.'),
    addForm('افزودن کاربر', [
      field('نام کاربری', h('input', { name: 'username', required: true, dir: 'ltr', autocomplete: 'off' }), { required: true }),
      field('نام', h('input', { name: 'name', required: true }), { required: true }),
      field('نقش', select('role', mapOptions(ROLES).filter(([k]) => !['citizen', 'system'].includes(k)), { required: true, empty: 'برگزینید…' }), { required: true }),
      field('واحد', select('unit', unitOptions(all), { empty: '—' })),
      field('گذرواژه', h('input', { name: 'password', type: 'password', required: true, autocomplete: 'new-password', dir: 'ltr' }), { required: true, hint: 'دست‌کم ۸ نویسه' }),
    ], async (v) => {
      const body = { username: v.username, name: v.name, role: v.role, password: v.password };
      if (v.unit) body.unit = v.unit;
      await api('POST', '/users', body);
      flash('کاربر افزوده شد.');
      await usersSection(box, all);
    }));
}

async function unitsSection(box) {
  const all = await units();
  const umap = new Map(all.map((u) => [u.id, u.name]));
  mount(box,
    table(['کد', 'نام', 'گونه', 'زیرمجموعهٔ'],
      all.map((u) => [h('bdi', {}, u.code), u.name, UNIT_KINDS[u.kind] || u.kind, umap.get(u.parent_id) || '—']),
      'واحدی نیست.'),
    addForm('افزودن واحد', [
      field('کد', h('input', { name: 'code', required: true, dir: 'ltr' }), { required: true, hint: 'مانند region-23' }),
      field('نام', h('input', { name: 'name', required: true }), { required: true }),
      field('گونه', select('kind', mapOptions(UNIT_KINDS), { required: true, empty: 'برگزینید…' }), { required: true }),
      field('زیرمجموعهٔ', select('parent', unitOptions(all), { empty: '—' })),
    ], async (v) => {
      const body = { code: v.code, name: v.name, kind: v.kind };
      if (v.parent) body.parent = v.parent;
      await api('POST', '/units', body);
      resetCaches();
      flash('واحد افزوده شد.');
      await unitsSection(box);
    }));
}

async function categoriesSection(box) {
  const cats = await categories();
  const cmap = new Map(cats.map((c) => [c.id, c.name]));
  const kindsText = (k) => (k.split('|').length === Object.keys(KINDS).length ? 'همه' : k.split('|').map((x) => KINDS[x] || x).join('، '));
  mount(box,
    table(['کد', 'نام', 'زیرمجموعهٔ', 'مهلت (ساعت)', 'انواع', 'محرمانه'],
      cats.map((c) => [h('bdi', {}, c.code), c.name, cmap.get(c.parent_id) || '—', faDigits(c.deadline_hours), kindsText(c.kinds), c.confidential ? 'بله' : 'خیر']),
      'موضوعی نیست.'),
    addForm('افزودن موضوع', [
      field('کد', h('input', { name: 'code', required: true, dir: 'ltr' }), { required: true }),
      field('نام', h('input', { name: 'name', required: true }), { required: true }),
      field('زیرمجموعهٔ', select('parent', cats.map((c) => [c.code, c.name]), { empty: '—' })),
      field('مهلت پاسخ (ساعت)', h('input', { name: 'deadline_hours', required: true, inputmode: 'numeric', dir: 'ltr', value: '72' }), { required: true }),
      h('div', { class: 'field checks' }, h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'confidential' }), ' شکایت‌ها محرمانه')),
    ], async (v) => {
      const hours = Number(asciiDigits(v.deadline_hours));
      const body = { code: v.code, name: v.name, deadline_hours: hours };
      if (v.parent) body.parent = v.parent;
      if (v.confidential) body.confidential = true;
      await api('POST', '/categories', body);
      resetCaches();
      flash('موضوع افزوده شد.');
      await categoriesSection(box);
    }));
}

export async function adminPage(el) {
  const tabs = [['users', 'کاربران'], ['units', 'واحدها'], ['categories', 'موضوع‌ها']];
  const box = h('div', { class: 'tab-panel', role: 'tabpanel', tabindex: '0' });
  const buttons = tabs.map(([k, label]) => h('button', { type: 'button', role: 'tab', class: 'tab', 'data-tab': k, 'aria-selected': 'false', id: 'tab-' + k }, label));
  const show = async (k) => {
    for (const b of buttons) b.setAttribute('aria-selected', String(b.dataset.tab === k));
    box.setAttribute('aria-labelledby', 'tab-' + k);
    box.replaceChildren(h('p', { class: 'loading' }, 'در حال بارگذاری…'));
    try {
      if (k === 'users') await usersSection(box, await units());
      else if (k === 'units') await unitsSection(box);
      else await categoriesSection(box);
    } catch (e) {
      mount(box, h('p', { class: 'error-box' }, e.fa));
    }
  };
  for (const b of buttons) b.addEventListener('click', () => show(b.dataset.tab));
  const list = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'بخش‌های مدیریت' }, buttons);
  list.addEventListener('keydown', (ev) => {
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    // right-to-left: ArrowLeft goes to the next tab
    const d = ev.key === 'ArrowLeft' ? 1 : ev.key === 'ArrowRight' ? -1 : 0;
    if (!d) return;
    const b = buttons[(i + d + buttons.length) % buttons.length];
    b.focus();
    b.click();
  });
  mount(el, h('h1', {}, 'مدیریت سامانه'), list, box);
  await show('users');
}
