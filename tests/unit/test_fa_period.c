/* test_fa_period.c - src/fa/tehran and src/fa/period: Tehran time, report
 * periods, previous-year periods and their months and weeks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <pthread.h>

#include "base/err.h"
#include "fa/period.h"
#include "fa/tehran.h"

/* UTC instant of a Gregorian date and time. */
static int64_t utc(int y, int m, int d, int hh, int mm)
{
	struct gdate g = { y, m, d };

	return gregorian_to_days(&g) * 86400 + hh * 3600 + mm * 60;
}

static void *lookup_thread(void *arg)
{
	int *ok = arg, off = 0, i;
	int64_t t;
	struct jdate d = { 1398, 1, 2 };

	*ok = 1;
	for (i = 0; i < 1000; i++) {
		if (tehran_offset(utc(2019, 6, 1, 12, 0), &off) != 0 || off != 16200)
			*ok = 0;
		if (tehran_day_start(&d, &t) != 0 || t != utc(2019, 3, 21, 20, 30))
			*ok = 0;
	}
	return NULL;
}

/* First test of the process: threads race for the lazy zone load. */
static void concurrent_first_use(void **state)
{
	pthread_t th[8];
	int ok[8], i;

	(void)state;
	for (i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&th[i], NULL, lookup_thread, &ok[i]), 0);
	for (i = 0; i < 8; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(ok[i], 1);
	}
}

static void offsets(void **state)
{
	int off = 0;

	(void)state;
	assert_int_equal(tehran_offset(utc(2019, 6, 1, 12, 0), &off), 0);
	assert_int_equal(off, 16200);			/* +04:30 summer 2019 */
	assert_int_equal(tehran_offset(utc(2019, 12, 1, 12, 0), &off), 0);
	assert_int_equal(off, 12600);
	assert_int_equal(tehran_offset(utc(2022, 6, 1, 12, 0), &off), 0);
	assert_int_equal(off, 16200);			/* last DST summer */
	assert_int_equal(tehran_offset(utc(2023, 6, 1, 12, 0), &off), 0);
	assert_int_equal(off, 12600);			/* DST abolished */
	assert_int_equal(tehran_offset(utc(2100, 6, 1, 12, 0), &off), 0);
	assert_int_equal(off, 12600);			/* past the table: footer */
	/* the 2019 changes, to the second */
	assert_int_equal(tehran_offset(utc(2019, 3, 21, 20, 30) - 1, &off), 0);
	assert_int_equal(off, 12600);
	assert_int_equal(tehran_offset(utc(2019, 3, 21, 20, 30), &off), 0);
	assert_int_equal(off, 16200);
	assert_int_equal(tehran_offset(utc(2019, 9, 21, 19, 30) - 1, &off), 0);
	assert_int_equal(off, 16200);
	assert_int_equal(tehran_offset(utc(2019, 9, 21, 19, 30), &off), 0);
	assert_int_equal(off, 12600);
}

static void days_and_starts(void **state)
{
	struct jdate j, d;
	int64_t t;

	(void)state;
	/* 2024-03-19 20:30 UTC is 00:00 of 1403-01-01 in Tehran */
	assert_int_equal(tehran_day_of(utc(2024, 3, 19, 20, 30), &j), 0);
	assert_true(j.y == 1403 && j.m == 1 && j.d == 1);
	assert_int_equal(tehran_day_of(utc(2024, 3, 19, 20, 29), &j), 0);
	assert_true(j.y == 1402 && j.m == 12 && j.d == 29);
	d = (struct jdate){ 1403, 1, 1 };
	assert_int_equal(tehran_day_start(&d, &t), 0);
	assert_int_equal(t, utc(2024, 3, 19, 20, 30));
	/* 1398-01-02 (2019-03-22): midnight skipped, the day starts at the change */
	d = (struct jdate){ 1398, 1, 2 };
	assert_int_equal(tehran_day_start(&d, &t), 0);
	assert_int_equal(t, utc(2019, 3, 21, 20, 30));
	d = (struct jdate){ 1398, 1, 3 };
	assert_int_equal(tehran_day_start(&d, &t), 0);
	assert_int_equal(t, utc(2019, 3, 22, 19, 30));
	/* 1398-06-30 has 25 hours: 23:00-24:00 comes twice */
	d = (struct jdate){ 1398, 6, 30 };
	assert_int_equal(tehran_day_start(&d, &t), 0);
	assert_int_equal(t, utc(2019, 9, 20, 19, 30));
	d = (struct jdate){ 1398, 6, 31 };
	assert_int_equal(tehran_day_start(&d, &t), 0);
	assert_int_equal(t, utc(2019, 9, 21, 20, 30));
	assert_int_equal(tehran_day_of(utc(2019, 9, 21, 20, 29), &j), 0);
	assert_true(j.m == 6 && j.d == 30);
	d = (struct jdate){ 1404, 12, 30 };
	assert_int_equal(tehran_day_start(&d, &t), ERR_INVALID);
	assert_int_equal(tehran_day_of(INT64_MAX, &j), ERR_INVALID);
	assert_int_equal(tehran_day_of(INT64_MIN, &j), ERR_INVALID);
	/* tz file path cannot change once loaded */
	assert_int_equal(tehran_set_tzfile("/nonexistent"), ERR_INVALID);
}

