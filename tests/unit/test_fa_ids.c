/* test_fa_ids.c - src/fa/ids: national id, mobile numbers, tracking codes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "fa/ids.h"

static void national_id(void **state)
{
	static const char *const good[] = {
		"0499370899", "0790419904", "۰۴۹۹۳۷۰۸۹۹", "٠٧٩٠٤١٩٩٠٤", "0013542419", "4608968882",
	};
	static const char *const bad[] = {
		"1111111111",	/* identical digits (its check digit holds) */
		"0000000000",
		"1230000003",	/* digits 4..9 zero (check digit holds) */
		"0499370898",	/* wrong check digit */
		"0499370890",
		"049937089",	/* 9 digits */
		"04993708990",
		"0499-370899", "0499 370899", " 0499370899", "0499370899 ", "", "abcdefghij",
		"04993708９9",	/* fullwidth digit */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (fa_national_id_check(good[i]) != 0)
			fail_msg("'%s' refused", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (fa_national_id_check(bad[i]) != ERR_INVALID)
			fail_msg("'%s' accepted", bad[i]);
}

static void national_id_single_errors(void **state)
{
	char s[11] = "0499370899";
	int i, d, accepted = 0;

	(void)state;
	/* a wrong check digit is always caught; other single errors mostly */
	for (d = 0; d <= 9; d++) {
		s[9] = (char)('0' + d);
		if (d != 9)
			assert_int_equal(fa_national_id_check(s), ERR_INVALID);
	}
	s[9] = '9';
	for (i = 0; i < 9; i++) {
		char keep = s[i];

		for (d = 0; d <= 9; d++) {
			s[i] = (char)('0' + d);
			if (d != keep - '0' && fa_national_id_check(s) == 0)
				accepted++;
		}
		s[i] = keep;
	}
	/* weights 2..10 mod 11 change r; only r 1 <-> 10 share a check digit,
	 * which does not arise for this code */
	assert_int_equal(accepted, 0);
}

static void mobile(void **state)
{
	static const char *const good[] = {
		"+98 912 123 4567", "+989121234567", "00989121234567", "0098 912 123 4567",
		"989121234567", "9121234567", "09121234567", "0912-123-4567", "(0912) 123 45 67",
		"0912.123.4567", "۰۹۱۲۱۲۳۴۵۶۷", "+۹۸۹۱۲۱۲۳۴۵۶۷", "٠٩١٢١٢٣٤٥٦٧",
	};
	static const char *const bad[] = {
		"02112345678",		/* Tehran landline */
		"0912123456",		/* too short */
		"091212345678",		/* too long */
		"+9809121234567", "+0989121234567", "+1 912 123 4567", "98 02112345678",
		"0912123456a", "0912_123_4567", "", "+", "++989121234567", "0912+1234567",
		"9812345678x", "00989", "8121234567",
	};
	char out[12];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(out, 'x', sizeof(out));
		if (fa_mobile_normalize(good[i], out) != 0)
			fail_msg("'%s' refused", good[i]);
		assert_string_equal(out, "09121234567");
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (fa_mobile_normalize(bad[i], out) != ERR_INVALID)
			fail_msg("'%s' accepted as %s", bad[i], out);
	assert_int_equal(fa_mobile_normalize("0990 000 0000", out), 0);
	assert_string_equal(out, "09900000000");
}

/* Every single-digit substitution and adjacent transposition is caught. */
static void damm_detects(const char *code)
{
	char s[11];
	int i, d;

	assert_int_equal(tracking_code_check(code), 0);
	for (i = 0; i < 10; i++) {
		for (d = 0; d <= 9; d++) {
			memcpy(s, code, 11);
			if (s[i] == '0' + d)
				continue;
			s[i] = (char)('0' + d);
			if (tracking_code_check(s) == 0)
				fail_msg("substitution %s -> %s undetected", code, s);
		}
	}
	for (i = 0; i < 9; i++) {
		memcpy(s, code, 11);
		if (s[i] == s[i + 1])
			continue;
		s[i] = code[i + 1];
		s[i + 1] = code[i];
		if (tracking_code_check(s) == 0)
			fail_msg("transposition %s -> %s undetected", code, s);
	}
}

