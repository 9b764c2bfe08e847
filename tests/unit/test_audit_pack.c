/* test_audit_pack.c - store/audit_pack: an audit payload packed and given
 * back byte for byte, the fixed form pinned, bad bytes refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/jw.h"
#include "model/msg.h"
#include "store/audit_pack.h"

#define AT 1644000000

/* p packs to at most max bytes (0: any) and back to itself; the length. */
static size_t round_trip(const char *p, int64_t at, size_t max)
{
	unsigned char packed[AUDIT_PACKED_SIZE];
	char back[CAP_AUDIT_PAYLOAD + 1];
	size_t n = audit_pack(p, at, packed);

	assert_true(n >= 1 && n <= strlen(p) + 1);
	if (max)
		assert_true(n <= max);
	assert_int_equal(audit_unpack(packed, n, at, back, sizeof(back), NULL), 0);
	assert_string_equal(back, p);
	return n;
}

static void payloads_come_back(void **state)
{
	static const char *const same[] = {
		"{}",
		"{\"rows\":24}",
		"{\"code\":\"2846392352\",\"channel\":\"phone\",\"kind\":\"criticism\","
		"\"confidential\":0}",
		"{\"code\":\"3485543082\",\"from\":\"registered\",\"to\":\"region-08\","
		"\"due_at\":1644057415,\"to_state\":\"referred\"}",
		"{\"code\":\"8198920209\",\"from\":\"referred\",\"answer\":\"با سلام؛ موضوع «گرفتگی"
		" دهانه کانال» بازدید شد و در برنامه\u200cی اجرایی قرار گرفت. با ۱۸۸۸ تماس"
		" بگیرید.\",\"to_state\":\"answered\"}",
		/* members the lists do not name, escapes, negative and large numbers */
		"{\"zzz\":\"a\\\"b\\\\c\\nd\\u0001\",\"n\":-42,\"big\":999999999999999999}",
		"{\"code\":\"0123\",\"x\":\"\",\"note\":\"Hello, مرحبا 😀 é\"}",
		"{\"addr\":\"127.0.0.1\",\"mobile_hash\":\"7df56774aa10ba979cd8f348b5c59eea\"}",
		/* not what the core writes: kept as text, still the same bytes */
		"{ \"rows\": 24 }",
		"{\"a\":1.5}",
		"{\"a\":[1,2]}",
		"{\"a\":\"\\u00e9\"}",
		"{\"a\":1,}",
		"[1]",
		"",
		"{\"a\":\"\xff\"}",
		"{\"a\":007}",
		"{\"a\":1}x",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		round_trip(same[i], AT, 0);
	/* what the demo writes shrinks: a registration to 13 bytes, a
	 * referral with its due time to 27, a Persian answer to under 2/3 */
	assert_int_equal(round_trip(same[2], AT, 0), 13);
	assert_true(round_trip(same[3], AT, 0) <= 27);
	assert_true(round_trip(same[4], AT, 0) < strlen(same[4]) * 2 / 3);
	/* a due time far from the entry's time is kept whole, and comes back */
	round_trip(same[3], 0, 0);
	round_trip(same[3], INT64_MIN, 0);
	round_trip("{\"n\":-9223372036854775807}", INT64_MAX, 0);
}

/* The form is fixed for ever: a registration's bytes, member by member. */
static void the_form_is_pinned(void **state)
{
	static const unsigned char want[] = {
		0x01,			/* packed */
		0x0a, 0xa0, 0x80, 0xa2, 0xcd, 0x0a,	/* code (1) as digits (2) */
		0x13, 0x08,		/* channel (2), word 8: phone */
		0x1b, 0x0d,		/* kind (3), word 13: criticism */
		0x20, 0x00,		/* confidential (4), integer 0 */
	};
	unsigned char packed[AUDIT_PACKED_SIZE];
	size_t n = audit_pack("{\"code\":\"2846392352\",\"channel\":\"phone\",\"kind\":"
			      "\"criticism\",\"confidential\":0}", AT, packed);

	(void)state;
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(packed, want, sizeof(want));
	/* text the parser does not take: tag 0 and the bytes */
	n = audit_pack("{\"a\":1.5}", AT, packed);
	assert_int_equal(n, 10);
	assert_int_equal(packed[0], 0);
	assert_memory_equal(packed + 1, "{\"a\":1.5}", 9);
}

/* Every cut and every changed byte of a packed payload either unpacks to
 * some text or is refused; never read past the end. */
static void bad_bytes_refused(void **state)
{
	static const char p[] = "{\"code\":\"3485543082\",\"from\":\"registered\",\"to\":"
				"\"region-08\",\"note\":\"پاسخ دقیق و کامل است\",\"due_at\":1644057415}";
	unsigned char packed[AUDIT_PACKED_SIZE], bad[AUDIT_PACKED_SIZE];
	char back[CAP_AUDIT_PAYLOAD + 1];
	size_t n = audit_pack(p, AT, packed), i;
	unsigned b;
	int refused = 0;

	(void)state;
	for (i = 0; i < n; i++) {
		unsigned char *cut = malloc(i ? i : 1);

		memcpy(cut, packed, i);
		if (audit_unpack(cut, i, AT, back, sizeof(back), NULL) < 0)
			refused++;
		free(cut);
	}
	assert_true(refused > 0);
	for (i = 0; i < n; i++) {
		for (b = 0; b < 256; b++) {
			memcpy(bad, packed, n);
			bad[i] = (unsigned char)b;
			if (audit_unpack(bad, n, AT, back, sizeof(back), NULL) == 0)
				assert_true(strlen(back) <= CAP_AUDIT_PAYLOAD);
		}
	}
	assert_int_equal(audit_unpack((const unsigned char *)"\x02", 1, AT, back, sizeof(back), NULL),
			 ERR_INVALID);
	assert_int_equal(audit_unpack(packed, 0, AT, back, sizeof(back), NULL), ERR_INVALID);
	/* too small a buffer for the text */
	assert_int_equal(audit_unpack(packed, n, AT, back, 10, NULL), ERR_INVALID);
}

static void steps_read_from_the_text(void **state)
{
	struct audit_step a;
	char v[64];

	(void)state;
	memset(&a, 0, sizeof(a));
	audit_step_read(&a, "msg.verdict", "{\"code\":\"1\",\"verdict\":\"accept\",\"rating\":0,"
			"\"to_state\":\"closed\"}");
	assert_string_equal(a.action, "msg.verdict");
	assert_string_equal(a.value, "accept");
	assert_false(a.reopened);
	audit_step_read(&a, "msg.grade", "{\"grade\":\"acceptable\",\"to_state\":\"reopened\"}");
	assert_string_equal(a.value, "acceptable");
	assert_true(a.reopened);
	audit_step_read(&a, "msg.start", "{\"code\":\"1\",\"from\":\"referred\"}");
	assert_string_equal(a.value, "");
	assert_false(a.reopened);
	assert_true(audit_payload_member("{\"n\":-3}", "n", v, sizeof(v)));
	assert_string_equal(v, "-3");
	assert_false(audit_payload_member("{\"n\":-3}", "m", v, sizeof(v)));
	assert_false(audit_payload_member("not json", "n", v, sizeof(v)));
}

/* A step read from the stored bytes (packed, or kept as text) is the step
 * read from the payload's text; bytes that do not unpack read as "". */
static void steps_read_from_the_bytes(void **state)
{
	static const char *const payloads[] = {
		"{\"code\":\"1\",\"from\":\"answered\",\"verdict\":\"accept\",\"rating\":4,"
		"\"to_state\":\"closed\"}",
		"{\"code\":\"1\",\"from\":\"closed\",\"verdict\":\"object\",\"rating\":0,"
		"\"to_state\":\"reopened\"}",
		"{\"code\":\"1\",\"from\":\"closed\",\"verdict\":\"accept\",\"rating\":5}",
		"{\"grade\":\"unacceptable\",\"note\":\"پاسخ ناقص است\",\"to_state\":\"reopened\"}",
		"{\"grade\":7}",
		"{\"verdict\":\"x\",\"verdict\":\"y\",\"grade\":\"z\"}",
		"{\"code\":\"1\",\"from\":\"registered\",\"to\":\"region-11\",\"due_at\":1644086400,"
		"\"to_state\":\"referred\"}",
		"{\"odd key\":\"closed\",\"from\":\"ClOsEd\"}",
		"{}",
		"not json",
	};
	unsigned char packed[AUDIT_PACKED_SIZE];
	struct audit_step want, got;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
		memset(&want, 0, sizeof(want));
		memset(&got, 0x5a, sizeof(got));
		audit_step_read(&want, "msg.verdict", payloads[i]);
		n = audit_pack(payloads[i], AT, packed);
		audit_step_unpack(&got, "msg.verdict", packed, n, AT);
		assert_string_equal(got.action, want.action);
		assert_string_equal(got.value, want.value);
		assert_int_equal(got.reopened, want.reopened);
		assert_int_equal(got.from_closed, want.from_closed);
	}
	memset(&want, 0, sizeof(want));
	audit_step_read(&want, "msg.verdict", payloads[1]);
	assert_string_equal(want.value, "object");
	assert_true(want.reopened && want.from_closed);
	/* the last byte of a packed payload cut off, an unknown tag, nothing */
	n = audit_pack(payloads[1], AT, packed);
	assert_true(packed[0] == 1);
	audit_step_unpack(&got, "msg.verdict", packed, n - 1, AT);
	assert_string_equal(got.value, "");
	assert_false(got.reopened || got.from_closed);
	packed[0] = 9;
	audit_step_unpack(&got, "msg.verdict", packed, n, AT);
	assert_string_equal(got.value, "");
	audit_step_unpack(&got, "msg.grade", NULL, 0, AT);
	assert_string_equal(got.action, "msg.grade");
	assert_string_equal(got.value, "");
}

/* The largest payload the core writes packs and comes back. */
static void the_largest_payload(void **state)
{
	struct buf b = BUF_INIT(CAP_AUDIT_PAYLOAD);
	char *s = malloc(CAP_AUDIT_PAYLOAD);
	size_t i;

	(void)state;
	for (i = 0; i + 2 < CAP_AUDIT_PAYLOAD / 2 - 40; i += 2)
		memcpy(s + i, "ک", 2);
	s[i] = '\0';
	jw_object(&b, NULL);
	jw_str(&b, "answer", s);
	jw_object_end(&b);
	assert_false(buf_error(&b));
	round_trip(b.data, AT, 0);
	buf_release(&b);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(payloads_come_back),
		cmocka_unit_test(the_form_is_pinned),
		cmocka_unit_test(bad_bytes_refused),
		cmocka_unit_test(steps_read_from_the_text),
		cmocka_unit_test(steps_read_from_the_bytes),
		cmocka_unit_test(the_largest_payload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