/* Every day start agrees with tehran_day_of on both sides. */
static void day_starts_consistent(void **state)
{
	struct jdate d = { 1350, 1, 1 }, j;
	int64_t n, t, first = jalali_to_days(&d);

	(void)state;
	for (n = first; n < first + 100 * 366; n++) {
		assert_int_equal(jalali_from_days(n, &d), 0);
		assert_int_equal(tehran_day_start(&d, &t), 0);
		assert_int_equal(tehran_day_of(t, &j), 0);
		assert_memory_equal(&j, &d, sizeof(j));
		assert_int_equal(tehran_day_of(t - 1, &j), 0);
		assert_int_equal(jalali_to_days(&j), n - 1);
	}
}

static void parse_ok(const char *s, const char *label, const char *first, const char *last)
{
	struct jperiod p, q;
	struct err err;
	char f[JALALI_FMT_MAX], l[JALALI_FMT_MAX];

	err_clear(&err);
	if (jperiod_parse(s, &p, &err) != 0)
		fail_msg("'%s' refused: %s", s, err.msg);
	jalali_format(&p.first, f, sizeof(f));
	jalali_format(&p.last, l, sizeof(l));
	assert_string_equal(p.label, label);
	assert_string_equal(f, first);
	assert_string_equal(l, last);
	/* the label reads back to the same period */
	assert_int_equal(jperiod_parse(p.label, &q, &err), 0);
	assert_memory_equal(&p, &q, sizeof(p));
	assert_true(p.start < p.end);
}

static void parse_kinds(void **state)
{
	(void)state;
	parse_ok("1399", "1399", "1399-01-01", "1399-12-30");
	parse_ok("1400", "1400", "1400-01-01", "1400-12-29");
	parse_ok("1399-07", "1399-07", "1399-07-01", "1399-07-30");
	parse_ok("1399-12", "1399-12", "1399-12-01", "1399-12-30");
	parse_ok("1399-Q1", "1399-Q1", "1399-01-01", "1399-03-31");
	parse_ok("1399-q3", "1399-Q3", "1399-07-01", "1399-09-30");
	parse_ok("1403-Q4", "1403-Q4", "1403-10-01", "1403-12-30");
	parse_ok("1399-H1", "1399-H1", "1399-01-01", "1399-06-31");
	parse_ok("1399-H2", "1399-H2", "1399-07-01", "1399-12-30");
	parse_ok("1399-F9", "1399-F9", "1399-01-01", "1399-09-30");
	parse_ok("1399-F1", "1399-01", "1399-01-01", "1399-01-31");
	parse_ok("1399-F3", "1399-Q1", "1399-01-01", "1399-03-31");
	parse_ok("1399-F6", "1399-H1", "1399-01-01", "1399-06-31");
	parse_ok("1399-F12", "1399", "1399-01-01", "1399-12-30");
	parse_ok("1399-01..1399-09", "1399-F9", "1399-01-01", "1399-09-30");
	parse_ok("1399-04..1399-05", "1399-04..1399-05", "1399-04-01", "1399-05-31");
	parse_ok("1398-07..1399-06", "1398-07..1399-06", "1398-07-01", "1399-06-31");
	parse_ok("1399-01-05..1399-02", "1399-01-05..1399-02-31", "1399-01-05", "1399-02-31");
	parse_ok("1399-01-05..1399-01-05", "1399-01-05", "1399-01-05", "1399-01-05");
	parse_ok("1399-01-05", "1399-01-05", "1399-01-05", "1399-01-05");
	parse_ok("۱۳۹۹-۰۱..۱۳۹۹-۰۹", "1399-F9", "1399-01-01", "1399-09-30");
	parse_ok("١٣٩٩-Q٢", "1399-Q2", "1399-04-01", "1399-06-31");
	parse_ok("1178", "1178", "1178-01-01", "1178-12-29");
	parse_ok("1633", "1633", "1633-01-01", "1633-12-29");
}

