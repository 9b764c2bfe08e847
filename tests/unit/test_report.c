/*
 * test_report.c - reports over a real SQLite database, with messages moved
 * through the real core transitions at fixed clock times: every figure of a
 * small fixture computed by hand, period edges, --verify after long random
 * sequences, tampering found, role scoping, the evaluation and the formats.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core_fixture.h"

#include "base/buf.h"
#include "core/agg.h"
#include "core/report.h"
#include "fa/period.h"
#include "fa/tehran.h"
#include "store/sqlite_int.h"

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	fx_setup(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	fx_teardown(f);
	free(f);
	return 0;
}

static int64_t tday(int y, int m, int d)
{
	struct jdate j = { y, m, d };
	int64_t t;

	assert_int_equal(tehran_day_start(&j, &t), 0);
	return t;
}

#define H 3600

/* Register at `at` and refer to unit at the same instant. */
static int64_t new_referred(struct fx *f, int64_t at, int64_t unit, int64_t cat,
			    enum msg_kind kind)
{
	struct msg m;
	struct err err;

	core_set_now(&f->c, at);
	assert_int_equal(fx_register(f, FX_MOBILE, kind, cat, &m), 0);
	assert_int_equal(msg_refer(&f->c, &f->op, m.id, 0, unit, 0, 0, NULL, NULL, &err), 0);
	return m.id;
}

static void answer_at(struct fx *f, const struct actor *a, int64_t id, int64_t at)
{
	struct err err;

	core_set_now(&f->c, at);
	if (msg_answer(&f->c, a, id, 0, "انجام شد", NULL, &err) < 0)
		fail_msg("answer: %s", err.msg);
}

static void run(struct fx *f, const struct actor *a, const char *unit, const char *period,
		enum report_by by, bool compare, struct report *r)
{
	struct report_query q;
	struct err err;

	memset(&q, 0, sizeof(q));
	q.unit_code = unit;
	q.by = by;
	q.compare = compare;
	assert_int_equal(jperiod_parse(period, &q.period, &err), 0);
	if (report_run(&f->c, a, &q, r, &err) < 0)
		fail_msg("report: %s", err.msg);
}

static void assert_near(double got, double want)
{
	if (!(fabs(got - want) < 1e-9))
		fail_msg("got %.12f, want %.12f", got, want);
}

static const struct report_row *row_of(const struct report *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->nrows; i++)
		if (str_eq(r->rows[i].key, key))
			return &r->rows[i];
	fail_msg("no row '%s'", key);
	return NULL;
}

static void verify_clean(struct fx *f)
{
	struct agg_verify_result res;
	struct err err;

	assert_int_equal(agg_verify(f->c.st, &res, NULL, NULL, NULL, &err), 0);
	assert_int_equal(res.differences, 0);
}

/*
 * The fixture, all in Khordad 1399 (T = 1399-03-01 00:00 Tehran), by hand
 * (roads: 48 h deadline, staff conduct: 24 h):
 *	A r12 roads   +1h, answered after 10 h, citizen accepts
 *	B d12 roads   +2h, answered after 20 h, inspector: acceptable
 *	C r12 roads   +3h, answered after 60 h (late), citizen objects at +64h
 *	              -> reopened (new deadline +112h), still open
 *	D r12 conduct +4h, never answered (deadline +28h)
 *	E r12 roads   +5h, returned at +6h (before its deadline: no
 *	              obligation), referred to r01 at +7h, answered at +9h
 *	F r01 roads   +1h, answered after 5 h
 * and in Khordad 1398: G1 r12 answered after 30 h (on time), G2 r12 after
 * 50 h (late).  Now is 1399-03-20 10:00.
 * Region 12 (with district 12-1), 1399-03: referred 5 (A B C D E),
 * answered 3 (A B C: E was answered by region 1), answers 3, quantitative
 * 3/5; judgements 3 (A's verdict, B's grade, C's objection), 2 positive:
 * qualitative 2/3, citizens 1/2, inspectors 1/1; obligations 5 (A, B, C's
 * first hop, D, C's reopen), late 3 (C twice, D): on time 2/5; handling
 * 10, 20, 60 h: mean 30, median 20, p90 60; returns 1 after 1 h; reopens 1;
 * overdue now C and D = 2.
 */
static void build_fixture(struct fx *f)
{
	int64_t t = tday(1399, 3, 1), p = tday(1398, 3, 1), a, b, cc, e, fm, g1, g2;
	struct err err;

	a = new_referred(f, t + 1 * H, f->r12, f->cat_roads, KIND_CRITICISM);
	b = new_referred(f, t + 2 * H, f->d12, f->cat_roads, KIND_CRITICISM);
	cc = new_referred(f, t + 3 * H, f->r12, f->cat_roads, KIND_CRITICISM);
	new_referred(f, t + 4 * H, f->r12, f->cat_conduct, KIND_COMPLAINT);
	e = new_referred(f, t + 5 * H, f->r12, f->cat_roads, KIND_CRITICISM);
	fm = new_referred(f, t + 1 * H, f->r01, f->cat_roads, KIND_CRITICISM);

	answer_at(f, &f->s12, a, t + 11 * H);
	core_set_now(&f->c, t + 12 * H);
	assert_int_equal(msg_verdict(&f->c, &f->op, a, 0, VERDICT_ACCEPT, 5, NULL, &err), 0);
	answer_at(f, &f->s12, b, t + 22 * H);
	core_set_now(&f->c, t + 23 * H);
	assert_int_equal(msg_grade(&f->c, &f->insp, b, 0, GRADE_ACCEPTABLE, "خوب", false, NULL,
				   &err), 0);
	answer_at(f, &f->s12, cc, t + 63 * H);
	core_set_now(&f->c, t + 64 * H);
	assert_int_equal(msg_verdict(&f->c, &f->op, cc, 0, VERDICT_OBJECT, 1, NULL, &err), 0);
	core_set_now(&f->c, t + 6 * H);
	assert_int_equal(msg_return(&f->c, &f->s12, e, 0, RETURN_NOT_OURS, "مربوط نیست", NULL,
				    &err), 0);
	core_set_now(&f->c, t + 7 * H);
	assert_int_equal(msg_refer(&f->c, &f->op, e, 0, f->r01, 0, 0, NULL, NULL, &err), 0);
	answer_at(f, &f->s01, e, t + 9 * H);
	answer_at(f, &f->s01, fm, t + 6 * H);

	g1 = new_referred(f, p + 10 * H, f->r12, f->cat_roads, KIND_CRITICISM);
	g2 = new_referred(f, p + 11 * H, f->r12, f->cat_roads, KIND_CRITICISM);
	answer_at(f, &f->s12, g1, p + 40 * H);
	answer_at(f, &f->s12, g2, p + 61 * H);
	core_set_now(&f->c, tday(1399, 3, 20) + 10 * H);
}

