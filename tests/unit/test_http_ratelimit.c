/* test_http_ratelimit.c - src/http/ratelimit: the key every per-address
 * limit counts a client under (an IPv6 address counts as its /64). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http/ratelimit.h"

static void key_is(const char *addr, const char *want)
{
	char out[64];

	ratelimit_key(addr, out, sizeof(out));
	assert_string_equal(out, want);
}

static void test_key_ipv4_is_itself(void **state)
{
	(void)state;
	key_is("192.0.2.7", "192.0.2.7");
	key_is("127.0.0.1", "127.0.0.1");
}

static void test_key_ipv6_is_its_64(void **state)
{
	(void)state;
	key_is("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64");
	key_is("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64");
	key_is("2001:db8:1:3::1", "2001:db8:1:3::/64");
	key_is("::1", "::/64");
	key_is("fe80::fc:ff:fe00:1", "fe80::/64");
	key_is("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff::/64");
}

static void test_key_v4mapped_is_ipv4(void **state)
{
	(void)state;
	key_is("::ffff:192.0.2.7", "192.0.2.7");
}

static void test_key_other_text_unchanged(void **state)
{
	(void)state;
	key_is("-", "-");
	key_is("", "");
	key_is("not-an-address", "not-an-address");
	key_is(NULL, "");
}

/* Two addresses of one /64 share a bucket; the next /64 has its own. */
static void test_one_bucket_per_64(void **state)
{
	struct ratelimit *rl = ratelimit_new(60, 2);
	char k1[64], k2[64], k3[64];

	(void)state;
	ratelimit_key("2001:db8:0:1::a", k1, sizeof(k1));
	ratelimit_key("2001:db8:0:1:dead:beef:0:1", k2, sizeof(k2));
	ratelimit_key("2001:db8:0:2::a", k3, sizeof(k3));
	assert_int_equal(ratelimit_take(rl, k1, 1000), 0);
	assert_int_equal(ratelimit_take(rl, k2, 1000), 0);
	assert_true(ratelimit_take(rl, k1, 1000) >= 1);
	assert_true(ratelimit_take(rl, k2, 1000) >= 1);
	assert_int_equal(ratelimit_take(rl, k3, 1000), 0);
	ratelimit_free(rl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_ipv4_is_itself),
		cmocka_unit_test(test_key_ipv6_is_its_64),
		cmocka_unit_test(test_key_v4mapped_is_ipv4),
		cmocka_unit_test(test_key_other_text_unchanged),
		cmocka_unit_test(test_one_bucket_per_64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
