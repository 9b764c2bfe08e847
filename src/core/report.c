/*
 * report.c - report figures from the aggregates (core/report.h).
 *
 * A report sums aggregate cells into accumulators: counters plus a dense
 * handling-time histogram.  Which accumulator a cell goes to depends on the
 * grouping: a fixed one (the unit, a child's subtree, a sibling), one per
 * category or channel (the cell's key), or one per series period (the cell's
 * day).  Units are few, so a subtree is found in memory from unit_list.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "core/actor.h"
#include "core/agg.h"
#include "core/batch.h"
#include "core/category.h"
#include "core/core.h"
#include "core/msg.h"
#include "core/report.h"
#include "core/unit.h"
#include "fa/jalali.h"
#include "store/store.h"

static const char *const by_names[REPORT_BY_COUNT] = {
	"none", "child", "category", "channel", "month", "week", "region",
};

const char *report_by_name(enum report_by by)
{
	return (unsigned)by < REPORT_BY_COUNT ? by_names[by] : "?";
}

int report_by_parse(const char *s, enum report_by *out)
{
	int i;

	for (i = 0; i < REPORT_BY_COUNT; i++) {
		if (str_eq(s, by_names[i])) {
			*out = (enum report_by)i;
			return 0;
		}
	}
	return ERR_INVALID;
}

static const char *const field_names[RF_COUNT] = {
	"referred", "answered", "answers", "quantitative_rate", "judgements", "objections",
	"messages_with_objection", "qualitative_rate", "acceptance_rate", "inspector_rate",
	"obligations", "late", "on_time_rate", "mean_handling_hours", "median_handling_hours",
	"p90_handling_hours", "mean_handoff_hours", "overdue", "transferred_out", "returns",
	"rereferrals", "reopens", "internal_transfers", "evaluated", "acceptable", "on_time",
	"verdict_accept", "verdict_object", "grades", "grades_acceptable",
};

static const char *const field_titles_fa[RF_COUNT] = {
	"ارجاع‌شده", "پاسخ‌داده", "پاسخ‌ها", "رسیدگی کمّی", "داوری‌ها", "اعتراض‌ها",
	"پیام‌های با اعتراض", "رسیدگی کیفی", "رضایت شهروند", "تأیید بازرس",
	"تعهدها", "دیرکرد", "پاسخ به‌موقع", "میانگین زمان (ساعت)", "میانه زمان (ساعت)",
	"صدک ۹۰ زمان (ساعت)", "میانگین زمان تا واگذاری (ساعت)", "معوق", "انتقال به بیرون",
	"بازگشت", "ارجاع مجدد", "بازگشایی", "جابه‌جایی درونی", "ارزیابی‌شده", "داوری مثبت",
	"تعهد به‌موقع", "پذیرش شهروند", "اعتراض شهروند", "نمره‌های بازرس", "نمره قابل‌قبول",
};

const char *report_field_name(enum report_field f)
{
	return (unsigned)f < RF_COUNT ? field_names[f] : "?";
}

const char *report_field_title_fa(enum report_field f)
{
	return (unsigned)f < RF_COUNT ? field_titles_fa[f] : "?";
}

bool report_field_is_rate(enum report_field f)
{
	return f == RF_QUANTITATIVE || f == RF_QUALITATIVE || f == RF_ON_TIME ||
	       f == RF_ACCEPTANCE || f == RF_INSPECTOR;
}

double report_field_value(const struct report_figures *f, enum report_field field)
{
	switch (field) {
	case RF_REFERRED: return (double)f->referred;
	case RF_ANSWERED: return (double)f->answered;
	case RF_ANSWERS: return (double)f->answers;
	case RF_QUANTITATIVE: return f->quantitative_rate;
	case RF_JUDGEMENTS: return (double)f->judgements;
	case RF_OBJECTIONS: return (double)f->objections;
	case RF_MSG_OBJECTION: return (double)f->messages_with_objection;
	case RF_QUALITATIVE: return f->qualitative_rate;
	case RF_ACCEPTANCE: return f->acceptance_rate;
	case RF_INSPECTOR: return f->inspector_rate;
	case RF_OBLIGATIONS: return (double)f->obligations;
	case RF_LATE: return (double)f->late;
	case RF_ON_TIME: return f->on_time_rate;
	case RF_MEAN: return f->mean_hours;
	case RF_MEDIAN: return f->median_hours;
	case RF_P90: return f->p90_hours;
	case RF_HANDOFF: return f->handoff_hours;
	case RF_OVERDUE: return f->has_overdue ? (double)f->overdue : NAN;
	case RF_TRANSFERRED_OUT: return (double)f->transferred_out;
	case RF_RETURNS: return (double)f->returns;
	case RF_REREFERRALS: return (double)f->rereferrals;
	case RF_REOPENS: return (double)f->reopens;
	case RF_INTERNAL: return (double)f->internal_transfers;
	case RF_EVALUATED: return (double)f->judgements;
	case RF_ACCEPTABLE: return (double)f->acceptable;
	case RF_ON_TIME_N: return (double)f->on_time;
	case RF_VERDICT_ACCEPT: return (double)f->verdict_accept;
	case RF_VERDICT_OBJECT: return (double)f->verdict_object;
	case RF_GRADES: return (double)f->grades;
	case RF_GRADES_ACCEPTABLE: return (double)f->grades_acceptable;
	case RF_COUNT: break;
	}
	return NAN;
}

/* ---- accumulators ---- */

