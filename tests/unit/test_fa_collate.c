/* test_fa_collate.c - src/fa/collate: Persian alphabetical order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fa/collate.h"

static int cmp(const void *a, const void *b)
{
	return fa_collate(*(const char *const *)a, *(const char *const *)b);
}

/* The four Persian letters sort beside their Arabic neighbours, not after
 * every Arabic letter as in code point order. */
static void alphabet_order(void **state)
{
	(void)state;
	assert_true(fa_collate("پل", "تابلو") < 0);	/* پ before ت (U+067E > U+062A) */
	assert_true(fa_collate("بازار", "پارک") < 0);	/* ب before پ */
	assert_true(fa_collate("چراغ", "حمل") < 0);	/* چ before ح */
	assert_true(fa_collate("جوی", "چراغ") < 0);
	assert_true(fa_collate("زباله", "ژاله") < 0);	/* ژ after ز, before س */
	assert_true(fa_collate("ژاله", "سد") < 0);
	assert_true(fa_collate("کوچه", "گذر") < 0);	/* گ after ک, before ل */
	assert_true(fa_collate("گذر", "لوله") < 0);
	assert_true(fa_collate("ورزش", "یخ") < 0);
	assert_true(fa_collate("آب", "بازار") < 0);	/* آ is ا */
}

static void variants_equal(void **state)
{
	(void)state;
	/* Arabic ي/ك weigh as Persian ی/ک; only the byte tie-break differs */
	assert_int_equal(fa_collate_weight(0x064A), fa_collate_weight(0x06CC));
	assert_int_equal(fa_collate_weight(0x0643), fa_collate_weight(0x06A9));
	assert_true(fa_collate("كتاب", "کتابخانه") < 0);
	assert_true(fa_collate("یک", "يکم") < 0);
	/* diacritics are ignored */
	assert_int_equal(fa_collate_weight(0x064E), 0);
	assert_true(fa_collate("مَدرسه", "مدرسه") != 0);	/* total: bytes break the tie */
	assert_true(fa_collate("مَدرسه", "مدرسه‌ها") < 0);
	assert_int_equal(fa_collate("سد", "سد"), 0);
}

static void spaces_digits_others(void **state)
{
	(void)state;
	assert_true(fa_collate("آب", "آب‌بند") < 0);	/* the shorter word first */
	assert_true(fa_collate("آب بها", "آبیاری") < 0);	/* a space before any letter */
	assert_true(fa_collate("۱۲ منطقه", "الف") < 0);	/* digits before letters */
	assert_true(fa_collate("منطقه ۲", "منطقه 10") < 0);	/* by value, any script */
	assert_true(fa_collate("منطقه 010", "منطقه ۹") > 0);
	assert_true(fa_collate("منطقه ۱۲ الف", "منطقه 12 ب") < 0);
	assert_true(fa_collate("zebra", "آب") > 0);	/* Latin after Persian */
	assert_true(fa_collate("", "ا") < 0);
	assert_true(fa_collate("\xff", "ا") > 0);	/* a stray byte does not crash */
}

static void sorts_a_list(void **state)
{
	const char *names[] = { "گذر", "پیاده‌رو", "ترافیک", "آسفالت", "ژیان", "کوچه", "زباله",
				"چاله", "جدول", "یخبندان", "بوستان" };
	const char *want[] = { "آسفالت", "بوستان", "پیاده‌رو", "ترافیک", "جدول", "چاله", "زباله",
			       "ژیان", "کوچه", "گذر", "یخبندان" };
	size_t i;

	(void)state;
	qsort(names, sizeof(names) / sizeof(names[0]), sizeof(names[0]), cmp);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_string_equal(names[i], want[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alphabet_order),
		cmocka_unit_test(variants_equal),
		cmocka_unit_test(spaces_digits_others),
		cmocka_unit_test(sorts_a_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
