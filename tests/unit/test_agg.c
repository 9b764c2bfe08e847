/* test_agg.c - src/core/agg.c without a store: histogram bins and blob,
 * the counters' blob, Tehran day edges.  Contributions are replayed from
 * real histories in test_report.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "base/varint.h"
#include "core/agg.h"
#include "core/msg.h"
#include "fa/jalali.h"
#include "fa/period.h"
#include "fa/tehran.h"
#include "store/cell_pack.h"

static void bins_cover_every_second_once(void **state)
{
	int64_t s, lo, hi;
	int b;

	(void)state;
	assert_int_equal(agg_bin_of(-5), 0);
	assert_int_equal(agg_bin_of(0), 0);
	assert_int_equal(agg_bin_of(359), 0);
	assert_int_equal(agg_bin_of(360), 1);
	assert_int_equal(agg_bin_of(36000 - 1), 99);
	assert_int_equal(agg_bin_of(36000), 100);
	assert_int_equal(agg_bin_of(36360), 101);
	assert_int_equal(agg_bin_of(INT64_MAX / 2), AGG_BINS - 1);
	/* ten years still have bins of their own */
	assert_true(agg_bin_of(9LL * 365 * 86400) < AGG_BINS - 1);
	/* the bins tile [0, inf): each one's lo is the previous one's hi */
	assert_int_equal(agg_bin_lo(0), 0);
	for (b = 1; b < AGG_BINS; b++) {
		assert_true(agg_bin_lo(b) == agg_bin_hi(b - 1));
		assert_true(agg_bin_lo(b) > agg_bin_lo(b - 1));
		assert_int_equal(agg_bin_of(agg_bin_lo(b)), b);
		assert_int_equal(agg_bin_of(agg_bin_lo(b) - 1), b - 1);
	}
	/* every bin is at most 6 minutes or 1% (+1 s of rounding) wide, so the
	 * bin mean is within max(1%, 6 min) of any value in it */
	for (b = 0; b < AGG_BINS - 1; b++) {
		lo = agg_bin_lo(b);
		hi = agg_bin_hi(b);
		assert_true(hi - lo <= 360 || (double)(hi - lo) <= (double)lo * 0.01 + 1);
	}
	for (s = 0; s < 400LL * 86400; s += 997)
		assert_true(agg_bin_lo(agg_bin_of(s)) <= s && s < agg_bin_hi(agg_bin_of(s)));
}

/* Which scopes have rows of their own: every subtree, the alone scope of
 * a unit with children; a unit without children alone reads its subtree. */
static void scopes_stored_and_read(void **state)
{
	(void)state;
	assert_true(agg_scope_stored(5, false));
	assert_true(agg_scope_stored(5, true));
	assert_true(agg_scope_stored(-5, true));
	assert_false(agg_scope_stored(-5, false));
	assert_int_equal(agg_scope_read(5, false), 5);
	assert_int_equal(agg_scope_read(-5, true), -5);
	assert_int_equal(agg_scope_read(-5, false), 5);
}

static void counters_blob_round_trips(void **state)
{
	int64_t c[AGG_NCOUNTERS], back[AGG_NCOUNTERS];
	unsigned char buf[AGG_NCOUNTERS * 10];
	size_t n;
	int i;

	(void)state;
	for (i = 0; i < AGG_NCOUNTERS; i++)
		c[i] = (i % 2 ? -1 : 1) * ((int64_t)i << (i * 3 % 60));
	n = varint_encode_i64s(c, AGG_NCOUNTERS, buf);
	assert_int_equal(varint_decode_i64s(buf, n, back, AGG_NCOUNTERS), 0);
	assert_memory_equal(c, back, sizeof(c));
	/* a shorter blob (fewer counters) reads as zeros; trailing bytes or a
	 * cut varint are damage */
	assert_int_equal(varint_decode_i64s(buf, 1, back, AGG_NCOUNTERS), 0);
	assert_int_equal(back[0], c[0]);
	assert_int_equal(back[AGG_NCOUNTERS - 1], 0);
	buf[n] = 0;
	assert_int_equal(varint_decode_i64s(buf, n + 1, back, AGG_NCOUNTERS), ERR_INVALID);
	buf[0] = 0x80;
	assert_int_equal(varint_decode_i64s(buf, 1, back, AGG_NCOUNTERS), ERR_INVALID);
}

/* The SQLite store's form of the counters (base/varint.h): only those
 * not 0, after a mask. */