struct acc {
	int64_t c[AGG_NCOUNTERS];
	int64_t answered;	/* from the ANSWERED pairs */
	bool has_overdue;
	int64_t overdue;
	int64_t hc[AGG_BINS], hs[AGG_BINS];
};

static void acc_merge(struct acc *to, const struct acc *from)
{
	int i;

	for (i = 0; i < AGG_NCOUNTERS; i++)
		to->c[i] += from->c[i];
	to->answered += from->answered;
	to->overdue += from->overdue;
	to->has_overdue = to->has_overdue || from->has_overdue;
	for (i = 0; i < AGG_BINS; i++) {
		to->hc[i] += from->hc[i];
		to->hs[i] += from->hs[i];
	}
}

static double ratio(int64_t a, int64_t b)
{
	return b > 0 ? (double)a / (double)b : NAN;
}

/* The nearest-rank percentile (rank ceil(p * n), p = num/den) as the mean
 * of the bin holding that rank, in hours. */
static double percentile(const struct acc *a, int64_t n, int64_t num, int64_t den)
{
	int64_t rank = (num * n + den - 1) / den, cum = 0;
	int b;

	if (n <= 0)
		return NAN;
	if (rank < 1)
		rank = 1;
	for (b = 0; b < AGG_BINS; b++) {
		cum += a->hc[b];
		if (a->hc[b] > 0 && cum >= rank)
			return (double)a->hs[b] / (double)a->hc[b] / 3600.0;
	}
	return NAN;
}

static void figures_of(const struct acc *a, struct report_figures *f)
{
	const int64_t *c = a->c;
	int64_t n = 0, handoffs;
	int b;

	memset(f, 0, sizeof(*f));
	f->referred = c[AGG_REFERRED];
	f->answered = a->answered;
	f->answers = c[AGG_ANSWERS];
	f->transferred_out = c[AGG_TRANSFERRED_OUT];
	f->returns = c[AGG_RETURNS];
	f->rereferrals = c[AGG_REENTRIES];
	f->reopens = c[AGG_REOPENS];
	f->internal_transfers = c[AGG_INTERNAL];
	f->obligations = c[AGG_OBLIGATIONS];
	f->late = c[AGG_LATE];
	f->on_time = f->obligations - f->late;
	f->verdict_accept = c[AGG_VERDICT_ACCEPT];
	f->verdict_object = c[AGG_VERDICT_OBJECT];
	f->grades = c[AGG_GRADE_OK] + c[AGG_GRADE_BAD];
	f->grades_acceptable = c[AGG_GRADE_OK];
	f->judgements = f->verdict_accept + f->verdict_object + f->grades;
	f->acceptable = f->verdict_accept + f->grades_acceptable;
	f->objections = f->verdict_object;
	f->messages_with_objection = c[AGG_OBJECTED];
	f->has_overdue = a->has_overdue;
	f->overdue = a->has_overdue ? a->overdue : 0;
	f->quantitative_rate = ratio(f->answered, f->referred);
	f->qualitative_rate = ratio(f->acceptable, f->judgements);
	f->on_time_rate = ratio(f->on_time, f->obligations);
	f->acceptance_rate = ratio(f->verdict_accept, f->verdict_accept + f->verdict_object);
	f->inspector_rate = ratio(f->grades_acceptable, f->grades);
	for (b = 0; b < AGG_BINS; b++)
		n += a->hc[b];
	f->mean_hours = f->answers > 0 ?
		(double)c[AGG_HANDLING_SUM] / (double)f->answers / 3600.0 : NAN;
	f->median_hours = percentile(a, n, 1, 2);
	f->p90_hours = percentile(a, n, 9, 10);
	handoffs = f->transferred_out + f->returns;
	f->handoff_hours = handoffs > 0 ? (double)c[AGG_HANDOFF_SUM] / (double)handoffs / 3600.0 :
		NAN;
}

/* ---- groups: where a cell goes ---- */

struct group {
	enum report_by by;
	size_t n, cap;
	int64_t *key;			/* category id / channel / unit id */
	int64_t *lo, *hi, *plo, *phi;	/* series: day ranges, current and previous */
	struct acc **cur, **prev;
};

static void group_release(struct group *g)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		free(g->cur[i]);
		free(g->prev[i]);
	}
	free(g->cur);
	free(g->prev);
	free(g->key);
	free(g->lo);
	free(g->hi);
	free(g->plo);
	free(g->phi);
	memset(g, 0, sizeof(*g));
}

