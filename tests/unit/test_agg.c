/* test_agg.c - src/core/agg.c without a store: histogram bins and blob,
 * a message's contribution, the tally, Tehran day edges. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/agg.h"
#include "core/msg.h"
#include "fa/jalali.h"
#include "fa/period.h"
#include "fa/tehran.h"

static void bins_cover_every_second_once(void **state)
{
	int64_t s;
	int b;

	(void)state;
	assert_int_equal(agg_bin_of(-5), 0);
	assert_int_equal(agg_bin_of(0), 0);
	assert_int_equal(agg_bin_of(3599), 0);
	assert_int_equal(agg_bin_of(3600), 1);
	assert_int_equal(agg_bin_of(168 * 3600 - 1), 167);
	assert_int_equal(agg_bin_of(168 * 3600), 168);
	assert_int_equal(agg_bin_of(8 * 86400), 169);
	assert_int_equal(agg_bin_of(365 * 86400 - 1), 525);
	assert_int_equal(agg_bin_of(365 * 86400), AGG_BINS - 1);
	assert_int_equal(agg_bin_of(INT64_MAX / 2), AGG_BINS - 1);
	/* the bins tile [0, inf): each one's lo is the previous one's hi */
	assert_int_equal(agg_bin_lo(0), 0);
	for (b = 1; b < AGG_BINS; b++) {
		assert_true(agg_bin_lo(b) == agg_bin_hi(b - 1));
		assert_true(agg_bin_lo(b) > agg_bin_lo(b - 1));
		assert_int_equal(agg_bin_of(agg_bin_lo(b)), b);
		assert_int_equal(agg_bin_of(agg_bin_lo(b) - 1), b - 1);
	}
	for (s = 0; s < 400LL * 86400; s += 997)
		assert_true(agg_bin_lo(agg_bin_of(s)) <= s && s < agg_bin_hi(agg_bin_of(s)));
}