static void figures_by_hand(void **state)
{
	struct fx *f = *state;
	struct report r;
	const struct report_figures *x;
	const struct report_row *row;
	int64_t sum;
	size_t i;

	build_fixture(f);
	run(f, &f->insp, "region-12", "1399-03", REPORT_BY_NONE, true, &r);
	x = &r.total.cur;
	assert_int_equal(x->referred, 5);
	assert_int_equal(x->answered, 3);
	assert_int_equal(x->answers, 3);
	assert_near(x->quantitative_rate, 0.6);
	assert_int_equal(x->judgements, 3);
	assert_int_equal(x->acceptable, 2);
	assert_int_equal(x->objections, 1);
	assert_int_equal(x->messages_with_objection, 1);
	assert_near(x->qualitative_rate, 2.0 / 3.0);
	assert_near(x->acceptance_rate, 0.5);
	assert_near(x->inspector_rate, 1.0);
	assert_int_equal(x->obligations, 5);
	assert_int_equal(x->late, 3);
	assert_near(x->on_time_rate, 0.4);
	assert_near(x->mean_hours, 30.0);
	assert_near(x->median_hours, 20.0);
	assert_near(x->p90_hours, 60.0);
	assert_int_equal(x->returns, 1);
	assert_int_equal(x->transferred_out, 0);
	assert_near(x->handoff_hours, 1.0);
	assert_int_equal(x->rereferrals, 0);
	assert_int_equal(x->reopens, 1);
	assert_true(x->has_overdue);
	assert_int_equal(x->overdue, 2);
	assert_int_equal(r.overdue_now, 2);
	assert_int_equal(r.as_of, r.generated_at);	/* the period is not over yet */
	/* rank among tehran's children that received messages: region-01
	 * (score 0.4*100 + 0.4*0 + 0.2*100 = 60) before region-12 (0.4*60 +
	 * 0.4*66.7 + 0.2*40 = 58.7); the centre received none */
	assert_near(r.total.score, 0.4 * 60 + 0.4 * 200.0 / 3.0 + 0.2 * 40);
	assert_int_equal(r.total.rank, 2);
	assert_int_equal(r.total.rank_of, 2);
	/* the same period of 1398: G1 30 h on time, G2 50 h late */
	x = &r.total.prev;
	assert_string_equal(r.previous.label, "1398-03");
	assert_int_equal(x->referred, 2);
	assert_int_equal(x->answered, 2);
	assert_near(x->on_time_rate, 0.5);
	assert_near(x->mean_hours, 40.0);
	assert_near(x->median_hours, 30.0);
	assert_near(x->p90_hours, 50.0);
	assert_true(x->has_overdue);
	assert_int_equal(x->overdue, 0);
	/* counts and times in percent, rates in points */
	assert_near(r.total.change[RF_REFERRED], 150.0);
	assert_near(r.total.change[RF_QUANTITATIVE], -40.0);
	assert_near(r.total.change[RF_ON_TIME], -10.0);
	assert_near(r.total.change[RF_MEAN], -25.0);
	assert_true(isnan(r.total.change[RF_QUALITATIVE]));	/* nothing judged in 1398 */
	assert_true(isnan(r.total.change[RF_OVERDUE]));		/* 0 a year ago */
	report_release(&r);

	/* region 1 is credited with E, which it held and answered */
	run(f, &f->insp, "region-01", "1399-03", REPORT_BY_NONE, false, &r);
	assert_int_equal(r.total.cur.referred, 2);
	assert_int_equal(r.total.cur.answered, 2);
	assert_near(r.total.cur.mean_hours, 3.5);	/* E 2 h from its arrival, F 5 h */
	assert_int_equal(r.total.rank, 1);
	report_release(&r);

	/* by child: district-12-1 holds B; region 12's own row the rest */
	run(f, &f->insp, "region-12", "1399-03", REPORT_BY_CHILD, false, &r);
	assert_int_equal(r.nrows, 2);
	row = row_of(&r, "district-12-1");
	assert_false(row->self);
	assert_int_equal(row->cur.referred, 1);
	assert_int_equal(row->cur.answered, 1);
	assert_near(row->cur.median_hours, 20.0);
	assert_int_equal(row->cur.overdue, 0);
	assert_int_equal(row->rank, 1);
	row = row_of(&r, "region-12");
	assert_true(row->self);
	assert_int_equal(row->rank, 0);
	assert_int_equal(row->cur.referred, 4);
	assert_int_equal(row->cur.overdue, 2);
	report_release(&r);

	/* the city by region: E moved from region 12 to region 1, so it is in
	 * both rows, once in the city, and one internal transfer */
	run(f, &f->op, "tehran", "1399-03", REPORT_BY_CHILD, false, &r);
	assert_int_equal(r.nrows, 4);
	assert_int_equal(r.total.cur.referred, 6);
	assert_int_equal(r.total.cur.internal_transfers, 1);
	assert_int_equal(r.total.cur.answers, 5);
	assert_int_equal(row_of(&r, "region-01")->cur.referred, 2);
	assert_int_equal(row_of(&r, "region-01")->rank, 1);
	assert_int_equal(row_of(&r, "region-12")->cur.referred, 5);
	assert_int_equal(row_of(&r, "region-12")->rank, 2);
	assert_int_equal(row_of(&r, "region-12")->rank_of, 2);
	assert_int_equal(row_of(&r, "centre-1888")->rank, 0);
	for (sum = 0, i = 0; i < r.nrows; i++)
		sum += r.rows[i].cur.referred;
	assert_int_equal(sum - r.total.cur.internal_transfers, r.total.cur.referred);
	report_release(&r);

	/* by category: roads A B C E, staff-conduct D; overdue split the same way */
	run(f, &f->insp, "region-12", "1399-03", REPORT_BY_CATEGORY, false, &r);
	row = row_of(&r, "roads");
	assert_int_equal(row->cur.referred, 4);
	assert_int_equal(row->cur.answered, 3);
	assert_int_equal(row->cur.overdue, 1);
	row = row_of(&r, "staff-conduct");
	assert_int_equal(row->cur.referred, 1);
	assert_int_equal(row->cur.answered, 0);
	assert_int_equal(row->cur.overdue, 1);
	report_release(&r);

	/* by channel: everything came by phone */
	run(f, &f->insp, "region-12", "1399-03", REPORT_BY_CHANNEL, false, &r);
	assert_int_equal(r.nrows, CHANNEL_COUNT);
	assert_int_equal(row_of(&r, "phone")->cur.referred, 5);
	assert_int_equal(row_of(&r, "web")->cur.referred, 0);
	report_release(&r);

	/* monthly series of spring with the year before; overdue as of each
	 * month's end (or now) */
	run(f, &f->insp, "region-12", "1399-Q1", REPORT_BY_MONTH, true, &r);
	assert_int_equal(r.nrows, 3);
	assert_int_equal(r.rows[0].cur.referred, 0);
	assert_int_equal(r.rows[2].cur.referred, 5);
	assert_int_equal(r.rows[2].prev.referred, 2);
	assert_string_equal(r.rows[2].key, "1399-03");
	assert_int_equal(r.rows[2].cur.overdue, 2);
	assert_int_equal(r.rows[1].cur.overdue, 0);
	report_release(&r);

	/* weekly: the weeks of Khordad add up to the month */
	run(f, &f->insp, "region-12", "1399-03", REPORT_BY_WEEK, false, &r);
	assert_true(r.nrows >= 5);
	for (sum = 0, i = 0; i < r.nrows; i++)
		sum += r.rows[i].cur.referred;
	assert_int_equal(sum, 5);
	report_release(&r);

	/* a period with nothing: rates undefined, not zero, and no rank */
	run(f, &f->insp, "region-12", "1397", REPORT_BY_NONE, false, &r);
	assert_int_equal(r.total.cur.referred, 0);
	assert_true(isnan(r.total.cur.quantitative_rate));
	assert_true(isnan(r.total.cur.median_hours));
	assert_int_equal(r.total.rank, 0);
	report_release(&r);
	verify_clean(f);
}

/* Each definition at its edge, on its own small history (docs/reports.md's
 * worked examples).  Now is 1399-05-20; the period 1399-04 is over. */