static void sparse_counters_round_trip(void **state)
{
	int64_t c[AGG_NCOUNTERS], back[AGG_NCOUNTERS];
	unsigned char buf[(AGG_NCOUNTERS + 1) * VARINT_BYTES];
	size_t n;
	int i;

	(void)state;
	memset(c, 0, sizeof(c));
	n = varint_encode_sparse_i64s(c, AGG_NCOUNTERS, buf);
	assert_int_equal(n, 1);
	assert_int_equal(buf[0], 0);
	assert_int_equal(varint_decode_sparse_i64s(buf, n, back, AGG_NCOUNTERS), 0);
	assert_memory_equal(c, back, sizeof(c));
	/* a referral and an obligation: mask, then 1 and 1 */
	c[AGG_REFERRED] = 1;
	c[AGG_OBLIGATIONS] = 1;
	n = varint_encode_sparse_i64s(c, AGG_NCOUNTERS, buf);
	assert_int_equal(n, 4);
	assert_int_equal(varint_decode_sparse_i64s(buf, n, back, AGG_NCOUNTERS), 0);
	assert_memory_equal(c, back, sizeof(c));
	for (i = 0; i < AGG_NCOUNTERS; i++)
		c[i] = (i % 2 ? -1 : 1) * ((int64_t)(i + 1) << (i * 3 % 60));
	c[5] = 0;
	c[AGG_NCOUNTERS - 1] = INT64_MIN;
	n = varint_encode_sparse_i64s(c, AGG_NCOUNTERS, buf);
	assert_int_equal(varint_decode_sparse_i64s(buf, n, back, AGG_NCOUNTERS), 0);
	assert_memory_equal(c, back, sizeof(c));
	/* damage: cut short, a trailing byte, empty, a bit beyond the
	 * counters, a counter present as 0 */
	assert_int_equal(varint_decode_sparse_i64s(buf, n - 1, back, AGG_NCOUNTERS), ERR_INVALID);
	buf[n] = 0;
	assert_int_equal(varint_decode_sparse_i64s(buf, n + 1, back, AGG_NCOUNTERS), ERR_INVALID);
	assert_int_equal(varint_decode_sparse_i64s(buf, 0, back, AGG_NCOUNTERS), ERR_INVALID);
	n = varint_put(buf, UINT64_C(1) << AGG_NCOUNTERS);
	buf[n++] = 2;
	assert_int_equal(varint_decode_sparse_i64s(buf, n, back, AGG_NCOUNTERS), ERR_INVALID);
	buf[0] = 1;
	buf[1] = 0;
	assert_int_equal(varint_decode_sparse_i64s(buf, 2, back, AGG_NCOUNTERS), ERR_INVALID);
	buf[1] = 2;
	assert_int_equal(varint_decode_sparse_i64s(buf, 2, back, AGG_NCOUNTERS), 0);
	assert_int_equal(back[0], 1);
	/* the same 1 padded to two bytes: not the one form (fuzz_cells) */
	buf[1] = 0x82;
	buf[2] = 0;
	assert_int_equal(varint_decode_sparse_i64s(buf, 3, back, AGG_NCOUNTERS), ERR_INVALID);
}

/* A cell's key in its rowid (store/cell_pack.h): back the same, in the
 * key's order, a scope's days one range, the bounds refused. */
