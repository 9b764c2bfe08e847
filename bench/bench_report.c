/*
 * bench_report.c - report time against the number of messages
 * (docs/performance.md, "Reports").
 *
 * For each size (default 1, 5 and 10 million messages) it builds a database
 * with the organisation of Tehran (22 regions of 5 districts each) and the
 * aggregates of that many synthetic messages referred over 1398-1400, made
 * by the same contribution function and store path the transitions use
 * (agg_tally_add with a synthetic history, agg_tally_write) one month per transaction; the
 * message rows themselves are not written (reports never read them).  Then
 * it times each report RUNS times and prints the medians and their ratio to
 * the first size.
 *
 *	build/bench/bench_report [--dir DIR] [--runs N] [--keep] [SIZE...]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/num.h"
#include "base/str.h"
#include "core/actor.h"
#include "core/agg.h"
#include "core/core.h"
#include "core/msg.h"
#include "core/report.h"
#include "core/unit.h"
#include "fa/jalali.h"
#include "fa/period.h"
#include "fa/tehran.h"
#include "store/store.h"

#define REGIONS 22
#define DISTRICTS 5
#define CATEGORIES 24
#define MAX_SIZES 8

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static double urand(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

static double nrand(void)
{
	double u = urand(), v = urand();

	if (u < 1e-12)
		u = 1e-12;
	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const struct err *err)
{
	fprintf(stderr, "bench_report: %s: %s\n", what, err->msg);
	exit(1);
}

static int64_t districts[REGIONS * DISTRICTS];

static void make_units(struct core *c)
{
	struct actor sys = actor_system("bench");
	struct unit org = { 0 }, centre = { 0 }, reg, dis;
	struct err err;
	int r, d;

	str_copy(org.code, sizeof(org.code), "tehran");
	str_copy(org.name, sizeof(org.name), "شهرداری تهران");
	org.kind = UNIT_ORGANISATION;
	org.active = true;
	if (unit_add(c, &sys, &org, &err) < 0)
		die("unit", &err);
	str_copy(centre.code, sizeof(centre.code), "centre-1888");
	str_copy(centre.name, sizeof(centre.name), "مرکز ۱۸۸۸");
	centre.kind = UNIT_CENTRE;
	centre.parent_id = org.id;
	centre.active = true;
	if (unit_add(c, &sys, &centre, &err) < 0)
		die("unit", &err);
	for (r = 0; r < REGIONS; r++) {
		memset(&reg, 0, sizeof(reg));
		snprintf(reg.code, sizeof(reg.code), "region-%02d", r + 1);
		snprintf(reg.name, sizeof(reg.name), "منطقه %d", r + 1);
		reg.kind = UNIT_REGION;
		reg.parent_id = org.id;
		reg.active = true;
		if (unit_add(c, &sys, &reg, &err) < 0)
			die("unit", &err);
		for (d = 0; d < DISTRICTS; d++) {
			memset(&dis, 0, sizeof(dis));
			snprintf(dis.code, sizeof(dis.code), "region-%02d-d%d", r + 1, d + 1);
			snprintf(dis.name, sizeof(dis.name), "ناحیه %d منطقه %d", d + 1, r + 1);
			dis.kind = UNIT_DISTRICT;
			dis.parent_id = reg.id;
			dis.active = true;
			if (unit_add(c, &sys, &dis, &err) < 0)
				die("unit", &err);
			districts[r * DISTRICTS + d] = dis.id;
		}
	}
}

/* One synthetic message referred on Tehran day `day` (a day number), and
 * its history as the aggregates replay it (ev, *nev). */
static void synth(struct msg *m, int64_t day_start, int64_t last_start, int64_t id,
		  struct agg_event ev[4], size_t *nev)
{
	double h;