static void definitions_at_their_edges(void **state)
{
	struct fx *f = *state;
	int64_t t = tday(1399, 4, 1), a, b, c, d;
	struct report r;
	struct msg m;
	struct err err;

	/* a: objection then re-answer, then accepted: both verdicts count,
	 * each answer counts, the message is answered once, two obligations */
	a = new_referred(f, t + 1 * H, f->r12, f->cat_roads, KIND_CRITICISM);
	answer_at(f, &f->s12, a, t + 5 * H);
	core_set_now(&f->c, t + 6 * H);
	assert_int_equal(msg_verdict(&f->c, &f->op, a, 0, VERDICT_OBJECT, 1, NULL, &err), 0);
	answer_at(f, &f->s12, a, t + 30 * H);	/* 24 h after the reopen */
	core_set_now(&f->c, t + 31 * H);
	assert_int_equal(msg_verdict(&f->c, &f->op, a, 0, VERDICT_ACCEPT, 4, NULL, &err), 0);
	/* b: referred to region 12, re-referred by the centre to region 1
	 * (before its deadline), answered there: credit to region 1 */
	b = new_referred(f, t + 2 * H, f->r12, f->cat_roads, KIND_CRITICISM);
	core_set_now(&f->c, t + 3 * H);
	assert_int_equal(msg_refer(&f->c, &f->op, b, 0, f->r01, 0, 0, NULL, NULL, &err), 0);
	answer_at(f, &f->s01, b, t + 13 * H);
	/* two grades in the same second: both count, and the hook keeps up
	 * (it tells the transitions apart by their audit entries) */
	core_set_now(&f->c, t + 14 * H);
	assert_int_equal(msg_grade(&f->c, &f->insp, b, 0, GRADE_ACCEPTABLE, "خوب", false, NULL,
				   &err), 0);
	assert_int_equal(msg_grade(&f->c, &f->insp, b, 0, GRADE_UNACCEPTABLE, "نه", false, NULL,
				   &err), 0);
	/* c: never answered, its 48 h deadline long past: late and overdue */
	c = new_referred(f, t + 4 * H, f->r12, f->cat_roads, KIND_CRITICISM);
	/* d: rejected at the centre, never referred: counts nowhere */
	core_set_now(&f->c, t + 5 * H);
	assert_int_equal(fx_register(f, FX_MOBILE, KIND_CRITICISM, f->cat_roads, &m), 0);
	d = m.id;
	assert_int_equal(msg_reject(&f->c, &f->op, d, 0, REJECT_INCOMPLETE, 0, NULL, NULL, &err),
			 0);
	core_set_now(&f->c, tday(1399, 5, 20) + 10 * H);

	run(f, &f->insp, "region-12", "1399-04", REPORT_BY_NONE, false, &r);
	assert_int_equal(r.total.cur.referred, 3);		/* a, b, c */
	assert_int_equal(r.total.cur.answered, 1);		/* a, once */
	assert_int_equal(r.total.cur.answers, 2);		/* a twice */
	assert_int_equal(r.total.cur.transferred_out, 1);	/* b */
	assert_near(r.total.cur.handoff_hours, 1.0);
	assert_int_equal(r.total.cur.judgements, 2);		/* a's objection and accept */
	assert_int_equal(r.total.cur.objections, 1);
	assert_int_equal(r.total.cur.messages_with_objection, 1);
	assert_near(r.total.cur.qualitative_rate, 0.5);
	assert_int_equal(r.total.cur.reopens, 1);
	/* a's two hops on time; b passed on before its deadline (no
	 * obligation); c late */
	assert_int_equal(r.total.cur.obligations, 3);
	assert_int_equal(r.total.cur.late, 1);
	/* handling per hop: a 4 h, then 24 h from the reopen (never the hour
	 * waiting on the citizen) */
	assert_near(r.total.cur.mean_hours, 14.0);
	assert_near(r.total.cur.median_hours, 4.0);
	/* overdue as of the period's end (c since 1399-04-03) and now */
	assert_int_equal(r.total.cur.overdue, 1);
	assert_int_equal(r.overdue_now, 1);
	assert_true(r.as_of < r.generated_at);
	report_release(&r);
	run(f, &f->insp, "region-01", "1399-04", REPORT_BY_NONE, false, &r);
	assert_int_equal(r.total.cur.referred, 1);
	assert_int_equal(r.total.cur.answered, 1);
	assert_near(r.total.cur.mean_hours, 10.0);	/* from its arrival at region 1 */
	assert_int_equal(r.total.cur.grades, 2);
	assert_near(r.total.cur.inspector_rate, 0.5);
	report_release(&r);
	/* the city: b once, with one internal transfer; d nowhere */
	run(f, &f->insp, "tehran", "1399-04", REPORT_BY_CHILD, false, &r);
	assert_int_equal(r.total.cur.referred, 3);
	assert_int_equal(r.total.cur.internal_transfers, 1);
	assert_int_equal(r.total.cur.transferred_out, 0);
	assert_int_equal(row_of(&r, "region-12")->cur.referred +
			 row_of(&r, "region-01")->cur.referred -
			 r.total.cur.internal_transfers, r.total.cur.referred);
	report_release(&r);

	/* by category in a month with no activity: the rows come from the
	 * overdue alone (regression: a row made while scanning the overdue
	 * pairs moved the rows under the scan) */
	run(f, &f->insp, "region-12", "1399-05", REPORT_BY_CATEGORY, false, &r);
	assert_int_equal(r.nrows, 1);
	assert_int_equal(row_of(&r, "roads")->cur.referred, 0);
	assert_int_equal(row_of(&r, "roads")->cur.overdue, 1);
	report_release(&r);

	/* a period that ends before an answer does not count it (as_of) */
	run(f, &f->insp, "region-12", "1399-04-01..1399-04-01", REPORT_BY_NONE, false, &r);
	assert_int_equal(r.total.cur.referred, 3);
	assert_int_equal(r.total.cur.answered, 1);	/* a at +5 h, the same day */
	report_release(&r);
	(void)c;
	(void)d;
	verify_clean(f);
}

/* Handling time is elapsed time: across the night the clocks went back
 * (1399-06-30 had 25 hours), 20:00 to 08:00 is 13 hours. */
static void handling_across_daylight_saving(void **state)
{
	struct fx *f = *state;
	int64_t t = tday(1399, 6, 30) + 20 * H, id;
	struct report r;

	id = new_referred(f, t, f->r12, f->cat_roads, KIND_CRITICISM);
	answer_at(f, &f->s12, id, tday(1399, 6, 31) + 8 * H);
	core_set_now(&f->c, tday(1399, 8, 1));
	run(f, &f->insp, "region-12", "1399-06-20..1399-07-10", REPORT_BY_NONE, false, &r);
	assert_int_equal(r.total.cur.answers, 1);
	assert_near(r.total.cur.mean_hours, 13.0);
	assert_near(r.total.cur.median_hours, 13.0);
	report_release(&r);
	/* the answer fell on 06-31, the referral on 06-30 */
	run(f, &f->insp, "region-12", "1399-06-30..1399-06-30", REPORT_BY_NONE, false, &r);
	assert_int_equal(r.total.cur.referred, 1);
	assert_int_equal(r.total.cur.answers, 0);
	assert_int_equal(r.total.cur.answered, 0);	/* not by that day's end */
	report_release(&r);
	verify_clean(f);
}

/* Percentiles are bin means: exact when a bin holds equal times, and
 * always within max(1%, 6 minutes) of the exact nearest-rank value. */
static void percentiles_exact_at_bin_granularity(void **state)
{
	struct fx *f = *state;
	static const int hours[] = { 1, 2, 2, 5, 7, 9, 30, 100, 200, 400 };
	int64_t t = tday(1399, 5, 1);
	struct report r;
	size_t i;

	for (i = 0; i < sizeof(hours) / sizeof(hours[0]); i++) {
		int64_t id = new_referred(f, t + (int64_t)i * 60, f->r12, f->cat_roads,
					  KIND_CRITICISM);

		answer_at(f, &f->s12, id, t + (int64_t)i * 60 + hours[i] * H);
	}
	run(f, &f->insp, "region-12", "1399-05", REPORT_BY_NONE, false, &r);
	assert_int_equal(r.total.cur.answered, 10);
	assert_near(r.total.cur.median_hours, 7.0);	/* rank 5 of 10 */
	assert_near(r.total.cur.p90_hours, 200.0);	/* rank 9 */
	assert_near(r.total.cur.mean_hours, 756.0 / 10.0);
	report_release(&r);
}