static size_t group_push(struct group *g, int64_t key)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		g->key = xrealloc(g->key, g->cap * sizeof(*g->key));
		g->lo = xrealloc(g->lo, g->cap * sizeof(*g->lo));
		g->hi = xrealloc(g->hi, g->cap * sizeof(*g->hi));
		g->plo = xrealloc(g->plo, g->cap * sizeof(*g->plo));
		g->phi = xrealloc(g->phi, g->cap * sizeof(*g->phi));
		g->cur = xrealloc(g->cur, g->cap * sizeof(*g->cur));
		g->prev = xrealloc(g->prev, g->cap * sizeof(*g->prev));
	}
	g->key[g->n] = key;
	g->lo[g->n] = g->hi[g->n] = g->plo[g->n] = g->phi[g->n] = 0;
	g->cur[g->n] = xcalloc(1, sizeof(struct acc));
	g->prev[g->n] = xcalloc(1, sizeof(struct acc));
	return g->n++;
}

static size_t group_by_key(struct group *g, int64_t key)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->key[i] == key)
			return i;
	return group_push(g, key);
}

/* The series row holding day, or (size_t)-1. */
static size_t group_by_day(const struct group *g, int64_t day, bool prev)
{
	const int64_t *lo = prev ? g->plo : g->lo, *hi = prev ? g->phi : g->hi;
	size_t a = 0, b = g->n, m;

	while (a < b) {
		m = a + (b - a) / 2;
		if (hi[m] < day)
			a = m + 1;
		else
			b = m;
	}
	if (a < g->n && lo[a] <= day && day <= hi[a])
		return a;
	return (size_t)-1;
}

#define MASK_ALL ((1u << AGG_NCOUNTERS) - 1)
#define MASK_DUE ((1u << AGG_OBLIGATIONS) | (1u << AGG_LATE))

struct scan {
	struct acc *fixed;	/* when set, every cell goes here */
	struct group *g;
	bool prev;
	unsigned mask;		/* counters taken from cells */
	int64_t today;		/* answered: second day <= min(row's last day, today) */
	int64_t d2max;		/* fixed: the answered cut-off day */
	int64_t over_after;	/* overdue: ended after this day */
};

static struct acc *scan_acc(struct scan *s, int64_t day, int64_t key, size_t *row)
{
	size_t i;

	*row = (size_t)-1;
	if (s->fixed)
		return s->fixed;
	if (s->g->by == REPORT_BY_MONTH || s->g->by == REPORT_BY_WEEK)
		i = group_by_day(s->g, day, s->prev);
	else
		i = group_by_key(s->g, key);
	if (i == (size_t)-1)
		return NULL;
	*row = i;
	return s->prev ? s->g->prev[i] : s->g->cur[i];
}

static int scan_cell(const struct agg_row *r, void *arg)
{
	struct scan *s = arg;
	size_t row;
	struct acc *a = scan_acc(s, r->k.day, r->k.key, &row);
	int k;

	if (!a)
		return 0;
	for (k = 0; k < AGG_NCOUNTERS; k++)
		if (s->mask & (1u << k))
			a->c[k] += r->c[k];
	if ((s->mask & (1u << AGG_ANSWERS)) &&
	    agg_hist_decode_dense(r->hist, r->hist_len, a->hc, a->hs) < 0)
		return ERR_STORE;
	return 0;
}

static int scan_answered(const struct agg_pair *p, void *arg)
{
	struct scan *s = arg;
	size_t row;
	struct acc *a = scan_acc(s, p->day, p->key, &row);
	int64_t cut = s->d2max;

	if (!a)
		return 0;
	if (row != (size_t)-1 && (s->g->by == REPORT_BY_MONTH || s->g->by == REPORT_BY_WEEK)) {
		cut = s->prev ? s->g->phi[row] : s->g->hi[row];
		if (cut > s->today)
			cut = s->today;
	}
	if (p->day2 <= cut)
		a->answered += p->n;
	return 0;
}

static int scan_due(const struct agg_pair *p, void *arg)
{
	struct scan *s = arg;
	struct acc *a = s->fixed;
	size_t i;

	/* the store passed only the rows still open after s->over_after */
	if (!a) {
		i = group_by_key(s->g, p->key);	/* may grow g->cur: index first */
		a = s->g->cur[i];
	}
	a->overdue += p->n;
	return 0;
}

/* ---- the unit tree ---- */

struct tree {
	struct unit *u;
	size_t n;
};

struct ctx {
	struct core *c;
	struct store *st;
	struct tree t;
	int64_t today;
	struct err *err;
};

static int scan_err(struct ctx *x, int rc)
{
	if (rc == ERR_STORE && x->err && x->err->code == 0)
		return err_set(x->err, ERR_STORE, "", "aggregate histogram is damaged "
			       "(run 'hamgan report --rebuild')");
	return rc;
}

/* The whole Jalali months inside [d0, d1]: their first and last day
 * ([*ms, *me], empty when *ms > *me). */
