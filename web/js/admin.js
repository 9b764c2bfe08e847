// admin.js - the system owner's page: users, units and categories, each a
// searchable, paged table with an edit form per row and a form to add one.

import { api } from './api.js';
import { ROLES, UNIT_KINDS, KINDS, faDigits, asciiDigits } from './fa.js';
import { h, mount, field, select, mapOptions, errorBox, formError, busy, formValues, when, flash, empty, tableWrap } from './ui.js';
import { units, categories, unitOptions, resetCaches } from './state.js';

const PAGE = 20;

/**
 * A table of items with a search box (matching any of text(item)),
 * starting with query (after an add: the new row), and pages of PAGE rows;
 * row(item) gives the cells.  Returns the element.
 */
function pagedTable(label, headers, items, row, text, emptyText, query = '') {
  const q = h('input', { type: 'search', name: 'q', value: query, placeholder: 'جست‌وجو در ' + label, 'aria-label': 'جست‌وجو در ' + label });
  const body = h('div', {});
  const status = h('p', { class: 'muted small', role: 'status' });
  const prev = h('button', { type: 'button', class: 'secondary', 'data-page': 'prev' }, 'صفحهٔ پیش');
  const next = h('button', { type: 'button', class: 'secondary', 'data-page': 'next' }, 'صفحهٔ بعد');
  let page = 0;
  const draw = () => {
    const needle = asciiDigits(q.value.trim()).toLowerCase();
    const hits = needle ? items.filter((it) => text(it).toLowerCase().includes(needle)) : items;
    const pages = Math.max(1, Math.ceil(hits.length / PAGE));
    if (page >= pages) page = pages - 1;
    const shown = hits.slice(page * PAGE, page * PAGE + PAGE);
    mount(body, shown.length
      ? tableWrap(label, h('table', {},
        h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'ویرایش')))),
        h('tbody', {}, shown.map((it) => h('tr', {}, row(it).map((c) => h('td', {}, c)))))))
      : empty(emptyText));
    status.textContent = hits.length
      ? `${faDigits(page * PAGE + 1)} تا ${faDigits(page * PAGE + shown.length)} از ${faDigits(hits.length)}`
      : '';
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
  };
  q.addEventListener('input', () => {
    page = 0;
    draw();
  });
  prev.addEventListener('click', () => {
    page -= 1;
    draw();
  });
  next.addEventListener('click', () => {
    page += 1;
    draw();
  });
  draw();
  return h('div', { class: 'paged-table' }, q, body, h('div', { class: 'pager' }, prev, status, next));
}

/** A form (add or edit): parts, a submit button; submit(values) may throw
 * an ApiError, whose fields are marked. */
function adminForm(title, parts, label, submit, extra = {}) {
  const { cancel: cancelButton, ...attrs } = extra;
  const err = errorBox();
  const btn = h('button', { type: 'submit', class: 'primary' }, label);
  const form = h('form', { class: 'add-form', novalidate: true, ...attrs }, h('h3', {}, title), h('div', { class: 'row3' }, parts), err,
    h('p', { class: 'actions' }, btn, cancelButton || null));
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

/** An edit button that opens form(item) in the slot, one at a time. */
function editButton(slot, label, makeForm) {
  return h('button', { type: 'button', class: 'link', 'aria-label': 'ویرایش ' + label, onclick: () => {
    const f = makeForm();
    mount(slot, f);
    f.scrollIntoView({ block: 'nearest' });
    const first = f.querySelector('input, select');
    if (first) first.focus();
  } }, 'ویرایش');
}

const cancel = (slot) => h('button', { type: 'button', class: 'secondary', onclick: () => slot.replaceChildren() }, 'انصراف');

async function usersSection(box, all, query = '') {
  const r = await api('GET', '/users');
  const umap = new Map(all.map((u) => [u.id, u]));
  const slot = h('div', {});
  const roles = mapOptions(ROLES).filter(([k]) => !['citizen', 'system'].includes(k));
  const reload = (q = '') => usersSection(box, all, q);
  const editForm = (u) => adminForm(`ویرایش ${u.name || u.username}`, [
    field('نام', h('input', { name: 'name', value: u.name })),
    field('نقش', select('role', roles, { value: u.role })),
    field('واحد', select('unit', unitOptions(all), { empty: '—', value: u.unit_id && umap.get(u.unit_id) ? umap.get(u.unit_id).code : '' })),
    field('گذرواژهٔ تازه', h('input', { name: 'password', type: 'password', autocomplete: 'new-password', dir: 'ltr' }), { hint: 'خالی بگذارید تا گذرواژه نماند؛ با گذرواژهٔ تازه نشست‌های کاربر پایان می‌یابد.' }),
    h('div', { class: 'field checks' }, h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'active', checked: u.active }), ' فعال')),
  ], 'ذخیره', async (v) => {
    const body = { name: v.name, role: v.role, unit: v.unit, active: v.active };
    if (v.password) body.password = v.password;
    await api('PATCH', '/users/' + encodeURIComponent(u.username), body);
    flash(`کاربر «${v.name || u.username}» ذخیره شد.`);
    await reload();
  }, { cancel: cancel(slot), 'data-edit': u.username });
  mount(box,
    // in the order the accounts were made: the first ones (the centre's own) lead
    pagedTable('کاربران', ['نام کاربری', 'نام', 'نقش', 'واحد', 'وضعیت', 'ساخته‌شده'], r.items.slice().sort((a, b) => a.id - b.id),
      (u) => [h('bdi', {}, u.username), u.name, ROLES[u.role] || u.role, umap.get(u.unit_id)?.name || '—',
        u.active ? 'فعال' : h('span', { class: 'badge overdue' }, 'غیرفعال'), when(u.created_at, false),
        editButton(slot, u.username, () => editForm(u))],
      (u) => `${u.username} ${u.name} ${ROLES[u.role] || ''} ${umap.get(u.unit_id)?.name || ''}`, 'کاربری پیدا نشد.', query),
    slot,
    adminForm('افزودن کاربر', [
      field('نام کاربری', h('input', { name: 'username', required: true, dir: 'ltr', autocomplete: 'off' }), { required: true }),
      field('نام', h('input', { name: 'name', required: true }), { required: true }),
      field('نقش', select('role', roles, { required: true, empty: 'برگزینید…' }), { required: true }),
      field('واحد', select('unit', unitOptions(all), { empty: '—' })),
      field('گذرواژه', h('input', { name: 'password', type: 'password', required: true, autocomplete: 'new-password', dir: 'ltr' }), { required: true, hint: 'دست‌کم ۸ نویسه' }),
    ], 'افزودن', async (v) => {
      const body = { username: v.username, name: v.name, role: v.role, password: v.password };
      if (v.unit) body.unit = v.unit;
      await api('POST', '/users', body);
      flash('کاربر افزوده شد.');
      await reload(v.username);
    }));
}

