// citizen.js - the citizen's pages, no account: submit a message on the web
// and follow it with the tracking code and mobile number; accept the answer
// or object to it, with an optional 1-5 rating.  A submission with a mobile
// proves it first: «ارسال کد» texts a five-digit code (POST /verify), which
// goes with the message as verification_code.

import { api } from './api.js';
import { KINDS, EVENTS, VERDICTS, REJECT_REASONS, asciiDigits, faCode, faDigits, normalizeMobile } from './fa.js';
import { h, mount, field, select, mapOptions, fillGrouped, faOnBlur, errorBox, formError, busy, when, stateBadge, formValues } from './ui.js';
import { categories, categoryGroups } from './state.js';
import { pinPicker, showNearby } from './map.js';
import { ACCEPT, checkFiles, citizenUpload, citizenFiles } from './attach.js';

/** The big tracking code box shown after registering. */
export function codeBox(code, extra) {
  return h('section', { class: 'code-box', 'aria-labelledby': 'code-title' },
    h('h2', { id: 'code-title' }, 'کد رهگیری'),
    h('p', { class: 'tracking-code', dir: 'ltr', 'data-code': code, 'aria-label': 'کد رهگیری ' + faDigits(code.split('').join(' ')) }, faCode(code)),
    extra);
}

export async function submitPage(el) {
  const cats = await categories().catch(() => []);
  const err = errorBox();
  const kind = select('kind', mapOptions(KINDS), { required: true, empty: 'برگزینید…' });
  const cat = select('category', [], { empty: 'نمی‌دانم / دیگر' });
  const fillCats = () => fillGrouped(cat, 'نمی‌دانم / دیگر', categoryGroups(cats, kind.value));
  kind.addEventListener('change', fillCats);
  fillCats();
  const anon = h('input', { type: 'checkbox', name: 'anonymous' });
  const mobile = faOnBlur(h('input', { name: 'mobile', inputmode: 'tel', autocomplete: 'tel', dir: 'ltr', placeholder: '۰۹۱۲۳۴۵۶۷۸۹' }));
  const verify = verifyStep(mobile);
  const who = h('fieldset', { class: 'who-fields' },
    h('legend', {}, 'مشخصات شما'),
    field('نام و نام خانوادگی', h('input', { name: 'name', autocomplete: 'name' })),
    field('شمارهٔ همراه', mobile, { required: true, hint: 'کد رهگیری و پاسخ به این شماره پیامک می‌شود و برای پیگیری لازم است.' }),
    verify.el);
  anon.addEventListener('change', () => {
    who.hidden = anon.checked;
  });
  // the pin: its region is shown before sending, and open messages of the
  // same category nearby are offered to follow instead
  const nearby = h('div', { class: 'nearby-box' });
  const pin = pinPicker({
    legend: 'محل روی نقشه (اختیاری)',
    onPoint: (p) => showNearby(nearby, p, cat.value),
  });
  cat.addEventListener('change', () => showNearby(nearby, pin.point(), cat.value));
  const files = h('input', { type: 'file', name: 'files', accept: ACCEPT, multiple: true });
  const fileField = field('عکس یا پرونده (اختیاری)', files, { hint: 'عکس (JPEG، PNG، WebP) یا PDF، تا ۱۰ پرونده و هر یک تا ۸ مگابایت. موقعیت و مشخصات دوربین از عکس‌ها پاک می‌شود.' });
  anon.addEventListener('change', () => {
    fileField.hidden = anon.checked; // files go with the code and mobile
  });
  const btn = h('button', { type: 'submit', class: 'primary' }, 'فرستادن پیام');
  const form = h('form', { class: 'card', novalidate: true },
    h('h1', {}, 'ثبت پیام تازه'),
    h('p', { class: 'muted' }, 'پیام شما ثبت و به واحد مسئول شهرداری ارجاع می‌شود.'),
    h('div', { class: 'row2' },
      field('نوع پیام', kind, { required: true }),
      field('موضوع', cat)),
    field('عنوان', h('input', { name: 'subject', required: true, maxlength: 200 }), { required: true }),
    field('متن پیام', h('textarea', { name: 'body', required: true, rows: 6, maxlength: 4000 }), { required: true }),
    field('نشانی', h('input', { name: 'address', autocomplete: 'street-address' }), { hint: 'منطقه، خیابان و نشانهٔ نزدیک' }),
    pin, nearby,
    h('label', { class: 'check' }, anon, ' بی‌نام می‌فرستم (بدون پیگیری با شمارهٔ همراه)'),
    who, fileField, err, btn);
  const out = h('div', {});
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    err.show('');
    const v = formValues(form);
    const picked = anon.checked ? [] : [...files.files];
    const bad = checkFiles(picked);
    if (bad) return err.show(bad);
    // the server checks every field and names all the wrong ones at once
    const body = { kind: v.kind, subject: v.subject, body: v.body };
    if (v.category) body.category = v.category;
    if (v.address) body.address = v.address;
    const p = pin.point();
    if (p) Object.assign(body, p);
    let mob = null;
    let code = {};
    if (v.anonymous) {
      body.anonymous = true;
    } else {
      mob = normalizeMobile(v.mobile) || asciiDigits(v.mobile);
      body.mobile = mob;
      if (v.name) body.name = v.name;
      // without a code the server still names every other wrong field first;
      // its verification_code refusal then gets the step's own sentence
      code = verify.code(mob);
      if (code.value) body.verification_code = code.value;
    }
    return busy(btn, async () => {
      try {
        const r = await api('POST', '/messages', body);
        const failed = picked.length ? await citizenUpload(picked, r.code, mob) : [];
        form.hidden = true;
        mount(out, h('div', { class: 'card done' },
          h('h1', {}, 'پیام شما ثبت شد'),
          codeBox(r.code, h('p', {}, 'این کد را یادداشت کنید؛ با آن و شمارهٔ همراهتان می‌توانید پیام را پیگیری کنید.')),
          picked.length ? h('p', { class: failed.length ? 'error-box' : 'muted' },
            failed.length ? ['این پرونده‌ها پیوست نشد: ', failed.join('؛ ')]
              : `${faDigits(picked.length)} پرونده پیوست شد.`) : null,
          h('p', { class: 'actions' },
            mob ? h('a', { class: 'button primary', href: `#/track/${r.code}` }, 'پیگیری همین پیام') : null,
            h('a', { class: 'button', href: '#/welcome' }, 'بازگشت'))));
        out.querySelector('.tracking-code').focus?.();
      } catch (e) {
        if (e.field === 'verification_code') err.show(code.error || codeError(e));
        else formError(form, err, e);
      }
    });
  });
  mount(el, form, out);
}