static void whole_months(int64_t d0, int64_t d1, int64_t *ms, int64_t *me)
{
	struct jdate a, b;

	*ms = 1;
	*me = 0;
	if (jalali_from_days(d0, &a) < 0 || jalali_from_days(d1, &b) < 0)
		return;
	*ms = a.d == 1 ? d0 : d0 - (a.d - 1) + jalali_month_days(a.y, a.m);
	*me = b.d == jalali_month_days(b.y, b.m) ? d1 : d1 - b.d;
}

/* The scope whose rows hold scope's figures: a unit without children
 * alone is read as its subtree (core/agg.h, agg_scope_stored). */
static int64_t stored_scope(const struct ctx *x, int64_t scope)
{
	size_t i;

	if (scope > 0)
		return scope;
	for (i = 0; i < x->t.n; i++)
		if (x->t.u[i].parent_id == -scope)
			return agg_scope_read(scope, true);
	return agg_scope_read(scope, false);
}

/* Visit cells (kind < 0) or pair rows of kind of grouping dim for scope
 * over days [d0, d1]: month rows for the whole months, day rows for the
 * ragged ends (days_only: day rows throughout, for weeks). */
static int visit(struct ctx *x, int64_t scope, int dim, int kind, int64_t d0, int64_t d1,
		 bool days_only, struct scan *s)
{
	struct store *st = x->st;
	int64_t ms, me, r[3][2];
	int dims[3], i, rc = 0;

	if (d0 > d1)
		return 0;
	scope = stored_scope(x, scope);
	whole_months(d0, d1, &ms, &me);
	if (days_only || ms > me) {
		dims[0] = dim;
		r[0][0] = d0;
		r[0][1] = d1;
		dims[1] = dims[2] = -1;
	} else {
		dims[0] = dim;
		r[0][0] = d0;
		r[0][1] = ms - 1;
		dims[1] = dim + AGG_DIM_MONTH;
		r[1][0] = ms;
		r[1][1] = me;
		dims[2] = dim;
		r[2][0] = me + 1;
		r[2][1] = d1;
	}
	for (i = 0; i < 3 && rc == 0; i++) {
		if (dims[i] < 0 || r[i][0] > r[i][1])
			continue;
		if (kind < 0)
			rc = st->ops->agg_cell_scan(st, dims[i], scope, r[i][0], r[i][1], scan_cell, s,
						    x->err);
		else
			rc = st->ops->agg_pair_scan(st, dims[i], scope, kind, r[i][0], r[i][1],
						    kind == AGG_PAIR_DUE ? s->over_after : INT64_MIN,
						    kind == AGG_PAIR_ANSWERED ? scan_answered :
						    scan_due, s, x->err);
	}
	return scan_err(x, rc);
}

/* The first day any figure can have: 1300-01-01. */
static int64_t day_floor(void)
{
	struct jdate d = { 1300, 1, 1 };

	return jalali_to_days(&d);
}

/*
 * Sum scope's figures of grouping dim over [d0, d1] into s: every counter,
 * obligations only where the deadline's day is over (before today),
 * answered with its answer by min(d1, today).
 */
static int sum_range(struct ctx *x, int64_t scope, int dim, int64_t d0, int64_t d1,
		     bool days_only, struct scan *s)
{
	int64_t obl_end = d1 < x->today ? d1 : x->today - 1;
	int rc;

	s->today = x->today;
	s->d2max = d1 < x->today ? d1 : x->today;
	s->mask = MASK_ALL & ~MASK_DUE;
	rc = visit(x, scope, dim, -1, d0, d1, days_only, s);
	s->mask = MASK_DUE;
	if (rc == 0)
		rc = visit(x, scope, dim, -1, d0, obl_end, days_only, s);
	s->mask = MASK_ALL;
	if (rc == 0)
		rc = visit(x, scope, dim, AGG_PAIR_ANSWERED, d0, d1, days_only, s);
	return rc;
}

/* Overdue of scope as of the end of day `last` (last < today: obligations
 * due by then and not over by its end), or now (last >= today: due before
 * today, still open). */
static int overdue_at(struct ctx *x, int64_t scope, int dim, int64_t last, struct scan *s)
{
	int64_t due_to = last < x->today ? last : x->today - 1;

	s->over_after = last < x->today ? last : x->today;
	if (s->fixed)
		s->fixed->has_overdue = true;
	return visit(x, scope, dim, AGG_PAIR_DUE, day_floor(), due_to, false, s);
}

static int period_days(const struct jperiod *p, int64_t *d0, int64_t *d1)
{
	*d0 = jalali_to_days(&p->first);
	*d1 = jalali_to_days(&p->last);
	return 0;
}

/* Figures of one scope: current and previous, each with overdue as of its
 * as_of. */
static int scope_figures(struct ctx *x, int64_t scope, const struct report *r, struct acc *cur,
			 struct acc *prev)
{
	struct scan s = { cur, NULL, false, 0, 0, 0, 0 };
	int64_t d0, d1;
	int rc;