static void tracking_codes(void **state)
{
	char code[11];
	int i, k;

	(void)state;
	/* Damm of "572" is 4 (the textbook example) */
	assert_int_equal(damm_digit("572", 3), 4);
	for (i = 0; i < 200; i++) {
		assert_int_equal(tracking_code_new(code), 0);
		assert_int_equal(strlen(code), 10);
		assert_true(code[0] >= '1' && code[0] <= '9');
		damm_detects(code);
	}
	/* fixed codes, including repeated digits */
	for (k = 0; k < 3; k++) {
		static const char *const p[] = { "123456789", "100000000", "999999999" };

		memcpy(code, p[k], 9);
		code[9] = (char)('0' + damm_digit(code, 9));
		code[10] = '\0';
		damm_detects(code);
	}
	assert_int_equal(tracking_code_check("0000000000"), ERR_INVALID);	/* leading zero */
	assert_int_equal(tracking_code_check("123456789"), ERR_INVALID);
	assert_int_equal(tracking_code_check("12345678901"), ERR_INVALID);
	assert_int_equal(tracking_code_check(""), ERR_INVALID);
	assert_int_equal(tracking_code_check("12345-7890"), ERR_INVALID);
	memcpy(code, "123456789", 9);
	code[9] = (char)('0' + damm_digit(code, 9));
	code[10] = '\0';
	{
		/* Persian digits are accepted */
		char fa[32], ascii[11], longer[48];
		size_t o = 0;

		for (i = 0; i < 10; i++) {
			fa[o++] = (char)0xDB;
			fa[o++] = (char)(0xB0 + code[i] - '0');
		}
		fa[o] = '\0';
		assert_int_equal(tracking_code_check(fa), 0);
		/* and given back in the ASCII form stored */
		memset(ascii, 'x', sizeof(ascii));
		assert_int_equal(tracking_code_ascii(fa, ascii), 0);
		assert_string_equal(ascii, code);
		assert_int_equal(tracking_code_ascii(code, ascii), 0);
		assert_string_equal(ascii, code);
		assert_int_equal(tracking_code_ascii(NULL, ascii), ERR_INVALID);
		assert_int_equal(tracking_code_ascii("0000000000", ascii), ERR_INVALID);
		/* anything around the digits is not a code */
		memset(longer, ' ', 41);
		memcpy(longer + 31, code, 10);
		longer[41] = '\0';
		assert_int_equal(tracking_code_ascii(longer, ascii), ERR_INVALID);
		assert_int_equal(tracking_code_ascii(longer + 31, ascii), 0);
	}
}

static void tracking_code_spread(void **state)
{
	/* every digit shows up in every random position: not a constant */
	int seen[9][10];
	char code[11];
	int i, p;

	(void)state;
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 2000; i++) {
		assert_int_equal(tracking_code_new(code), 0);
		for (p = 0; p < 9; p++)
			seen[p][code[p] - '0']++;
	}
	assert_int_equal(seen[0][0], 0);
	for (p = 0; p < 9; p++)
		for (i = p == 0 ? 1 : 0; i < 10; i++)
			assert_true(seen[p][i] > 50);	/* expected ~200 */
}

/* tracking_code_from: valid codes, the same for the same number, and the
 * first digit never 0 (a code read aloud must not lose a leading zero). */
static void tracking_code_from_number(void **state)
{
	char a[11], b[11];
	uint64_t r;

	(void)state;
	for (r = 0; r < 20000; r++) {
		tracking_code_from(r * 0x9e3779b97f4a7c15ULL, a);
		assert_int_equal(strlen(a), 10);
		assert_int_equal(tracking_code_check(a), 0);
		assert_true(a[0] != '0');
	}
	tracking_code_from(123456789, a);
	tracking_code_from(123456789, b);
	assert_string_equal(a, b);
	tracking_code_from(123456790, b);
	assert_string_not_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(national_id),
		cmocka_unit_test(national_id_single_errors),
		cmocka_unit_test(mobile),
		cmocka_unit_test(tracking_codes),
		cmocka_unit_test(tracking_code_spread),
		cmocka_unit_test(tracking_code_from_number),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
