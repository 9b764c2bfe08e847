// fa.js - Persian presentation: digits, the Jalali calendar, Tehran time,
// and the Persian names of the API's codes.
//
// The API speaks ISO 8601 UTC.  An instant is shown as the civil date and
// time in Asia/Tehran (Intl with the browser's tz database, so Iran's DST
// until 2022 is right), then converted to Jalali with the 33-year rule: year
// y is leap when (25y + 11) mod 33 < 8, which is the official calendar for
// 1178..1633 (see docs/fa.md).

const FA = '۰۱۲۳۴۵۶۷۸۹';
const AR = '٠١٢٣٤٥٦٧٨٩';

/** ASCII digits (and the Latin '.' inside numbers) to Persian digits. */
export function faDigits(v) {
  return String(v ?? '').replace(/[0-9]/g, (d) => FA[d.charCodeAt(0) - 48]);
}

/** Persian and Arabic-Indic digits to ASCII; everything else unchanged. */
export function asciiDigits(v) {
  return String(v ?? '').replace(/[۰-۹٠-٩]/g, (d) => {
    const i = FA.indexOf(d);
    return String(i >= 0 ? i : AR.indexOf(d));
  });
}

/** A number with Persian digits and the Persian thousands separator. */
export function faNumber(n, digits = 0) {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  const s = Number(n).toFixed(digits);
  const [i, f] = s.split('.');
  const grouped = i.replace(/\B(?=(\d{3})+(?!\d))/g, '٬');
  return faDigits(f ? grouped + '٫' + f : grouped);
}

/** A rate 0..1 as a Persian percentage. */
export function faPercent(r, digits = 0) {
  if (r === null || r === undefined) return '—';
  return faNumber(r * 100, digits) + '٪';
}

export function jalaliLeap(y) {
  return ((25 * y + 11) % 33 + 33) % 33 < 8;
}

export function jalaliMonthLength(y, m) {
  if (m <= 6) return 31;
  if (m <= 11) return 30;
  return jalaliLeap(y) ? 30 : 29;
}

const DAY_MS = 86400000;
// 1 Farvardin 1403 was 20 March 2024.
const ANCHOR_DAYS = Date.UTC(2024, 2, 20) / DAY_MS;
const ANCHOR_YEAR = 1403;

/** Gregorian civil date -> {y, m, d} Jalali. */
export function toJalali(gy, gm, gd) {
  let diff = Date.UTC(gy, gm - 1, gd) / DAY_MS - ANCHOR_DAYS;
  let y = ANCHOR_YEAR;
  while (diff < 0) {
    y -= 1;
    diff += jalaliLeap(y) ? 366 : 365;
  }
  for (;;) {
    const len = jalaliLeap(y) ? 366 : 365;
    if (diff < len) break;
    diff -= len;
    y += 1;
  }
  let m = 1;
  while (diff >= jalaliMonthLength(y, m)) {
    diff -= jalaliMonthLength(y, m);
    m += 1;
  }
  return { y, m, d: diff + 1 };
}

/** Jalali {y, m, d} -> Gregorian {y, m, d}. */
export function fromJalali(jy, jm, jd) {
  let days = ANCHOR_DAYS;
  for (let y = ANCHOR_YEAR; y < jy; y++) days += jalaliLeap(y) ? 366 : 365;
  for (let y = jy; y < ANCHOR_YEAR; y++) days -= jalaliLeap(y) ? 366 : 365;
  for (let m = 1; m < jm; m++) days += jalaliMonthLength(jy, m);
  const dt = new Date((days + jd - 1) * DAY_MS);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

export const MONTHS = ['فروردین', 'اردیبهشت', 'خرداد', 'تیر', 'مرداد', 'شهریور',
  'مهر', 'آبان', 'آذر', 'دی', 'بهمن', 'اسفند'];

const tehranFmt = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Asia/Tehran', year: 'numeric', month: 'numeric', day: 'numeric',
  hour: 'numeric', minute: 'numeric', hourCycle: 'h23',
});

/** The civil date and time in Tehran of an instant (Date or ISO text). */
export function tehranParts(when) {
  const t = when instanceof Date ? when : new Date(when);
  const p = {};
  for (const part of tehranFmt.formatToParts(t)) p[part.type] = Number(part.value);
  return { y: p.year, m: p.month, d: p.day, hh: p.hour % 24, mm: p.minute };
}

