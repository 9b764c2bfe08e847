/* test_base.c - src/base: buffers, bounded integers, UTF-8, errors, packed
 * text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/jw.h"
#include "base/log.h"
#include "base/num.h"
#include "base/str.h"
#include "base/tpack.h"

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

static void buf_reserve_is_one_block(void **state)
{
	struct buf b = BUF_INIT(100);
	const char *block;
	int i;

	(void)state;
	assert_int_equal(buf_reserve(&b, 60), 0);
	assert_string_equal(b.data, "");
	assert_true(b.cap > 60);
	block = b.data;
	for (i = 0; i < 6; i++)
		assert_int_equal(buf_adds(&b, "0123456789"), 0);
	assert_ptr_equal(b.data, block);	/* no append moved it */
	assert_int_equal(b.len, 60);
	/* past the cap: refused, and the error sticks as for an append */
	assert_int_equal(buf_reserve(&b, 41), ERR_TOOBIG);
	assert_true(buf_error(&b));
	assert_int_equal(b.len, 60);
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
	/* integers at their ends, written by hand */
	buf_reset(&b);
	jw_array(&b, NULL);
	jw_int(&b, NULL, 0);
	jw_int(&b, NULL, -7);
	jw_int(&b, NULL, INT64_MAX);
	jw_int(&b, NULL, INT64_MIN);
	jw_array_end(&b);
	assert_string_equal(b.data, "[0,-7,9223372036854775807,-9223372036854775808]");
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

/* Pack s, which must pack to want bytes (0: kept plain), and unpack it
 * back to the same bytes. */
static void packs(const char *s, size_t want)
{
	size_t len = strlen(s);
	unsigned char *p = malloc(len + 1);
	char *back = malloc(len + 1);
	size_t n = tpack_encode(s, len, p);

	assert_int_equal(n, want);
	if (n) {
		assert_int_equal(tpack_decoded_len(p, n), (int)len);
		assert_int_equal(tpack_decode(p, n, back, len + 1), (int)len);
		assert_memory_equal(back, s, len + 1);
	}
	free(p);
	free(back);
}

static void tpack_round_trips(void **state)
{
	(void)state;
	/* one byte a Persian letter, ZWNJ and digit; spaces and ASCII as is */
	packs("سلام", 4);
	packs("چاله‌های خیابان ۱۲", 18);
	packs("«پیگیری» ٬ ؟ ﷼", 14);
	packs("Café Müller ٢", 13);
	packs("é", 1);
	/* kept plain: empty, ASCII only, nothing shorter */
	packs("", 0);
	packs("Pothole on 5th Avenue", 0);
	packs("😀😀", 0);		/* escapes make it longer */
	packs("Привет", 0);		/* Cyrillic: not in the table */
	/* a few escapes among many table letters still pack */
	packs("سلام دنیا 😀 привет", 34);
	/* invalid UTF-8 and NUL stay plain, for the caller to refuse as before */
	assert_int_equal(tpack_encode("سل\xc0\xaf", 6, (unsigned char[6]){0}), 0);
	assert_int_equal(tpack_encode("سلام\xed\xa0\x80", 11, (unsigned char[11]){0}), 0);
	assert_int_equal(tpack_encode("سلام\xd8", 9, (unsigned char[9]){0}), 0);
	assert_int_equal(tpack_encode("سلام\0ab", 11, (unsigned char[11]){0}), 0);
}

/* Every character there is, alone among Persian letters, comes back as it
 * went: the table, the escapes, and every length of UTF-8. */
