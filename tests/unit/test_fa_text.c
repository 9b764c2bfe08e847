/* test_fa_text.c - src/fa/text: digit scripts and the normalised form. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/err.h"
#include "fa/text.h"

static char *digits(const char *s, enum digit_script to)
{
	static struct buf b = BUF_INIT(1024);

	buf_reset(&b);
	assert_int_equal(fa_digits(s, strlen(s), to, &b), 0);
	return b.data;
}

static void digit_scripts(void **state)
{
	(void)state;
	assert_string_equal(digits("tel ۰۹۱۲-٣٤٥ 678", DIGITS_ASCII), "tel 0912-345 678");
	assert_string_equal(digits("1403/12/30", DIGITS_PERSIAN), "۱۴۰۳/۱۲/۳۰");
	assert_string_equal(digits("۱۴۰۳ and 9", DIGITS_ARABIC), "١٤٠٣ and ٩");
	assert_string_equal(digits("بدون رقم", DIGITS_PERSIAN), "بدون رقم");
	assert_string_equal(digits("", DIGITS_ASCII), "");
	/* other Arabic-block letters sharing a lead byte pass unchanged */
	assert_string_equal(digits("ی ۀ ه", DIGITS_ASCII), "ی ۀ ه");
	{
		/* invalid UTF-8 is copied byte for byte */
		struct buf b = BUF_INIT(64);
		const char bad[] = "\xdb\x01" "1\xff\xd9";

		assert_int_equal(fa_digits(bad, sizeof(bad) - 1, DIGITS_PERSIAN, &b), 0);
		assert_int_equal(b.len, 6);
		assert_memory_equal(b.data, "\xdb\x01\xdb\xb1\xff\xd9", 6);
		buf_release(&b);
	}
}

static void digits_cap(void **state)
{
	struct buf b = BUF_INIT(10);
	char in[6] = "12345";

	(void)state;
	assert_int_equal(fa_digits(in, 5, DIGITS_PERSIAN, &b), 0);
	assert_int_equal(b.len, 10);
	buf_reset(&b);
	assert_int_equal(fa_digits("123456", 6, DIGITS_PERSIAN, &b), ERR_TOOBIG);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

static char *norm(const char *s)
{
	static struct buf b = BUF_INIT(CAP_NORMALIZE_IN);
	struct buf again = BUF_INIT(CAP_NORMALIZE_IN);

	buf_reset(&b);
	assert_int_equal(fa_normalize(s, strlen(s), &b), 0);
	/* idempotent */
	assert_int_equal(fa_normalize(b.data, b.len, &again), 0);
	assert_string_equal(again.data, b.data);
	buf_release(&again);
	return b.data;
}

/* norm() returns one static buffer, so two calls in one comparison always
 * compared it with itself: compare a copy. */
static void same_norm(const char *a, const char *b)
{
	char *x = strdup(norm(a));

	assert_string_equal(x, norm(b));
	free(x);
}

static void three_spellings(void **state)
{
	(void)state;
	assert_string_equal(norm("می‌کند"), "میکند");
	assert_string_equal(norm("می کند"), "میکند");
	assert_string_equal(norm("میکند"), "میکند");
	same_norm("نمی‌دانم", "نمی دانم");
	same_norm("کتاب‌ها", "کتاب ها");
	same_norm("کتاب‌های", "کتابهای");
	same_norm("بزرگ‌ترین", "بزرگترین");
	/* regression: «تر» (also "wet") is not glued to the word before across a
	 * space; search finds «بزرگ تر» and «بزرگتر» alike (fa/terms.h) */
	assert_string_equal(norm("خیابان تر"), "خیابان تر");
	assert_string_equal(norm("بزرگ ترین"), "بزرگ ترین");
	assert_string_equal(norm("او می‌کند و ما نمی‌کنیم"), "او میکند و ما نمیکنیم");
	/* not joined: a prefix before a non-letter, a suffix after a digit */
	assert_string_equal(norm("می 20"), "می 20");
	assert_string_equal(norm("20 ها"), "20 ها");
	/* a chain stays consistent */
	assert_string_equal(norm("می ها"), "میها");
}

static void folding(void **state)
{
	(void)state;
	/* Arabic yeh / alef maksura / kaf to Persian */
	assert_string_equal(norm("علي"), "علی");
	assert_string_equal(norm("موسى"), "موسی");
	assert_string_equal(norm("كتاب"), "کتاب");
	/* teh marbuta, hamza seats, alef variants */
	assert_string_equal(norm("مدرسة"), "مدرسه");
	assert_string_equal(norm("أحمد إبراهيم آب"), "احمد ابراهیم اب");
	assert_string_equal(norm("مؤسسه"), "موسسه");
	assert_string_equal(norm("مسئول"), "مسیول");
	/* harakat and tatweel removed */
	assert_string_equal(norm("مُحَمَّد"), "محمد");
	assert_string_equal(norm("تهـــران"), "تهران");
	assert_string_equal(norm("رحمٰن"), "رحمن");
	/* digits, ASCII case, white space */
	assert_string_equal(norm("  Tehran\t۱۸۸۸\n\n٣  "), "tehran 1888 3");
	assert_string_equal(norm("a\xc2\xa0\xe2\x80\x83" "b"), "a b");	/* NBSP, EM SPACE */
	/* zero-width and bidi controls removed */
	assert_string_equal(norm("\xe2\x80\x8f" "abc\xe2\x80\x8b" "d\xef\xbb\xbf"), "abcd");
	assert_string_equal(norm("\xe2\x80\xab" "x\xe2\x80\xac"), "x");
	assert_string_equal(norm(""), "");
	assert_string_equal(norm("   "), "");
	assert_string_equal(norm("\xe2\x80\x8c"), "");
}

static void invalid_utf8(void **state)
{
	static const char *const bad[] = {
		"\xff", "abc\x80", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
		"\xd9", "\xdb\xb1\xdb", "\xf0\x9f\x98",
	};
	struct buf b = BUF_INIT(100);
	size_t i;

	(void)state;
	buf_adds(&b, "keep");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(fa_normalize(bad[i], strlen(bad[i]), &b), ERR_INVALID);
		assert_string_equal(b.data, "keep");
	}
	/* an embedded NUL is not text either */
	assert_int_equal(fa_normalize("a\0b", 3, &b), ERR_INVALID);
	buf_release(&b);
}

