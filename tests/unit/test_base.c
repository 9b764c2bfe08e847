/* test_base.c - src/base: buffers, bounded integers, UTF-8, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/jw.h"
#include "base/num.h"
#include "base/str.h"

static void buf_grows_and_caps(void **state)
{
	struct buf b;
	char *s;
	size_t len;
	int i;

	(void)state;
	buf_init(&b, 100);
	assert_string_equal(b.data, "");
	for (i = 0; i < 10; i++)
		assert_int_equal(buf_addf(&b, "%d-", i), 0);
	assert_string_equal(b.data, "0-1-2-3-4-5-6-7-8-9-");
	assert_int_equal(buf_add(&b, "x", 81), ERR_TOOBIG);
	assert_true(buf_error(&b));
	/* content is untouched by the refused append, and the error sticks */
	assert_int_equal(b.len, 20);
	assert_int_equal(buf_adds(&b, "y"), ERR_TOOBIG);
	s = buf_detach(&b, &len);
	assert_int_equal(len, 20);
	assert_false(buf_error(&b));
	assert_string_equal(b.data, "");
	free(s);
	buf_release(&b);
}

static void buf_exact_cap(void **state)
{
	struct buf b = BUF_INIT(3);

	(void)state;
	assert_int_equal(buf_adds(&b, "abc"), 0);
	assert_int_equal(buf_addc(&b, 'd'), ERR_TOOBIG);
	assert_string_equal(b.data, "abc");
	buf_truncate(&b, 1);
	assert_string_equal(b.data, "a");
	buf_release(&b);
}

static void num_bounds(void **state)
{
	int64_t v = 7;

	(void)state;
	assert_int_equal(num_parse("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(num_parse("-9223372036854775808", INT64_MIN, 0, &v), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(num_parse("9223372036854775807", 0, INT64_MAX, &v), 0);
	assert_int_equal(num_parse("9223372036854775808", 0, INT64_MAX, &v), ERR_INVALID);
	assert_int_equal(num_parse("101", 0, 100, &v), ERR_INVALID);
	assert_int_equal(num_parse("", 0, 100, &v), ERR_INVALID);
	assert_int_equal(num_parse("-", -5, 100, &v), ERR_INVALID);
	assert_int_equal(num_parse(" 1", 0, 100, &v), ERR_INVALID);
	assert_int_equal(num_parse("1x", 0, 100, &v), ERR_INVALID);
	assert_int_equal(num_parse("+1", 0, 100, &v), ERR_INVALID);
	assert_int_equal(num_parsen("12345", 2, 0, 100, &v), 0);
	assert_int_equal(v, 12);
}

static void utf8_validation(void **state)
{
	(void)state;
	assert_true(str_utf8_valid("سلام", strlen("سلام")));
	assert_false(str_utf8_valid("\xc0\xaf", 2));		/* overlong '/' */
	assert_false(str_utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	assert_false(str_utf8_valid("\xf4\x90\x80\x80", 4));	/* > U+10FFFF */
	assert_false(str_utf8_valid("\xd8", 1));		/* truncated */
	assert_false(str_utf8_valid("a\0b", 3));		/* NUL */
	assert_int_equal(str_utf8_len("سلام", strlen("سلام")), 4);
}

static void err_truncates_on_char_boundary(void **state)
{
	struct err e;
	char big[600];
	size_t i;

	(void)state;
	for (i = 0; i + 2 < sizeof(big); i += 2)
		memcpy(big + i, "\xd8\xb3", 2);	/* س */
	big[i] = '\0';
	assert_int_equal(err_set(&e, ERR_INVALID, "body", "x%s", big), ERR_INVALID);
	assert_true(str_utf8_valid(e.msg, strlen(e.msg)));
	assert_string_equal(e.field, "body");
	assert_string_equal(err_name(ERR_CONFLICT), "conflict");
	assert_int_equal(err_set(NULL, ERR_DENIED, NULL, "x"), ERR_DENIED);
}

/* The one JSON writer: commas from the buffer's last byte, nesting, every
 * kind of value, and the escapes the audit chain's payloads have always
 * had (a change here changes the bytes of new audit entries). */
static void jw_writes_json(void **state)
{
	struct buf b = BUF_INIT(4096);

	(void)state;
	jw_object(&b, NULL);
	jw_str(&b, "s", "a\"b\\c\nd\re\tf\x01g\x1fh/ی");
	jw_int(&b, "i", -9007199254740993LL);
	jw_bool(&b, "t", true);
	jw_null(&b, "n");
	jw_fixed(&b, "f", 0.4, 2);
	jw_fixed(&b, "nan", 0.0 / 0.0, 2);
	jw_object(&b, "empty");
	jw_object_end(&b);
	jw_array(&b, "a");
	jw_int(&b, NULL, 1);
	jw_object(&b, NULL);
	jw_raw(&b, "r", "[1,2]");
	jw_object_end(&b);
	jw_str(&b, NULL, NULL);
	jw_array_end(&b);
	jw_object_end(&b);
	assert_false(buf_error(&b));
	assert_string_equal(b.data,
		"{\"s\":\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001fh/ی\",\"i\":-9007199254740993,"
		"\"t\":true,\"n\":null,\"f\":0.40,\"nan\":null,\"empty\":{},"
		"\"a\":[1,{\"r\":[1,2]},\"\"]}");
	/* a key is escaped like a value */
	buf_reset(&b);
	jw_object(&b, NULL);
	jw_int(&b, "k\"", 1);
	jw_object_end(&b);
	assert_string_equal(b.data, "{\"k\\\"\":1}");
	buf_release(&b);
}

/* Past the buffer's cap the sticky error is set, never a longer text. */
static void jw_keeps_the_cap(void **state)
{
	struct buf b = BUF_INIT(16);

	(void)state;
	jw_object(&b, NULL);
	jw_str(&b, "key", "a value longer than the cap");
	jw_object_end(&b);
	assert_true(buf_error(&b));
	assert_true(b.len <= 16);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_grows_and_caps),
		cmocka_unit_test(buf_exact_cap),
		cmocka_unit_test(num_bounds),
		cmocka_unit_test(utf8_validation),
		cmocka_unit_test(err_truncates_on_char_boundary),
		cmocka_unit_test(jw_writes_json),
		cmocka_unit_test(jw_keeps_the_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
