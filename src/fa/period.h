/*
 * period.h - Jalali report periods: a run of whole Tehran days.
 *
 * Syntax (docs/fa.md, "Periods"); digits may be ASCII, Persian or Arabic-Indic:
 *	1399		the year
 *	1399-07		a month
 *	1399-Q1..Q4	a season (Q1 spring = months 1-3 ... Q4 winter = 10-12)
 *	1399-H1, H2	a half year (months 1-6, 7-12)
 *	1399-F9		the first N months, F1..F12
 *	A..B		a range; A and B each YYYY-MM (whole months) or
 *			YYYY-MM-DD (days), A not after B
 * The label is the canonical text of the period, which jperiod_parse reads
 * back to the same period.  Errors: ERR_INVALID with a message in err.
 */
#ifndef HAMGAN_FA_PERIOD_H
#define HAMGAN_FA_PERIOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "fa/jalali.h"

struct jperiod {
	struct jdate first, last;	/* inclusive days */
	int64_t start, end;		/* half-open UTC instants [start, end) covering those Tehran days */
	char label[48];			/* canonical text, as parsed back by jperiod_parse */
};

int jperiod_parse(const char *s, struct jperiod *out, struct err *err);

/* The period of days first..last (first not after last), labelled as the
 * tightest syntax that names it ("1399", "1399-Q2", "1399-01..1399-03-05"). */
int jperiod_from_days(const struct jdate *first, const struct jdate *last,
		      struct jperiod *out, struct err *err);

/*
 * The same period one year earlier: each end moved one Jalali year back;
 * Esfand 30 of a leap year maps to Esfand 29 of the previous (common) year.
 * A period of whole months (first day 1, last a month end) stays one, so
 * "1404-12" gives all 30 days of "1403-12".  ERR_INVALID before the range.
 */
int jperiod_previous_year(const struct jperiod *p, struct jperiod *out, struct err *err);

/*
 * Split p into calendar months / Saturday-started weeks for trend series,
 * each clipped to p (so the first and last may be partial).  Writes at most
 * max periods into out and their number into *n; ERR_TOOBIG when more than
 * max would be needed (out then holds the first max).
 */
int jperiod_months(const struct jperiod *p, struct jperiod *out, size_t max, size_t *n,
		   struct err *err);
int jperiod_weeks(const struct jperiod *p, struct jperiod *out, size_t max, size_t *n,
		  struct err *err);

/*
 * The period's name for people, in Persian with ASCII digits (convert them
 * with fa_digits for display): «سال 1399», «مهر 1399», «بهار 1399»,
 * «نیمهٔ نخست 1399», «9 ماه نخست 1399», else «1399/01/05 تا 1399/02/10».
 * Returns the length it needed, like snprintf.
 */
size_t jperiod_name_fa(const struct jperiod *p, char *out, size_t outsz);

/* True when the UTC instant t falls inside p. */
bool jperiod_contains(const struct jperiod *p, int64_t t);

#endif
