/*
 * bench_commit.c - the references for the durable-submission benchmark
 * (bench/http.sh), on two identical copies of the benchmark's database
 * (user "op" an operator, category "roads"):
 *
 *   core_batched_full: the submissions the HTTP benchmark posts, written
 *     through the same core call (msg_register) into CORE_DB, 100 to a
 *     transaction (core_batch), synchronous=FULL: the server's work without
 *     HTTP and without the queue;
 *   sqlite_batched_full: SQLite's own rate for the same rows: every row those
 *     submissions left in the tables a submission writes (citizens,
 *     messages, sms_outbox, audit, the msg_fts search index) inserted into
 *     RAW_DB with prepared INSERT ... SELECT statements (the index's
 *     entries, which a SELECT cannot read back, with INSERT ... VALUES of
 *     their index text, made before the clock starts), 100 submissions to
 *     a transaction, synchronous=FULL (the report aggregates, a handful of
 *     counters updated in place, are left out);
 *   sqlite_batched_commit_ms: the COMMITs of sqlite_batched_full alone,
 *     p50, p99 and the slowest (the disk's fsync, which a submission waits
 *     for at least once);
 *   commit_full_ms / commit_normal_ms: one submission's rows per
 *     transaction, what a write outside the writer pays for its own fsync
 *     (FULL) against the old synchronous=NORMAL.
 *
 *	build/bench/bench_commit CORE_DB RAW_DB [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <sqlite3.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/tpack.h"
#include "core/actor.h"
#include "core/batch.h"
#include "core/category.h"
#include "core/core.h"
#include "core/msg.h"
#include "core/user.h"
#include "fa/terms.h"
#include "store/sqlite_int.h"

/* the texts bench/http/submit.lua posts */
static const char *const subjects[] = {
	"چاله در خیابان ولیعصر", "جمع‌آوری نشدن زباله", "خرابی چراغ راهنمایی",
	"درخواست هرس درختان", "آب‌گرفتگی معبر پس از باران", "سد معبر توسط دست‌فروشان",
};
static const char *const bodies[] = {
	"یک چاله‌ی بزرگ در خیابان ولی‌عصر نزدیک پلاک ۱۲۳ که برای موتورسواران خطرناک است.",
	"سه روز است زباله‌های کوچه‌ی ما جمع‌آوری نشده و بوی بد همه جا را گرفته است.",
	"چراغ راهنمایی تقاطع آزادی و جیحون از دیروز خاموش است و ترافیک سنگین شده.",
	"شاخه‌های درختان کوچه‌ی بهار به سیم برق رسیده؛ لطفاً پیش از باد هرس کنید.",
	"پس از باران دیشب آب در زیرگذر جمع شده و عابران نمی‌توانند رد شوند.",
	"پیاده‌رو خیابان انقلاب را دست‌فروشان گرفته‌اند و عابران در خیابان راه می‌روند.",
};

static double secs(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what, const struct err *err)
{
	fprintf(stderr, "bench_commit: %s: %s\n", what, err->msg);
	exit(1);
}

static const char *const tables[] = { "citizens", "messages", "sms_outbox", "audit", "msg_fts" };
#define NTABLES 5
#define MESSAGES 1
#define FTS 4

static void sql_die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench_commit: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static void sql_exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		sql_die(db, sql);
}

