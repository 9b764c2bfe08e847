// daily.js - the unit's daily work on a message page: who has it
// (assignment within the unit), the internal notes, and canned answers to
// start an answer from; and the page where admins and managers keep the
// canned answers of each category.

import { api, qs } from './api.js';
import { h, mount, field, select, errorBox, busy, when, flash, fillGrouped, formValues, empty } from './ui.js';
import { session, role, categories, categoryGroups } from './state.js';

/** The assignee line with, for the unit's staff, a control to change it. */
export function assigneeCard(m, inScope) {
  const who = h('span', { class: 'assignee-now' },
    m.assignee ? h('bdi', {}, m.assignee.name || m.assignee.username) : 'به کسی سپرده نشده');
  const parts = [h('h2', { id: 'assign-title' }, 'مسئول پیگیری'), h('p', {}, who)];
  if (inScope) {
    const sel = h('select', { name: 'user' }, h('option', { value: '' }, '— هیچ‌کس —'));
    const err = errorBox();
    const btn = h('button', { type: 'submit', class: 'secondary' }, 'سپردن');
    const mineBtn = h('button', { type: 'button', class: 'link' }, 'به خودم');
    const form = h('form', { class: 'assign-form row2', novalidate: true },
      field('سپردن به', sel), h('p', { class: 'actions' }, btn, ' ', mineBtn), err);
    api('GET', `/messages/${m.code}/assignable`).then((r) => {
      for (const u of r.items) sel.append(h('option', { value: u.username }, u.name || u.username));
      sel.value = m.assignee ? m.assignee.username : '';
    }).catch((e) => err.show(e.fa));
    const send = (user) => busy(btn, async () => {
      err.show('');
      try {
        const r = await api('PUT', `/messages/${m.code}/assignee`, user ? { user } : {});
        m.assignee = r.assignee;
        who.replaceChildren(r.assignee ? h('bdi', {}, r.assignee.name || r.assignee.username) : 'به کسی سپرده نشده');
        flash(r.assignee ? `پیام به ${r.assignee.name || r.assignee.username} سپرده شد.` : 'پیام از مسئول پیگیری پس گرفته شد.');
      } catch (e) {
        err.show(e.fa);
      }
    });
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      send(sel.value);
    });
    mineBtn.addEventListener('click', () => {
      sel.value = session.user.username;
      send(session.user.username);
    });
    parts.push(form);
  }
  return h('section', { class: 'card assign-card', 'aria-labelledby': 'assign-title' }, parts);
}

/** Who reads and writes internal notes: the unit in scope, operators, inspectors. */
export function mayNote(inScope) {
  return inScope || ['operator', 'inspector'].includes(role());
}

/** The internal notes with a form to add one. */
export function notesCard(m) {
  const list = h('ul', { class: 'note-list', 'aria-live': 'polite' });
  const err = errorBox();
  const text = h('textarea', { name: 'body', rows: 2, maxlength: 500 });
  const btn = h('button', { type: 'submit', class: 'secondary' }, 'افزودن یادداشت');
  const form = h('form', { class: 'note-form', novalidate: true },
    field('یادداشت تازه', text, { hint: 'فقط همکاران واحد، کارشناسان مرکز و بازرسان آن را می‌بینند؛ شهروند هرگز.' }), err, h('p', { class: 'actions' }, btn));
  const show = (items) => {
    list.replaceChildren(...items.map((n) => h('li', {}, h('strong', {}, h('bdi', {}, n.author)), ' · ', when(n.at), h('div', {}, n.body))));
    if (!items.length) list.replaceChildren(h('li', { class: 'muted' }, 'یادداشتی نیست.'));
  };
  const load = () => api('GET', `/messages/${m.code}/notes`).then((r) => show(r.items)).catch((e) => err.show(e.fa));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    err.show('');
    if (!text.value.trim()) {
      text.focus();
      return err.show('متن یادداشت را بنویسید.');
    }
    return busy(btn, async () => {
      try {
        await api('POST', `/messages/${m.code}/notes`, { body: text.value.trim() });
        text.value = '';
        await load();
        flash('یادداشت افزوده شد.');
      } catch (e) {
        err.show(e.fa);
      }
    });
  });
  load();
  return h('section', { class: 'card notes-card', 'aria-labelledby': 'notes-title' },
    h('h2', { id: 'notes-title' }, 'یادداشت‌های داخلی'), list, form);
}

