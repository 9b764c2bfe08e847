// desk.js - the operator's desk: register a phone message fast, with the
// caller's history beside the form (fetched as the mobile is typed), then
// read the tracking code aloud.

import { api } from './api.js';
import { KINDS, CHANNELS, PRIORITIES, normalizeMobile, faDigits, asciiDigits } from './fa.js';
import { h, mount, field, select, mapOptions, fillGrouped, faOnBlur, errorBox, formError, busy, when, stateBadge, formValues, loading, empty } from './ui.js';
import { categories, categoryGroups, units, unitOptions } from './state.js';
import { codeBox } from './citizen.js';
import { pagedList } from './messages.js';
import { pinPicker } from './map.js';

/** The caller's history beside a form: panel.lookup(mobile, onCitizen). */
export function historyPanel() {
  const panel = h('aside', { class: 'card history', 'aria-labelledby': 'hist-title', 'aria-live': 'polite' });
  const title = h('h2', { id: 'hist-title' }, 'سابقهٔ تماس‌گیرنده');
  const body = h('div', { class: 'hist-body' }, empty('شمارهٔ همراه را وارد کنید تا پیام‌های پیشین او نمایش داده شود.'));
  panel.append(title, body);
  let last = '';
  let seq = 0;
  panel.lookup = async (mobile, onCitizen) => {
    if (mobile === last) return;
    last = mobile;
    const my = ++seq;
    if (!mobile) {
      mount(body, empty('شمارهٔ همراه را وارد کنید تا پیام‌های پیشین او نمایش داده شود.'));
      return;
    }
    mount(body, loading('در حال دریافت سابقه…'));
    try {
      // POST: the number stays out of the URL (and so out of every log)
      const r = await api('POST', '/callers', { mobile });
      if (my !== seq) return;
      // a manager gets no citizen record, only the unit's open messages
      // with the name they carry
      const named = r.citizen || (r.messages.find((m) => m.citizen && m.citizen.name) || {}).citizen;
      const who = r.citizen
        ? h('p', { class: 'caller' }, h('strong', {}, r.citizen.name || 'بی‌نام'),
          ' — شهروند از ', when(r.citizen.since, false))
        : named ? h('p', { class: 'caller' }, h('strong', {}, named.name))
          : h('p', { class: 'caller' }, 'تماس‌گیرندهٔ تازه: پیامی از این شماره ثبت نشده است.');
      const list = r.messages.length
        ? h('ul', { class: 'hist-list' }, r.messages.map((m) => h('li', {},
          h('a', { href: '#/m/' + m.code, target: '_blank', rel: 'noopener', title: 'در برگهٔ تازه (فرم ثبت بسته نمی‌شود)' }, m.subject), ' ', stateBadge(m.state),
          h('div', { class: 'muted small' }, faDigits(m.code), ' · ', KINDS[m.kind] || m.kind, ' · ', when(m.created_at, false),
            m.overdue ? h('span', { class: 'badge overdue' }, 'دیرکرد') : null))))
        : null;
      mount(body, who, list, r.messages.length ? h('p', { class: 'muted small' }, `${faDigits(r.messages.length)} پیام پیشین`) : null);
      if (named) onCitizen(named);
    } catch (e) {
      if (my === seq) mount(body, h('p', { class: 'error-box' }, e.fa));
    }
  };
  return panel;
}