static int64_t max_rowid(sqlite3 *db, const char *t)
{
	char sql[128];
	sqlite3_stmt *st;
	int64_t n = 0;

	snprintf(sql, sizeof(sql), "SELECT coalesce(max(rowid), 0) FROM main.%s", t);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		sql_die(db, sql);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* The search index keeps no text (schema 14) nor anything a SELECT can
 * read back by rowid (schema 22): each new message's index text is made
 * before the clock starts, from its row in src, as the store makes it at
 * registration (its words, then its search tags). */
static char **index_texts(sqlite3 *db, int64_t base, int64_t n)
{
	char **texts = xcalloc((size_t)n, sizeof(*texts));
	char *text = xmalloc(4 * CAP_NORMALIZE_IN);
	struct buf b = BUF_INIT(CAP_INDEX_TEXT + 128);
	sqlite3_stmt *st;
	int64_t i;
	int c;

	if (sqlite3_prepare_v2(db, "SELECT subject, body, unit_id, category_id FROM src.messages"
			       " WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
		sql_die(db, "index text");
	for (i = 0; i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, base + 1 + i);
		if (sqlite3_step(st) != SQLITE_ROW)
			sql_die(db, "index text: no message");
		buf_reset(&b);
		for (c = 0; c < 2; c++) {
			const unsigned char *p = sqlite3_column_blob(st, c);
			size_t len = (size_t)sqlite3_column_bytes(st, c);
			int m = sqlite3_column_type(st, c) == SQLITE_BLOB ?
				tpack_decode(p, len, text, 4 * CAP_NORMALIZE_IN) : -1;

			if (m >= 0)
				fa_index_text(text, (size_t)m, &b);
			else if (p)
				fa_index_text((const char *)p, len, &b);
		}
		sq_search_tags(sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3), &b);
		texts[i] = xstrdup(b.data ? b.data : "");
	}
	sqlite3_finalize(st);
	buf_release(&b);
	free(text);
	return texts;
}

/* Copy submission i's rows (the i-th new row of each table) from src; its
 * index entry from texts. */
static void copy_one(sqlite3 *db, sqlite3_stmt **ins, const int64_t *base, char **texts,
		     int64_t i)
{
	int k;

	for (k = 0; k < NTABLES; k++) {
		sqlite3_reset(ins[k]);
		sqlite3_bind_int64(ins[k], 1, base[k] + 1 + i);
		if (k == FTS)
			sqlite3_bind_text(ins[k], 2, texts[i], -1, SQLITE_STATIC);
		if (sqlite3_step(ins[k]) != SQLITE_DONE)
			sql_die(db, "insert");
	}
}

#define MAX_COMMITS 100000
static double commit_ms[MAX_COMMITS];
static int ncommits;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void raw_phase(const char *core_db, const char *raw_db, int64_t n)
{
	sqlite3 *db;
	sqlite3_stmt *ins[NTABLES];
	int64_t base[NTABLES], i, nb = n - 400;
	char sql[512], **texts;
	double t0, t1, full_ms, normal_ms;
	int k;

	if (sqlite3_open(raw_db, &db) != SQLITE_OK)
		sql_die(db, "open");
	sql_exec(db, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;"
		 " PRAGMA synchronous = FULL");
	for (k = 0; k < FTS; k++)
		base[k] = max_rowid(db, tables[k]);
	base[FTS] = base[MESSAGES];	/* an entry's rowid is its message's id */
	snprintf(sql, sizeof(sql), "ATTACH '%s' AS src", core_db);
	sql_exec(db, sql);
	texts = index_texts(db, base[MESSAGES], nb + 400);
	/* the audit's actor and action names the core phase added (once,
	 * not a submission's rows) */
	sql_exec(db, "INSERT OR IGNORE INTO main.audit_names SELECT * FROM src.audit_names");
	for (k = 0; k < NTABLES; k++) {
		if (k == FTS)
			snprintf(sql, sizeof(sql), "INSERT INTO main.msg_fts (rowid, text) VALUES (?, ?)");
		else
			snprintf(sql, sizeof(sql), "INSERT INTO main.%s SELECT * FROM src.%s WHERE"
				 " rowid = ?", tables[k], tables[k]);
		if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &ins[k], NULL) !=
		    SQLITE_OK)
			sql_die(db, sql);
	}
	ncommits = 0;
	t0 = secs();
	for (i = 0; i < nb; i++) {
		if (i % 100 == 0)
			sql_exec(db, "BEGIN IMMEDIATE");
		copy_one(db, ins, base, texts, i);
		if (i % 100 == 99 || i == nb - 1) {
			double c0 = secs();

			sql_exec(db, "COMMIT");
			if (ncommits < MAX_COMMITS)
				commit_ms[ncommits++] = (secs() - c0) * 1000;
		}
	}
	t1 = secs();
	printf("sqlite_batched_full %.0f rows/s\n", (double)nb / (t1 - t0));
	/* the disk's part: a COMMIT of 100 submissions' rows is their WAL
	 * frames written and fsync'd; a submission the server answers waits
	 * for at least one such commit */
	qsort(commit_ms, ncommits, sizeof(double), cmp_double);
	if (ncommits)
		printf("sqlite_batched_commit_ms p50 %.3f p99 %.3f max %.3f n %d\n",
		       commit_ms[ncommits / 2], commit_ms[ncommits * 99 / 100],
		       commit_ms[ncommits - 1], ncommits);
	t0 = secs();
	for (; i < nb + 200; i++) {
		sql_exec(db, "BEGIN IMMEDIATE");
		copy_one(db, ins, base, texts, i);
		sql_exec(db, "COMMIT");
	}
	full_ms = (secs() - t0) * 1000 / 200;
	sql_exec(db, "PRAGMA synchronous = NORMAL");
	t0 = secs();
	for (; i < nb + 400; i++) {
		sql_exec(db, "BEGIN IMMEDIATE");
		copy_one(db, ins, base, texts, i);
		sql_exec(db, "COMMIT");
	}
	normal_ms = (secs() - t0) * 1000 / 200;
	printf("commit_full_ms %.3f commit_normal_ms %.3f\n", full_ms, normal_ms);
	for (k = 0; k < NTABLES; k++)
		sqlite3_finalize(ins[k]);
	for (i = 0; i < nb + 400; i++)
		free(texts[i]);
	free(texts);
	sqlite3_close(db);
}