static void spans(void **state)
{
	struct jperiod p;

	(void)state;
	/* 1399-01..1399-09: from 1399-01-01 00:00 Tehran (+03:30) to
	 * 1399-10-01 00:00 Tehran (+03:30): whole months 1 to 9 */
	assert_int_equal(jperiod_parse("1399-01..1399-09", &p, NULL), 0);
	assert_int_equal(p.start, utc(2020, 3, 19, 20, 30));
	assert_int_equal(p.end, utc(2020, 12, 20, 20, 30));
	/* 1399-H1 ends at 1399-07-01 00:00 Tehran, +03:30 since DST ended
	 * at the end of 1399-06-30 */
	assert_int_equal(jperiod_parse("1399-H1", &p, NULL), 0);
	assert_int_equal(p.end, utc(2020, 9, 21, 20, 30));
	/* a summer month of a DST year: both ends at +04:30 */
	assert_int_equal(jperiod_parse("1398-03", &p, NULL), 0);
	assert_int_equal(p.start, utc(2019, 5, 21, 19, 30));
	assert_int_equal(p.end, utc(2019, 6, 21, 19, 30));
	assert_true(jperiod_contains(&p, p.start));
	assert_false(jperiod_contains(&p, p.end));
	assert_false(jperiod_contains(&p, p.start - 1));
	/* the last supported day ends at the following local midnight */
	assert_int_equal(jperiod_parse("1633-12", &p, NULL), 0);
	assert_int_equal(p.end - p.start, 29 * 86400);
}

static void parse_errors(void **state)
{
	static const char *const bad[] = {
		"", "1399-13", "1399-00", "1399-Q0", "1399-Q5", "1399-H0", "1399-H3", "1399-F0",
		"1399-F13", "1399-F01", "1177", "1634", "1177-12", "1399-05..1399-04",
		"1399-01-10..1399-01-09", "1399..1400", "1399-01..", "..1399-01", "1399-01...1399-02",
		"1399-X1", "1399-Q", "13990", "139", "1399-7", "1399-07-32", "1404-12-30",
		"1399-01..1399-01..1399-02", " 1399", "1399 ", "1399-Q1 ", "abcd", "1399-", "\xff\xfe",
		"1399-01-01..1634-01-01", "1399-1-1..1399-02", "1399-Q01", "1399-H01", "1399-F1x",
	};
	struct jperiod p;
	struct err err;
	size_t i;
	char longs[300];

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&err);
		if (jperiod_parse(bad[i], &p, &err) != ERR_INVALID)
			fail_msg("'%s' accepted as %s", bad[i], p.label);
		assert_int_equal(err.code, ERR_INVALID);
		assert_string_equal(err.field, "period");
		assert_true(strlen(err.msg) > 0);
	}
	memset(longs, '1', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = '\0';
	assert_int_equal(jperiod_parse(longs, &p, &err), ERR_INVALID);
	/* the message quotes a short input, never an unprintable one */
	assert_int_equal(jperiod_parse("1399-Q5", &p, &err), ERR_INVALID);
	assert_non_null(strstr(err.msg, "'1399-Q5'"));
	assert_int_equal(jperiod_parse("1399\n", &p, &err), ERR_INVALID);
	assert_null(strchr(err.msg, '\n'));
}

static void prev_ok(const char *s, const char *label)
{
	struct jperiod p, q;
	struct err err;

	err_clear(&err);
	assert_int_equal(jperiod_parse(s, &p, &err), 0);
	if (jperiod_previous_year(&p, &q, &err) != 0)
		fail_msg("previous year of '%s': %s", s, err.msg);
	assert_string_equal(q.label, label);
}