	memset(m, 0, sizeof(*m));
	m->id = id;
	m->channel = (enum msg_channel)(rnd() % 10 < 6 ? CHANNEL_PHONE : rnd() % CHANNEL_COUNT);
	m->category_id = 1 + (int64_t)(rnd() % CATEGORIES);
	m->first_referred_unit = districts[rnd() % (REGIONS * DISTRICTS)];
	m->unit_id = m->first_referred_unit;
	m->first_referred_at = day_start + (int64_t)(rnd() % 86000);
	m->referred_at = m->first_referred_at;
	m->due_at = m->first_referred_at + 72 * 3600;
	m->referral_count = rnd() % 20 == 0 ? 2 : 1;
	m->return_count = m->referral_count - 1;
	memset(ev, 0, 4 * sizeof(ev[0]));
	ev[0].ev = AGG_EV_HOP;
	ev[0].hop = HOP_REFER;
	ev[0].unit = m->unit_id;
	ev[0].deadline = m->due_at;
	ev[0].at = m->first_referred_at;
	*nev = 1;
	h = exp(log(30.0) + 0.9 * nrand());	/* handling time, hours */
	if (m->first_referred_at + (int64_t)(h * 3600) > last_start || rnd() % 50 == 0) {
		m->state = STATE_IN_PROGRESS;	/* still open at the end */
		return;
	}
	m->state = rnd() % 3 ? STATE_CLOSED : STATE_ANSWERED;
	m->answered_at = m->first_referred_at + (int64_t)(h * 3600);
	ev[*nev].ev = AGG_EV_ANSWER;
	ev[(*nev)++].at = m->answered_at;
	if (rnd() % 10 < 6) {
		m->verdict = rnd() % 100 < 88 ? VERDICT_ACCEPT : VERDICT_OBJECT;
		ev[*nev].ev = AGG_EV_VERDICT;
		ev[*nev].positive = m->verdict == VERDICT_ACCEPT;
		ev[(*nev)++].at = m->answered_at + 3600;
	}
	if (rnd() % 10 == 0) {
		m->grade = rnd() % 100 < 90 ? GRADE_ACCEPTABLE : GRADE_UNACCEPTABLE;
		ev[*nev].ev = AGG_EV_GRADE;
		ev[*nev].positive = m->grade == GRADE_ACCEPTABLE;
		ev[(*nev)++].at = m->answered_at + 7200;
	}
}

static void generate(struct core *c, long long n)
{
	struct jdate first = { 1398, 1, 1 }, last = { 1400, 12, 29 };
	int64_t d0 = jalali_to_days(&first), d1 = jalali_to_days(&last), day, last_start;
	int64_t ndays = d1 - d0 + 1, id = 0, made = 0;
	struct agg_tally *t = NULL;
	struct agg_event ev[4];
	size_t nev;
	struct jdate jd;
	struct msg m;
	struct err err;
	long long k, want;

	if (tehran_day_start(&last, &last_start) < 0)
		exit(1);
	for (day = d0; day <= d1; day++) {
		int64_t start;

		jalali_from_days(day, &jd);
		if (!t)
			t = agg_tally_new();
		tehran_day_start(&jd, &start);
		/* spread n evenly over the days */
		want = (long long)((double)n * (double)(day - d0 + 1) / (double)ndays) - made;
		for (k = 0; k < want; k++) {
			synth(&m, start, last_start, ++id, ev, &nev);
			if (agg_tally_add(t, c->st, &m, ev, nev, 1, &err) < 0)
				die("contribution", &err);
		}
		made += want;
		if (day == d1 || jd.d == jalali_month_days(jd.y, jd.m)) {
			if (c->st->ops->begin(c->st, &err) < 0 || agg_tally_write(t, c->st, &err) < 0 ||
			    c->st->ops->commit(c->st, &err) < 0)
				die("write", &err);
			agg_tally_free(t);
			t = NULL;
		}
	}
	agg_tally_free(t);
}

struct job {
	const char *name;
	const char *unit;
	const char *period;
	enum report_by by;
	bool compare, evaluation;
};