/** A select of the category's canned answers that fills textarea. */
export function cannedPicker(m, cats, textarea) {
  const cat = cats.find((c) => c.id === m.category_id);
  const sel = h('select', { name: 'canned' }, h('option', { value: '' }, 'پاسخ آماده (اختیاری)…'));
  const wrap = field('پاسخ‌های آمادهٔ این موضوع', sel);
  wrap.hidden = true;
  if (cat) {
    api('GET', '/canned' + qs({ category: cat.code })).then((r) => {
      for (const c of r.items) sel.append(h('option', { value: String(c.id), dataset: { body: c.body } }, c.title));
      wrap.hidden = r.items.length === 0;
    }).catch(() => {});
  }
  sel.addEventListener('change', () => {
    const o = sel.selectedOptions[0];
    if (o && o.dataset.body) {
      textarea.value = o.dataset.body;
      textarea.focus();
    }
  });
  return wrap;
}

// ---- the canned answers page (admins and managers) ----

export async function cannedPage(el) {
  const cats = await categories();
  const byCode = new Map(cats.map((c) => [c.code, c]));
  const catSel = select('category', []);
  fillGrouped(catSel, 'برگزینید…', categoryGroups(cats));
  const listBox = h('div', {});
  const err = errorBox();
  const title = h('input', { name: 'title', required: true, maxlength: 100 });
  const body = h('textarea', { name: 'body', rows: 4, required: true });
  const btn = h('button', { type: 'submit', class: 'primary' }, 'افزودن پاسخ آماده');
  const form = h('form', { class: 'card', novalidate: true },
    h('h2', {}, 'پاسخ آمادهٔ تازه'),
    field('عنوان', title, { required: true }), field('متن پاسخ', body, { required: true, wide: true }), err, h('p', { class: 'actions' }, btn));
  const load = async () => {
    if (!catSel.value) {
      mount(listBox, empty('موضوعی برگزینید.'));
      return;
    }
    const r = await api('GET', '/canned' + qs({ category: catSel.value, all: 'true' }));
    mount(listBox, r.items.length
      ? h('ul', { class: 'msg-list canned-list' }, r.items.map((c) => {
        const toggle = h('button', { type: 'button', class: 'secondary small' }, c.active ? 'کنار گذاشتن' : 'فعال کردن');
        toggle.addEventListener('click', () => busy(toggle, async () => {
          await api('PATCH', `/canned/${c.id}`, { active: !c.active });
          await load();
        }));
        return h('li', { class: 'msg-row' + (c.active ? '' : ' muted') },
          h('div', {}, h('strong', {}, c.title), c.active ? null : ' (کنارگذاشته)', h('div', { class: 'small' }, c.body)), toggle);
      }))
      : empty('برای این موضوع پاسخ آماده‌ای نیست.'));
  };
  catSel.addEventListener('change', load);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    err.show('');
    const v = formValues(form);
    if (!catSel.value) return err.show('نخست موضوع را برگزینید.');
    if (!v.title.trim() || !v.body.trim()) return err.show('عنوان و متن را بنویسید.');
    return busy(btn, async () => {
      try {
        await api('POST', '/canned', { category: catSel.value, title: v.title.trim(), body: v.body.trim() });
        title.value = '';
        body.value = '';
        flash(`پاسخ آماده برای «${byCode.get(catSel.value).name}» افزوده شد.`);
        await load();
      } catch (e) {
        err.show(e.fa);
      }
    });
  });
  mount(el, h('h1', {}, 'پاسخ‌های آماده'),
    h('p', { class: 'muted' }, 'متن‌هایی که کارشناسان واحدها پاسخ هر موضوع را با آن آغاز می‌کنند.'),
    h('div', { class: 'card filters' }, field('موضوع', catSel)), listBox, form);
  await load();
}