static void previous_year(void **state)
{
	struct jperiod p, q;

	(void)state;
	prev_ok("1400", "1399");			/* 1399 is leap: ends 12-30 */
	prev_ok("1404", "1403");
	prev_ok("1403", "1402");
	prev_ok("1399-07", "1398-07");
	prev_ok("1400-12", "1399-12");			/* whole Esfand, 30 days */
	prev_ok("1404-Q4", "1403-Q4");
	prev_ok("1400-H2", "1399-H2");
	prev_ok("1399-F9", "1398-F9");
	prev_ok("1399-01..1399-09", "1398-F9");
	prev_ok("1398-07..1399-06", "1397-07..1398-06");
	/* Esfand 30 of a leap year maps to Esfand 29 */
	prev_ok("1403-12-30", "1402-12-29");
	prev_ok("1403-12-20..1403-12-30", "1402-12-20..1402-12-29");
	prev_ok("1403-12-30..1404-01-05", "1402-12-29..1403-01-05");
	prev_ok("1404-12-29", "1403-12-29");		/* a day stays that day */
	prev_ok("1404-12-20..1404-12-29", "1403-12-20..1403-12-29");
	prev_ok("1399-05-10..1399-06-20", "1398-05-10..1398-06-20");
	/* before the range: refused */
	assert_int_equal(jperiod_parse("1178-Q2", &p, NULL), 0);
	assert_int_equal(jperiod_previous_year(&p, &q, NULL), ERR_INVALID);
}

static void months_and_weeks(void **state)
{
	struct jperiod p, parts[80];
	size_t n, i;
	struct err err;

	(void)state;
	assert_int_equal(jperiod_parse("1399-01-15..1399-04-10", &p, NULL), 0);
	assert_int_equal(jperiod_months(&p, parts, 80, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(parts[0].label, "1399-01-15..1399-01-31");
	assert_string_equal(parts[1].label, "1399-02");
	assert_string_equal(parts[3].label, "1399-04-01..1399-04-10");
	assert_int_equal(parts[0].start, p.start);
	assert_int_equal(parts[n - 1].end, p.end);
	for (i = 1; i < n; i++)
		assert_int_equal(parts[i].start, parts[i - 1].end);

	assert_int_equal(jperiod_parse("1403", &p, NULL), 0);
	assert_int_equal(jperiod_weeks(&p, parts, 80, &n, &err), 0);
	/* 1403-01-01 is a Wednesday: a 3-day first week (Wed-Fri), 51 whole
	 * weeks, then 6 days (366 = 3 + 357 + 6) */
	assert_int_equal(n, 53);
	assert_string_equal(parts[0].label, "1403-01-01..1403-01-03");
	assert_string_equal(parts[1].label, "1403-01-04..1403-01-10");
	assert_int_equal(parts[0].start, p.start);
	assert_int_equal(parts[n - 1].end, p.end);
	for (i = 1; i < n; i++) {
		assert_int_equal(parts[i].start, parts[i - 1].end);
		assert_int_equal(jalali_weekday(&parts[i].first), 0);
	}
	assert_int_equal(jalali_weekday(&parts[0].last), 6);
	/* too many parts */
	assert_int_equal(jperiod_months(&p, parts, 5, &n, &err), ERR_TOOBIG);
	assert_int_equal(n, 5);
	assert_int_equal(err.code, ERR_TOOBIG);
}

/* Names for people: each period kind, and a range. */
static void names_in_persian(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "1399", "سال 1399" },
		{ "1399-07", "مهر 1399" },
		{ "1399-Q1", "بهار 1399" },
		{ "1399-Q4", "زمستان 1399" },
		{ "1399-H1", "نیمهٔ نخست 1399" },
		{ "1399-H2", "نیمهٔ دوم 1399" },
		{ "1399-01..1399-09", "9 ماه نخست 1399" },
		{ "1399-F11", "11 ماه نخست 1399" },
		{ "1399-01-05..1399-02-10", "1399/01/05 تا 1399/02/10" },
		{ "1398-11..1399-02", "1398/11/01 تا 1399/02/31" },
	};
	struct jperiod p;
	char name[96];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(jperiod_parse(cases[i].in, &p, NULL), 0);
		assert_true(jperiod_name_fa(&p, name, sizeof(name)) < sizeof(name));
		assert_string_equal(name, cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_in_persian),
		cmocka_unit_test(concurrent_first_use),
		cmocka_unit_test(offsets),
		cmocka_unit_test(days_and_starts),
		cmocka_unit_test(day_starts_consistent),
		cmocka_unit_test(parse_kinds),
		cmocka_unit_test(spans),
		cmocka_unit_test(parse_errors),
		cmocka_unit_test(previous_year),
		cmocka_unit_test(months_and_weeks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