	period_days(&r->period, &d0, &d1);
	rc = sum_range(x, scope, AGG_DIM_ALL, d0, d1, false, &s);
	if (rc == 0)
		rc = overdue_at(x, scope, AGG_DIM_ALL, d1, &s);
	if (rc == 0 && r->compare) {
		s.fixed = prev;
		s.prev = true;
		period_days(&r->previous, &d0, &d1);
		rc = sum_range(x, scope, AGG_DIM_ALL, d0, d1, false, &s);
		if (rc == 0)
			rc = overdue_at(x, scope, AGG_DIM_ALL, d1, &s);
	}
	return rc;
}

static void fill_change(struct report_row *row)
{
	int f;

	for (f = 0; f < RF_COUNT; f++) {
		double cur = report_field_value(&row->cur, (enum report_field)f);
		double prev = report_field_value(&row->prev, (enum report_field)f);

		if (isnan(cur) || isnan(prev))
			row->change[f] = NAN;
		else if (report_field_is_rate((enum report_field)f))
			row->change[f] = (cur - prev) * 100.0;	/* points */
		else
			row->change[f] = prev == 0 ? NAN : (cur - prev) / prev * 100.0;
	}
}

/* The evaluation score of a row (docs/reports.md): each part 0..100, an
 * undefined part counting 0. */
static void score_row(struct report_row *row)
{
	const struct report_figures *f = &row->cur;

	row->quantity_score = isnan(f->quantitative_rate) ? 0 : 100.0 * f->quantitative_rate;
	row->quality_score = isnan(f->qualitative_rate) ? 0 : 100.0 * f->qualitative_rate;
	row->timeliness_score = isnan(f->on_time_rate) ? 0 : 100.0 * f->on_time_rate;
	row->score = REPORT_W_QUANTITY * row->quantity_score +
		     REPORT_W_QUALITY * row->quality_score +
		     REPORT_W_TIMELINESS * row->timeliness_score;
}

static void row_from(struct report_row *row, const struct report *r, const struct acc *cur,
		     const struct acc *prev)
{
	figures_of(cur, &row->cur);
	score_row(row);
	if (r->compare && prev) {
		figures_of(prev, &row->prev);
		fill_change(row);
	} else {
		int f;

		for (f = 0; f < RF_COUNT; f++)
			row->change[f] = NAN;
	}
}

/* Rank order: higher score, then higher quantity, quality and timeliness
 * parts, then more messages referred, then code. */
static int cmp_score(const void *pa, const void *pb)
{
	const struct report_row *a = *(const struct report_row *const *)pa;
	const struct report_row *b = *(const struct report_row *const *)pb;

	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	if (a->quantity_score != b->quantity_score)
		return a->quantity_score < b->quantity_score ? 1 : -1;
	if (a->quality_score != b->quality_score)
		return a->quality_score < b->quality_score ? 1 : -1;
	if (a->timeliness_score != b->timeliness_score)
		return a->timeliness_score < b->timeliness_score ? 1 : -1;
	if (a->cur.referred != b->cur.referred)
		return a->cur.referred < b->cur.referred ? 1 : -1;
	return strcmp(a->key, b->key);
}

static int cmp_by_rank(const void *pa, const void *pb)
{
	const struct report_row *a = pa, *b = pb;
	int ra = a->rank ? a->rank : 1 << 30, rb = b->rank ? b->rank : 1 << 30;

	if (ra != rb)
		return (ra > rb) - (ra < rb);
	return strcmp(a->key, b->key);
}

/* Rank the rows that received messages (referred > 0, not a self row);
 * the others get rank 0 (not ranked). */
static void rank_rows(struct report_row *rows, size_t n)
{
	struct report_row **p;
	size_t i, k = 0;

	if (!n)
		return;
	p = xmalloc(n * sizeof(*p));
	for (i = 0; i < n; i++) {
		rows[i].rank = rows[i].rank_of = 0;
		if (rows[i].cur.referred > 0 && !rows[i].self)
			p[k++] = &rows[i];
	}
	qsort(p, k, sizeof(*p), cmp_score);
	for (i = 0; i < k; i++) {
		p[i]->rank = (int)i + 1;
		p[i]->rank_of = (int)k;
	}
	free(p);
}

static void unit_row(struct report_row *row, const struct unit *u)
{
	row->id = u->id;
	str_copy(row->key, sizeof(row->key), u->code);
	str_copy(row->name, sizeof(row->name), u->name);
}

/* U's rank among the children of its parent that received messages. */
static int rank_among_siblings(struct ctx *x, struct report *r)
{
	struct report_row *rows = NULL;
	struct acc *a = NULL;
	size_t n = 0, i;
	int rc = 0;

	if (!r->unit.parent_id) {
		if (r->total.cur.referred > 0)
			r->total.rank = r->total.rank_of = 1;
		return 0;
	}
	rows = xcalloc(x->t.n, sizeof(*rows));
	a = xmalloc(sizeof(*a));
	for (i = 0; i < x->t.n && rc == 0; i++) {
		const struct unit *u = &x->t.u[i];
		struct scan s = { a, NULL, false, 0, 0, 0, 0 };
		int64_t d0, d1;

		if (u->parent_id != r->unit.parent_id || (!u->active && u->id != r->unit.id))
			continue;
		memset(a, 0, sizeof(*a));
		period_days(&r->period, &d0, &d1);
		rc = sum_range(x, u->id, AGG_DIM_ALL, d0, d1, false, &s);
		unit_row(&rows[n], u);
		figures_of(a, &rows[n].cur);
		score_row(&rows[n]);
		n++;
	}
	if (rc == 0) {
		rank_rows(rows, n);
		for (i = 0; i < n; i++) {
			if (rows[i].id == r->unit.id) {
				r->total.rank = rows[i].rank;
				r->total.rank_of = rows[i].rank_of;
			}
		}
	}
	free(a);
	free(rows);
	return rc;
}