/**
 * The «کد تأیید» step under the mobile field: a button that texts a code
 * to the number, then the code's field.  code(mob) gives {value} or
 * {error} (a Persian sentence) for the submission.
 */
function verifyStep(mobile) {
  const status = h('p', { class: 'hint verify-status', role: 'status' });
  const err = errorBox();
  const send = h('button', { type: 'button', class: 'send-code' }, 'ارسال کد');
  const input = faOnBlur(h('input', { name: 'verification_code', inputmode: 'numeric', autocomplete: 'one-time-code', dir: 'ltr', maxlength: 10, placeholder: '۱۲۳۴۵' }));
  const codeField = field('کد تأیید', input, { required: true, hint: 'کد پنج‌رقمی که به شمارهٔ همراهتان پیامک شد' });
  codeField.hidden = true;
  let sentTo = null;
  // a code proves one number: another number needs a new code
  mobile.addEventListener('input', () => {
    if (sentTo && normalizeMobile(mobile.value) !== sentTo) {
      sentTo = null;
      codeField.hidden = true;
      input.value = '';
      status.textContent = '';
    }
  });
  send.addEventListener('click', () => {
    err.show('');
    const mob = normalizeMobile(mobile.value);
    if (!mob) {
      mobile.focus();
      return err.show('شمارهٔ همراه را درست وارد کنید (مانند ۰۹۱۲۳۴۵۶۷۸۹).');
    }
    return busy(send, async () => {
      try {
        const r = await api('POST', '/verify', { mobile: mob });
        sentTo = mob;
        codeField.hidden = false;
        status.textContent = `کد تأیید به ${faDigits(mob)} پیامک شد؛ تا ${faDigits(Math.round((r.expires_in || 300) / 60))} دقیقه معتبر است.`;
        input.focus();
      } catch (e) {
        err.show(e.status === 429
          ? 'برای این شماره یا از این نشانی بیش از اندازه کد خواسته شده است؛ کمی بعد دوباره بکوشید.'
          : e.fa);
      }
    }).then(() => {
      if (sentTo) send.textContent = 'ارسال دوبارهٔ کد';
    });
  });
  const el = h('div', { class: 'verify-step' }, h('p', { class: 'actions' }, send), status, err, codeField);
  return {
    el,
    code(mob) {
      if (sentTo !== mob) {
        send.focus();
        return { error: 'برای تأیید شمارهٔ همراه، «ارسال کد» را بزنید و کد پیامک‌شده را وارد کنید.' };
      }
      const c = asciiDigits(input.value).replace(/\s+/g, '');
      if (!/^\d{5}$/.test(c)) {
        input.focus();
        return { error: 'کد تأیید پنج رقم است.' };
      }
      return { value: c };
    },
  };
}