async function unitsSection(box, query = '') {
  const all = await units();
  const umap = new Map(all.map((u) => [u.id, u.name]));
  const slot = h('div', {});
  const reload = (q = '') => unitsSection(box, q);
  const editForm = (u) => adminForm(`ویرایش ${u.name}`, [
    field('نام', h('input', { name: 'name', value: u.name })),
    field('گونه', select('kind', mapOptions(UNIT_KINDS), { value: u.kind })),
  ], 'ذخیره', async (v) => {
    await api('PATCH', '/units/' + encodeURIComponent(u.code), { name: v.name, kind: v.kind });
    resetCaches();
    flash(`واحد «${v.name}» ذخیره شد.`);
    await reload();
  }, { cancel: cancel(slot), 'data-edit': u.code });
  mount(box,
    pagedTable('واحدها', ['کد', 'نام', 'گونه', 'زیرمجموعهٔ'], all,
      (u) => [h('bdi', {}, u.code), u.name, UNIT_KINDS[u.kind] || u.kind, umap.get(u.parent_id) || '—',
        editButton(slot, u.name, () => editForm(u))],
      (u) => `${u.code} ${u.name} ${umap.get(u.parent_id) || ''}`, 'واحدی پیدا نشد.', query),
    slot,
    adminForm('افزودن واحد', [
      field('کد', h('input', { name: 'code', required: true, dir: 'ltr' }), { required: true, hint: 'مانند region-23' }),
      field('نام', h('input', { name: 'name', required: true }), { required: true }),
      field('گونه', select('kind', mapOptions(UNIT_KINDS), { required: true, empty: 'برگزینید…' }), { required: true }),
      field('زیرمجموعهٔ', select('parent', unitOptions(all), { empty: '—' })),
    ], 'افزودن', async (v) => {
      const body = { code: v.code, name: v.name, kind: v.kind };
      if (v.parent) body.parent = v.parent;
      await api('POST', '/units', body);
      resetCaches();
      flash('واحد افزوده شد.');
      await reload(v.code);
    }));
}

/** Checkboxes kind_<k> for the kinds of a category ("all" or "a|b"). */
function kindBoxes(kinds) {
  const on = kinds === 'all' || !kinds ? Object.keys(KINDS) : kinds.split('|');
  return h('fieldset', { class: 'kinds' }, h('legend', {}, 'انواع پیام'),
    Object.entries(KINDS).map(([k, label]) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: 'kind_' + k, checked: on.includes(k) }), ' ', label)));
}

const kindsOf = (v) => Object.keys(KINDS).filter((k) => v['kind_' + k]).join('|');

