/* test_fa_jalali.c - src/fa/jalali: the 33-year rule, conversions, parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "fa/jalali.h"

struct pair { const char *g, *j; };

/* Known correspondences: Nowruz boundaries, Esfand 30, month ends. */
static const struct pair known[] = {
	{ "2024-03-20", "1403-01-01" },
	{ "2024-03-19", "1402-12-29" },
	{ "2025-03-21", "1404-01-01" },
	{ "2025-03-20", "1403-12-30" },
	{ "2023-03-21", "1402-01-01" },
	{ "2023-03-20", "1401-12-29" },
	{ "2021-03-20", "1399-12-30" },
	{ "2021-03-21", "1400-01-01" },
	{ "2020-03-20", "1399-01-01" },
	{ "2024-09-21", "1403-06-31" },
	{ "2024-09-22", "1403-07-01" },
	{ "2024-10-21", "1403-07-30" },
	{ "2024-10-22", "1403-08-01" },
	{ "1979-02-11", "1357-11-22" },
	{ "1970-01-01", "1348-10-11" },
	{ "2000-01-01", "1378-10-11" },
	{ "1799-03-21", "1178-01-01" },
	{ "2255-03-20", "1633-12-29" },
	{ "2026-11-29", "1405-09-08" },
};

static void known_dates(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		struct gdate g, g2;
		struct jdate j, j2;
		char t[JALALI_FMT_MAX];

		assert_int_equal(gregorian_parse(known[i].g, &g), 0);
		assert_int_equal(jalali_from_gregorian(&g, &j), 0);
		jalali_format(&j, t, sizeof(t));
		assert_string_equal(t, known[i].j);
		assert_int_equal(jalali_parse(known[i].j, &j2), 0);
		assert_int_equal(jalali_to_gregorian(&j2, &g2), 0);
		gregorian_format(&g2, t, sizeof(t));
		assert_string_equal(t, known[i].g);
	}
}

static void leap_rule(void **state)
{
	int y;

	(void)state;
	assert_true(jalali_is_leap(1399));
	assert_true(jalali_is_leap(1403));
	assert_true(jalali_is_leap(1408));
	assert_false(jalali_is_leap(1400));
	assert_false(jalali_is_leap(1402));
	assert_false(jalali_is_leap(1404));
	/* year lengths by day numbers agree with the rule, year by year */
	for (y = JALALI_MIN_YEAR; y < JALALI_MAX_YEAR; y++) {
		struct jdate a = { y, 1, 1 }, b = { y + 1, 1, 1 };
		int64_t len = jalali_to_days(&b) - jalali_to_days(&a);

		assert_int_equal(len, jalali_is_leap(y) ? 366 : 365);
		assert_int_equal(jalali_month_days(y, 12), jalali_is_leap(y) ? 30 : 29);
	}
	assert_int_equal(jalali_month_days(1403, 0), 0);
	assert_int_equal(jalali_month_days(1403, 13), 0);
	assert_int_equal(jalali_month_days(1403, 6), 31);
	assert_int_equal(jalali_month_days(1403, 7), 30);
	assert_int_equal(jalali_month_days(1403, 11), 30);
}

static void invalid_dates(void **state)
{
	static const char *const bad_j[] = {
		"1404-12-30", "1403-07-31", "1403-00-10", "1403-13-01", "1403-01-00", "1403-01-32",
		"1177-12-29", "1634-01-01", "0000-01-01", "1403-1", "1403", "", "1403-01-01 ",
		" 1403-01-01", "1403-01/01", "1403--01-01", "14030-01-01", "140-01-01", "1403-001-01",
		"1403-01-001", "1403.01.01", "-1403-01-01", "1403-01-01x", "۱۴۰۳-۱۲-۳۰ ",
		"1402-12-30", "9999-99-99", "1403-0x-01",
	};
	static const char *const bad_g[] = {
		"2023-02-29", "2024-02-30", "2024-04-31", "2024-13-01", "2024-00-01", "1799-03-20",
		"2255-03-21", "1900-02-29", "99999-01-01", "2024-03-20T00:00",
	};
	struct jdate j = { 7, 7, 7 };
	struct gdate g = { 7, 7, 7 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_j) / sizeof(bad_j[0]); i++) {
		if (jalali_parse(bad_j[i], &j) != ERR_INVALID)
			fail_msg("jalali_parse accepted '%s'", bad_j[i]);
	}
	for (i = 0; i < sizeof(bad_g) / sizeof(bad_g[0]); i++) {
		if (gregorian_parse(bad_g[i], &g) != ERR_INVALID)
			fail_msg("gregorian_parse accepted '%s'", bad_g[i]);
	}
	/* out parameters untouched on failure */
	assert_int_equal(j.y, 7);
	assert_int_equal(g.y, 7);
	{
		struct jdate x = { 1404, 12, 30 };
		struct gdate y2 = { 2000, 2, 29 }, y3 = { 2100, 2, 29 };

		assert_false(jalali_valid(&x));
		assert_int_equal(jalali_to_gregorian(&x, &g), ERR_INVALID);
		assert_true(gregorian_valid(&y2));
		assert_false(gregorian_valid(&y3));
		assert_false(jalali_valid(NULL));
	}
}