int main(int argc, char **argv)
{
	struct core c;
	struct err err;
	struct user u;
	struct category cat;
	struct actor op;
	struct msg *m = calloc(1, sizeof(*m));
	int64_t n = 20000, i;
	double t0, t1;

	if (argc < 3 || (argc > 3 && num_parse(argv[3], 1000, 10000000, &n) < 0)) {
		fprintf(stderr, "usage: bench_commit CORE_DB RAW_DB [N]\n");
		return 2;
	}
#ifdef __GLIBC__
	mallopt(M_TOP_PAD, 16 << 20);	/* as hamgan itself (src/cli/main.c) */
#endif
	if (core_open(&c, argv[1], &err) < 0)
		die("open", &err);
	if (user_get_by_name(&c, "op", &u, &err) < 0)
		die("user op", &err);
	op = user_actor(&u);
	if (category_get_by_code(&c, "roads", &cat, &err) < 0)
		die("category roads", &err);
	t0 = secs();
	for (i = 0; i < n; i++) {
		struct msg_new in;
		char mobile[16];

		if (i % 100 == 0 && core_batch_begin(&c, &err) < 0)
			die("begin", &err);
		memset(&in, 0, sizeof(in));
		snprintf(mobile, sizeof(mobile), "0912%07d", (int)(i % 100000));
		in.channel = CHANNEL_PHONE;
		in.kind = KIND_COMPLAINT;
		in.category_id = cat.id;
		in.subject = subjects[i % 6];
		in.body = bodies[i % 6];
		in.mobile = mobile;
		in.citizen_name = "مریم رضایی";
		if (msg_register(&c, &op, &in, m, &err) < 0)
			die("register", &err);
		if (i % 100 == 99 && core_batch_commit(&c, &err) < 0)
			die("commit", &err);
	}
	if (n % 100 && core_batch_commit(&c, &err) < 0)
		die("commit", &err);
	t1 = secs();
	printf("core_batched_full %.0f rows/s\n", (double)n / (t1 - t0));
	core_close(&c);
	free(m);
	raw_phase(argv[1], argv[2], n);
	return 0;
}