async function categoriesSection(box, query = '') {
  resetCaches();
  const cats = await categories();
  const cmap = new Map(cats.map((c) => [c.id, c.name]));
  const slot = h('div', {});
  const reload = (q = '') => categoriesSection(box, q);
  const kindsText = (k) => (k.split('|').length === Object.keys(KINDS).length ? 'همه' : k.split('|').map((x) => KINDS[x] || x).join('، '));
  const editForm = (c) => adminForm(`ویرایش ${c.name}`, [
    field('نام', h('input', { name: 'name', value: c.name })),
    field('مهلت پاسخ (ساعت)', h('input', { name: 'deadline_hours', inputmode: 'numeric', dir: 'ltr', value: faDigits(c.deadline_hours) })),
    field('کد خدمت (Open311)', h('input', { name: 'service_code', dir: 'ltr', value: c.service_code || '' })),
    kindBoxes(c.kinds),
    h('div', { class: 'field checks' },
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'confidential', checked: c.confidential }), ' شکایت‌ها محرمانه'),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'active', checked: c.active }), ' فعال')),
  ], 'ذخیره', async (v) => {
    const hours = Number(asciiDigits(v.deadline_hours));
    await api('PATCH', '/categories/' + encodeURIComponent(c.code), {
      name: v.name, deadline_hours: Number.isInteger(hours) ? hours : -1, service_code: v.service_code,
      kinds: kindsOf(v) || 'none', confidential: v.confidential, active: v.active,
    });
    resetCaches();
    flash(`موضوع «${v.name}» ذخیره شد.`);
    await reload();
  }, { cancel: cancel(slot), 'data-edit': c.code });
  mount(box,
    pagedTable('موضوع‌ها', ['کد', 'نام', 'زیرمجموعهٔ', 'مهلت (ساعت)', 'انواع', 'کد خدمت', 'وضعیت'], cats,
      (c) => [h('bdi', {}, c.code), c.name, cmap.get(c.parent_id) || '—', faDigits(c.deadline_hours), kindsText(c.kinds),
        c.service_code ? h('bdi', {}, c.service_code) : '—', c.active ? 'فعال' : 'غیرفعال',
        editButton(slot, c.name, () => editForm(c))],
      (c) => `${c.code} ${c.name} ${c.service_code || ''}`, 'موضوعی پیدا نشد.', query),
    slot,
    adminForm('افزودن موضوع', [
      field('کد', h('input', { name: 'code', required: true, dir: 'ltr' }), { required: true }),
      field('نام', h('input', { name: 'name', required: true }), { required: true }),
      field('زیرمجموعهٔ', select('parent', cats.map((c) => [c.code, c.name]), { empty: '—' })),
      field('مهلت پاسخ (ساعت)', h('input', { name: 'deadline_hours', required: true, inputmode: 'numeric', dir: 'ltr', value: '72' }), { required: true }),
      field('کد خدمت (Open311)', h('input', { name: 'service_code', dir: 'ltr' })),
      kindBoxes('all'),
      h('div', { class: 'field checks' }, h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'confidential' }), ' شکایت‌ها محرمانه')),
    ], 'افزودن', async (v) => {
      const hours = Number(asciiDigits(v.deadline_hours));
      const body = { code: v.code, name: v.name, deadline_hours: Number.isInteger(hours) ? hours : -1, kinds: kindsOf(v) || 'none' };
      if (v.parent) body.parent = v.parent;
      if (v.service_code) body.service_code = v.service_code;
      if (v.confidential) body.confidential = true;
      await api('POST', '/categories', body);
      resetCaches();
      flash('موضوع افزوده شد.');
      await reload(v.code);
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

/** Every signed-in user: change one's own password. */
export function passwordPage(el, { onChanged }) {
  const cur = h('input', { name: 'current_password', type: 'password', autocomplete: 'current-password', dir: 'ltr' });
  const pw = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', dir: 'ltr' });
  const again = h('input', { name: 'again', type: 'password', autocomplete: 'new-password', dir: 'ltr' });
  const form = adminForm('تغییر گذرواژه', [
    field('گذرواژهٔ کنونی', cur, { required: true }),
    field('گذرواژهٔ تازه', pw, { required: true, hint: 'دست‌کم ۸ نویسه؛ نشست‌های شما در دستگاه‌های دیگر پایان می‌یابد.' }),
    field('تکرار گذرواژهٔ تازه', again, { required: true }),
  ], 'تغییر گذرواژه', async (v) => {
    if (v.password !== v.again) {
      const e = new Error('mismatch');
      e.fa = 'تکرار گذرواژهٔ تازه با خود آن یکی نیست.';
      e.fields = [{ field: 'again', message: 'تکرار با گذرواژهٔ تازه یکی نیست' }];
      throw e;
    }
    const r = await api('POST', '/auth/password', { current_password: v.current_password, password: v.password });
    form.reset();
    onChanged(r);
    flash('گذرواژهٔ شما تغییر کرد؛ نشست‌های دیگرتان پایان یافت.');
  }, { class: 'add-form card narrow' });
  mount(el, h('h1', {}, 'گذرواژهٔ من'), form);
  cur.focus();
}
