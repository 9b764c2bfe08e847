/*
 * bench_search.c - full-text search through the core (msg_search, as the
 * HTTP handler calls it) on a real database: a word in most messages, a
 * rare word, a word common elsewhere but in no message of the unit, each
 * scoped to a unit (as its staff), in one category, with the confidential
 * messages left out, and second pages, and the common word's page with
 * each result's texts read (msg_text_get, as a list page writes them);
 * each with and without the bounded count.  Prints p50 and p99 of N runs
 * per query, in milliseconds of wall clock and of the thread's CPU time
 * (on a shared machine the wall clock also counts waiting for a core).
 *
 *	build/bench/bench_search [--runs N] [--common W] [--rare W] [--elsewhere W]
 *		[--unit CODE] [--category CODE] DB...
 *
 * DB is a `hamgan demo` database (bench/search_grow.sh makes a larger one
 * from it); docs/performance.md has the figures and the commands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/num.h"
#include "base/str.h"
#include "core/actor.h"
#include "core/category.h"
#include "core/core.h"
#include "core/msg.h"
#include "core/search.h"
#include "core/unit.h"

static double clock_ms(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct query {
	const char *name;
	const char *text;
	bool staff;		/* as the unit's staff (scoped to its subtree) */
	bool public_only;	/* confidential messages left out */
	bool second_page;	/* the page after the first one's cursor */
	int64_t category_id;	/* only this category */
	bool texts;		/* each result's texts read, as a list page does */
};

static void query_set(struct search_query *sq, const struct query *q)
{
	search_query_init(sq);
	sq->text = q->text;
	sq->public_only = q->public_only;
	sq->category_id = q->category_id;
}

/* Run q runs times; print p50, p99, the page's size and the count. */
static void run(struct core *c, const struct query *q, const struct actor *a, bool count,
		int64_t runs)
{
	double *t = calloc((size_t)runs, sizeof(*t)), *cpu = calloc((size_t)runs, sizeof(*cpu));
	struct msg_text *text = calloc(1, sizeof(*text));
	char cursor[SEARCH_CURSOR_MAX] = "";
	struct search_result res;
	struct search_query sq;
	struct err err;
	size_t n = 0, total = 0, j;
	bool capped = false;
	int64_t i;

	if (!t || !cpu || !text)
		abort();
	if (q->second_page) {
		query_set(&sq, q);
		if (msg_search(c, a, &sq, &res, &err) < 0) {
			fprintf(stderr, "bench_search: %s: %s\n", q->name, err.msg);
			exit(1);
		}
		str_copy(cursor, sizeof(cursor), res.next_cursor);
		search_result_release(&res);
	}
	for (i = 0; i < runs; i++) {
		double t0, c0;

		query_set(&sq, q);
		sq.count = count;
		sq.cursor = cursor[0] ? cursor : NULL;
		c0 = clock_ms(CLOCK_THREAD_CPUTIME_ID);
		t0 = clock_ms(CLOCK_MONOTONIC);
		if (msg_search(c, a, &sq, &res, &err) < 0) {
			fprintf(stderr, "bench_search: %s: %s\n", q->name, err.msg);
			exit(1);
		}
		for (j = 0; q->texts && j < res.n; j++)
			if (msg_text_get(c, &res.items[j], text, &err) < 0) {
				fprintf(stderr, "bench_search: %s: %s\n", q->name, err.msg);
				exit(1);
			}
		t[i] = clock_ms(CLOCK_MONOTONIC) - t0;
		cpu[i] = clock_ms(CLOCK_THREAD_CPUTIME_ID) - c0;
		n = res.n;
		total = res.total;
		capped = res.total_capped;
		search_result_release(&res);
	}
	qsort(t, (size_t)runs, sizeof(*t), cmp_double);
	qsort(cpu, (size_t)runs, sizeof(*cpu), cmp_double);
	printf("  %-40s %-5s %8.2f %8.2f %8.2f %8.2f %6zu", q->name, count ? "yes" : "no",
	       t[runs / 2], t[(runs * 99 + 99) / 100 - 1], cpu[runs / 2],
	       cpu[(runs * 99 + 99) / 100 - 1], n);
	if (count)
		printf(" %6zu%s", total, capped ? "+" : "");
	printf("\n");
	free(t);
	free(cpu);
	free(text);
}