/* Nowruz, Esfand 30 of the leap year 1399, and the 25-hour 1399-06-30. */
static void period_edges(void **state)
{
	struct fx *f = *state;
	struct report r;

	new_referred(f, tday(1400, 1, 1) - 1, f->r12, f->cat_roads, KIND_CRITICISM);
	new_referred(f, tday(1400, 1, 1), f->r12, f->cat_roads, KIND_CRITICISM);
	/* 23:30 on the second pass of the hour after clocks went back */
	new_referred(f, tday(1399, 6, 31) - 30 * 60, f->r12, f->cat_roads, KIND_CRITICISM);
	new_referred(f, tday(1399, 6, 31), f->r12, f->cat_roads, KIND_CRITICISM);
	/* the first instant of 1399-01-02 is 01:00 (00:00 never happened) */
	new_referred(f, tday(1399, 1, 2), f->r12, f->cat_roads, KIND_CRITICISM);
	new_referred(f, tday(1399, 1, 2) - 1, f->r12, f->cat_roads, KIND_CRITICISM);

	run(f, &f->insp, "region-12", "1399-12", REPORT_BY_NONE, false, &r);
	assert_int_equal(r.total.cur.referred, 1);
	report_release(&r);
	run(f, &f->insp, "region-12", "1399-12-30..1399-12-30", REPORT_BY_NONE, true, &r);
	assert_int_equal(r.total.cur.referred, 1);
	assert_string_equal(r.previous.label, "1398-12-29");
	report_release(&r);
	run(f, &f->insp, "region-12", "1400-01", REPORT_BY_NONE, true, &r);
	assert_int_equal(r.total.cur.referred, 1);
	assert_int_equal(r.total.prev.referred, 2);	/* 1399-01: the two DST-day messages */
	report_release(&r);
	run(f, &f->insp, "region-12", "1399-06-30..1399-06-30", REPORT_BY_NONE, false, &r);
	assert_int_equal(r.total.cur.referred, 1);
	report_release(&r);
	run(f, &f->insp, "region-12", "1399-H2", REPORT_BY_NONE, false, &r);
	assert_int_equal(r.total.cur.referred, 1);	/* Esfand 30; 06-31 is still H1 */
	report_release(&r);
	run(f, &f->insp, "region-12", "1399-01-01..1399-01-02", REPORT_BY_WEEK, false, &r);
	assert_int_equal(r.total.cur.referred, 2);
	report_release(&r);
	run(f, &f->insp, "region-12", "1399", REPORT_BY_MONTH, false, &r);
	assert_int_equal(r.nrows, 12);
	assert_int_equal(r.rows[0].cur.referred, 2);
	assert_int_equal(r.rows[5].cur.referred, 2);
	assert_int_equal(r.rows[6].cur.referred, 0);
	assert_int_equal(r.rows[11].cur.referred, 1);
	assert_int_equal(r.total.cur.referred, 5);
	report_release(&r);
	verify_clean(f);
}

/* Recount `referred` straight from the referral chains (the brute-force
 * reference the aggregates must equal): messages whose first hop into
 * unit_a or unit_b fell in [from, to). */
static int64_t brute_referred3(struct fx *f, int64_t unit_a, int64_t unit_b, int64_t unit_c,
			       int64_t from, int64_t to)
{
	struct referral *ch;
	int64_t id, n = 0;
	size_t nch, i;

	for (id = 1;; id++) {
		if (msg_referrals(&f->c, &f->sys, id, &ch, &nch, NULL) < 0)
			break;
		for (i = 0; i < nch; i++) {
			if (ch[i].kind != HOP_RETURN && (ch[i].to_unit == unit_a ||
			    ch[i].to_unit == unit_b || (unit_c && ch[i].to_unit == unit_c))) {
				n += ch[i].at >= from && ch[i].at < to;
				break;
			}
		}
		free(ch);
		if (id > 100000)
			break;
	}
	return n;
}

static int64_t brute_referred(struct fx *f, int64_t unit_a, int64_t unit_b, int64_t from,
			      int64_t to)
{
	return brute_referred3(f, unit_a, unit_b, 0, from, to);
}

static uint64_t seed = 88172645463325252ULL;

static unsigned rnd(unsigned n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned)(seed % n);
}

/* A transition (the switch below) that the state usually allows. */
static unsigned pick_for(enum msg_state st)
{
	static const unsigned from_open[] = { 1, 2, 3, 4, 5 };
	static const unsigned from_answered[] = { 6, 7, 7, 8 };

	switch (st) {
	case STATE_REGISTERED:
	case STATE_RETURNED:
		return rnd(8) ? 0 : 9;
	case STATE_REFERRED:
	case STATE_IN_PROGRESS:
	case STATE_REOPENED:
		return from_open[rnd(5)];
	case STATE_ANSWERED:
		return from_answered[rnd(4)];
	default:
		return 8;
	}
}

/* Register nmsg messages (ids) from *now, then make `steps` random
 * transitions on them, the clock moving on; how many went through. */
static int random_walk(struct fx *f, int64_t *ids, int nmsg, int steps, int64_t *at)
{
	int64_t now = *at;
	struct msg m;
	struct err err;
	int i, ok = 0;
	const int64_t units[] = { f->r12, f->d12, f->r01 };

	for (i = 0; i < nmsg; i++) {
		core_set_now(&f->c, now + i * 600);
		assert_int_equal(fx_register(f, i % 4 ? FX_MOBILE : NULL, KIND_CRITICISM,
					     i % 3 ? f->cat_roads : 0, &m), 0);
		ids[i] = m.id;
	}
	now += nmsg * 600;
	for (i = 0; i < steps; i++) {
		int64_t id = ids[rnd((unsigned)nmsg)];
		const struct actor *staff;
		bool in12;

		now += rnd(40 * H);
		core_set_now(&f->c, now);
		if (msg_get(&f->c, &f->sys, id, &m, NULL, NULL) < 0)
			fail();
		in12 = m.unit_id == f->r12 || m.unit_id == f->d12;
		staff = in12 ? &f->s12 : &f->s01;
		switch (rnd(4) ? pick_for(m.state) : rnd(20)) {
		case 0:
		case 10:
		case 11:
			ok += msg_refer(&f->c, &f->op, id, 0, units[rnd(3)], f->cat_roads,
					(int)rnd(3) * 24, NULL, NULL, &err) == 0;
			break;
		case 1:
			ok += msg_start(&f->c, staff, id, 0, NULL, &err) == 0;
			break;
		case 2:
			ok += msg_transfer(&f->c, &f->s12, id, 0, f->d12, NULL, NULL, &err) == 0;
			break;
		case 3:
			ok += msg_return(&f->c, staff, id, 0, RETURN_NOT_OURS, NULL, NULL, &err) == 0;
			break;
		case 4:
		case 5:
		case 12:
		case 13:
			ok += msg_answer(&f->c, staff, id, 0, "پاسخ", NULL, &err) == 0;
			break;
		case 6:
			ok += msg_close(&f->c, &f->op, id, 0, NULL, &err) == 0;
			break;
		case 7:
		case 14:
		case 15:
			ok += msg_verdict(&f->c, &f->op, id, 0,
					  rnd(2) ? VERDICT_ACCEPT : VERDICT_OBJECT, (int)rnd(6),
					  NULL, &err) == 0;
			break;
		case 8:
		case 16:
			ok += msg_grade(&f->c, &f->insp, id, 0,
					rnd(2) ? GRADE_ACCEPTABLE : GRADE_UNACCEPTABLE, "یادداشت",
					false, NULL, &err) == 0 ||
			      msg_grade(&f->c, &f->insp, id, 0, GRADE_UNACCEPTABLE, "بازگشایی",
					true, NULL, &err) == 0;
			break;
		case 9:
			ok += rnd(4) == 0 && msg_reject(&f->c, &f->op, id, 0, REJECT_INCOMPLETE, 0, NULL, NULL,
					 &err) == 0;
			break;
		default:
			ok += msg_start(&f->c, staff, id, 0, NULL, &err) == 0;
			break;
		}
	}
	*at = now;
	return ok;
}