static void parse_forms(void **state)
{
	struct jdate j;
	struct gdate g;

	(void)state;
	assert_int_equal(jalali_parse("1403/12/30", &j), 0);
	assert_int_equal(j.y * 10000 + j.m * 100 + j.d, 14031230);
	assert_int_equal(jalali_parse("۱۴۰۳/۱۲/۳۰", &j), 0);
	assert_int_equal(j.d, 30);
	assert_int_equal(jalali_parse("١٤٠٣-١٢-٣٠", &j), 0);
	assert_int_equal(j.m, 12);
	assert_int_equal(jalali_parse("1403-1-5", &j), 0);
	assert_int_equal(j.m * 100 + j.d, 105);
	assert_int_equal(jalali_parse("۱۴03-01-0۵", &j), 0);	/* mixed scripts */
	assert_int_equal(j.d, 5);
	assert_int_equal(gregorian_parse("۲۰۲۴/۰۳/۲۰", &g), 0);
	assert_int_equal(g.y * 10000 + g.m * 100 + g.d, 20240320);
	{
		char longs[200];

		memset(longs, '1', sizeof(longs) - 1);
		longs[sizeof(longs) - 1] = '\0';
		assert_int_equal(jalali_parse(longs, &j), ERR_INVALID);
	}
}

/* Every day of the range: day number -> Jalali -> Gregorian -> Jalali. */
static void round_trip_all_days(void **state)
{
	struct jdate first = { JALALI_MIN_YEAR, 1, 1 }, last = { JALALI_MAX_YEAR, 12, 29 };
	struct jdate j, j2, prev = { 0, 0, 0 };
	struct gdate g;
	int64_t n, a = jalali_to_days(&first), b = jalali_to_days(&last);
	int wd = jalali_weekday(&first);

	(void)state;
	if (jalali_is_leap(JALALI_MAX_YEAR))
		b++;
	assert_int_equal(jalali_from_days(a - 1, &j), ERR_INVALID);
	assert_int_equal(jalali_from_days(b + 1, &j), ERR_INVALID);
	for (n = a; n <= b; n++) {
		assert_int_equal(jalali_from_days(n, &j), 0);
		assert_true(jalali_valid(&j));
		assert_int_equal(jalali_to_days(&j), n);
		assert_int_equal(jalali_to_gregorian(&j, &g), 0);
		assert_int_equal(gregorian_to_days(&g), n);
		assert_int_equal(jalali_from_gregorian(&g, &j2), 0);
		assert_memory_equal(&j, &j2, sizeof(j));
		assert_int_equal(jalali_weekday(&j), wd);
		wd = (wd + 1) % 7;
		/* consecutive: the next day in the month, or day 1 of the next */
		if (n > a) {
			if (j.d == 1)
				assert_true(prev.d == jalali_month_days(prev.y, prev.m) &&
					    (j.m == prev.m + 1 || (j.m == 1 && prev.m == 12 && j.y == prev.y + 1)));
			else
				assert_true(j.y == prev.y && j.m == prev.m && j.d == prev.d + 1);
		}
		prev = j;
	}
	assert_int_equal(prev.y, JALALI_MAX_YEAR);
	assert_int_equal(prev.m, 12);
}

static void weekdays_and_names(void **state)
{
	struct jdate j;

	(void)state;
	assert_int_equal(jalali_parse("1403-01-01", &j), 0);
	assert_int_equal(jalali_weekday(&j), 4);	/* Wednesday 2024-03-20 */
	assert_string_equal(jalali_weekday_name(4), "چهارشنبه");
	assert_int_equal(jalali_parse("1405-09-07", &j), 0);
	assert_int_equal(jalali_weekday(&j), 0);	/* Saturday 2026-11-28 */
	assert_string_equal(jalali_weekday_name(0), "شنبه");
	assert_string_equal(jalali_weekday_name(6), "جمعه");
	assert_null(jalali_weekday_name(7));
	assert_null(jalali_weekday_name(-1));
	assert_string_equal(jalali_month_name(1), "فروردین");
	assert_string_equal(jalali_month_name(12), "اسفند");
	assert_null(jalali_month_name(0));
	assert_null(jalali_month_name(13));
}

static void formatting(void **state)
{
	struct jdate j = { 1403, 2, 5 };
	char t[JALALI_FMT_MAX], small[6];

	(void)state;
	assert_int_equal(jalali_format(&j, t, sizeof(t)), 10);
	assert_string_equal(t, "1403-02-05");
	assert_int_equal(jalali_format_fa(&j, t, sizeof(t)), 18);
	assert_string_equal(t, "۱۴۰۳/۰۲/۰۵");
	/* truncation is reported and never splits a Persian digit */
	assert_int_equal(jalali_format_fa(&j, small, sizeof(small)), 18);
	assert_string_equal(small, "۱۴");
	assert_int_equal(jalali_format(&j, small, sizeof(small)), 10);
	assert_string_equal(small, "1403-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_dates),
		cmocka_unit_test(leap_rule),
		cmocka_unit_test(invalid_dates),
		cmocka_unit_test(parse_forms),
		cmocka_unit_test(round_trip_all_days),
		cmocka_unit_test(weekdays_and_names),
		cmocka_unit_test(formatting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
