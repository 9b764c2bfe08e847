/*
 * jalali.c - Jalali <-> Gregorian by day numbers.
 *
 * Both calendars are mapped to a day number (days since 1970-01-01): the
 * Gregorian side with Howard Hinnant's civil algorithms, the Jalali side by
 * counting days from one known Nowruz (1403-01-01 = 2024-03-20).  With the
 * 33-year rule, the leap days in years 1..n are floor((8n + 29) / 33), which
 * the unit tests check against the rule year by year.
 */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "fa/jalali.h"
#include "fa/text.h"

/* Days since 1970-01-01 of 1403-01-01 (2024-03-20). */
#define ANCHOR_YEAR 1403
#define ANCHOR_DAYS 19802

static const char *const month_names[12] = {
	"فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
	"مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
};

static const char *const weekday_names[7] = {
	"شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه",
};

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

bool jalali_is_leap(int jy)
{
	return floor_mod(25 * (int64_t)jy + 11, 33) < 8;
}

int jalali_month_days(int jy, int jm)
{
	if (jm < 1 || jm > 12)
		return 0;
	if (jm <= 6)
		return 31;
	if (jm <= 11)
		return 30;
	return jalali_is_leap(jy) ? 30 : 29;
}

bool jalali_valid(const struct jdate *d)
{
	if (!d || d->y < JALALI_MIN_YEAR || d->y > JALALI_MAX_YEAR)
		return false;
	return d->d >= 1 && d->d <= jalali_month_days(d->y, d->m);
}

/* Days from 1 Farvardin of year 1 to 1 Farvardin of jy (jy within range). */
static int64_t year_start(int64_t jy)
{
	return 365 * (jy - 1) + floor_div(8 * (jy - 1) + 29, 33);
}

static int day_of_year(int jm, int jd)
{
	return (jm <= 7 ? (jm - 1) * 31 : 6 * 31 + (jm - 7) * 30) + jd - 1;
}

int64_t jalali_to_days(const struct jdate *j)
{
	return ANCHOR_DAYS + (year_start(j->y) - year_start(ANCHOR_YEAR)) + day_of_year(j->m, j->d);
}

static int64_t first_day(void)
{
	return ANCHOR_DAYS + year_start(JALALI_MIN_YEAR) - year_start(ANCHOR_YEAR);
}

static int64_t end_day(void)	/* exclusive */
{
	return ANCHOR_DAYS + year_start(JALALI_MAX_YEAR + 1) - year_start(ANCHOR_YEAR);
}

int jalali_from_days(int64_t days, struct jdate *out)
{
	int64_t n, y, doy;
	int m;

	if (days < first_day() || days >= end_day())
		return ERR_INVALID;
	n = days - ANCHOR_DAYS + year_start(ANCHOR_YEAR);	/* days since 1/1/1 */
	y = 1 + floor_div(n * 33, 12053);			/* 12053 days per 33 years */
	while (year_start(y + 1) <= n)
		y++;
	while (year_start(y) > n)
		y--;
	doy = n - year_start(y);
	if (doy < 6 * 31) {
		m = (int)(doy / 31) + 1;
		doy -= (m - 1) * 31;
	} else {
		doy -= 6 * 31;
		m = (int)(doy / 30) + 7;
		doy -= (m - 7) * 30;
	}
	out->y = (int)y;
	out->m = m;
	out->d = (int)doy + 1;
	return 0;
}