static void tpack_every_character(void **state)
{
	unsigned char p[64];
	char s[64], back[64];
	uint32_t c;
	int one_byte = 0;

	(void)state;
	for (c = 1; c <= 0x10FFFF; c++) {
		size_t len, n, k = 0;

		if (c >= 0xD800 && c <= 0xDFFF)
			continue;
		k = (size_t)snprintf(s, sizeof(s), "ببببب");
		if (c < 0x80) {
			s[k++] = (char)c;
		} else if (c < 0x800) {
			s[k++] = (char)(0xc0 | (c >> 6));
			s[k++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			s[k++] = (char)(0xe0 | (c >> 12));
			s[k++] = (char)(0x80 | ((c >> 6) & 0x3f));
			s[k++] = (char)(0x80 | (c & 0x3f));
		} else {
			s[k++] = (char)(0xf0 | (c >> 18));
			s[k++] = (char)(0x80 | ((c >> 12) & 0x3f));
			s[k++] = (char)(0x80 | ((c >> 6) & 0x3f));
			s[k++] = (char)(0x80 | (c & 0x3f));
		}
		s[k] = '\0';
		len = k;
		n = tpack_encode(s, len, p);
		if (n == 0)
			fail_msg("U+%04X not packed", (unsigned)c);
		if (n == 6 && c >= 0x80)
			one_byte++;
		if (tpack_decode(p, n, back, sizeof(back)) != (int)len || memcmp(back, s, len + 1))
			fail_msg("U+%04X does not come back", (unsigned)c);
	}
	assert_int_equal(one_byte, 127);	/* each table byte, one character */
}

/* Bytes no encoder writes are refused, and a text is cut at a whole
 * character when the reader's buffer is short. */
static void tpack_refuses_damage(void **state)
{
	static const struct {
		const char *bytes;
		size_t len;
	} bad[] = {
		{ "\xff", 1 },			/* an escape cut short */
		{ "\x80\xff\xd8", 3 },		/* a character cut short */
		{ "\xff" "a", 2 },		/* ASCII needs no escape */
		{ "\xff\xc0\xaf", 3 },		/* overlong */
		{ "\xff\xed\xa0\x80", 4 },	/* surrogate */
		{ "\xff\xf4\x90\x80\x80", 5 },	/* past U+10FFFF */
		{ "\xff\x80", 2 },		/* a continuation byte first */
		{ "a\0b", 3 },			/* NUL */
	};
	char out[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(tpack_decode((const unsigned char *)bad[i].bytes, bad[i].len,
					      out, sizeof(out)), ERR_INVALID);
		assert_int_equal(tpack_decoded_len((const unsigned char *)bad[i].bytes,
						   bad[i].len), ERR_INVALID);
	}
	/* «سلام» in 5 bytes: whole letters of 2 bytes, never half of one, and
	 * damage after the cut is still found */
	assert_int_equal(tpack_decode((const unsigned char *)"\x92\x9e\x86\x9f", 4, out, 6), 4);
	assert_string_equal(out, "سل");
	assert_int_equal(tpack_decode((const unsigned char *)"\x92\x9e\x86\xff", 4, out, 6),
			 ERR_INVALID);
	assert_int_equal(tpack_decode((const unsigned char *)"\x92", 1, out, 1), 0);
	assert_string_equal(out, "");
}

/* Log lines reach standard error whole, one write each, and a line
 * longer than CAP_LOG_LINE is cut but keeps its newline. */
static void log_lines_whole_and_cut(void **state)
{
	char path[] = "/tmp/hamgan-log-XXXXXX", got[4096], long_path[3000];
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	enum log_level level = log_get_level();
	FILE *f;
	size_t n;

	(void)state;
	assert_true(fd >= 0 && saved >= 0);
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	log_set_level(LOG_WARN);
	log_info("not shown %d", 1);
	log_warn("disk %s", "full");
	log_access("127.0.0.1 \"GET %s\" 200 16 9us", "/healthz");
	log_access("127.0.0.1 \"GET /%s\" 404 0 1us", long_path);
	log_error("last");
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	log_set_level(level);
	close(saved);
	f = fdopen(fd, "r");
	assert_non_null(f);
	rewind(f);
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	fclose(f);
	unlink(path);
	assert_non_null(strstr(got, "hamgan: warning: disk full\n"
				    "hamgan: access: 127.0.0.1 \"GET /healthz\" 200 16 9us\n"
				    "hamgan: access: 127.0.0.1 \"GET /aaaa"));
	assert_null(strstr(got, "not shown"));
	assert_non_null(strstr(got, "aaaa\nhamgan: error: last\n"));
	/* the long line was cut: shorter than its text, but whole */
	assert_true(n < sizeof(long_path));
	assert_int_equal(got[n - 1], '\n');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_grows_and_caps),
		cmocka_unit_test(buf_reserve_is_one_block),
		cmocka_unit_test(buf_exact_cap),
		cmocka_unit_test(num_bounds),
		cmocka_unit_test(utf8_validation),
		cmocka_unit_test(err_truncates_on_char_boundary),
		cmocka_unit_test(jw_writes_json),
		cmocka_unit_test(jw_keeps_the_cap),
		cmocka_unit_test(log_lines_whole_and_cut),
		cmocka_unit_test(tpack_round_trips),
		cmocka_unit_test(tpack_every_character),
		cmocka_unit_test(tpack_refuses_damage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
