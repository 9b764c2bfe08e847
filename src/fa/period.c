/*
 * period.c - parse, label and split Jalali report periods (period.h).
 *
 * Every period is a run of whole days first..last; its UTC span comes from
 * the Tehran zone (tehran.h) so that a report for "1399-07" counts what
 * happened while Tehran's calendar said Mehr 1399, DST or not.
 */
#include <stdio.h>
#include <string.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/str.h"
#include "fa/period.h"
#include "fa/tehran.h"
#include "fa/text.h"

#define FIELD "period"

/* Quote s in a message only when it is short, printable UTF-8. */
static const char *shown(const char *s)
{
	size_t i, len = strlen(s);

	if (len > 64 || !str_utf8_valid(s, len))
		return "(unprintable)";
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			return "(unprintable)";
	return s;
}

static bool day_before(const struct jdate *a, const struct jdate *b)
{
	if (a->y != b->y)
		return a->y < b->y;
	if (a->m != b->m)
		return a->m < b->m;
	return a->d < b->d;
}

static bool month_end(const struct jdate *d)
{
	return d->d == jalali_month_days(d->y, d->m);
}

/* The label: the tightest syntax naming first..last. */
static void make_label(const struct jdate *f, const struct jdate *l, char *out, size_t outsz)
{
	char a[20], b[20];	/* 10 bytes used: years are 4 digits */

	if (f->d == 1 && month_end(l) && f->y == l->y) {
		int fm = f->m, lm = l->m;

		if (fm == 1 && lm == 12)
			snprintf(out, outsz, "%04d", f->y);
		else if (fm == lm)
			snprintf(out, outsz, "%04d-%02d", f->y, fm);
		else if ((fm == 1 && lm == 6) || (fm == 7 && lm == 12))
			snprintf(out, outsz, "%04d-H%d", f->y, fm == 1 ? 1 : 2);
		else if (fm % 3 == 1 && lm == fm + 2)
			snprintf(out, outsz, "%04d-Q%d", f->y, (fm + 2) / 3);
		else if (fm == 1)
			snprintf(out, outsz, "%04d-F%d", f->y, lm);
		else
			snprintf(out, outsz, "%04d-%02d..%04d-%02d", f->y, fm, l->y, lm);
		return;
	}
	if (!day_before(f, l) && !day_before(l, f)) {
		jalali_format(f, out, outsz);
		return;
	}
	/* months when both ends are whole months, else days on both ends */
	if (f->d == 1 && month_end(l)) {
		snprintf(a, sizeof(a), "%04d-%02d", f->y, f->m);
		snprintf(b, sizeof(b), "%04d-%02d", l->y, l->m);
	} else {
		jalali_format(f, a, sizeof(a));
		jalali_format(l, b, sizeof(b));
	}
	snprintf(out, outsz, "%s..%s", a, b);
}

int jperiod_from_days(const struct jdate *first, const struct jdate *last,
		      struct jperiod *out, struct err *err)
{
	struct jperiod p;
	int rc;

	if (!jalali_valid(first) || !jalali_valid(last))
		return err_set(err, ERR_INVALID, FIELD, "period ends must be days of the years %d to %d",
			       JALALI_MIN_YEAR, JALALI_MAX_YEAR);
	if (day_before(last, first))
		return err_set(err, ERR_INVALID, FIELD, "period ends before it starts");
	memset(&p, 0, sizeof(p));
	p.first = *first;
	p.last = *last;
	rc = tehran_day_start(first, &p.start);
	if (rc == 0)
		rc = tehran_local_midnight(jalali_to_days(last) + 1, &p.end);
	if (rc != 0)
		return err_set(err, rc, FIELD, "cannot read the asia/tehran time zone");
	make_label(first, last, p.label, sizeof(p.label));
	*out = p;
	return 0;
}

