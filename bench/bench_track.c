/*
 * bench_track.c - what a citizen's tracking look-up costs in the core,
 * without HTTP: the reads GET /api/v1/track makes (the message with its
 * texts and the citizen's mobile, the category, the region handling it, the
 * public timeline with the texts sent), over the codes in a file, one
 * "CODE MOBILE" a line (the file bench/track_demo.sh and bench/http.sh
 * write).  Each step is timed alone and cumulatively, in rounds; prints
 * the median microseconds a look-up of each.
 *
 *	build/bench/bench_track DB CODES [ROUNDS]
 *	make build/bench/bench_track
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/num.h"
#include "core/batch.h"
#include "core/category.h"
#include "core/core.h"
#include "core/msg.h"
#include "core/timeline.h"
#include "core/track.h"

enum { MAX_CODES = 5000, LOOKUPS = 200000, MAX_ROUNDS = 31 };

struct code {
	char code[32], mobile[32];
};

enum step { MSG, CATEGORY, HANDLER, STEPS, TIMELINE, ALL, NSTEPS };

static const char *const step_name[NSTEPS] = {
	"the citizen's view (msg_public_get)", "category's name", "region handling it",
	"public timeline, steps only", "public timeline with texts sent",
	"the whole look-up",
};

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One look-up doing the steps in mask; 0, or -1 when a read failed. */
static int lookup(struct core *c, const struct code *k, unsigned mask, struct msg_public *p)
{
	struct msg_public_event *ev = NULL;
	struct category cat;
	struct unit u;
	struct err e;
	size_t n = 0;
	int rc = 0;

	err_clear(&e);
	core_batch_snapshot(c, true, &e);
	if (msg_public_get(c, k->code, k->mobile, p, &e))
		rc = -1;
	if (rc == 0 && (mask & 1u << CATEGORY) && p->category_id &&
	    category_get(c, p->category_id, &cat, &e))
		rc = -1;
	if (rc == 0 && (mask & 1u << HANDLER))
		track_handler(c, p->unit_id, &u, &e);
	if (rc == 0 && (mask & (1u << STEPS | 1u << TIMELINE))) {
		if (msg_public_timeline_of(c, p, mask & 1u << TIMELINE, &ev, &n, &e))
			rc = -1;
		free(ev);
	}
	core_batch_snapshot_keep(c, &e);
	return rc;
}

int main(int argc, char **argv)
{
	static struct code codes[MAX_CODES];
	static double runs[NSTEPS][MAX_ROUNDS];
	struct msg_public *p = malloc(sizeof(*p));
	struct core c;
	struct err err;
	int64_t rounds = 7;
	size_t ncodes = 0, i;
	char line[128];
	FILE *f;
	int s, r;

	if (argc < 3 || (argc > 3 && num_parse(argv[3], 1, MAX_ROUNDS, &rounds) < 0)) {
		fprintf(stderr, "usage: bench_track DB CODES [ROUNDS]\n");
		return 2;
	}
	f = fopen(argv[2], "r");
	if (!f) {
		perror(argv[2]);
		return 1;
	}
	while (ncodes < MAX_CODES && fgets(line, sizeof(line), f))
		if (sscanf(line, "%31s %31s", codes[ncodes].code, codes[ncodes].mobile) == 2)
			ncodes++;
	fclose(f);
	if (!ncodes || !p) {
		fprintf(stderr, "bench_track: no codes in %s\n", argv[2]);
		return 1;
	}
	if (core_open(&c, argv[1], &err) < 0) {
		fprintf(stderr, "bench_track: %s\n", err.msg);
		return 1;
	}
	for (i = 0; i < ncodes; i++)
		if (lookup(&c, &codes[i], ~(1u << STEPS), p)) {
			fprintf(stderr, "bench_track: %s %s is not found\n", codes[i].code,
				codes[i].mobile);
			return 1;
		}
	for (r = 0; r < rounds; r++)
		for (s = 0; s < NSTEPS; s++) {
			unsigned mask = s == ALL ? ~(1u << STEPS) : 1u << s;
			double t0 = now_us();

			for (i = 0; i < LOOKUPS; i++)
				lookup(&c, &codes[(i * 7) % ncodes], mask, p);
			runs[s][r] = (now_us() - t0) / LOOKUPS;
		}
	printf("%zu codes, %d look-ups a step, median of %d rounds (microseconds a look-up)\n",
	       ncodes, LOOKUPS, (int)rounds);
	for (s = 0; s < NSTEPS; s++) {
		double alone;

		qsort(runs[s], (size_t)rounds, sizeof(double), by_double);
		alone = runs[s][rounds / 2];
		if (s == MSG || s == ALL)
			printf("%-36s %6.2f\n", step_name[s], alone);
		else
			printf("%-36s %6.2f (+%.2f)\n", step_name[s], alone,
			       alone - runs[MSG][rounds / 2]);
	}
	core_close(&c);
	free(p);
	return 0;
}
