/* test_pair_pack.c - store/pair_pack: the pair counts of an agg_pairs row
 * in one blob.  Adding pairs agrees with a plain table of counts through
 * thousands of random additions and removals; the form is pinned; damaged
 * blobs are refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "store/pair_pack.h"

#define DAY 20000
#define SPAN 64
#define OPEN INT64_C(99999999)

struct blob {
	unsigned char b[4096];
	size_t len;
};

static void add(struct blob *x, int64_t day2, int64_t n)
{
	unsigned char out[sizeof(x->b) + PAIR_PACK_GROW];
	long len = pair_pack_add(x->b, x->len, DAY, day2, n, out);

	assert_true(len >= 0);
	assert_true((size_t)len <= x->len + PAIR_PACK_GROW);
	assert_true((size_t)len <= sizeof(x->b));
	memcpy(x->b, out, (size_t)len);
	x->len = (size_t)len;
}

/* The blob's pairs in order into day2[], n[]; how many. */
static size_t pairs(const struct blob *x, int64_t *day2, int64_t *n, size_t max)
{
	struct pair_iter it;
	size_t k = 0;
	int rc;

	pair_iter_init(&it, x->b, x->len, DAY);
	while ((rc = pair_iter_next(&it, &day2[k], &n[k])) == 1) {
		assert_true(k < max);
		k++;
	}
	assert_int_equal(rc, 0);
	return k;
}

/* The form: differences from the row's day, then from the pair before. */
static void the_form(void **state)
{
	static const unsigned char want[] = { 0x00, 0x02, 0x0a, 0x04 };	/* 0 1, 5 2 */
	struct blob x = { .len = 0 };
	int64_t d[8], n[8];

	(void)state;
	add(&x, DAY + 5, -1);		/* a count may be below 0 inside a transaction */
	add(&x, DAY, 1);		/* before it: DAY + 5 is now 5 after DAY */
	add(&x, DAY + 5, 2);		/* -1 + 2 = 1 */
	add(&x, DAY + 5, 1);		/* 2 */
	assert_int_equal(x.len, sizeof(want));
	assert_memory_equal(x.b, want, sizeof(want));
	assert_int_equal(pairs(&x, d, n, 8), 2);
	assert_int_equal(d[0], DAY);
	assert_int_equal(n[0], 1);
	assert_int_equal(d[1], DAY + 5);
	assert_int_equal(n[1], 2);
	/* a count brought to 0 goes; the last one leaves an empty blob */
	add(&x, DAY, -1);
	add(&x, DAY + 5, -2);
	assert_int_equal(x.len, 0);
	/* before the row's day, and the open end */
	add(&x, OPEN, 3);
	add(&x, DAY - 30, 1);
	assert_int_equal(pairs(&x, d, n, 8), 2);
	assert_int_equal(d[0], DAY - 30);
	assert_int_equal(d[1], OPEN);
	assert_int_equal(n[1], 3);
	/* adding 0 changes nothing */
	add(&x, DAY + 1, 0);
	assert_int_equal(pairs(&x, d, n, 8), 2);
}

/* Random additions against a table of counts. */
static void agrees_with_a_table(void **state)
{
	int64_t want[SPAN + 1], d[SPAN + 2], n[SPAN + 2];
	struct blob x = { .len = 0 };
	size_t k, i, have;
	int64_t day2, v;
	int round;

	(void)state;
	memset(want, 0, sizeof(want));
	srand(1888);
	for (round = 0; round < 20000; round++) {
		k = (size_t)(rand() % (SPAN + 1));
		/* the last slot stands for the open end */
		day2 = k == SPAN ? OPEN : DAY - SPAN / 4 + (int64_t)k;
		v = rand() % 5 - 2;

		add(&x, day2, v);
		want[k] += v;
		have = pairs(&x, d, n, SPAN + 2);
		for (i = 0, k = 0; k <= SPAN; k++) {
			if (!want[k])
				continue;
			assert_true(i < have);
			assert_int_equal(d[i], k == SPAN ? OPEN : DAY - SPAN / 4 + (int64_t)k);
			assert_int_equal(n[i], want[k]);
			i++;
		}
		assert_int_equal(i, have);
	}
}

/* Cut short, out of order, a zero count: refused, by the reader and by an
 * addition. */
static void damaged(void **state)
{
	static const unsigned char cut[] = { 0x02, 0x82 };
	static const unsigned char order[] = { 0x02, 0x02, 0x00, 0x02 };	/* +1 then +0 */
	static const unsigned char zero[] = { 0x02, 0x00 };
	static const unsigned char back[] = { 0x04, 0x02, 0x01, 0x02 };		/* +2 then -1 */
	const unsigned char *bad[] = { cut, order, zero, back };
	size_t len[] = { sizeof(cut), sizeof(order), sizeof(zero), sizeof(back) };
	unsigned char out[64];
	struct pair_iter it;
	int64_t d, n;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < 4; i++) {
		pair_iter_init(&it, bad[i], len[i], DAY);
		while ((rc = pair_iter_next(&it, &d, &n)) == 1)
			;
		assert_int_equal(rc, ERR_INVALID);
		assert_int_equal(pair_pack_add(bad[i], len[i], DAY, DAY + 1, 1, out), ERR_INVALID);
	}
	/* a day or count beyond the bound, given or stored, where a
	 * difference could overflow */
	assert_int_equal(pair_pack_add(NULL, 0, DAY, PAIR_PACK_BOUND + 1, 1, out), ERR_INVALID);
	assert_int_equal(pair_pack_add(NULL, 0, DAY, DAY, -PAIR_PACK_BOUND - 1, out), ERR_INVALID);
	assert_int_equal(pair_pack_add(NULL, 0, INT64_MIN, DAY, 1, out), ERR_INVALID);
	{
		static const unsigned char far[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
						     0xff, 0xff, 0x01, 0x02 };

		pair_iter_init(&it, far, sizeof(far), DAY);
		assert_int_equal(pair_iter_next(&it, &d, &n), ERR_INVALID);
	}
	/* nothing at all is no pairs */
	pair_iter_init(&it, NULL, 7, DAY);
	assert_int_equal(pair_iter_next(&it, &d, &n), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_form),
		cmocka_unit_test(agrees_with_a_table),
		cmocka_unit_test(damaged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
