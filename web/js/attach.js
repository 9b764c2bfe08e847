// attach.js - photos and files on a message: the list with previews, and
// adding files (operators and units on the message page, the citizen at
// submission with the tracking code and mobile).  The server knows a file
// by its bytes and strips the photos' location and camera data; the limits
// here only spare a useless upload.

import { api, upload } from './api.js';
import { faDigits, faNumber, ROLES } from './fa.js';
import { h, mount, errorBox, busy, when, empty } from './ui.js';

export const ACCEPT = 'image/jpeg,image/png,image/webp,application/pdf';
export const MAX_BYTES = 8 * 1024 * 1024; // CAP_ATTACH_BYTES
export const MAX_FILES = 10; // CAP_ATTACH_PER_MSG

function size(n) {
  return n >= 1024 * 1024 ? `${faNumber(n / 1048576, 1)} مگابایت` : `${faNumber(Math.max(1, Math.round(n / 1024)))} کیلوبایت`;
}

/** Files the browser can tell are too big or too many, as a Persian sentence (or ''). */
export function checkFiles(files, already = 0) {
  if (already + files.length > MAX_FILES) return `هر پیام حداکثر ${faDigits(MAX_FILES)} پیوست دارد.`;
  const big = [...files].find((f) => f.size > MAX_BYTES);
  if (big) return `«${big.name}» بزرگ‌تر از ${faDigits(8)} مگابایت است.`;
  return '';
}

function item(a) {
  const who = a.by_name || ROLES[a.by_role] || a.by_role;
  const label = a.preview_url
    ? h('img', { src: a.preview_url, alt: a.name || 'عکس پیوست', loading: 'lazy' })
    : h('span', { class: 'file-icon', 'aria-hidden': 'true' }, 'PDF');
  return h('li', { class: 'attachment' },
    h('a', { href: a.url, target: '_blank', rel: 'noopener', title: a.name }, label),
    h('div', { class: 'small' }, h('bdi', {}, a.name || 'بی‌نام')),
    h('div', { class: 'small muted' }, h('bdi', {}, size(a.size)), ' · ', who, ' · ', when(a.created_at, false)));
}

/** The message page's section: the files and, when canAdd, a way to add. */
export function attachSection(code, canAdd) {
  const list = h('ul', { class: 'attachments', 'aria-live': 'polite' });
  const err = errorBox();
  let count = 0;
  const load = async () => {
    const r = await api('GET', `/messages/${code}/attachments`);
    count = r.items.length;
    if (count) mount(list, r.items.map(item));
    else mount(list, h('li', {}, empty('پیوستی ندارد.')));
  };
  const parts = [h('h2', { id: 'att-title' }, 'پیوست‌ها'), list];
  if (canAdd) {
    const input = h('input', { type: 'file', name: 'file', accept: ACCEPT, multiple: true, id: 'att-file' });
    const btn = h('button', { type: 'submit', class: 'secondary' }, 'افزودن پیوست');
    const form = h('form', { class: 'attach-form', novalidate: true },
      h('label', { for: 'att-file' }, 'عکس (JPEG، PNG، WebP) یا PDF، هر یک تا ۸ مگابایت'), input, err, btn);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      err.show('');
      if (!input.files.length) return err.show('پرونده‌ای برگزینید.');
      const bad = checkFiles(input.files, count);
      if (bad) return err.show(bad);
      return busy(btn, async () => {
        try {
          for (const f of input.files) await upload(`/messages/${code}/attachments`, f);
          form.reset();
        } catch (e) {
          err.show(e.fa);
        }
        await load();
      });
    });
    parts.push(form);
  }
  const sec = h('section', { class: 'card', 'aria-labelledby': 'att-title' }, parts);
  sec.load = load;
  return sec;
}

/** The citizen's file field on the submission form. */
export function citizenFileField() {
  return h('input', { type: 'file', name: 'files', accept: ACCEPT, multiple: true });
}

/** Upload the citizen's files once the message has its code; resolves with
 * the Persian sentences of those refused (empty when all went). */
export async function citizenUpload(files, code, mobile) {
  const failed = [];
  for (const f of files) {
    try {
      await upload('/track/attachments', f, { 'X-Hamgan-Code': code, 'X-Hamgan-Mobile': mobile });
    } catch (e) {
      failed.push(`«${f.name}»: ${e.fa}`);
    }
  }
  return failed;
}

/** A file of the citizen's own message as a data: URL (the code and mobile
 * go in headers, which an <img src> cannot send; the CSP allows data:). */
async function citizenDataUrl(url, code, mobile) {
  const r = await fetch(url, { headers: { 'X-Hamgan-Code': code, 'X-Hamgan-Mobile': mobile }, cache: 'no-store' });
  if (!r.ok) throw new Error(String(r.status));
  const blob = await r.blob();
  return new Promise((resolve, reject) => {
    const fr = new FileReader();
    fr.onload = () => resolve(fr.result);
    fr.onerror = () => reject(fr.error);
    fr.readAsDataURL(blob);
  });
}

/** The tracking page's list of the citizen's files (previews only), or
 * null when there are none. */
export async function citizenFiles(code, mobile) {
  const headers = { Accept: 'application/json', 'X-Hamgan-Code': code, 'X-Hamgan-Mobile': mobile };
  const r = await fetch('/api/v1/track/attachments', { headers, cache: 'no-store' });
  if (!r.ok) return null;
  const items = (await r.json()).items || [];
  if (!items.length) return null;
  const list = h('ul', { class: 'attachments' }, items.map((a) => {
    const li = h('li', { class: 'attachment' },
      a.preview_url ? h('span', { class: 'file-icon', 'aria-hidden': 'true' }, '…') : h('span', { class: 'file-icon', 'aria-hidden': 'true' }, 'PDF'),
      h('div', { class: 'small' }, h('bdi', {}, a.name || 'بی‌نام')),
      h('div', { class: 'small muted' }, h('bdi', {}, size(a.size)), ' · ', when(a.created_at, false)));
    if (a.preview_url) {
      citizenDataUrl(a.preview_url, code, mobile)
        .then((src) => li.firstChild.replaceWith(h('img', { src, alt: a.name || 'عکس پیوست' })))
        .catch(() => {});
    }
    return li;
  }));
  return h('section', { class: 'track-files' }, h('h3', {}, 'پیوست‌ها'), list);
}