static const struct job jobs[] = {
	{ "region, 9 months vs previous year", "region-12", "1399-01..1399-09", REPORT_BY_NONE,
	  true, false },
	{ "region by month, year vs previous", "region-12", "1399", REPORT_BY_MONTH, true, false },
	{ "region by category, 9 months", "region-12", "1399-F9", REPORT_BY_CATEGORY, false, false },
	{ "city by region, 9 months vs previous", "tehran", "1399-01..1399-09", REPORT_BY_CHILD,
	  true, false },
	{ "six-monthly evaluation", NULL, "1399-H1", REPORT_BY_NONE, false, true },
};
#define NJOBS (sizeof(jobs) / sizeof(jobs[0]))

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double time_job(struct core *c, const struct job *j, int runs, int64_t *referred)
{
	struct actor sys = actor_system("bench");
	struct report_query q;
	struct report r;
	struct err err;
	double *t = xcalloc((size_t)runs, sizeof(double)), t0, med;
	int i, rc;

	memset(&q, 0, sizeof(q));
	if (jperiod_parse(j->period, &q.period, &err) < 0)
		die("period", &err);
	q.unit_code = j->unit;
	q.by = j->by;
	q.compare = j->compare;
	for (i = 0; i < runs; i++) {
		t0 = now_s();
		if (j->evaluation)
			rc = report_evaluation(c, &sys, &q.period, j->compare, &r, &err);
		else
			rc = report_run(c, &sys, &q, &r, &err);
		t[i] = now_s() - t0;
		if (rc < 0)
			die(j->name, &err);
		*referred = r.total.cur.referred;
		report_release(&r);
	}
	qsort(t, (size_t)runs, sizeof(double), cmp_double);
	med = t[runs / 2];
	free(t);
	return med;
}

int main(int argc, char **argv)
{
	long long sizes[MAX_SIZES] = { 1000000, 5000000, 10000000 };
	int nsizes = 3, runs = 7, i, s;
	const char *dir = "build/bench";
	bool keep = false, custom = false;
	double med[MAX_SIZES][NJOBS];
	int64_t refd[MAX_SIZES][NJOBS];
	struct jdate end = { 1400, 12, 29 };
	int64_t now;

	for (i = 1; i < argc; i++) {
		int64_t v;

		if (str_eq(argv[i], "--dir") && i + 1 < argc) {
			dir = argv[++i];
		} else if (str_eq(argv[i], "--runs") && i + 1 < argc &&
			   num_parse(argv[i + 1], 1, 1001, &v) == 0) {
			runs = (int)v;
			i++;
		} else if (str_eq(argv[i], "--keep")) {
			keep = true;
		} else if (num_parse(argv[i], 1000, 100000000, &v) == 0) {
			if (!custom)
				nsizes = 0;
			custom = true;
			if (nsizes < MAX_SIZES)
				sizes[nsizes++] = v;
		} else {
			fprintf(stderr, "usage: bench_report [--dir DIR] [--runs N] [--keep] "
				"[SIZE...]\n");
			return 2;
		}
	}
	tehran_day_start(&end, &now);
	now += 12 * 3600;
	for (s = 0; s < nsizes; s++) {
		char path[512];
		struct core c;
		struct err err;
		double t0;

		snprintf(path, sizeof(path), "%s/bench-%lld.db", dir, sizes[s]);
		if (access(path, F_OK) != 0 || !keep) {
			unlink(path);
			if (core_open_flags(&c, path, CORE_CREATE, &err) < 0)
				die(path, &err);
			t0 = now_s();
			rng_state = 0x9e3779b97f4a7c15ULL;
			make_units(&c);
			generate(&c, sizes[s]);
			fprintf(stderr, "generated %lld messages' aggregates in %.1f s\n", sizes[s],
				now_s() - t0);
		} else if (core_open(&c, path, &err) < 0) {
			die(path, &err);
		}
		core_set_now(&c, now);
		for (i = 0; i < (int)NJOBS; i++)
			med[s][i] = time_job(&c, &jobs[i], runs, &refd[s][i]);
		core_close(&c);
	}
	printf("report time, median of %d runs (ms); ratio to %lld messages\n\n", runs, sizes[0]);
	printf("%-40s", "report");
	for (s = 0; s < nsizes; s++)
		printf(" %12gM", (double)sizes[s] / 1e6);
	for (s = 1; s < nsizes; s++)
		printf(" %9s", "ratio");
	printf("\n");
	for (i = 0; i < (int)NJOBS; i++) {
		printf("%-40s", jobs[i].name);
		for (s = 0; s < nsizes; s++)
			printf(" %13.2f", med[s][i] * 1000);
		for (s = 1; s < nsizes; s++)
			printf(" %9.2f", med[s][i] / med[0][i]);
		printf("\n");
	}
	printf("\nreferred in the first report's period:");
	for (s = 0; s < nsizes; s++)
		printf(" %lld", (long long)refd[s][0]);
	printf("\n");
	return 0;
}