static void verify_after_random_transitions(void **state)
{
	struct fx *f = *state;
	const int nmsg = 60, steps = 1500;
	int64_t ids[60], now = tday(1399, 11, 20), ref, ans, hsum;
	struct agg_verify_result res;
	struct report r;
	struct err err;
	int ok;

	ok = random_walk(f, ids, nmsg, steps, &now);
	fprintf(stderr, "# %d of %d transitions went through\n", ok, steps);
	/* the walk must have moved messages a lot, not bounced off every rule */
	assert_true(ok > steps / 4);
	assert_int_equal(agg_verify(f->c.st, &res, NULL, NULL, NULL, &err), 0);
	assert_int_equal(res.messages, (size_t)nmsg);
	assert_true(res.cells > 0);
	assert_int_equal(res.differences, 0);

	/* and the report equals a recount straight from the referral chains */
	core_set_now(&f->c, now);
	run(f, &f->insp, "region-12", "1399-11..1401-12", REPORT_BY_NONE, false, &r);
	ref = brute_referred(f, f->r12, f->d12, r.period.start, r.period.end);
	assert_int_equal(r.total.cur.referred, ref);
	assert_true(r.total.cur.answered <= r.total.cur.referred);
	assert_true(ref > 0);
	report_release(&r);

	/* a ragged period: month cells for its whole months, day cells for the
	 * ends, must equal its weeks (day cells only) */
	run(f, &f->insp, "tehran", "1399-11-20..1402-06-13", REPORT_BY_NONE, false, &r);
	{
		struct report w;
		int64_t wref = 0, wans = 0, wev = 0, wob = 0, wlate = 0;
		size_t k;

		run(f, &f->insp, "tehran", "1399-11-20..1402-06-13", REPORT_BY_WEEK, false, &w);
		for (k = 0; k < w.nrows; k++) {
			wref += w.rows[k].cur.referred;
			wans += w.rows[k].cur.answers;
			wev += w.rows[k].cur.judgements;
			wob += w.rows[k].cur.obligations;
			wlate += w.rows[k].cur.late;
		}
		assert_int_equal(wref, r.total.cur.referred);
		assert_int_equal(wans, r.total.cur.answers);
		assert_int_equal(wev, r.total.cur.judgements);
		assert_int_equal(wob, r.total.cur.obligations);
		assert_int_equal(wlate, r.total.cur.late);
		report_release(&w);
		/* the city: the first hop into any of its holding units; each
		 * region row counts its own first hops, the difference being the
		 * moves between them */
		ref = brute_referred3(f, f->r12, f->d12, f->r01, r.period.start, r.period.end);
		assert_int_equal(r.total.cur.referred, ref);
		ans = brute_referred3(f, f->r12, f->d12, 0, r.period.start, r.period.end);
		hsum = brute_referred3(f, f->r01, 0, 0, r.period.start, r.period.end);
		assert_int_equal(ans + hsum - r.total.cur.internal_transfers, ref);
	}
	/* overdue now: open messages held by a unit (not waiting at the
	 * centre) whose deadline fell on a day before today */
	{
		struct msg *mm = calloc(1, sizeof(*mm));
		int64_t id, today, due, overdue = 0;

		assert_int_equal(agg_day_of(now, &today, NULL), 0);
		for (id = 1; msg_get(&f->c, &f->sys, id, mm, NULL, NULL) == 0; id++) {
			if (!msg_is_overdue(mm, now) || mm->unit_id == f->centre)
				continue;
			assert_int_equal(agg_day_of(mm->due_at, &due, NULL), 0);
			overdue += due < today;
		}
		free(mm);
		assert_int_equal(r.overdue_now, overdue);
		if (r.as_of == r.generated_at)
			assert_int_equal(r.total.cur.overdue, overdue);
	}
	report_release(&r);
}

static void lines(const char *line, void *arg)
{
	(void)line;
	(*(int *)arg)++;
}

/* Three wrongs in the stored aggregates, in each backend's spelling of a
 * blob: a cell's counters changed, the pair rows of the first day gone, a
 * cell no message makes. */
static void tamper(struct fx *f)
{
	assert_int_equal(fx_exec(f, f->pg ?
				 "UPDATE agg_cells SET c = '\\x0204'::bytea "
				 "WHERE id = (SELECT min(id) FROM agg_cells WHERE dim = 1);"
				 "DELETE FROM agg_pairs WHERE day = (SELECT min(day) FROM agg_pairs);"
				 "INSERT INTO agg_cells (dim, unit, day, key, c)"
				 " VALUES (2, 999, 1, 0, '\\x02'::bytea);" :
				 /* the key in the rowid (store/cell_pack.h): dim 1's
				  * first cell; dim 2, unit 999, day 1, key 0 */
				 "UPDATE agg_cells SET c = x'0204' "
				 "WHERE id = (SELECT min(id) FROM agg_cells"
				 " WHERE id >= 1152921504606846976);"
				 "DELETE FROM agg_pairs WHERE day = (SELECT min(day) FROM agg_pairs);"
				 "INSERT INTO agg_cells (id, c)"
				 " VALUES (2882338086895812608, x'0102');"), 0);
}

static void verify_finds_tampering_and_rebuild_mends(void **state)
{
	struct fx *f = *state;
	struct agg_verify_result res;
	struct err err;
	int n = 0;

	build_fixture(f);
	verify_clean(f);
	tamper(f);
	assert_int_equal(agg_verify(f->c.st, &res, lines, &n, NULL, &err), 0);
	assert_true(res.differences >= 3);
	assert_int_equal(n, (int)res.differences);
	assert_int_equal(agg_rebuild(f->c.st, &res, NULL, &err), 0);
	verify_clean(f);
}

/* Every stored cell and pair row as a line, in the store's scan order. */
static int dump_cell(const struct agg_row *r, void *arg)
{
	struct buf *b = arg;
	size_t i;

	buf_addf(b, "cell %d %lld %lld %lld:", r->k.dim, (long long)r->k.unit,
		 (long long)r->k.day, (long long)r->k.key);
	for (i = 0; i < AGG_NCOUNTERS; i++)
		buf_addf(b, " %lld", (long long)r->c[i]);
	buf_adds(b, " hist ");
	for (i = 0; i < r->hist_len; i++)
		buf_addf(b, "%02x", r->hist[i]);
	buf_addc(b, '\n');
	return 0;
}

static int dump_pair(const struct agg_pair *p, void *arg)
{
	buf_addf(arg, "pair %d %lld %d %lld %lld %lld: %lld\n", p->dim, (long long)p->unit,
		 p->kind, (long long)p->day, (long long)p->day2, (long long)p->key,
		 (long long)p->n);
	return 0;
}

static void dump_aggs(struct fx *f, struct buf *b)
{
	struct err err;
	int dim, kind;

	buf_reset(b);
	for (dim = 0; dim < AGG_DIM_COUNT; dim++) {
		assert_int_equal(f->c.st->ops->agg_cell_scan(f->c.st, dim, 0, INT64_MIN, INT64_MAX,
							     dump_cell, b, &err), 0);
		for (kind = 0; kind < AGG_PAIR_KINDS; kind++)
			assert_int_equal(f->c.st->ops->agg_pair_scan(f->c.st, dim, 0, kind,
								     INT64_MIN, INT64_MAX, INT64_MIN,
								     dump_pair, b, &err), 0);
	}
	assert_false(buf_error(b));
}

static void collect(const char *line, void *arg)
{
	buf_addf(arg, "%s\n", line);
}

/* The recount by ranges (HAMGAN_TEST_AGG_RANGE: a few messages a range,
 * many temporary runs merged; HAMGAN_TEST_AGG_RUNS: the runs merged into
 * one on the way) writes and verifies exactly what one range does and what
 * the transition hook kept, and finds the same wrongs. */
static void note_progress(void *ctx, int pct, const char *what)
{
	buf_addf(ctx, "%s %d\n", what, pct);
}

