// api.js - talking to /api/v1: JSON in and out, the session cookie (sent by
// the browser, HttpOnly), the CSRF header on every state-changing request,
// and errors turned into clear Persian sentences.
//
// The server keeps the session in the HttpOnly cookie hamgan_session and
// returns a CSRF token from login and /auth/me; every POST/PATCH made with
// the cookie must send it back in X-Hamgan-CSRF (see src/http/api_auth.c).

import { faDigits } from './fa.js';

let csrf = '';
let onUnauthorized = null;

/** fn() runs when a signed-in request answers 401 (the session ended). */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

export function setCsrf(token) {
  csrf = token || '';
}

// Persian names of the request fields, for error messages.
const FIELDS = {
  username: 'نام کاربری', password: 'گذرواژه', kind: 'نوع پیام', category: 'موضوع',
  subject: 'عنوان', body: 'متن پیام', address: 'نشانی', region: 'منطقه',
  mobile: 'شمارهٔ همراه', name: 'نام', national_id: 'کد ملی', channel: 'راه دریافت',
  priority: 'اولویت', unit: 'واحد', reason: 'دلیل', note: 'یادداشت', answer: 'پاسخ',
  duplicate_of: 'کد پیام اصلی', grade: 'ارزیابی', verdict: 'نظر شهروند', rating: 'امتیاز',
  code: 'کد', deadline_hours: 'مهلت (ساعت)', parent: 'زیرمجموعهٔ', role: 'نقش',
  kinds: 'انواع پیام', period: 'دوره', version: 'نسخه', q: 'جست‌وجو', state: 'وضعیت',
  from: 'از تاریخ', to: 'تا تاریخ', limit: 'تعداد', cursor: 'صفحه',
  service_code: 'کد خدمت', by: 'تفکیک', compare: 'مقایسه',
};

export class ApiError extends Error {
  constructor(status, code, field, message) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.fa = persian(status, code, field, message);
  }
}

function persian(status, code, field, message) {
  const f = field && FIELDS[field] ? `«${FIELDS[field]}»` : '';
  switch (status) {
    case 0: return 'ارتباط با سامانه برقرار نشد؛ اتصال شبکه را بررسی کنید و دوباره بکوشید.';
    case 401: return /password/.test(message || '')
      ? 'نام کاربری یا گذرواژه نادرست است.'
      : 'نشست شما به پایان رسیده است؛ دوباره وارد شوید.';
    case 403: return 'شما اجازهٔ این کار را ندارید.';
    case 404: return /tracking code/.test(message || '')
      ? 'پیامی با این کد رهگیری و شمارهٔ همراه پیدا نشد.'
      : 'موردی که خواستید پیدا نشد.';
    case 409: return /already exists/.test(message || '')
      ? `${f || 'این کد'} پیش‌تر ثبت شده است؛ کد دیگری برگزینید.`
      : 'این پیام در این فاصله تغییر کرده است؛ صفحه را تازه کنید.';
    case 413: return 'متن فرستاده‌شده بیش از اندازه بلند است.';
    case 429: return 'درخواست‌ها بیش از اندازه است؛ کمی بعد دوباره بکوشید.';
    case 503: return 'سامانه اکنون در دسترس نیست؛ کمی بعد دوباره بکوشید.';
    default:
      if (status === 400 || status === 422) {
        if (/required|give both/.test(message || '')) return `${f || 'یکی از خانه‌ها'} را پر کنید.`;
        if (/too long|longer than|at most/.test(message || '')) return `${f || 'متن'} بیش از اندازه بلند است.`;
        return f ? `مقدار ${f} پذیرفته نیست.` : 'داده‌های فرستاده‌شده پذیرفته نیست.';
      }
      return `خطای سامانه (${faDigits(status)}); دوباره بکوشید.`;
  }
}

/** fetch JSON; resolves with the body, rejects with ApiError. */
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const opts = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  if (method !== 'GET' && csrf) headers['X-Hamgan-CSRF'] = csrf;
  let res;
  try {
    res = await fetch('/api/v1' + path, opts);
  } catch {
    throw new ApiError(0, 'network', null, 'network');
  }
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const e = (data && data.error) || {};
    if (res.status === 401 && csrf && path !== '/auth/login' && onUnauthorized) onUnauthorized();
    throw new ApiError(res.status, e.code || 'http', e.field || null, e.message || '');
  }
  return data;
}

/** A query string from an object, skipping empty values. */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '' && v !== false) u.set(k, String(v));
  }
  const s = u.toString();
  return s ? '?' + s : '';
}