static const char *const channel_fa[CHANNEL_COUNT] = {
	"تلفن", "وب", "پیامک", "Open311", "ارتباط مستقیم",
};

/* One row per child with its subtree, then the unit's own row (scope -U,
 * key its code, self). */
static int rows_by_child(struct ctx *x, struct report *r)
{
	struct acc *cur = xmalloc(sizeof(*cur)), *prev = xmalloc(sizeof(*prev));
	struct report_row *row;
	size_t i;
	int rc = 0;

	r->rows = xcalloc(x->t.n + 1, sizeof(*r->rows));
	for (i = 0; i < x->t.n && rc == 0; i++) {
		const struct unit *u = &x->t.u[i];

		if (u->parent_id != r->unit.id || u->id == r->unit.id)
			continue;
		memset(cur, 0, sizeof(*cur));
		memset(prev, 0, sizeof(*prev));
		rc = scope_figures(x, u->id, r, cur, prev);
		row = &r->rows[r->nrows++];
		unit_row(row, u);
		row->period = r->period;
		row_from(row, r, cur, prev);
	}
	if (rc == 0) {
		memset(cur, 0, sizeof(*cur));
		memset(prev, 0, sizeof(*prev));
		rc = scope_figures(x, -r->unit.id, r, cur, prev);
		row = &r->rows[r->nrows++];
		unit_row(row, &r->unit);
		row->self = true;
		row->period = r->period;
		row_from(row, r, cur, prev);
	}
	if (rc == 0)
		rank_rows(r->rows, r->nrows);
	free(cur);
	free(prev);
	return rc;
}

static int rows_by_key(struct ctx *x, struct report *r)
{
	struct group g = { 0 };
	struct category *cats = NULL;
	size_t ncats = 0, i, j;
	int64_t d0, d1;
	int dim = r->by == REPORT_BY_CATEGORY ? AGG_DIM_CATEGORY : AGG_DIM_CHANNEL;
	int rc;
	struct scan s = { NULL, &g, false, 0, 0, 0, 0 };

	g.by = r->by;
	if (r->by == REPORT_BY_CHANNEL) {
		for (i = 0; i < CHANNEL_COUNT; i++)
			group_push(&g, (int64_t)i);
	}
	period_days(&r->period, &d0, &d1);
	rc = sum_range(x, r->unit.id, dim, d0, d1, false, &s);
	if (rc == 0)
		rc = overdue_at(x, r->unit.id, dim, d1, &s);
	if (rc == 0 && r->compare) {
		s.prev = true;
		period_days(&r->previous, &d0, &d1);
		rc = sum_range(x, r->unit.id, dim, d0, d1, false, &s);
	}
	if (rc == 0 && r->by == REPORT_BY_CATEGORY)
		rc = category_list(x->c, &cats, &ncats, x->err);
	if (rc < 0)
		goto out;
	r->rows = xcalloc(g.n ? g.n : 1, sizeof(*r->rows));
	r->nrows = g.n;
	for (i = 0; i < g.n; i++) {
		struct report_row *row = &r->rows[i];

		g.cur[i]->has_overdue = true;
		row->id = g.key[i];
		row->period = r->period;
		if (r->by == REPORT_BY_CHANNEL) {
			str_copy(row->key, sizeof(row->key),
				 msg_channel_name((enum msg_channel)g.key[i]));
			str_copy(row->name, sizeof(row->name),
				 (uint64_t)g.key[i] < CHANNEL_COUNT ? channel_fa[g.key[i]] : "?");
		} else if (g.key[i] == 0) {
			str_copy(row->key, sizeof(row->key), "none");
			str_copy(row->name, sizeof(row->name), "بدون دسته");
		} else {
			snprintf(row->key, sizeof(row->key), "%lld", (long long)g.key[i]);
			str_copy(row->name, sizeof(row->name), row->key);
			for (j = 0; j < ncats; j++) {
				if (cats[j].id == g.key[i]) {
					str_copy(row->key, sizeof(row->key), cats[j].code);
					str_copy(row->name, sizeof(row->name), cats[j].name);
				}
			}
		}
		row_from(row, r, g.cur[i], g.prev[i]);
	}
	if (r->by == REPORT_BY_CATEGORY)
		rank_rows(r->rows, r->nrows);
out:
	free(cats);
	group_release(&g);
	return rc;
}

