/*
 * bench_core.c - the core's write and read paths on a real SQLite file:
 * register + refer N messages (2 transactions each, with audit, SMS row and
 * FTS index), a full-text search, and an audit-chain verify.
 *
 *	make && cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Isrc bench/bench_core.c \
 *		build/libhamgan.a $(pkg-config --libs sqlite3 libsodium) -lm \
 *		-o build/bench_core && build/bench_core /tmp/bench.db 5000
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "base/num.h"
#include "base/str.h"
#include "core/actor.h"
#include "core/audit.h"
#include "core/core.h"
#include "core/flow.h"
#include "core/msg.h"
#include "core/search.h"
#include "core/unit.h"
#include "core/user.h"

static double secs(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what, const struct err *err)
{
	fprintf(stderr, "bench: %s: %s\n", what, err->msg);
	exit(1);
}

int main(int argc, char **argv)
{
	static const char units[] = "code,name,kind,parent_code\n"
		"tehran,تهران,organisation,\ncentre,مرکز,centre,tehran\nregion-12,منطقه ۱۲,region,tehran\n";
	struct actor sys = actor_system("bench"), op;
	struct search_result res;
	struct search_query q;
	struct user u;
	struct unit r12;
	struct core c;
	struct err err;
	struct msg *m = calloc(1, sizeof(*m));
	int64_t n = 2000, i, count, bad;
	size_t rows;
	double t0, t1;

	if (argc < 2 || (argc > 2 && num_parse(argv[2], 1, 10000000, &n) < 0)) {
		fprintf(stderr, "usage: bench_core DB [N]\n");
		return 2;
	}
#ifdef __GLIBC__
	mallopt(M_TOP_PAD, 16 << 20);
#endif
	setenv("HAMGAN_PWHASH_FAST", "1", 1);
	if (core_open_flags(&c, argv[1], CORE_CREATE, NULL, &err) < 0)
		die("open", &err);
	if (unit_import_csv(&c, &sys, units, strlen(units), &rows, &err) < 0)
		die("units", &err);
	memset(&u, 0, sizeof(u));
	str_copy(u.username, sizeof(u.username), "bench-op");
	u.role = ROLE_OPERATOR;
	u.active = true;
	if (user_add(&c, &sys, &u, "password-1", &err) < 0)
		die("user", &err);
	op = user_actor(&u);
	if (unit_get_by_code(&c, "region-12", &r12, &err) < 0)
		die("unit", &err);
	t0 = secs();
	for (i = 0; i < n; i++) {
		struct msg_new in;
		char mobile[16];

		memset(&in, 0, sizeof(in));
		snprintf(mobile, sizeof(mobile), "0912%07d", (int)(i % 5000));
		in.channel = CHANNEL_PHONE;
		in.kind = KIND_CRITICISM;
		in.subject = "چاله در خیابان ولیعصر";
		in.body = "یک چاله‌ی بزرگ در خیابان ولی‌عصر نزدیک پلاک ۱۲۳ که خطرناک است";
		in.mobile = mobile;
		if (msg_register(&c, &op, &in, m, &err) < 0)
			die("register", &err);
		if (msg_refer(&c, &op, m->id, 0, r12.id, 0, 0, NULL, NULL, &err) < 0)
			die("refer", &err);
	}
	t1 = secs();
	printf("register+refer: %lld messages in %.2f s, %.0f transactions/s\n", (long long)n,
	       t1 - t0, 2.0 * (double)n / (t1 - t0));
	search_query_init(&q);
	q.text = "پلاک ۱۲۳";
	t0 = secs();
	for (i = 0; i < 100; i++) {
		if (msg_search(&c, &op, &q, &res, &err) < 0)
			die("search", &err);
		search_result_release(&res);
	}
	printf("search (every row matches, first page): %.2f ms\n", (secs() - t0) * 10);
	t0 = secs();
	if (audit_verify(&c, &count, &bad, &err) < 0)
		die("verify", &err);
	printf("audit verify: %lld entries in %.2f s\n", (long long)count, secs() - t0);
	core_close(&c);
	free(m);
	return 0;
}