/** Jalali date of an instant in Tehran: {y, m, d, hh, mm}. */
export function jalaliOf(when) {
  const g = tehranParts(when);
  return { ...toJalali(g.y, g.m, g.d), hh: g.hh, mm: g.mm };
}

const pad2 = (n) => String(n).padStart(2, '0');

/** "۸ آذر ۱۴۰۵، ۱۵:۴۲" (time omitted when withTime is false). */
export function faDate(iso, withTime = true) {
  if (!iso) return '—';
  const j = jalaliOf(iso);
  const date = `${j.d} ${MONTHS[j.m - 1]} ${j.y}`;
  return faDigits(withTime ? `${date}، ${pad2(j.hh)}:${pad2(j.mm)}` : date);
}

/** "۱۴۰۵/۰۹/۰۸" */
export function faDateShort(iso) {
  if (!iso) return '—';
  const j = jalaliOf(iso);
  return faDigits(`${j.y}/${pad2(j.m)}/${pad2(j.d)}`);
}

/** The current Jalali year in Tehran. */
export function jalaliYearNow() {
  return jalaliOf(new Date()).y;
}

/** A tracking code in groups for reading aloud: "۱۲۳ ۴۵۶ ۷۸۹۰". */
export function faCode(code) {
  const s = asciiDigits(code || '');
  if (s.length !== 10) return faDigits(s);
  return faDigits(`${s.slice(0, 3)} ${s.slice(3, 6)} ${s.slice(6)}`);
}

/** Normalise a typed mobile number to 09xxxxxxxxx, or null. */
export function normalizeMobile(v) {
  let s = asciiDigits(v).replace(/[\s\-()]/g, '');
  if (s.startsWith('+98')) s = '0' + s.slice(3);
  else if (s.startsWith('0098')) s = '0' + s.slice(4);
  else if (s.startsWith('98') && s.length === 12) s = '0' + s.slice(2);
  else if (s.startsWith('9') && s.length === 10) s = '0' + s;
  return /^09\d{9}$/.test(s) ? s : null;
}

// ---- the API's codes in Persian ----

export const STATES = {
  registered: 'ثبت‌شده', referred: 'ارجاع‌شده', in_progress: 'در دست رسیدگی',
  answered: 'پاسخ‌داده‌شده', closed: 'بسته‌شده', returned: 'برگشتی',
  rejected: 'ردشده', reopened: 'بازگشایی‌شده',
};
export const KINDS = {
  criticism: 'انتقاد', complaint: 'شکایت', suggestion: 'پیشنهاد',
  appreciation: 'تقدیر', request: 'درخواست خدمت',
};
export const CHANNELS = {
  phone: 'تلفن', web: 'وب', sms: 'پیامک', open311: 'Open311', live: 'ارتباط مستقیم',
};
export const ROLES = {
  citizen: 'شهروند', operator: 'کارشناس مرکز (اپراتور)', staff: 'کارشناس واحد',
  manager: 'مدیر واحد', inspector: 'بازرس', admin: 'مدیر سامانه', system: 'سامانه',
};
export const UNIT_KINDS = {
  organisation: 'سازمان', centre: 'مرکز', region: 'منطقه', district: 'ناحیه',
  department: 'معاونت / اداره',
};
export const REJECT_REASONS = {
  incomplete: 'ناقص', duplicate: 'تکراری', outside_remit: 'خارج از حیطهٔ شهرداری',
  abusive: 'توهین‌آمیز',
};
export const RETURN_REASONS = {
  not_ours: 'مربوط به این واحد نیست', wrong_region: 'منطقهٔ نادرست',
  outside_remit: 'خارج از حیطهٔ شهرداری', incomplete: 'ناقص',
};
export const GRADES = { acceptable: 'قابل قبول', unacceptable: 'غیرقابل قبول' };
export const VERDICTS = { accept: 'پذیرفته', object: 'اعتراض' };
export const PRIORITIES = { normal: 'عادی', high: 'بالا', urgent: 'فوری' };
export const HOPS = {
  refer: 'ارجاع', transfer: 'انتقال', return: 'برگشت به مرکز', reopen: 'بازگشایی',
};
export const EVENTS = {
  registered: 'ثبت شد', referred: 'به واحد مسئول ارجاع شد', under_review: 'در حال بررسی دوباره در مرکز',
  reopened: 'دوباره به جریان افتاد', answered: 'پاسخ داده شد', closed: 'بسته شد',
  rejected: 'رد شد', in_progress: 'رسیدگی آغاز شد', sms: 'پیامک برای شما فرستاده شد',
};