/* n ASCII digits at s as a number; -1 when any is not a digit. */
static int fixed_num(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static bool year_ok(int y)
{
	return y >= JALALI_MIN_YEAR && y <= JALALI_MAX_YEAR;
}

/* One end of a range, YYYY-MM or YYYY-MM-DD; a month means its first day
 * (is_last false) or its last day.  0 or ERR_INVALID. */
static int parse_end(const char *s, size_t len, bool is_last, struct jdate *out)
{
	char t[16];
	int y, m;

	if (len == 7 && s[4] == '-') {
		y = fixed_num(s, 4);
		m = fixed_num(s + 5, 2);
		if (!year_ok(y) || m < 1 || m > 12)
			return ERR_INVALID;
		out->y = y;
		out->m = m;
		out->d = is_last ? jalali_month_days(y, m) : 1;
		return 0;
	}
	if (len == 10 && s[4] == '-' && s[7] == '-' && fixed_num(s + 5, 2) >= 0 &&
	    fixed_num(s + 8, 2) >= 0) {
		memcpy(t, s, len);
		t[len] = '\0';
		return jalali_parse(t, out);
	}
	return ERR_INVALID;
}

int jperiod_parse(const char *s, struct jperiod *out, struct err *err)
{
	char t[CAP_PERIOD_TEXT + 1];
	const char *dots;
	struct jdate f, l;
	size_t len;
	int y, n;
	char kind;

	if (!s || strlen(s) > CAP_PERIOD_TEXT || fa_ascii_digits(s, t, sizeof(t)) != 0)
		return err_set(err, ERR_INVALID, FIELD, "period is too long");
	len = strlen(t);
	dots = strstr(t, "..");
	if (dots) {
		size_t alen = (size_t)(dots - t);

		if (parse_end(t, alen, false, &f) != 0 ||
		    parse_end(dots + 2, len - alen - 2, true, &l) != 0)
			return err_set(err, ERR_INVALID, FIELD,
				       "invalid range '%s': each end is YYYY-MM or YYYY-MM-DD in %d..%d",
				       shown(s), JALALI_MIN_YEAR, JALALI_MAX_YEAR);
		if (day_before(&l, &f))
			return err_set(err, ERR_INVALID, FIELD, "range '%s' ends before it starts", shown(s));
		return jperiod_from_days(&f, &l, out, err);
	}
	y = len >= 4 ? fixed_num(t, 4) : -1;
	if (y < 0 || (len > 4 && t[4] != '-'))
		goto bad;
	if (!year_ok(y))
		return err_set(err, ERR_INVALID, FIELD, "year in '%s' is outside %d..%d", shown(s),
			       JALALI_MIN_YEAR, JALALI_MAX_YEAR);
	f.y = l.y = y;
	f.d = 1;
	if (len == 4) {
		f.m = 1;
		l.m = 12;
	} else if (len == 7 && fixed_num(t + 5, 2) >= 0) {
		n = fixed_num(t + 5, 2);
		if (n < 1 || n > 12)
			goto bad;
		f.m = l.m = n;
	} else if (len == 10 && fixed_num(t + 5, 2) >= 0) {
		if (parse_end(t, len, false, &f) != 0)
			goto bad;
		return jperiod_from_days(&f, &f, out, err);
	} else if (len == 7 || len == 8) {
		kind = t[5];
		if (kind >= 'a' && kind <= 'z')
			kind = (char)(kind - 'a' + 'A');
		n = fixed_num(t + 6, len - 6);
		if (len == 8 && kind != 'F') {
			goto bad;
		} else if (kind == 'Q' && n >= 1 && n <= 4) {
			f.m = 3 * n - 2;
			l.m = 3 * n;
		} else if (kind == 'H' && n >= 1 && n <= 2) {
			f.m = 6 * n - 5;
			l.m = 6 * n;
		} else if (kind == 'F' && n >= 1 && n <= 12 && t[6] != '0') {
			f.m = 1;
			l.m = n;
		} else {
			goto bad;
		}
	} else {
		goto bad;
	}
	l.d = jalali_month_days(l.y, l.m);
	return jperiod_from_days(&f, &l, out, err);
bad:
	return err_set(err, ERR_INVALID, FIELD,
		       "invalid period '%s': expected YYYY, YYYY-MM, YYYY-Q1..Q4, YYYY-H1..H2, "
		       "YYYY-F1..F12 or A..B", shown(s));
}

/* d moved one year back; a month end stays a month end when asked, any
 * other day past the month's end (Esfand 30) becomes its last day. */
static void year_back(const struct jdate *d, bool keep_month_end, struct jdate *out)
{
	int days = jalali_month_days(d->y - 1, d->m);

	out->y = d->y - 1;
	out->m = d->m;
	out->d = d->d > days || (keep_month_end && month_end(d)) ? days : d->d;
}

int jperiod_previous_year(const struct jperiod *p, struct jperiod *out, struct err *err)
{
	struct jdate f, l;

	if (p->first.y - 1 < JALALI_MIN_YEAR)
		return err_set(err, ERR_INVALID, FIELD, "the year before %d is outside the calendar range",
			       p->first.y);
	year_back(&p->first, false, &f);
	/* whole months stay whole months (1404-12 -> 1403-12, 30 days);
	 * a period of days keeps its days, clamped */
	year_back(&p->last, p->first.d == 1 && month_end(&p->last), &l);
	return jperiod_from_days(&f, &l, out, err);
}

static int add_piece(const struct jdate *f, const struct jdate *l, struct jperiod *out,
		     size_t max, size_t *n, struct err *err)
{
	int rc;

	if (*n >= max)
		return err_set(err, ERR_TOOBIG, FIELD, "period has more than %zu parts", max);
	rc = jperiod_from_days(f, l, &out[*n], err);
	if (rc == 0)
		(*n)++;
	return rc;
}

int jperiod_months(const struct jperiod *p, struct jperiod *out, size_t max, size_t *n,
		   struct err *err)
{
	struct jdate f = p->first, l;
	int rc;

	*n = 0;
	if (!jalali_valid(&p->first) || !jalali_valid(&p->last))
		return err_set(err, ERR_INVALID, FIELD, "invalid period");
	while (!day_before(&p->last, &f)) {
		l = f;
		l.d = jalali_month_days(f.y, f.m);
		if (day_before(&p->last, &l))
			l = p->last;
		rc = add_piece(&f, &l, out, max, n, err);
		if (rc != 0)
			return rc;
		f.d = 1;
		if (++f.m > 12) {
			f.m = 1;
			f.y++;
		}
	}
	return 0;
}

int jperiod_weeks(const struct jperiod *p, struct jperiod *out, size_t max, size_t *n,
		  struct err *err)
{
	struct jdate f, l;
	int64_t day, last;
	int rc;

	*n = 0;
	if (!jalali_valid(&p->first) || !jalali_valid(&p->last))
		return err_set(err, ERR_INVALID, FIELD, "invalid period");
	day = jalali_to_days(&p->first);
	last = jalali_to_days(&p->last);
	while (day <= last) {
		int64_t end;

		jalali_from_days(day, &f);
		end = day + (6 - jalali_weekday(&f));	/* the Friday */
		if (end > last)
			end = last;
		jalali_from_days(end, &l);
		rc = add_piece(&f, &l, out, max, n, err);
		if (rc != 0)
			return rc;
		day = end + 1;
	}
	return 0;
}

bool jperiod_contains(const struct jperiod *p, int64_t t)
{
	return t >= p->start && t < p->end;
}

size_t jperiod_name_fa(const struct jperiod *p, char *out, size_t outsz)
{
	static const char *const seasons[] = { "بهار", "تابستان", "پاییز", "زمستان" };
	const char *l = p->label;
	char a[16], b[16];
	int n = -1, k;

	if (strlen(l) == 4) {
		n = snprintf(out, outsz, "سال %d", p->first.y);
	} else if (strlen(l) == 7 && l[4] == '-') {
		k = l[6] - '0';
		if (l[5] == 'H')
			n = snprintf(out, outsz, "نیمهٔ %s %d", k == 1 ? "نخست" : "دوم", p->first.y);
		else if (l[5] == 'Q' && k >= 1 && k <= 4)
			n = snprintf(out, outsz, "%s %d", seasons[k - 1], p->first.y);
		else if (l[5] == 'F')
			n = snprintf(out, outsz, "%d ماه نخست %d", k, p->first.y);
		else
			n = snprintf(out, outsz, "%s %d", jalali_month_name(p->first.m), p->first.y);
	} else if (strlen(l) == 8 && l[4] == '-' && l[5] == 'F') {
		n = snprintf(out, outsz, "%d ماه نخست %d", 10 + (l[7] - '0'), p->first.y);
	}
	if (n < 0) {
		snprintf(a, sizeof(a), "%04d/%02d/%02d", p->first.y, p->first.m, p->first.d);
		snprintf(b, sizeof(b), "%04d/%02d/%02d", p->last.y, p->last.m, p->last.d);
		n = snprintf(out, outsz, "%s تا %s", a, b);
	}
	return (size_t)n;
}
