/*
 * jalali.h - the Iranian (Solar Hijri, Jalali) calendar and its conversion
 * to and from the proleptic Gregorian calendar.
 *
 * Leap years follow the 33-year arithmetic rule: jy is leap when
 * (25 * jy + 11) mod 33 < 8.  The rule agrees with the astronomical
 * calendar in use for every year of the supported range
 * JALALI_MIN_YEAR..JALALI_MAX_YEAR (1178..1633, i.e. Gregorian 1799-03-21 to
 * 2255-03-20); outside that range every function refuses (ERR_INVALID)
 * rather than guess.  Months 1-6 have 31 days, 7-11 have 30, 12 has 29 (30
 * in a leap year).  Nothing here allocates; all functions are thread-safe.
 */
#ifndef HAMGAN_FA_JALALI_H
#define HAMGAN_FA_JALALI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jdate { int y, m, d; };	/* Jalali */
struct gdate { int y, m, d; };	/* Gregorian */

#define JALALI_MIN_YEAR 1178
#define JALALI_MAX_YEAR 1633

/* Longest output of jalali_format (10 bytes + NUL) and jalali_format_fa
 * (8 digits of 2 bytes, 2 separators + NUL), rounded up. */
#define JALALI_FMT_MAX 32

/* True when jy is a leap year by the 33-year rule (any jy). */
bool jalali_is_leap(int jy);

/* Days in month jm of year jy; 0 when jm is out of 1..12. */
int jalali_month_days(int jy, int jm);

/* True when d names an existing day within the supported years. */
bool jalali_valid(const struct jdate *d);

/* True when g names an existing Gregorian day whose Jalali date is within
 * the supported years. */
bool gregorian_valid(const struct gdate *g);

/* Convert between calendars: 0, or ERR_INVALID (out untouched) when the input
 * does not exist or falls outside the supported range. */
int jalali_from_gregorian(const struct gdate *g, struct jdate *out);
int jalali_to_gregorian(const struct jdate *j, struct gdate *out);

/* Days since 1970-01-01 (proleptic Gregorian; negative before).  j must be
 * valid (jalali_valid); the result is unspecified otherwise. */
int64_t jalali_to_days(const struct jdate *j);
/* Inverse of jalali_to_days: ERR_INVALID outside the supported range. */
int jalali_from_days(int64_t days, struct jdate *out);

/* Gregorian day number helpers (days since 1970-01-01), valid for any date
 * the int fields can hold in practice; g is not checked. */
int64_t gregorian_to_days(const struct gdate *g);
void gregorian_from_days(int64_t days, struct gdate *out);

/* The weekday of a valid date: 0 = Saturday (شنبه) .. 6 = Friday (جمعه). */
int jalali_weekday(const struct jdate *j);

/* "فروردین".."اسفند" for 1..12, NULL otherwise (static UTF-8 strings). */
const char *jalali_month_name(int jm);
/* "شنبه".."جمعه" for 0..6, NULL otherwise. */
const char *jalali_weekday_name(int wd);

/*
 * Parse "YYYY-MM-DD" or "YYYY/MM/DD" (one kind of separator throughout; month
 * and day one or two digits; year exactly four digits) in ASCII, Persian
 * (U+06F0..) or Arabic-Indic (U+0660..) digits, which may be mixed.  No
 * surrounding space.  0, or ERR_INVALID for anything else including
 * nonexistent dates and years outside the supported range.
 */
int jalali_parse(const char *s, struct jdate *out);
/* The same for a Gregorian date (range: the supported Jalali years). */
int gregorian_parse(const char *s, struct gdate *out);

/*
 * Write "1403-12-30" (ASCII, zero-padded) or "۱۴۰۳/۱۲/۳۰" (Persian digits)
 * into out (outsz bytes, always NUL-terminated when outsz > 0).  Return the
 * length of the full text, like snprintf: a result >= outsz means truncation.
 */
size_t jalali_format(const struct jdate *j, char *out, size_t outsz);
size_t jalali_format_fa(const struct jdate *j, char *out, size_t outsz);
/* "2025-03-20" for a Gregorian date. */
size_t gregorian_format(const struct gdate *g, char *out, size_t outsz);

#endif