static int rows_by_series(struct ctx *x, struct report *r)
{
	struct jperiod *ps = xcalloc(CAP_REPORT_SERIES, sizeof(*ps));
	struct group g = { 0 };
	struct scan s = { NULL, &g, false, 0, 0, 0, 0 };
	bool weeks = r->by == REPORT_BY_WEEK;
	size_t n = 0, i;
	int rc;

	g.by = r->by;
	if (r->by == REPORT_BY_MONTH)
		rc = jperiod_months(&r->period, ps, CAP_REPORT_SERIES, &n, x->err);
	else
		rc = jperiod_weeks(&r->period, ps, CAP_REPORT_SERIES, &n, x->err);
	if (rc < 0)
		goto out;
	for (i = 0; i < n; i++) {
		struct jperiod pp;

		group_push(&g, (int64_t)i);
		period_days(&ps[i], &g.lo[i], &g.hi[i]);
		if (r->compare) {
			rc = jperiod_previous_year(&ps[i], &pp, x->err);
			if (rc < 0)
				goto out;
			period_days(&pp, &g.plo[i], &g.phi[i]);
		}
	}
	rc = sum_range(x, r->unit.id, AGG_DIM_ALL, n ? g.lo[0] : 0, n ? g.hi[n - 1] : -1, weeks,
		       &s);
	if (rc == 0 && r->compare && n) {
		s.prev = true;
		rc = sum_range(x, r->unit.id, AGG_DIM_ALL, g.plo[0], g.phi[n - 1], weeks, &s);
	}
	/* overdue as of each row's end */
	for (i = 0; rc == 0 && i < n; i++) {
		struct scan o = { g.cur[i], NULL, false, 0, 0, 0, 0 };

		rc = overdue_at(x, r->unit.id, AGG_DIM_ALL, g.hi[i], &o);
		if (rc == 0 && r->compare) {
			o.fixed = g.prev[i];
			rc = overdue_at(x, r->unit.id, AGG_DIM_ALL, g.phi[i], &o);
		}
	}
	if (rc < 0)
		goto out;
	r->rows = xcalloc(n ? n : 1, sizeof(*r->rows));
	r->nrows = n;
	for (i = 0; i < n; i++) {
		struct report_row *row = &r->rows[i];

		row->period = ps[i];
		str_copy(row->key, sizeof(row->key), ps[i].label);
		if (r->by == REPORT_BY_MONTH && ps[i].first.d == 1 &&
		    ps[i].last.d == jalali_month_days(ps[i].last.y, ps[i].last.m))
			snprintf(row->name, sizeof(row->name), "%s %d",
				 jalali_month_name(ps[i].first.m), ps[i].first.y);
		else
			str_copy(row->name, sizeof(row->name), ps[i].label);
		row_from(row, r, g.cur[i], g.prev[i]);
	}
out:
	group_release(&g);
	free(ps);
	return rc;
}

static int may_report(struct core *c, const struct actor *a, int64_t unit, struct err *err)
{
	bool yes = false;
	int rc;

	switch (a->role) {
	case ROLE_OPERATOR:
	case ROLE_INSPECTOR:
	case ROLE_ADMIN:
	case ROLE_SYSTEM:
		return 0;
	case ROLE_MANAGER:
		rc = unit_within(c, a->unit_id, unit, &yes, err);
		if (rc < 0)
			return rc;
		if (yes)
			return 0;
		return err_set(err, ERR_DENIED, "unit", "a manager sees reports of their own "
			       "units only");
	default:
		return err_set(err, ERR_DENIED, "", "reports are for managers, operators and "
			       "inspectors");
	}
}

static int ctx_open(struct ctx *x, struct core *c, struct report *r, struct err *err)
{
	int rc;

	memset(x, 0, sizeof(*x));
	x->c = c;
	x->st = c->st;
	x->err = err;
	r->generated_at = core_now(c);
	r->as_of = r->period.end < r->generated_at ? r->period.end : r->generated_at;
	rc = agg_day_of(r->generated_at, &x->today, err);
	if (rc < 0)
		return rc;
	r->today = x->today;
	return unit_list(c, &x->t.u, &x->t.n, err);
}

/* Overdue now (as of generated_at), U's subtree. */
static int overdue_now(struct ctx *x, struct report *r, int64_t scope)
{
	struct acc *a = xcalloc(1, sizeof(*a));
	struct scan s = { a, NULL, false, 0, 0, 0, 0 };
	int rc = overdue_at(x, scope, AGG_DIM_ALL, x->today, &s);

	r->has_overdue_now = rc == 0;
	r->overdue_now = a->overdue;
	free(a);
	return rc;
}

