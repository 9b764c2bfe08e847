// ui.js - building the page: a small DOM helper (no HTML strings, so text
// from the API is never parsed as markup), form fields with labels, the
// flash line, loading and empty states.

import { faDate, faDigits, STATES } from './fa.js';

/**
 * h('div', {class: 'x', onclick: fn}, child, ...) -> Element.  Children may
 * be strings, numbers, nodes, arrays or null/false (skipped).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

let seq = 0;
export function uid(prefix = 'f') {
  seq += 1;
  return `${prefix}-${seq}`;
}

/**
 * A labelled field: field('عنوان', input, {hint}) -> <div class=field>.
 * The control gets an id and the label's for; a hint is tied with
 * aria-describedby.
 */
export function field(label, control, opts = {}) {
  const id = control.id || uid();
  control.id = id;
  const parts = [h('label', { for: id }, label, opts.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null)];
  parts.push(control);
  if (opts.hint) {
    const hid = id + '-hint';
    control.setAttribute('aria-describedby', hid);
    parts.push(h('p', { class: 'hint', id: hid }, opts.hint));
  }
  return h('div', { class: 'field' + (opts.wide ? ' wide' : '') }, parts);
}

/** A numeric input (mobile, code): shown with Persian digits once typed. */
export function faOnBlur(input) {
  input.addEventListener('blur', () => {
    const v = faDigits(input.value);
    if (v !== input.value) input.value = v;
  });
  return input;
}

/** <select> from [[value, label], ...] with an optional empty first option. */
export function select(name, options, opts = {}) {
  const s = h('select', { name, required: opts.required });
  if (opts.empty !== undefined) s.append(h('option', { value: '' }, opts.empty));
  for (const [v, l] of options) s.append(h('option', { value: v }, l));
  if (opts.value !== undefined) s.value = opts.value;
  return s;
}

/** Fill a <select> with an empty option and grouped options, keeping the
 * choice when it is still there. */
export function fillGrouped(sel, emptyLabel, groups) {
  const keep = sel.value;
  sel.replaceChildren(h('option', { value: '' }, emptyLabel));
  for (const [label, opts] of groups) {
    const items = opts.map(([v, l]) => h('option', { value: v }, l));
    if (label) sel.append(h('optgroup', { label }, items));
    else sel.append(...items);
  }
  sel.value = [...sel.options].some((o) => o.value === keep) ? keep : '';
}

/** Options from a {code: label} map. */
export function mapOptions(map) {
  return Object.entries(map);
}

/** Replace the children of el. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** The flash line under the header: kind 'ok' or 'error'. */
export function flash(text, kind = 'ok') {
  const el = document.getElementById('flash');
  el.className = 'flash ' + kind;
  el.textContent = text;
  if (kind === 'error') el.setAttribute('role', 'alert');
  else el.setAttribute('role', 'status');
  clearTimeout(flash.timer);
  if (text && kind === 'ok') flash.timer = setTimeout(() => flash(''), 6000);
}

/** An inline error box inside a form (role=alert so it is read out). */
export function errorBox() {
  const box = h('p', { class: 'error-box', role: 'alert', hidden: true });
  box.show = (text) => {
    box.textContent = text;
    box.hidden = !text;
  };
  return box;
}

/**
 * Mark the fields an ApiError names (e.fields: [{field, message}]) in form:
 * each control gets aria-invalid and its sentence under it, tied by
 * aria-describedby; marks from an earlier try go first.  Returns how many
 * were marked; the first marked control gets the focus.
 */
export function markFields(form, e) {
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) {
    el.removeAttribute('aria-invalid');
    const ids = (el.getAttribute('aria-describedby') || '').split(' ').filter((x) => !x.endsWith('-err'));
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  }
  for (const p of form.querySelectorAll('.field-error')) p.remove();
  let first = null;
  let n = 0;
  for (const f of (e && e.fields) || []) {
    const el = form.querySelector(`[name="${CSS.escape(f.field)}"]`);
    if (!el) continue;
    const id = (el.id || uid()) + '-err';
    el.setAttribute('aria-invalid', 'true');
    el.setAttribute('aria-describedby', [el.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
    const p = h('p', { class: 'field-error', id }, f.message);
    const box = el.closest('.field');
    if (box) box.append(p);
    else el.after(p);
    if (!first) first = el;
    n += 1;
  }
  if (first) first.focus();
  return n;
}

/** Show an API error in a form: every named field marked, all sentences in
 * the box. */
export function formError(form, box, e) {
  markFields(form, e);
  box.show(e.fa || String(e));
}

/** A wide table's scrolling box: a named region the keyboard can reach
 * (a phone scrolls it sideways). */
export function tableWrap(label, table) {
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': label }, table);
}

export function loading(text = 'در حال بارگذاری…') {
  return h('p', { class: 'loading', role: 'status' }, text);
}

export function empty(text) {
  return h('p', { class: 'empty' }, text);
}

/** <time> showing a Jalali date with the ISO instant in datetime. */
export function when(iso, withTime = true) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  return h('time', { datetime: iso, class: 'jdate' }, faDate(iso, withTime));
}

export function stateBadge(state) {
  return h('span', { class: 'badge state-' + state }, STATES[state] || state);
}

/** The submit button of a form shows progress and blocks double submits. */
export async function busy(button, fn) {
  if (button.disabled) return undefined;
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = 'لطفاً صبر کنید…';
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = label;
  }
}

/** Form values as an object of trimmed strings (checkboxes as booleans). */
export function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else if (el.type === 'radio') {
      if (el.checked) out[el.name] = el.value;
    } else out[el.name] = el.value.trim();
  }
  return out;
}

