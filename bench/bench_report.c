/*
 * bench_report.c - report time against the number of messages
 * (docs/performance.md, "Reports").
 *
 * For each size (default 1, 5 and 10 million messages) it builds a demo
 * database with that many messages through the demo generator (the same
 * one as `hamgan demo`, seed 1888: Tehran's 22 regions and their
 * districts, messages from 1398-01-01 to 1400-12-29 with their referrals,
 * answers, verdicts, grades, audit chain and report aggregates), or reuses
 * DIR/bench-SIZE.db with --keep.  Then it times each report RUNS times and
 * prints the medians and their ratio to the first size.
 *
 *	build/bench/bench_report [--dir DIR] [--runs N] [--keep] [SIZE...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "base/mem.h"
#include "base/num.h"
#include "base/str.h"
#include "core/actor.h"
#include "core/core.h"
#include "core/report.h"
#include "demo/demo.h"
#include "fa/jalali.h"
#include "fa/period.h"
#include "fa/tehran.h"

#define MAX_SIZES 8

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

static double t_gen;	/* when the current database was started */

static void on_progress(void *ctx, int pct, const char *what)
{
	fprintf(stderr, "bench_report: %s: %s %d%% (%.0f s)\n", (const char *)ctx, what, pct,
		now_s() - t_gen);
}

/* The demo database of n messages at path (made anew). */
static void generate(struct core *c, const char *path, long long n)
{
	struct demo_result *res = xcalloc(1, sizeof(*res));
	struct demo_opts o;
	struct err err;

	memset(&o, 0, sizeof(o));
	o.seed = 1888;
	o.messages = (long)n;
	o.progress = on_progress;
	o.progress_ctx = (void *)path;
	if (demo_generate(c, &o, res, &err) < 0)
		die(path, &err);
	free(res);
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
		} else if (num_parse(argv[i], DEMO_MIN_MESSAGES, DEMO_MAX_MESSAGES, &v) == 0) {
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
#ifdef __GLIBC__
	/* as `hamgan demo`: keep freed memory rather than shrink the heap after
	 * every transition */
	mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
	mallopt(M_TOP_PAD, 64 * 1024 * 1024);
#endif
	for (s = 0; s < nsizes; s++) {
		char path[512];
		struct core c;
		struct err err;
		double t0;

		snprintf(path, sizeof(path), "%s/bench-%lld.db", dir, sizes[s]);
		if (access(path, F_OK) != 0 || !keep) {
			char side[520];

			unlink(path);
			snprintf(side, sizeof(side), "%s-wal", path);
			unlink(side);
			snprintf(side, sizeof(side), "%s-shm", path);
			unlink(side);
			if (core_open_flags(&c, path, CORE_CREATE, NULL, &err) < 0)
				die(path, &err);
			t0 = t_gen = now_s();
			generate(&c, path, sizes[s]);
			fprintf(stderr, "generated %lld messages in %.1f s\n", sizes[s], now_s() - t0);
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