int main(int argc, char **argv)
{
	const char *common = "خیابان", *rare = "ابن‌بابویه", *elsewhere = "بلوار";
	const char *unit_code = "region-12", *category_code = "conduct.corruption";
	struct actor inspector = actor_system("bench");
	int64_t runs = 50;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 >= argc)
			goto usage;
		if (str_eq(argv[i], "--runs")) {
			if (num_parse(argv[i + 1], 1, 100000, &runs) < 0)
				goto usage;
		} else if (str_eq(argv[i], "--common")) {
			common = argv[i + 1];
		} else if (str_eq(argv[i], "--rare")) {
			rare = argv[i + 1];
		} else if (str_eq(argv[i], "--elsewhere")) {
			elsewhere = argv[i + 1];
		} else if (str_eq(argv[i], "--category")) {
			category_code = argv[i + 1];
		} else if (str_eq(argv[i], "--unit")) {
			unit_code = argv[i + 1];
		} else {
			goto usage;
		}
	}
	if (i >= argc)
		goto usage;
	inspector.role = ROLE_INSPECTOR;
	for (; i < argc; i++) {
		struct actor staff = { 0 };
		struct category cat;
		struct unit u;
		struct core c;
		struct err err;
		size_t k;
		int pass;

		if (core_open_flags(&c, argv[i], 0, NULL, &err) < 0) {
			fprintf(stderr, "bench_search: %s: %s\n", argv[i], err.msg);
			return 1;
		}
		if (unit_get_by_code(&c, unit_code, &u, &err) < 0) {
			fprintf(stderr, "bench_search: unit '%s': %s\n", unit_code, err.msg);
			return 1;
		}
		if (category_get_by_code(&c, category_code, &cat, &err) < 0) {
			fprintf(stderr, "bench_search: category '%s': %s\n", category_code,
				err.msg);
			return 1;
		}
		const struct query qs[] = {
			{ "common word", common, false, false, false, 0, false },
			{ "common word, page 2", common, false, false, true, 0, false },
			{ "rare word", rare, false, false, false, 0, false },
			{ "common word, unit's staff", common, true, false, false, 0, false },
			{ "common word, unit's staff, page 2", common, true, false, true, 0, false },
			{ "common word, unit's staff, no confid.", common, true, true, false, 0, false },
			{ "rare word, unit's staff", rare, true, false, false, 0, false },
			{ "rare word, unit's staff, page 2", rare, true, false, true, 0, false },
			{ "word elsewhere, unit's staff", elsewhere, true, false, false, 0, false },
			{ "common word, no confidential", common, false, true, false, 0, false },
			{ "common word, category", common, false, false, false, cat.id, false },
			{ "common word, category, page 2", common, false, false, true, cat.id, false },
			{ "rare word, category", rare, false, false, false, cat.id, false },
			{ "common word, with texts", common, false, false, false, 0, true },
		};

		staff.role = ROLE_STAFF;
		staff.unit_id = u.id;
		str_copy(staff.name, sizeof(staff.name), "bench-staff");
		printf("%s (%lld runs; ms: wall clock, then CPU time)\n"
		       "  %-40s %-5s %8s %8s %8s %8s %6s %6s\n", argv[i], (long long)runs,
		       "query", "count", "p50", "p99", "cpu p50", "cpu p99", "page", "total");
		/* a first pass warms the page cache as a running server's would be */
		for (pass = 0; pass < 2; pass++)
			for (k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
				const struct actor *a = qs[k].staff ? &staff : &inspector;

				if (pass == 0) {
					struct search_result res;
					struct search_query sq;

					query_set(&sq, &qs[k]);
					sq.count = true;
					if (msg_search(&c, a, &sq, &res, &err) == 0)
						search_result_release(&res);
					continue;
				}
				run(&c, &qs[k], a, false, runs);
				run(&c, &qs[k], a, true, runs);
			}
		core_close(&c);
	}
	return 0;
usage:
	fprintf(stderr, "usage: bench_search [--runs N] [--common WORD] [--rare WORD] "
		"[--elsewhere WORD] [--unit CODE] [--category CODE] DB...\n");
	return 2;
}