export async function deskPage(el) {
  const [cats, all] = await Promise.all([categories(), units()]);
  const hist = historyPanel();
  const err = errorBox();
  const mobile = faOnBlur(h('input', { name: 'mobile', inputmode: 'tel', dir: 'ltr', autocomplete: 'off', placeholder: '۰۹۱۲۳۴۵۶۷۸۹' }));
  const name = h('input', { name: 'name', autocomplete: 'off' });
  const nid = faOnBlur(h('input', { name: 'national_id', inputmode: 'numeric', dir: 'ltr', autocomplete: 'off', placeholder: '۰۰۱۲۳۴۵۶۷۸' }));
  const kind = select('kind', mapOptions(KINDS), { required: true, empty: 'برگزینید…' });
  const cat = select('category', [], { empty: '—' });
  const fillCats = () => fillGrouped(cat, '—', categoryGroups(cats, kind.value));
  kind.addEventListener('change', fillCats);
  fillCats();
  const region = select('region', unitOptions(all, (u) => u.kind === 'region'), { empty: '—' });
  // the pin fills the region for the operator to confirm
  const pin = pinPicker({
    onRegion: (r) => {
      if (r && [...region.options].some((o) => o.value === r.code)) region.value = r.code;
    },
  });
  const channel = select('channel', mapOptions(CHANNELS).filter(([k]) => ['phone', 'sms', 'live'].includes(k)), { value: 'phone' });
  const priority = select('priority', mapOptions(PRIORITIES), { value: 'normal' });
  let timer = 0;
  mobile.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const mob = normalizeMobile(mobile.value);
      hist.lookup(mob || '', (c) => {
        if (!name.value && c.name) name.value = c.name;
      });
    }, 250);
  });
  const btn = h('button', { type: 'submit', class: 'primary', value: 'register' }, 'ثبت پیام');
  // one step: register and refer to the region picked on the form
  const btnRefer = h('button', { type: 'submit', class: 'primary', value: 'refer' }, 'ثبت و ارجاع');
  const form = h('form', { class: 'card desk-form', novalidate: true, 'aria-labelledby': 'desk-title' },
    h('h1', { id: 'desk-title' }, 'ثبت پیام تلفنی'),
    h('div', { class: 'row3' },
      field('شمارهٔ همراه تماس‌گیرنده', mobile, { hint: 'با تایپ شماره، سابقهٔ او در کنار فرم نمایش داده می‌شود.' }),
      field('نام تماس‌گیرنده', name),
      field('کد ملی (اختیاری)', nid)),
    h('div', { class: 'row3' },
      field('نوع پیام', kind, { required: true }),
      field('موضوع', cat),
      field('منطقه', region)),
    h('div', { class: 'row3' },
      field('راه دریافت', channel),
      field('اولویت', priority),
      h('div', { class: 'field checks' },
        h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'confidential' }), ' محرمانه'),
        h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'anonymous' }), ' بی‌نام'))),
    field('عنوان', h('input', { name: 'subject', required: true, maxlength: 200 }), { required: true }),
    field('متن پیام', h('textarea', { name: 'body', required: true, rows: 5 }), { required: true }),
    field('نشانی', h('input', { name: 'address' })),
    pin,
    err, h('p', { class: 'actions' }, btn, btnRefer, h('button', { type: 'reset', class: 'secondary' }, 'پاک کردن فرم')));
  const result = h('div', { class: 'desk-result' });
  form.addEventListener('reset', () => {
    setTimeout(() => {
      fillCats();
      pin.clear();
      hist.lookup('', () => {});
    });
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    err.show('');
    const v = formValues(form);
    const andRefer = ev.submitter === btnRefer;
    if (andRefer && !v.region) {
      return formError(form, err, { fa: 'برای «ثبت و ارجاع»، منطقه را برگزینید.', fields: [{ field: 'region', message: 'منطقهٔ مسئول را برگزینید' }] });
    }
    const body = { kind: v.kind, subject: v.subject, body: v.body, channel: v.channel, priority: v.priority };
    for (const k of ['category', 'region', 'address']) if (v[k]) body[k] = v[k];
    if (pin.point()) Object.assign(body, pin.point());
    if (v.confidential) body.confidential = true;
    if (v.anonymous) {
      body.anonymous = true;
    } else {
      body.mobile = normalizeMobile(v.mobile) || asciiDigits(v.mobile);
      if (v.name) body.name = v.name;
      if (v.national_id) body.national_id = asciiDigits(v.national_id);
    }
    return busy(andRefer ? btnRefer : btn, async () => {
      try {
        const m = await api('POST', '/messages', body);
        let referred = null;
        if (andRefer) {
          try {
            referred = await api('POST', `/messages/${m.code}/refer`, { unit: v.region, version: m.version });
          } catch (e) {
            err.show('پیام ثبت شد ولی ارجاع نشد: ' + e.fa);
          }
        }
        const regionName = region.selectedOptions[0] ? region.selectedOptions[0].textContent.trim() : '';
        mount(result, h('div', { class: 'card done' },
          codeBox(m.code, h('p', {}, 'کد را برای تماس‌گیرنده بخوانید؛ پیامک آن نیز فرستاده می‌شود.')),
          referred ? h('p', { class: 'ok-line', role: 'status' }, `به ${regionName} ارجاع شد.`) : null,
          h('p', { class: 'actions' },
            h('a', { class: 'button primary', href: '#/m/' + m.code }, referred ? 'دیدن پیام' : 'ارجاع یا رد این پیام'),
            h('button', { type: 'button', class: 'secondary', onclick: () => { result.replaceChildren(); form.reset(); mobile.focus(); } }, 'پیام تازه'))));
        result.scrollIntoView({ block: 'nearest' });
        const keep = normalizeMobile(v.mobile);
        hist.lookup('', () => {});
        if (keep) hist.lookup(keep, () => {});
      } catch (e) {
        formError(form, err, e);
      }
    });
  });
  // the centre's queue: web/SMS messages not yet referred, and the ones units sent back
  const waitBox = h('div', {});
  const backBox = h('div', {});
  const waiting = pagedList(waitBox, 'پیامی در انتظار ارجاع نیست.', 10, { flagDuplicates: true });
  const returned = pagedList(backBox, 'پیام برگشتی نیست.', 10, { flagDuplicates: true });
  const queue = h('section', { class: 'card queue', 'aria-labelledby': 'queue-title' },
    h('h2', { id: 'queue-title' }, 'صف ارجاع'),
    h('h3', {}, 'ثبت‌شده، در انتظار ارجاع یا رد'), waitBox,
    h('h3', {}, 'برگشتی از واحدها («مربوط به ما نیست»)'), backBox);
  mount(el, h('div', { class: 'desk' }, h('div', { class: 'desk-main' }, form, result, queue), hist));
  mobile.focus();
  await Promise.all([waiting.reload({ state: 'registered' }), returned.reload({ state: 'returned' })]);
}