static void hist_blob_round_trips(void **state)
{
	struct agg_hist h = { 0 }, back = { 0 };
	int64_t cnt[AGG_BINS] = { 0 }, sum[AGG_BINS] = { 0 };
	unsigned char *blob;
	size_t len, i;
	static const unsigned char bad[] = { 0x80, 0x80 };
	static const unsigned char far[] = { 0x90, 0x04, 0x02, 0x02 };	/* bin 528 */

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

static void base_msg(struct msg *m)
{
	memset(m, 0, sizeof(*m));
	m->id = 1;
	m->channel = CHANNEL_WEB;
	m->category_id = 7;
	m->state = STATE_REFERRED;
	m->unit_id = 12;
	m->first_referred_unit = 12;
	m->first_referred_at = day_start(1399, 3, 10) + 10 * 3600;
	m->referred_at = m->first_referred_at;
	m->due_at = m->first_referred_at + 72 * 3600;
	m->referral_count = 1;
}

static void contribution_follows_the_rules(void **state)
{
	struct msg m;
	struct agg_contrib ct;

	(void)state;
	/* registered, never referred: nothing at all */
	base_msg(&m);
	m.state = STATE_REGISTERED;
	m.first_referred_at = m.first_referred_unit = 0;
	m.due_at = 0;
	m.unit_id = 1;
	assert_int_equal(agg_contrib(&m, &ct, NULL), 0);
	assert_false(ct.referred);
	assert_false(ct.open);

	/* referred and open with a deadline */
	base_msg(&m);
	assert_int_equal(agg_contrib(&m, &ct, NULL), 0);
	assert_true(ct.referred);
	assert_int_equal(ct.day, dayno(1399, 3, 10));
	assert_int_equal(ct.c[AGG_REFERRED], 1);
	assert_int_equal(ct.c[AGG_ANSWERED], 0);
	assert_int_equal(ct.bin, -1);
	assert_true(ct.open);
	assert_int_equal(ct.open_unit, 12);
	assert_int_equal(ct.due_day, dayno(1399, 3, 13));

	/* answered late after 80 hours, graded unacceptable, citizen accepted */
	m.state = STATE_ANSWERED;
	m.answered_at = m.first_referred_at + 80 * 3600;
	m.grade = GRADE_UNACCEPTABLE;
	m.verdict = VERDICT_ACCEPT;
	m.accepts = 1;
	m.return_count = 1;
	m.referral_count = 3;
	m.reopen_count = 2;
	assert_int_equal(agg_contrib(&m, &ct, NULL), 0);
	assert_false(ct.open);
	assert_int_equal(ct.c[AGG_ANSWERED], 1);
	assert_int_equal(ct.c[AGG_ON_TIME], 0);
	assert_int_equal(ct.c[AGG_HANDLING_SUM], 80 * 3600);
	assert_int_equal(ct.bin, 80);
	assert_int_equal(ct.c[AGG_EVALUATED], 1);
	assert_int_equal(ct.c[AGG_ACCEPTABLE], 0);	/* the grade wins */
	assert_int_equal(ct.c[AGG_VERDICT_ACCEPT], 1);
	assert_int_equal(ct.c[AGG_RETURNS], 1);
	assert_int_equal(ct.c[AGG_REREFERRALS], 2);
	assert_int_equal(ct.c[AGG_REOPENS], 2);

	/* answered exactly at the deadline is on time */
	m.answered_at = m.due_at;
	m.grade = GRADE_NONE;
	assert_int_equal(agg_contrib(&m, &ct, NULL), 0);
	assert_int_equal(ct.c[AGG_ON_TIME], 1);
	assert_int_equal(ct.c[AGG_ACCEPTABLE], 1);	/* the verdict, no grade */

	/* objected: reopened, owes a new answer, still evaluated unacceptable */
	m.state = STATE_REOPENED;
	m.verdict = VERDICT_OBJECT;
	m.objections = 1;	/* the accept above stays counted */
	m.due_at = m.answered_at + 48 * 3600;
	assert_int_equal(agg_contrib(&m, &ct, NULL), 0);
	assert_int_equal(ct.c[AGG_ANSWERED], 0);
	assert_int_equal(ct.c[AGG_EVALUATED], 1);
	assert_int_equal(ct.c[AGG_ACCEPTABLE], 0);
	assert_int_equal(ct.c[AGG_VERDICT_OBJECT], 1);
	assert_int_equal(ct.c[AGG_VERDICT_ACCEPT], 1);
	assert_true(ct.open);

	/* answered again: the verdict is cleared, the objection still counts */
	m.state = STATE_ANSWERED;
	m.verdict = VERDICT_NONE;
	assert_int_equal(agg_contrib(&m, &ct, NULL), 0);
	assert_int_equal(ct.c[AGG_VERDICT_OBJECT], 1);
	assert_int_equal(ct.c[AGG_EVALUATED], 0);

	/* returned to the centre: still referred (first referral), backlog at the centre */
	base_msg(&m);
	m.state = STATE_RETURNED;
	m.unit_id = 2;
	assert_int_equal(agg_contrib(&m, &ct, NULL), 0);
	assert_true(ct.referred);
	assert_int_equal(ct.unit, 12);
	assert_int_equal(ct.open_unit, 2);
	m.state = STATE_REJECTED;
	assert_int_equal(agg_contrib(&m, &ct, NULL), 0);
	assert_false(ct.open);
}

static void tally_sums_and_cancels(void **state)
{
	struct agg_tally *t = agg_tally_new();
	struct msg m;
	int i;

	(void)state;
	base_msg(&m);
	for (i = 0; i < 5000; i++) {
		m.id = i + 1;
		m.first_referred_unit = 10 + i % 37;
		m.first_referred_at = day_start(1399, 1 + i % 12, 1 + i % 28) + i;
		assert_int_equal(agg_tally_add_msg(t, &m, 1, NULL), 0);
	}
	assert_true(agg_tally_cells(t) > 1000);
	for (i = 0; i < 5000; i++) {
		m.id = i + 1;
		m.first_referred_unit = 10 + i % 37;
		m.first_referred_at = day_start(1399, 1 + i % 12, 1 + i % 28) + i;
		assert_int_equal(agg_tally_add_msg(t, &m, -1, NULL), 0);
	}
	agg_tally_free(t);
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
		cmocka_unit_test(contribution_follows_the_rules),
		cmocka_unit_test(tally_sums_and_cancels),
		cmocka_unit_test(days_follow_tehran_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