static void cell_keys_pack_in_order(void **state)
{
	static const struct agg_key keys[] = {
		{ 0, -(CELL_UNIT_BOUND - 1), 0, 0 }, { 0, -300, 18000, 7 }, { 0, -1, 20000, 0 },
		{ 0, 1, 0, 0 }, { 0, 1, 20000, 65535 }, { 1, 5, 18000, 36 },
		{ AGG_DIM_COUNT - 1, CELL_UNIT_BOUND - 1, CELL_DAY_END - 1, CELL_KEY_END - 1 },
	};
	static const struct agg_key bad[] = {
		{ -1, 1, 1, 1 }, { AGG_DIM_COUNT, 1, 1, 1 }, { 0, CELL_UNIT_BOUND, 1, 1 },
		{ 0, -CELL_UNIT_BOUND, 1, 1 }, { 0, 1, -1, 1 }, { 0, 1, CELL_DAY_END, 1 },
		{ 0, 1, 1, -1 }, { 0, 1, 1, CELL_KEY_END },
	};
	struct agg_key k;
	int64_t id, prev = 0, lo, hi;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		assert_int_equal(cell_id_pack(&keys[i], &id), 0);
		assert_true(id > prev);
		prev = id;
		assert_int_equal(cell_id_unpack(id, &k), 0);
		assert_int_equal(k.dim, keys[i].dim);
		assert_int_equal(k.unit, keys[i].unit);
		assert_int_equal(k.day, keys[i].day);
		assert_int_equal(k.key, keys[i].key);
		/* within its scope's range of its day, and of no other dim's */
		cell_id_range(keys[i].dim, keys[i].unit, keys[i].day, keys[i].day, &lo, &hi);
		assert_true(lo <= id && id <= hi);
		cell_id_range(keys[i].dim, 0, INT64_MIN, INT64_MAX, &lo, &hi);
		assert_true(lo <= id && id <= hi);
		cell_id_range((keys[i].dim + 1) % AGG_DIM_COUNT, 0, INT64_MIN, INT64_MAX, &lo, &hi);
		assert_false(lo <= id && id <= hi);
		cell_id_range(keys[i].dim, keys[i].unit, keys[i].day + 1, INT64_MAX, &lo, &hi);
		assert_false(lo <= id && id <= hi);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cell_id_pack(&bad[i], &id), ERR_INVALID);
	assert_int_equal(cell_id_unpack(-1, &k), ERR_INVALID);
	assert_int_equal(cell_id_unpack(INT64_C(7) << 60, &k), ERR_INVALID);
	assert_int_equal(cell_id_unpack(5, &k), ERR_INVALID);	/* unit field 0 */
	cell_id_range(0, 5, 100, 99, &lo, &hi);
	assert_true(lo > hi);
	cell_id_range(0, CELL_UNIT_BOUND, 0, 100, &lo, &hi);
	assert_true(lo > hi);
}

static void hist_blob_round_trips(void **state)
{
	struct agg_hist h = { 0 }, back = { 0 };
	int64_t cnt[AGG_BINS] = { 0 }, sum[AGG_BINS] = { 0 };
	unsigned char *blob;
	size_t len, i;
	static const unsigned char bad[] = { 0x80, 0x80 };
	static const unsigned char far[] = { 0xf6, 0x07, 0x02, 0x02 };	/* bin 1014 */

	(void)state;
	agg_hist_add(&h, 500, 2, 2 * 300LL * 86400);
	agg_hist_add(&h, 3, 1, 3 * 3600 + 5);
	agg_hist_add(&h, 0, 4, 100);
	agg_hist_add(&h, 3, 1, 3 * 3600 + 7);
	assert_int_equal(h.n, 3);
	assert_int_equal(h.v[0].bin, 0);
	assert_int_equal(h.v[1].bin, 3);
	assert_int_equal(h.v[1].count, 2);
	assert_int_equal(h.v[1].sum, 2 * 3 * 3600 + 12);
	blob = agg_hist_encode(&h, &len);
	assert_int_equal(agg_hist_decode_add(&back, blob, len, 1), 0);
	assert_int_equal(back.n, h.n);
	for (i = 0; i < h.n; i++) {
		assert_int_equal(back.v[i].bin, h.v[i].bin);
		assert_int_equal(back.v[i].count, h.v[i].count);
		assert_int_equal(back.v[i].sum, h.v[i].sum);
	}
	assert_int_equal(agg_hist_decode_dense(blob, len, cnt, sum), 0);
	assert_int_equal(cnt[3], 2);
	assert_int_equal(sum[500], 2 * 300LL * 86400);
	/* subtracting the same blob empties it: bins at 0/0 go away */
	assert_int_equal(agg_hist_decode_add(&back, blob, len, -1), 0);
	assert_int_equal(back.n, 0);
	free(blob);
	assert_int_equal(agg_hist_decode_add(&back, bad, sizeof(bad), 1), ERR_INVALID);
	assert_int_equal(agg_hist_decode_add(&back, far, sizeof(far), 1), ERR_INVALID);
	assert_int_equal(agg_hist_decode_dense(far, sizeof(far), cnt, sum), ERR_INVALID);
	agg_hist_release(&h);
	agg_hist_release(&back);
}

/* A long histogram, most of it read by the decoder's unchecked path: the
 * dense arrays agree with the sparse decoding bin for bin, and damage in
 * either path is refused. */
