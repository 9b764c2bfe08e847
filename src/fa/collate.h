/*
 * collate.h - Persian alphabetical order, for lists people scan by eye
 * (categories, units, names).
 *
 * Unicode code point order is wrong for Persian: the four letters Arabic
 * lacks sit far from their neighbours (پ U+067E after ي, گ U+06AF after
 * ک), and the Arabic ي/ك come before the Persian ی/ک.  The order here is the
 * alphabet a Persian reader expects:
 *
 *	ا ب پ ت ث ج چ ح خ د ذ ر ز ژ س ش ص ض ط ظ ع غ ف ق ک گ ل م ن و ه ی
 *
 * with آ/أ/إ/ء as ا, ك as ک, ي/ى/ئ as ی, ؤ as و, ة/ۀ as ه; digits of every
 * script before letters, a run of them by its value («منطقه ۲» before
 * «منطقه ۱۰»); space and ZWNJ before everything (so «آب» comes before
 * «آب‌بند» and «آبیاری»); diacritics and tatweel ignored; any other
 * character after the Persian letters in code point order.  Equal
 * keys fall back to byte order, so the order is total and stable.
 */
#ifndef HAMGAN_FA_COLLATE_H
#define HAMGAN_FA_COLLATE_H

/* <0, 0 or >0 as a sorts before, with or after b (NUL-terminated UTF-8;
 * malformed bytes are compared by value). */
int fa_collate(const char *a, const char *b);

/* The weight of one code point in that order: 0 for ignored marks; the
 * same weight for letters that sort alike. */
unsigned fa_collate_weight(unsigned cp);

#endif