/** A Persian sentence for a refused verification code. */
function codeError(e) {
  if (/wrong/.test(e.message)) return 'کد تأیید نادرست است؛ دوباره وارد کنید.';
  if (/no valid/.test(e.message)) return 'کد تأیید منقضی شده یا بیش از اندازه نادرست وارد شده است؛ «ارسال دوبارهٔ کد» را بزنید.';
  return 'برای تأیید شمارهٔ همراه، «ارسال کد» را بزنید و کد پیامک‌شده را وارد کنید.';
}

function timeline(events) {
  return h('ol', { class: 'timeline' }, events.map((ev) => h('li', { class: 'tl-' + ev.event },
    h('span', { class: 'tl-what' }, ev.event === 'sms' && !ev.sent ? 'پیامک در صف فرستادن' : (EVENTS[ev.event] || ev.event)), ' ', when(ev.at),
    ev.event === 'sms' && ev.text ? h('div', { class: 'small muted sms-text' }, ev.text) : null)));
}

function publicView(m, mobile, onChange) {
  const parts = [
    h('div', { class: 'msg-head' },
      h('h2', {}, m.subject),
      stateBadge(m.state)),
    h('dl', { class: 'facts' },
      h('dt', {}, 'کد رهگیری'), h('dd', {}, h('span', { dir: 'ltr', class: 'code-inline' }, faCode(m.code))),
      h('dt', {}, 'نوع'), h('dd', {}, KINDS[m.kind] || m.kind),
      m.category ? [h('dt', {}, 'موضوع'), h('dd', { class: 'track-category' }, m.category)] : null,
      m.handled_by ? [h('dt', {}, 'رسیدگی در'), h('dd', { class: 'track-handler' }, m.handled_by.name)] : null,
      h('dt', {}, 'ثبت'), h('dd', {}, when(m.created_at)),
      m.due_at && !['closed', 'rejected'].includes(m.state) ? [h('dt', {}, 'مهلت پاسخ'), h('dd', {}, when(m.due_at))] : null,
      m.reject_reason ? [h('dt', {}, 'دلیل رد'), h('dd', { class: 'track-reject' }, REJECT_REASONS[m.reject_reason] || m.reject_reason)] : null),
    m.body ? h('section', { class: 'own-text' }, h('h3', {}, 'متن پیام شما'), h('p', { class: 'msg-body' }, m.body)) : null,
    h('h3', {}, 'روند رسیدگی'),
    timeline(m.timeline || []),
  ];
  if (m.answer) {
    parts.push(h('section', { class: 'answer' }, h('h3', {}, 'پاسخ شهرداری'),
      h('p', { class: 'answer-text' }, m.answer), h('p', { class: 'muted' }, 'تاریخ پاسخ: ', when(m.answered_at))));
  }
  if (m.verdict) {
    parts.push(h('p', { class: 'verdict-given' }, 'نظر شما: ', VERDICTS[m.verdict] || m.verdict,
      m.rating ? ` — امتیاز ${faDigits(m.rating)} از ۵` : ''));
  }
  if (m.can_give_verdict) parts.push(verdictForm(m, mobile, onChange));
  const files = h('div', {});
  parts.push(files);
  citizenFiles(m.code, mobile).then((sec) => sec && files.replaceWith(sec)).catch(() => {});
  return h('article', { class: 'card track-result', 'aria-live': 'polite' }, parts);
}