static void hist_blob_long(void **state)
{
	struct agg_hist h = { 0 }, back = { 0 };
	static int64_t cnt[AGG_BINS], sum[AGG_BINS];
	unsigned char *blob, *bad;
	size_t len, i;
	int b;

	(void)state;
	for (b = 0; b < AGG_BINS; b += 1 + b % 7)
		agg_hist_add(&h, b, 1 + b % 300, (int64_t)b * 86400 * (1 + b % 5) + b);
	blob = agg_hist_encode(&h, &len);
	assert_true(len > 1000);
	memset(cnt, 0, sizeof(cnt));
	memset(sum, 0, sizeof(sum));
	assert_int_equal(agg_hist_decode_dense(blob, len, cnt, sum), 0);
	assert_int_equal(agg_hist_decode_add(&back, blob, len, 1), 0);
	for (i = 0, b = 0; b < AGG_BINS; b++) {
		if (i < back.n && back.v[i].bin == b) {
			assert_int_equal(cnt[b], back.v[i].count);
			assert_int_equal(sum[b], back.v[i].sum);
			i++;
		} else {
			assert_int_equal(cnt[b], 0);
			assert_int_equal(sum[b], 0);
		}
	}
	assert_int_equal(i, h.n);
	/* an overlong number early (the unchecked path), a step past the
	 * last bin early, a number cut short at the end (the checked one) */
	bad = malloc(len + 16);
	memcpy(bad, blob, len);
	memset(bad + 3, 0xff, 11);
	assert_int_equal(agg_hist_decode_dense(bad, len, cnt, sum), ERR_INVALID);
	memcpy(bad, blob, len);
	bad[0] = 0xf6;
	bad[1] = 0x07;	/* bin 1014 */
	assert_int_equal(agg_hist_decode_dense(bad, len, cnt, sum), ERR_INVALID);
	memcpy(bad, blob, len);
	bad[len - 1] |= 0x80;
	assert_int_equal(agg_hist_decode_dense(bad, len, cnt, sum), ERR_INVALID);
	free(bad);
	free(blob);
	agg_hist_release(&h);
	agg_hist_release(&back);
}

static int64_t day_start(int y, int m, int d)
{
	struct jdate j = { y, m, d };
	int64_t t;

	assert_int_equal(tehran_day_start(&j, &t), 0);
	return t;
}

static int64_t dayno(int y, int m, int d)
{
	struct jdate j = { y, m, d };

	return jalali_to_days(&j);
}

/* The day a message is counted on is the Tehran day its instant falls in,
 * and agrees with jperiod_contains, across Nowruz, Esfand 30 of the leap
 * year 1399 and the two daylight-saving changes of 1399. */
static void days_follow_tehran_edges(void **state)
{
	static const struct jdate edges[] = {
		{ 1399, 1, 1 }, { 1399, 1, 2 }, { 1399, 1, 3 }, { 1399, 6, 30 }, { 1399, 6, 31 }, { 1399, 7, 1 },
		{ 1399, 12, 30 }, { 1400, 1, 1 }, { 1398, 12, 29 }, { 1400, 6, 30 },
	};
	struct jperiod p;
	int64_t start, next, day, t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		struct jdate d = edges[i], n;

		assert_int_equal(tehran_day_start(&d, &start), 0);
		assert_int_equal(jalali_from_days(jalali_to_days(&d) + 1, &n), 0);
		assert_int_equal(tehran_day_start(&n, &next), 0);
		assert_true(jperiod_from_days(&d, &d, &p, NULL) == 0);
		for (t = start - 1; t <= next; t += (t == start - 1 || t == next - 2) ? 1 : 1800) {
			assert_int_equal(agg_day_of(t, &day, NULL), 0);
			assert_int_equal(day == jalali_to_days(&d), jperiod_contains(&p, t));
			if (t >= start && t < next)
				assert_int_equal(day, jalali_to_days(&d));
		}
	}
	/* Esfand 30 1399 exists (leap) and ends where Nowruz 1400 begins */
	assert_true(jalali_is_leap(1399));
	assert_int_equal(dayno(1399, 12, 30) + 1, dayno(1400, 1, 1));
	/* 1399-06-30 had 25 hours (clocks went back at its end: Shahrivar has
	 * 31 days), 1399-01-02 had 23 */
	assert_int_equal(day_start(1399, 6, 31) - day_start(1399, 6, 30), 25 * 3600);
	assert_int_equal(day_start(1399, 1, 3) - day_start(1399, 1, 2), 23 * 3600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bins_cover_every_second_once),
		cmocka_unit_test(hist_blob_round_trips),
		cmocka_unit_test(hist_blob_long),
		cmocka_unit_test(scopes_stored_and_read),
		cmocka_unit_test(counters_blob_round_trips),
		cmocka_unit_test(sparse_counters_round_trip),
		cmocka_unit_test(cell_keys_pack_in_order),
		cmocka_unit_test(days_follow_tehran_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