static void recount_by_ranges_equals_one_range(void **state)
{
	struct fx *f = *state;
	int64_t ids[40], now = tday(1399, 11, 20);
	struct agg_verify_result one, many;
	struct buf hook = BUF_INIT(64 << 20), a = BUF_INIT(64 << 20), b = BUF_INIT(64 << 20);
	struct err err;

	assert_true(random_walk(f, ids, 40, 800, &now) > 200);
	dump_aggs(f, &hook);
	assert_int_equal(unsetenv("HAMGAN_TEST_AGG_RANGE"), 0);
	assert_int_equal(agg_rebuild(f->c.st, &one, NULL, &err), 0);
	dump_aggs(f, &a);
	assert_string_equal(a.data, hook.data);
	assert_int_equal(setenv("HAMGAN_TEST_AGG_RANGE", "3", 1), 0);
	assert_int_equal(agg_rebuild(f->c.st, &many, NULL, &err), 0);
	dump_aggs(f, &b);
	assert_string_equal(b.data, a.data);
	/* and with the runs merged into one every four */
	assert_int_equal(setenv("HAMGAN_TEST_AGG_RUNS", "4", 1), 0);
	assert_int_equal(agg_rebuild(f->c.st, &many, NULL, &err), 0);
	dump_aggs(f, &b);
	assert_string_equal(b.data, a.data);
	assert_int_equal(agg_verify(f->c.st, &many, NULL, NULL, NULL, &err), 0);
	assert_int_equal(many.differences, 0);
	assert_int_equal(many.cells, one.cells);
	assert_int_equal(many.pairs, one.pairs);
	/* the progress shown: the recount from 0 to 100 by messages, then
	 * the writing or the comparison */
	{
		struct buf seen = BUF_INIT(4096);
		struct progress prog = { note_progress, &seen };

		assert_int_equal(agg_rebuild(f->c.st, &many, &prog, &err), 0);
		assert_string_equal(seen.data, "aggregates: recount 0\naggregates: recount 100\n"
				    "aggregates: writing 0\naggregates: writing 100\n");
		buf_reset(&seen);
		assert_int_equal(agg_verify(f->c.st, &many, NULL, NULL, &prog, &err), 0);
		assert_string_equal(seen.data, "aggregates: recount 0\naggregates: recount 100\n"
				    "aggregates: comparing with the tables 0\n"
				    "aggregates: comparing with the tables 100\n");
		assert_int_equal(many.differences, 0);
		buf_release(&seen);
	}
	assert_int_equal(unsetenv("HAMGAN_TEST_AGG_RUNS"), 0);
	assert_int_equal(agg_rebuild(f->c.st, &many, NULL, &err), 0);
	assert_int_equal(many.messages, 40);
	assert_int_equal(many.messages, one.messages);
	assert_true(many.cells > 100 && many.pairs > 10);
	assert_int_equal(many.cells, one.cells);
	assert_int_equal(many.pairs, one.pairs);
	assert_int_equal(agg_verify(f->c.st, &many, NULL, NULL, NULL, &err), 0);
	assert_int_equal(many.differences, 0);
	assert_int_equal(many.cells, one.cells);
	assert_int_equal(many.pairs, one.pairs);

	/* the same wrongs, described alike by either */
	tamper(f);
	buf_reset(&b);
	assert_int_equal(agg_verify(f->c.st, &many, collect, &b, NULL, &err), 0);
	assert_int_equal(unsetenv("HAMGAN_TEST_AGG_RANGE"), 0);
	buf_reset(&a);
	assert_int_equal(agg_verify(f->c.st, &one, collect, &a, NULL, &err), 0);
	assert_true(one.differences >= 3);
	assert_int_equal(many.differences, one.differences);
	assert_string_equal(b.data, a.data);
	assert_non_null(strstr(a.data, "but no message makes it"));
	assert_non_null(strstr(a.data, ": missing (recount"));
	assert_int_equal(setenv("HAMGAN_TEST_AGG_RANGE", "3", 1), 0);
	assert_int_equal(agg_rebuild(f->c.st, &many, NULL, &err), 0);
	assert_int_equal(unsetenv("HAMGAN_TEST_AGG_RANGE"), 0);
	dump_aggs(f, &b);
	assert_string_equal(b.data, hook.data);
	buf_release(&hook);
	buf_release(&a);
	buf_release(&b);
}

/* Copy table `name` of the attached database `f` into the same table of
 * main, by main's columns (the older schema's). */
