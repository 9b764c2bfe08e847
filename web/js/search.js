// search.js - what the lists need beyond the API call: a tracking code typed
// in the search box, Jalali dates in the filters (as Tehran midnights), the
// "N days late" of a row, the capped total, and the matched words marked.

import { asciiDigits, faDigits, fromJalali, jalaliMonthLength, tehranParts } from './fa.js';
import { h } from './ui.js';

/** A 10-digit tracking code in the search box (any digits, spaces), or null. */
export function trackingCodeIn(text) {
  const s = asciiDigits(text || '').replace(/[\s-]+/g, '');
  return /^\d{10}$/.test(s) ? s : null;
}

/**
 * "۱۴۰۳/۰۱/۱۵" (or 1403-1-15) -> the ISO instant of that day's midnight in
 * Tehran; '' for empty text; null when it is not a valid Jalali date.
 * nextDay gives the following midnight (the end of an inclusive range).
 */
export function jalaliToInstant(text, nextDay = false) {
  const s = asciiDigits(text || '').trim();
  if (!s) return '';
  const m = s.match(/^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/);
  if (!m) return null;
  const [jy, jm, jd] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (jy < 1200 || jy > 1600 || jm < 1 || jm > 12 || jd < 1 || jd > jalaliMonthLength(jy, jm)) return null;
  const g = fromJalali(jy, jm, jd);
  // midnight UTC of that civil day, moved back by Tehran's offset then
  let t = Date.UTC(g.y, g.m - 1, g.d + (nextDay ? 1 : 0));
  const p = tehranParts(new Date(t));
  const local = Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm);
  t -= local - t;
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Whole days a deadline has passed by now (0 when not passed). */
export function daysLate(due, now = Date.now()) {
  if (!due) return 0;
  const late = now - new Date(due).getTime();
  return late > 0 ? Math.floor(late / 86400000) : 0;
}

/** «۱۲ پیام» or «بیش از ۱٬۰۰۰ پیام». */
export function totalText(r) {
  const n = Number(r.total || 0).toLocaleString('fa-IR');
  if (r.total_capped && !r.total) return 'پیامی هنوز پیدا نشده';
  return r.total_capped ? `بیش از ${n} پیام` : `${faDigits(n)} پیام`;
}

// The search form of a word, as src/fa makes it (letters folded, ZWNJ and
// marks dropped): enough to tell whether a shown word starts with a term.
const FOLD = { 'ي': 'ی', 'ى': 'ی', 'ئ': 'ی', 'ك': 'ک', 'ة': 'ه', 'ۀ': 'ه', 'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ٱ': 'ا', 'ؤ': 'و' };
function fold(word) {
  return asciiDigits(word).toLowerCase()
    .replace(/[\u064B-\u065F\u0670\u0640\u200B-\u200F]/g, '')
    .replace(/[يىئكةۀأإآٱؤ]/g, (c) => FOLD[c]);
}

/** text with the words that match a search term in <mark>. */
export function marked(text, terms) {
  if (!terms || !terms.length || !text) return text;
  const parts = text.split(/([\p{L}\p{N}\p{M}\u200C]+)/u);
  return parts.map((p, i) => {
    if (i % 2 === 0 || !p) return p;
    const f = fold(p);
    return terms.some((t) => t && f.startsWith(t)) ? h('mark', {}, p) : p;
  });
}