static int run(struct core *c, const struct actor *a, const struct report_query *q,
	       struct report *out, struct err *err)
{
	struct ctx x;
	struct acc *cur = NULL, *prev = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	if ((unsigned)q->by >= REPORT_BY_REGION)
		return err_set(err, ERR_INVALID, "by", "unknown grouping");
	if (q->unit_id)
		rc = unit_get(c, q->unit_id, &out->unit, err);
	else
		rc = unit_get_by_code(c, q->unit_code ? q->unit_code : "", &out->unit, err);
	if (rc < 0)
		return rc;
	rc = may_report(c, a, out->unit.id, err);
	if (rc < 0)
		return rc;
	out->period = q->period;
	out->compare = q->compare;
	out->by = q->by;
	if (q->compare) {
		rc = jperiod_previous_year(&q->period, &out->previous, err);
		if (rc < 0)
			return rc;
	}
	rc = ctx_open(&x, c, out, err);
	if (rc < 0)
		goto out;
	cur = xcalloc(1, sizeof(*cur));
	prev = xcalloc(1, sizeof(*prev));
	rc = scope_figures(&x, out->unit.id, out, cur, prev);
	if (rc == 0)
		rc = overdue_now(&x, out, out->unit.id);
	if (rc < 0)
		goto out;
	unit_row(&out->total, &out->unit);
	out->total.period = out->period;
	row_from(&out->total, out, cur, prev);
	rc = rank_among_siblings(&x, out);
	if (rc < 0)
		goto out;
	switch (q->by) {
	case REPORT_BY_CHILD:
		rc = rows_by_child(&x, out);
		break;
	case REPORT_BY_CATEGORY:
	case REPORT_BY_CHANNEL:
		rc = rows_by_key(&x, out);
		break;
	case REPORT_BY_MONTH:
	case REPORT_BY_WEEK:
		rc = rows_by_series(&x, out);
		break;
	default:
		break;
	}
out:
	free(cur);
	free(prev);
	free(x.t.u);
	if (rc < 0)
		report_release(out);
	return rc;
}

static int evaluation(struct core *c, const struct actor *a, const struct jperiod *p,
		      bool compare, struct report *out, struct err *err)
{
	struct ctx x;
	struct acc *cur = NULL, *prev = NULL, *tc = NULL, *tp = NULL;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	out->period = *p;
	out->compare = compare;
	out->by = REPORT_BY_REGION;
	if (compare) {
		rc = jperiod_previous_year(p, &out->previous, err);
		if (rc < 0)
			return rc;
	}
	rc = ctx_open(&x, c, out, err);
	if (rc < 0)
		goto out;
	for (i = 0; i < x.t.n; i++) {
		if (x.t.u[i].parent_id == 0) {
			out->unit = x.t.u[i];
			break;
		}
	}
	/* the city's report: inspectors, the centre, admins and the managers
	 * of the root unit (the mayor) */
	rc = may_report(c, a, out->unit.id, err);
	if (rc < 0)
		goto out;
	str_copy(out->total.key, sizeof(out->total.key), "regions");
	str_copy(out->total.name, sizeof(out->total.name), "همه مناطق");
	out->total.period = *p;
	cur = xmalloc(sizeof(*cur));
	prev = xmalloc(sizeof(*prev));
	tc = xcalloc(1, sizeof(*tc));
	tp = xcalloc(1, sizeof(*tp));
	out->rows = xcalloc(x.t.n ? x.t.n : 1, sizeof(*out->rows));
	for (i = 0; i < x.t.n; i++) {
		const struct unit *u = &x.t.u[i];
		struct report_row *row;

		if (u->kind != UNIT_REGION || !u->active)
			continue;
		memset(cur, 0, sizeof(*cur));
		memset(prev, 0, sizeof(*prev));
		rc = scope_figures(&x, u->id, out, cur, prev);
		if (rc < 0)
			goto out;
		acc_merge(tc, cur);
		acc_merge(tp, prev);
		row = &out->rows[out->nrows++];
		unit_row(row, u);
		row->period = *p;
		row_from(row, out, cur, prev);
	}
	rank_rows(out->rows, out->nrows);
	if (out->nrows)
		qsort(out->rows, out->nrows, sizeof(out->rows[0]), cmp_by_rank);
	row_from(&out->total, out, tc, tp);
out:
	free(cur);
	free(prev);
	free(tc);
	free(tp);
	free(x.t.u);
	if (rc < 0)
		report_release(out);
	return rc;
}

/*
 * A report is some hundred statements: they run in one read snapshot, so
 * its figures are of one moment and the database's read lock is taken once
 * instead of once a statement (the system calls and the transaction starts
 * were a tenth of a report's time).  Inside a caller's own transaction the
 * snapshot is refused and the statements run in that.
 */
int report_run(struct core *c, const struct actor *a, const struct report_query *q,
	       struct report *out, struct err *err)
{
	bool snap = core_batch_snapshot(c, true, NULL) == 0;
	int rc = run(c, a, q, out, err);

	if (snap)
		core_batch_snapshot(c, false, NULL);
	return rc;
}

int report_evaluation(struct core *c, const struct actor *a, const struct jperiod *p,
		      bool compare, struct report *out, struct err *err)
{
	bool snap = core_batch_snapshot(c, true, NULL) == 0;
	int rc = evaluation(c, a, p, compare, out, err);

	if (snap)
		core_batch_snapshot(c, false, NULL);
	return rc;
}

void report_release(struct report *r)
{
	free(r->rows);
	r->rows = NULL;
	r->nrows = 0;
}