function verdictForm(m, mobile, onChange) {
  const err = errorBox();
  const stars = h('fieldset', { class: 'rating' }, h('legend', {}, 'امتیاز شما به پاسخ (اختیاری)'),
    [1, 2, 3, 4, 5].map((n) => h('label', { class: 'star' },
      h('input', { type: 'radio', name: 'rating', value: String(n) }), ' ', faDigits(n))));
  const accept = h('button', { type: 'button', class: 'primary', 'data-verdict': 'accept' }, 'پاسخ را می‌پذیرم');
  const object = h('button', { type: 'button', class: 'danger', 'data-verdict': 'object' }, 'به پاسخ اعتراض دارم');
  const why = h('textarea', { name: 'reason', rows: 3, maxlength: 300 });
  const form = h('form', { class: 'verdict', novalidate: true },
    h('h3', {}, 'نظر شما دربارهٔ پاسخ'),
    h('p', { class: 'muted' }, 'اگر اعتراض کنید، پیام دوباره برای رسیدگی به واحد مسئول بازمی‌گردد.'),
    stars,
    field('اگر اعتراض دارید، چرا؟ (اختیاری)', why, { hint: 'این توضیح برای واحد رسیدگی‌کننده فرستاده می‌شود.' }),
    err, h('p', { class: 'actions' }, accept, object));
  const send = (btn) => busy(btn, async () => {
    err.show('');
    const v = formValues(form);
    const body = { code: m.code, mobile, verdict: btn.dataset.verdict };
    if (v.rating) body.rating = Number(v.rating);
    if (btn.dataset.verdict === 'object' && v.reason && v.reason.trim()) body.reason = v.reason.trim();
    try {
      onChange(await api('POST', '/track/verdict', body));
    } catch (e) {
      err.show(e.fa);
    }
  });
  accept.addEventListener('click', () => send(accept));
  object.addEventListener('click', () => send(object));
  return form;
}

export async function trackPage(el, { params }) {
  const err = errorBox();
  const code = faOnBlur(h('input', { name: 'code', inputmode: 'numeric', dir: 'ltr', required: true, autocomplete: 'off', placeholder: '۱۲۳۴۵۶۷۸۹۰' }));
  if (params[0]) code.value = faDigits(params[0]);
  const mobile = faOnBlur(h('input', { name: 'mobile', inputmode: 'tel', autocomplete: 'tel', dir: 'ltr', required: true, placeholder: '۰۹۱۲۳۴۵۶۷۸۹' }));
  const btn = h('button', { type: 'submit', class: 'primary' }, 'پیگیری');
  const out = h('div', { class: 'track-out' });
  const form = h('form', { class: 'card narrow', novalidate: true },
    h('h1', {}, 'پیگیری پیام'),
    field('کد رهگیری', code, { required: true, hint: 'کد ده‌رقمی که هنگام ثبت پیام دریافت کردید' }),
    field('شمارهٔ همراه', mobile, { required: true }),
    err, btn);
  let mob = null;
  const show = (m) => mount(out, publicView(m, mob, show));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    err.show('');
    const c = asciiDigits(code.value).replace(/\s+/g, '');
    mob = normalizeMobile(mobile.value);
    if (!/^\d{10}$/.test(c)) {
      code.focus();
      return err.show('کد رهگیری ده رقم است.');
    }
    if (!mob) {
      mobile.focus();
      return err.show('شمارهٔ همراه را درست وارد کنید (مانند ۰۹۱۲۳۴۵۶۷۸۹).');
    }
    return busy(btn, async () => {
      try {
        show(await api('POST', '/track', { code: c, mobile: mob }));
      } catch (e) {
        out.replaceChildren();
        err.show(e.fa);
      }
    });
  });
  mount(el, form, out);
  (params[0] ? mobile : code).focus();
}