/* Hinnant's days_from_civil / civil_from_days (proleptic Gregorian). */
int64_t gregorian_to_days(const struct gdate *g)
{
	int64_t y = g->y - (g->m <= 2);
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t mp = (g->m + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + g->d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void gregorian_from_days(int64_t days, struct gdate *out)
{
	int64_t z = days + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	out->y = (int)(yoe + era * 400 + (m <= 2));
	out->m = (int)m;
	out->d = (int)d;
}

static int gregorian_month_days(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (m < 1 || m > 12)
		return 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

bool gregorian_valid(const struct gdate *g)
{
	int64_t n;

	/* The year check keeps the day arithmetic far from overflow. */
	if (!g || g->y < JALALI_MIN_YEAR + 620 || g->y > JALALI_MAX_YEAR + 622)
		return false;
	if (g->d < 1 || g->d > gregorian_month_days(g->y, g->m))
		return false;
	n = gregorian_to_days(g);
	return n >= first_day() && n < end_day();
}

int jalali_from_gregorian(const struct gdate *g, struct jdate *out)
{
	if (!gregorian_valid(g))
		return ERR_INVALID;
	return jalali_from_days(gregorian_to_days(g), out);
}

int jalali_to_gregorian(const struct jdate *j, struct gdate *out)
{
	if (!jalali_valid(j))
		return ERR_INVALID;
	gregorian_from_days(jalali_to_days(j), out);
	return 0;
}

int jalali_weekday(const struct jdate *j)
{
	/* 1970-01-01 was a Thursday: 5 days after a Saturday. */
	return (int)floor_mod(jalali_to_days(j) + 5, 7);
}

const char *jalali_month_name(int jm)
{
	return jm >= 1 && jm <= 12 ? month_names[jm - 1] : NULL;
}

const char *jalali_weekday_name(int wd)
{
	return wd >= 0 && wd <= 6 ? weekday_names[wd] : NULL;
}

/*
 * Split "YYYY?M?D" with ? one separator ('-' or '/', the same twice), digits
 * in any script.  Only the shape is checked here.
 */
static int parse_ymd(const char *s, int *y, int *m, int *d)
{
	char a[32];
	int v[3] = { 0, 0, 0 };
	int nd = 0, part = 0;
	char sep = 0;
	const char *p;

	if (!s || fa_ascii_digits(s, a, sizeof(a)) != 0)
		return ERR_INVALID;
	for (p = a;; p++) {
		if (*p >= '0' && *p <= '9') {
			v[part] = v[part] * 10 + (*p - '0');
			nd++;
			if ((part == 0 && nd > 4) || (part > 0 && nd > 2))
				return ERR_INVALID;
			continue;
		}
		if ((part == 0 && nd != 4) || nd == 0)
			return ERR_INVALID;
		if (*p == '\0')
			break;
		if ((*p != '-' && *p != '/') || part == 2 || (sep && *p != sep))
			return ERR_INVALID;
		sep = *p;
		part++;
		nd = 0;
	}
	if (part != 2)
		return ERR_INVALID;
	*y = v[0];
	*m = v[1];
	*d = v[2];
	return 0;
}

int jalali_parse(const char *s, struct jdate *out)
{
	struct jdate j;

	if (parse_ymd(s, &j.y, &j.m, &j.d) != 0 || !jalali_valid(&j))
		return ERR_INVALID;
	*out = j;
	return 0;
}

int gregorian_parse(const char *s, struct gdate *out)
{
	struct gdate g;

	if (parse_ymd(s, &g.y, &g.m, &g.d) != 0 || !gregorian_valid(&g))
		return ERR_INVALID;
	*out = g;
	return 0;
}

size_t jalali_format(const struct jdate *j, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%04d-%02d-%02d", j->y, j->m, j->d);

	return n < 0 ? 0 : (size_t)n;
}

size_t gregorian_format(const struct gdate *g, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%04d-%02d-%02d", g->y, g->m, g->d);

	return n < 0 ? 0 : (size_t)n;
}

size_t jalali_format_fa(const struct jdate *j, char *out, size_t outsz)
{
	char a[JALALI_FMT_MAX], f[JALALI_FMT_MAX * 2];
	size_t i, n = 0;
	int k = snprintf(a, sizeof(a), "%04d/%02d/%02d", j->y, j->m, j->d);

	if (k < 0 || (size_t)k >= sizeof(a))
		k = 0;
	for (i = 0; i < (size_t)k; i++) {
		if (a[i] >= '0' && a[i] <= '9') {
			/* U+06F0 + digit, as UTF-8 DB B0..DB B9 */
			f[n++] = (char)0xDB;
			f[n++] = (char)(0xB0 + (a[i] - '0'));
		} else {
			f[n++] = a[i];
		}
	}
	f[n] = '\0';
	if (outsz > 0) {
		size_t c = n < outsz ? n : outsz - 1;

		/* never cut a two-byte digit in half */
		if (c < n && c > 0 && ((unsigned char)f[c] & 0xC0) == 0x80)
			c--;
		memcpy(out, f, c);
		out[c] = '\0';
	}
	return n;
}