static void copy_table(sqlite3 *db, const char *name)
{
	char sql[8192], cols[2000] = "";
	sqlite3_stmt *st;
	size_t n = 0;

	snprintf(sql, sizeof(sql), "PRAGMA main.table_info(%s)", name);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		n += (size_t)snprintf(cols + n, sizeof(cols) - n, "%s%s", n ? "," : "",
				      (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	assert_true(n > 0 && n < sizeof(cols));
	snprintf(sql, sizeof(sql), "INSERT INTO main.%s (%s) SELECT %s FROM f.%s", name, cols,
		 cols, name);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("copy %s: %s", name, sqlite3_errmsg(db));
}

/* A database of the previous release (schema 3: the aggregates by first
 * referral, with a backlog table) holding the fixture's rows upgrades in
 * place when opened: every later migration runs, the aggregates are
 * rebuilt, the audit chain still holds and the figures are the new ones. */
static void upgrade_from_the_previous_release(void **state)
{
	static const char *const tables[] = { "units", "categories", "users", "citizens",
		"live_sessions", "messages", "referrals", "sms_outbox" };
	struct fx *f = *state;
	char old[700], attach[800];
	struct agg_verify_result res;
	struct report r;
	struct err err;
	int64_t count = 0, bad = 0;
	struct audit_entry *list;
	sqlite3_stmt *ins;
	sqlite3 *db;
	size_t i, n;

	build_fixture(f);
	snprintf(old, sizeof(old), "%s/old.db", f->dir);
	assert_int_equal(sqlite3_open(old, &db), SQLITE_OK);
	assert_int_equal(sq_schema_migrate(db, 3, NULL, &err), 0);
	snprintf(attach, sizeof(attach), "ATTACH '%s' AS f", f->path);
	assert_int_equal(sqlite3_exec(db, attach, NULL, NULL, NULL), SQLITE_OK);
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		copy_table(db, tables[i]);
	/* the previous release kept the messages' texts as text (schema 17
	 * packs them) */
	assert_int_equal(sqlite3_exec(db, "UPDATE main.messages SET subject = hamgan_unpack(subject),"
				      " body = hamgan_unpack(body), address = hamgan_unpack(address),"
				      " answer = hamgan_unpack(answer),"
				      " grade_note = hamgan_unpack(grade_note)", NULL, NULL, NULL),
			 SQLITE_OK);
	/* the previous release's audit log held its texts as they are, its
	 * hashes as hex text, and every prev_hash (schema 15: 32 bytes,
	 * prev_hash NULL where it links; 16: names by id, payloads packed):
	 * the entries as the core reads them */
	assert_int_equal(audit_list(&f->c, &f->sys, 0, 1000, &list, &n, &err), 0);
	assert_true(n > 0);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO main.audit (seq, actor, action,"
					    " msg_id, payload, at, prev_hash, hash)"
					    " VALUES (?, ?, ?, nullif(?, 0), ?, ?, ?, ?)", -1, &ins,
					    NULL), SQLITE_OK);
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(ins, 1, list[i].seq);
		sqlite3_bind_text(ins, 2, list[i].actor, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, list[i].action, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 4, list[i].msg_id);
		sqlite3_bind_text(ins, 5, list[i].payload, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 6, list[i].at);
		sqlite3_bind_text(ins, 7, list[i].prev_hash, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 8, list[i].hash, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	free(list);
	/* what the previous release's hook had left: stale old-style rows */
	assert_int_equal(sqlite3_exec(db, "INSERT INTO agg_cells (dim, unit, day, key, referred,"
				      " answered, on_time, handling_sum, evaluated, acceptable,"
				      " verdict_accept, verdict_object, returns, rereferrals, reopens)"
				      " VALUES (0, 4, 18400, 0, 5, 3, 3, 1, 3, 2, 1, 1, 1, 1, 1);"
				      "INSERT INTO agg_backlog VALUES (0, 4, 18400, 0, 2);"
				      "DETACH f;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	core_close(&f->c);
	assert_int_equal(core_open(&f->c, old, &err), 0);
	core_set_now(&f->c, tday(1399, 3, 20) + 10 * H);
	assert_int_equal(agg_verify(f->c.st, &res, NULL, NULL, NULL, &err), 0);
	assert_int_equal(res.differences, 0);
	assert_int_equal(res.messages, 8);
	assert_int_equal(audit_verify(&f->c, &count, &bad, &err), 0);
	run(f, &f->insp, "region-12", "1399-03", REPORT_BY_NONE, false, &r);
	assert_int_equal(r.total.cur.referred, 5);
	assert_int_equal(r.total.cur.answered, 3);
	assert_int_equal(r.total.cur.judgements, 3);
	assert_int_equal(r.total.cur.obligations, 5);
	report_release(&r);
	core_close(&f->c);
	unlink(old);
	fx_open_path(f, false);
}

/* ---- which scopes are stored (core/agg.h, agg_scope_stored) ---- */

static int count_cell(const struct agg_row *r, void *arg)
{
	(void)r;
	(*(size_t *)arg)++;
	return 0;
}

static int count_pair(const struct agg_pair *p, void *arg)
{
	(void)p;
	(*(size_t *)arg)++;
	return 0;
}

/* The stored cells and pair rows of scope. */
static size_t scope_rows(struct fx *f, int64_t scope)
{
	struct err err;
	size_t n = 0;
	int dim, kind;

	for (dim = 0; dim < AGG_DIM_COUNT; dim++) {
		assert_int_equal(f->c.st->ops->agg_cell_scan(f->c.st, dim, scope, INT64_MIN,
							     INT64_MAX, count_cell, &n, &err), 0);
		for (kind = 0; kind < AGG_PAIR_KINDS; kind++)
			assert_int_equal(f->c.st->ops->agg_pair_scan(f->c.st, dim, scope, kind,
								     INT64_MIN, INT64_MAX, INT64_MIN,
								     count_pair, &n, &err), 0);
	}
	return n;
}

/* A unit's --by child report of 1399-03 and the previous year: its own
 * (self) row and its total. */
static void self_and_total(struct fx *f, const char *unit, struct report_figures *self,
			   struct report_figures *total)
{
	struct report r;

	run(f, &f->insp, unit, "1399-03", REPORT_BY_CHILD, true, &r);
	assert_true(r.nrows > 0);
	assert_true(r.rows[r.nrows - 1].self);
	*self = r.rows[r.nrows - 1].cur;
	*total = r.total.cur;
	report_release(&r);
}

/* Regression: a unit without child units alone is its subtree, and its
 * alone rows were stored twice (a sixth of the demo's aggregate rows).
 * They are not stored; its self row reads its subtree's rows. */
static void leaf_alone_rows_not_stored(void **state)
{
	struct fx *f = *state;
	struct report_figures self, total;

	build_fixture(f);
	verify_clean(f);
	assert_true(scope_rows(f, f->d12) > 0);
	assert_true(scope_rows(f, f->r01) > 0);
	assert_int_equal(scope_rows(f, -f->d12), 0);
	assert_int_equal(scope_rows(f, -f->r01), 0);
	/* region 12 has a child: its alone rows are its own */
	assert_true(scope_rows(f, -f->r12) > 0);
	self_and_total(f, "district-12-1", &self, &total);
	assert_int_equal(self.referred, 1);
	assert_int_equal(self.answered, 1);
	assert_int_equal(self.grades, 1);
	assert_memory_equal(&self, &total, sizeof(self));
	self_and_total(f, "region-01", &self, &total);
	assert_int_equal(self.referred, 2);
	assert_int_equal(self.answers, 2);
	assert_memory_equal(&self, &total, sizeof(self));
	self_and_total(f, "region-12", &self, &total);
	assert_int_equal(self.referred, 4);
	assert_int_equal(total.referred, 5);
}

/* Region 1 (E and F, no child yet) gets a district: its alone figures
 * keep their history (copied from its subtree's in the same transaction),
 * its subtree takes the district's messages, and the recount agrees. */
static void first_child_keeps_alone_figures(void **state)
{
	struct fx *f = *state;
	struct report_figures self0, total0, self, total;
	struct unit u;
	struct err err;
	size_t rows;
	int64_t id, now;

	build_fixture(f);
	self_and_total(f, "region-01", &self0, &total0);
	rows = scope_rows(f, f->r01);
	assert_true(rows > 0);
	assert_int_equal(scope_rows(f, -f->r01), 0);

	memset(&u, 0, sizeof(u));
	str_copy(u.code, sizeof(u.code), "district-01-1");
	str_copy(u.name, sizeof(u.name), "ناحیه ۱ منطقه ۱");
	u.kind = UNIT_DISTRICT;
	u.parent_id = f->r01;
	u.active = true;
	assert_int_equal(unit_add(&f->c, &f->adm, &u, &err), 0);
	assert_int_equal(scope_rows(f, -f->r01), rows);
	verify_clean(f);
	self_and_total(f, "region-01", &self, &total);
	assert_memory_equal(&self, &self0, sizeof(self));
	assert_memory_equal(&total, &total0, sizeof(total));

	/* a second child copies nothing again */
	str_copy(u.code, sizeof(u.code), "district-01-2");
	u.id = 0;
	assert_int_equal(unit_add(&f->c, &f->adm, &u, &err), 0);
	assert_int_equal(scope_rows(f, -f->r01), rows);
	verify_clean(f);

	/* the new district's message counts in region 1's subtree only */
	now = tday(1399, 3, 20) + 10 * H;
	id = new_referred(f, tday(1399, 3, 10), fx_unit(f, "district-01-1"), f->cat_roads,
			  KIND_CRITICISM);
	answer_at(f, &f->s01, id, tday(1399, 3, 10) + 2 * H);
	core_set_now(&f->c, now);
	verify_clean(f);
	self_and_total(f, "region-01", &self, &total);
	assert_memory_equal(&self, &self0, sizeof(self));
	assert_int_equal(total.referred, total0.referred + 1);
	assert_int_equal(total.answers, total0.answers + 1);
	assert_int_equal(scope_rows(f, -fx_unit(f, "district-01-1")), 0);
}

/* Migration 24: a database of schema 23 holds the alone rows of its
 * units without children; opening it deletes them, and the recount and
 * the reports agree with what was there. */
static void migration_drops_leaf_alone_rows(void **state)
{
	struct fx *f = *state;
	struct report_figures self0, total0, self, total;
	struct agg_verify_result res;
	char sql[1200];
	struct err err;

	build_fixture(f);
	self_and_total(f, "region-01", &self0, &total0);
	/* what schema 23 kept: -unit's rows, the same as unit's */
	if (f->pg)
		snprintf(sql, sizeof(sql),
			 "INSERT INTO agg_cells (dim, unit, day, key, c, hist)"
			 " SELECT dim, -unit, day, key, c, hist FROM agg_cells"
			 " WHERE unit IN (%lld, %lld);"
			 "INSERT INTO agg_pairs SELECT dim, -unit, kind, day, key, day2, n"
			 " FROM agg_pairs WHERE unit IN (%lld, %lld);"
			 "DROP INDEX units_parent; UPDATE hamgan_schema SET version = 23;",
			 (long long)f->r01, (long long)f->d12, (long long)f->r01,
			 (long long)f->d12);
	else
		snprintf(sql, sizeof(sql),
			 "INSERT INTO agg_cells (id, c, hist) SELECT id - ((2 * %lld) << 35), c,"
			 " hist FROM agg_cells WHERE ((id >> 35) & 33554431) = 16777216 + %lld;"
			 "INSERT INTO agg_cells (id, c, hist) SELECT id - ((2 * %lld) << 35), c,"
			 " hist FROM agg_cells WHERE ((id >> 35) & 33554431) = 16777216 + %lld;"
			 "INSERT INTO agg_pairs SELECT dim, -unit, kind, day, key, counts"
			 " FROM agg_pairs WHERE unit IN (%lld, %lld);"
			 "DROP INDEX units_parent; PRAGMA user_version = 23;",
			 (long long)f->r01, (long long)f->r01, (long long)f->d12,
			 (long long)f->d12, (long long)f->r01, (long long)f->d12);
	core_close(&f->c);
	assert_int_equal(fx_exec(f, sql), 0);
	if (f->pg)
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM agg_cells WHERE unit = %lld",
			 (long long)-f->r01);
	else
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM agg_cells"
			 " WHERE ((id >> 35) & 33554431) = 16777216 - %lld", (long long)f->r01);
	assert_true(fx_int(f, sql) > 0);
	/* opening runs migration 24 */
	fx_open_path(f, false);
	core_set_now(&f->c, tday(1399, 3, 20) + 10 * H);
	assert_int_equal(scope_rows(f, -f->r01), 0);
	assert_int_equal(scope_rows(f, -f->d12), 0);
	assert_true(scope_rows(f, -f->r12) > 0);
	assert_int_equal(agg_verify(f->c.st, &res, NULL, NULL, NULL, &err), 0);
	assert_int_equal(res.differences, 0);
	self_and_total(f, "region-01", &self, &total);
	assert_memory_equal(&self, &self0, sizeof(self));
	assert_memory_equal(&total, &total0, sizeof(total));
}

static void roles_scope_reports(void **state)
{
	struct fx *f = *state;
	struct report_query q;
	struct report r;
	struct err err;
	struct actor cit = actor_citizen(1);
	char before[1024], after[1024];

	build_fixture(f);
	fx_counts(f, before, sizeof(before));
	memset(&q, 0, sizeof(q));
	assert_int_equal(jperiod_parse("1399-03", &q.period, &err), 0);
	q.unit_code = "region-12";
	assert_int_equal(report_run(&f->c, &f->m12, &q, &r, &err), 0);
	report_release(&r);
	q.unit_code = "district-12-1";
	assert_int_equal(report_run(&f->c, &f->m12, &q, &r, &err), 0);
	report_release(&r);
	q.unit_code = "region-01";
	assert_int_equal(report_run(&f->c, &f->m12, &q, &r, &err), ERR_DENIED);
	q.unit_code = "tehran";
	assert_int_equal(report_run(&f->c, &f->m12, &q, &r, &err), ERR_DENIED);
	assert_int_equal(report_run(&f->c, &f->s12, &q, &r, &err), ERR_DENIED);
	assert_int_equal(report_run(&f->c, &cit, &q, &r, &err), ERR_DENIED);
	assert_int_equal(report_run(&f->c, &f->op, &q, &r, &err), 0);
	report_release(&r);
	assert_int_equal(report_run(&f->c, &f->insp, &q, &r, &err), 0);
	report_release(&r);
	q.unit_code = "nowhere";
	assert_int_equal(report_run(&f->c, &f->insp, &q, &r, &err), ERR_NOTFOUND);
	assert_int_equal(report_evaluation(&f->c, &f->m12, &q.period, false, &r, &err),
			 ERR_DENIED);
	/* the city's managers (the mayor manages the root unit) read the
	 * evaluation */
	{
		struct actor mayor = fx_user(f, "mayor", ROLE_MANAGER, f->org);

		assert_int_equal(report_evaluation(&f->c, &mayor, &q.period, false, &r, &err), 0);
		report_release(&r);
		fx_counts(f, before, sizeof(before));
	}
	assert_int_equal(report_evaluation(&f->c, &f->insp, &q.period, false, &r, &err), 0);
	report_release(&r);
	/* reports read only */
	fx_counts(f, after, sizeof(after));
	assert_string_equal(before, after);
}

/* quantity = 100 quantitative rate, quality = 100 qualitative rate,
 * timeliness = 100 on-time rate, score = 0.4 quantity + 0.4 quality + 0.2
 * timeliness, an undefined part counting 0. */
static void evaluation_scores_and_ranks(void **state)
{
	struct fx *f = *state;
	struct report r;
	const struct report_row *row;
	struct jperiod p;

	build_fixture(f);
	assert_int_equal(jperiod_parse("1399-H1", &p, NULL), 0);
	assert_int_equal(report_evaluation(&f->c, &f->insp, &p, true, &r, NULL), 0);
	assert_int_equal(r.nrows, 2);
	assert_string_equal(r.rows[0].key, "region-01");	/* rank order */
	row = row_of(&r, "region-12");
	assert_near(row->quantity_score, 60.0);
	assert_near(row->quality_score, 200.0 / 3.0);
	assert_near(row->timeliness_score, 40.0);
	assert_near(row->score, 0.4 * 60.0 + 0.4 * 200.0 / 3.0 + 0.2 * 40.0);
	assert_int_equal(row->rank, 2);
	row = row_of(&r, "region-01");
	assert_near(row->quantity_score, 100.0);
	assert_near(row->quality_score, 0.0);	/* nothing judged counts 0 */
	assert_near(row->timeliness_score, 100.0);
	assert_near(row->score, 60.0);
	assert_int_equal(row->rank, 1);
	assert_int_equal(r.total.cur.referred, 7);	/* the regions' sum */
	report_release(&r);
}

static void formats(void **state)
{
	struct fx *f = *state;
	struct report r;
	struct buf b = BUF_INIT(CAP_REPORT_OUT);
	char path[700];
	FILE *fp;
	char head[4] = { 0 };

	build_fixture(f);
	run(f, &f->insp, "region-12", "1399-01..1399-09", REPORT_BY_CHILD, true, &r);
	assert_int_equal(report_write(&r, REPORT_FMT_JSON, &b, NULL), 0);
	assert_non_null(strstr(b.data, "\"unit\":\"region-12\""));
	assert_non_null(strstr(b.data, "\"period\":\"1399-F9\""));
	assert_non_null(strstr(b.data, "\"referred\":5,"));
	assert_non_null(strstr(b.data, "\"quantitative_rate\":0.600000"));
	assert_non_null(strstr(b.data, "\"median_handling_hours\":20,"));
	assert_non_null(strstr(b.data, "\"previous\":{\"referred\":2,"));
	assert_non_null(strstr(b.data, "\"change_pct\":{\"referred\":150,"));
	assert_non_null(strstr(b.data, "\"change_pp\":{\"quantitative_rate\":-40,"));
	assert_non_null(strstr(b.data, "\"qualitative_rate\":null"));
	assert_non_null(strstr(b.data, "\"key\":\"region-12\""));
	assert_non_null(strstr(b.data, "\"self\":true"));
	assert_non_null(strstr(b.data, "\"as_of\":\""));
	assert_non_null(strstr(b.data, "\"overdue_now\":2,\"overdue_now_at\":\""));
	buf_reset(&b);
	assert_int_equal(report_write(&r, REPORT_FMT_CSV, &b, NULL), 0);
	assert_memory_equal(b.data, "\xEF\xBB\xBFkey,name,period,referred,", 28);
	assert_non_null(strstr(b.data, "\"district-12-1\""));
	assert_non_null(strstr(b.data, ",change_pp_quantitative_rate,"));
	buf_reset(&b);
	assert_int_equal(report_write(&r, REPORT_FMT_TABLE, &b, NULL), 0);
	assert_non_null(strstr(b.data, "ارجاع‌شده: ۵"));
	assert_non_null(strstr(b.data, "رسیدگی کمّی: ۶۰٫۰٪"));
	assert_non_null(strstr(b.data, "+۱۵۰٫۰٪"));
	assert_non_null(strstr(b.data, "-۴۰٫۰ واحد درصد"));
	buf_release(&b);
	snprintf(path, sizeof(path), "%s/r.xlsx", f->dir);
	assert_int_equal(report_write_xlsx(&r, path, NULL), 0);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(head, 1, 2, fp), 2);
	fclose(fp);
	assert_memory_equal(head, "PK", 2);	/* a zip, as xlsx is */
	unlink(path);
	report_release(&r);
}

int main(void)
{
	int rc;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(figures_by_hand, setup, teardown),
		cmocka_unit_test_setup_teardown(percentiles_exact_at_bin_granularity, setup,
						teardown),
		cmocka_unit_test_setup_teardown(period_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(definitions_at_their_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(handling_across_daylight_saving, setup, teardown),
		cmocka_unit_test_setup_teardown(verify_after_random_transitions, setup, teardown),
		cmocka_unit_test_setup_teardown(recount_by_ranges_equals_one_range, setup, teardown),
		cmocka_unit_test_setup_teardown(verify_finds_tampering_and_rebuild_mends, setup,
						teardown),
		cmocka_unit_test_setup_teardown(leaf_alone_rows_not_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(first_child_keeps_alone_figures, setup, teardown),
		cmocka_unit_test_setup_teardown(migration_drops_leaf_alone_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(roles_scope_reports, setup, teardown),
		cmocka_unit_test_setup_teardown(evaluation_scores_and_ranks, setup, teardown),
		cmocka_unit_test_setup_teardown(formats, setup, teardown),
	};
	/* an upgrade of a SQLite file of the previous release: SQLite's own */
	const struct CMUnitTest sqlite_tests[] = {
		cmocka_unit_test_setup_teardown(upgrade_from_the_previous_release, setup, teardown),
	};

	rc = cmocka_run_group_tests_name("report", tests, NULL, NULL);
	if (!fx_backend_pg())
		rc |= cmocka_run_group_tests_name("report_sqlite", sqlite_tests, NULL, NULL);
	return rc;
}