static void long_input(void **state)
{
	struct buf b = BUF_INIT(CAP_NORMALIZE_IN);
	char *s = malloc(CAP_NORMALIZE_IN + 2);
	size_t i;

	(void)state;
	assert_non_null(s);
	/* CAP_NORMALIZE_IN bytes of "می ک" repeated: accepted, shrinks */
	const char *unit = "می ک ";
	size_t ulen = strlen(unit);

	for (i = 0; i + ulen <= CAP_NORMALIZE_IN; i += ulen)
		memcpy(s + i, unit, ulen);
	for (; i < CAP_NORMALIZE_IN; i++)
		s[i] = ' ';
	assert_int_equal(fa_normalize(s, CAP_NORMALIZE_IN, &b), 0);
	assert_true(b.len < CAP_NORMALIZE_IN);
	assert_memory_equal(b.data, "میک میک", strlen("میک میک"));
	buf_reset(&b);
	s[CAP_NORMALIZE_IN] = 'x';
	assert_int_equal(fa_normalize(s, CAP_NORMALIZE_IN + 1, &b), ERR_TOOBIG);
	assert_int_equal(b.len, 0);
	buf_release(&b);
	/* an output buffer too small is ERR_TOOBIG and left as it was */
	{
		struct buf small = BUF_INIT(3);

		assert_int_equal(fa_normalize("abcdef", 6, &small), ERR_TOOBIG);
		assert_int_equal(small.len, 0);
		buf_release(&small);
	}
	free(s);
}

static void ascii_digits_helper(void **state)
{
	char out[8];
	size_t n;

	(void)state;
	assert_int_equal(fa_ascii_digits("۱۲a٣", out, sizeof(out)), 0);
	assert_string_equal(out, "12a3");
	assert_int_equal(fa_ascii_digits("12345678", out, sizeof(out)), ERR_TOOBIG);
	assert_int_equal(fa_digit_at("۷", 2, &n), 7);
	assert_int_equal(n, 2);
	assert_int_equal(fa_digit_at("\xdb", 1, &n), -1);
	assert_int_equal(fa_digit_at("x", 1, &n), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(digit_scripts),
		cmocka_unit_test(digits_cap),
		cmocka_unit_test(three_spellings),
		cmocka_unit_test(folding),
		cmocka_unit_test(invalid_utf8),
		cmocka_unit_test(long_input),
		cmocka_unit_test(ascii_digits_helper),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	return rc;
}
