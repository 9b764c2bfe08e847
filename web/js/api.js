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

// An error answer names each wrong field with a Persian sentence (the
// server's error.fields: [{field, message}], all at once); the forms mark
// those fields (ui.js markFields) and say the sentences.
export class ApiError extends Error {
  constructor(status, code, field, message, fields) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.fields = Array.isArray(fields) ? fields : [];
    this.fa = this.fields.length && status !== 409
      ? this.fields.map((x) => x.message).join('؛ ') + '.'
      : persian(status, code, field, message, this.fields);
  }
}

function persian(status, code, field, message, fields) {
  const f = fields.length ? fields[0].message : '';
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
      ? `${f || 'این کد پیش‌تر ثبت شده است'}؛ کد دیگری برگزینید.`
      : 'این پیام در این فاصله تغییر کرده است؛ صفحه را تازه کنید.';
    case 413: return f ? `${f}.` : 'آنچه فرستادید بیش از اندازه بزرگ است.';
    case 429: return 'درخواست‌ها بیش از اندازه است؛ کمی بعد دوباره بکوشید.';
    case 503: return 'سامانه اکنون در دسترس نیست؛ کمی بعد دوباره بکوشید.';
    default:
      if (status === 400 || status === 422) {
        if (f) return `${f}.`;
        if (/required|give both/.test(message || '')) return 'خانه‌های ستاره‌دار را پر کنید.';
        return 'آنچه فرستادید پذیرفته نشد؛ خانه‌ها را بازبینی کنید.';
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
    throw new ApiError(res.status, e.code || 'http', e.field || null, e.message || '', e.fields);
  }
  return data;
}

/**
 * Upload a file's bytes (a File or Blob) as the body: POST path?name=...
 * with extra headers (a citizen's code and mobile); resolves with the JSON
 * answer, rejects with ApiError.
 */
export async function upload(path, file, extraHeaders = {}) {
  const headers = { Accept: 'application/json', 'Content-Type': 'application/octet-stream', ...extraHeaders };
  if (csrf) headers['X-Hamgan-CSRF'] = csrf;
  const sep = path.includes('?') ? '&' : '?';
  let res;
  try {
    res = await fetch('/api/v1' + path + sep + 'name=' + encodeURIComponent(file.name || ''), {
      method: 'POST', headers, body: file, credentials: 'same-origin', cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network', null, 'network');
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new ApiError(res.status, e.code || 'http', e.field || null, e.message || '', e.fields);
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
