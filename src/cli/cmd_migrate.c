/*
 * cmd_migrate.c - `hamgan migrate --from PATH --to URI`: a city's SQLite
 * database into an empty PostgreSQL one (store/migrate.h), then three
 * checks on the target before it says done (docs/migrate.md):
 *
 *  1. every table holds as many rows as in the source;
 *  2. every report the CLI makes gives the same JSON text from both, and
 *     the target's aggregates recount the same from its messages
 *     (`report --verify`);
 *  3. the target's audit chain verifies (`audit verify`) and ends at the
 *     source's last hash.
 *
 * A failed check empties the target again (store_migrate_undo), so it is
 * never left half right.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/str.h"
#include "cli/cli.h"
#include "cli/cli_db.h"
#include "cli/cmds.h"
#include "core/actor.h"
#include "core/agg.h"
#include "core/audit.h"
#include "core/core.h"
#include "core/report.h"
#include "core/unit.h"
#include "fa/jalali.h"
#include "fa/period.h"
#include "fa/tehran.h"
#include "store/migrate.h"

const char cmd_migrate_usage[] =
	"usage: hamgan migrate --from PATH --to postgresql://...\n"
	"\n"
	"Move a city's SQLite database (PATH) into an empty PostgreSQL database\n"
	"(the URI), with the progress on standard error, then check the target\n"
	"before saying done:\n"
	"  1. every table holds as many rows as in the source;\n"
	"  2. every report (each grouping, the evaluation, the whole range and\n"
	"     each year) gives the same figures, and the target's aggregates\n"
	"     recount the same from its messages (report --verify);\n"
	"  3. the target's audit chain verifies and ends at the source's hash.\n"
	"The copy is one transaction: a failure or an interruption leaves the\n"
	"target empty, and a failed check empties it again.  A target holding\n"
	"any hamgan row is refused.  The source must be at this program's\n"
	"schema version ('hamgan init --db PATH' upgrades it).  Stop the city's\n"
	"server first: the source is copied as it was when the copy began.\n"
	"Exit 0 when done, 1 when refused, failed or a check differed.\n";

static double now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the copy ---- */

struct copy_progress {
	bool tty;	/* a counter updating in place */
	bool drawn;	/* a counter line waits for its end */
	int64_t rows;	/* rows copied, every table */
	size_t tables;
};

static double rate(int64_t rows, double secs)
{
	return secs > 0 ? (double)rows / secs : 0;
}

static void on_progress(const struct store_migrate_progress *p, void *arg)
{
	struct copy_progress *pr = arg;

	if (p->end && p->table[0] == '(') {	/* not a table: the indexes */
		fprintf(stderr, "%s  %-18s %10" PRId64 " made  %7.1f s\n",
			pr->drawn ? "\r\033[K" : "", p->table, p->done, p->secs);
		pr->drawn = false;
		return;
	}
	if (p->end) {
		if (pr->drawn)	/* the counter may be longer than this line */
			fputs("\r\033[K", stderr);
		fprintf(stderr, "  %-18s %10" PRId64 " rows  %7.1f s  %9.0f rows/s\n", p->table,
			p->done, p->secs, rate(p->done, p->secs));
		pr->drawn = false;
		pr->rows += p->done;
		pr->tables++;
		return;
	}
	if (!pr->tty)
		return;
	fprintf(stderr, "\r  %-18s %10" PRId64 " / %" PRId64 "  %9.0f rows/s", p->table, p->done,
		p->total, rate(p->done, p->secs));
	fflush(stderr);
	pr->drawn = true;
}

/* ---- check 1: the counts ---- */

struct counts {
	int64_t rows;
	struct buf differ;	/* "table (a vs b)" of those that differ */
};

static void on_count(const char *table, int64_t a, int64_t b, void *arg)
{
	struct counts *c = arg;

	c->rows += b;
	if (a != b)
		buf_addf(&c->differ, "%s%s (%" PRId64 " in the source, %" PRId64 " in the target)",
			 c->differ.len ? ", " : "", table, a, b);
}

static int check_counts(const char *from, const char *to, struct buf *why)
{
	struct counts c = { 0, BUF_INIT(4096) };
	double t0 = now_secs();
	struct err err;
	int64_t differ = 0;

	err_clear(&err);
	if (store_migrate_counts(from, to, on_count, &c, &differ, &err) < 0) {
		buf_addf(why, "cannot count the rows: %s", err.msg);
	} else if (differ) {
		buf_addf(why, "row counts differ: %s (a source written to during the copy: stop "
			 "its server and migrate again)", c.differ.data);
	} else {
		fprintf(stderr, "check 1/3: row counts equal (%" PRId64 " rows; %.1f s)\n", c.rows,
			now_secs() - t0);
	}
	buf_release(&c.differ);
	return why->len ? -1 : 0;
}

/* ---- check 2: the reports ---- */

/* One report from one database as JSON text, or its error's text (two
 * databases refusing a report alike, as a week series too long, agree). */
struct report_ask {
	const char *unit;	/* NULL: the evaluation */
	const struct jperiod *period;
	enum report_by by;
};

static void report_text(struct core *c, const struct report_ask *q, struct buf *out)
{
	struct actor sys = actor_system("migrate");
	struct report_query rq;
	struct report r;
	struct err err;
	int rc;

	buf_reset(out);
	err_clear(&err);
	memset(&rq, 0, sizeof(rq));
	rq.unit_code = q->unit;
	rq.period = *q->period;
	rq.compare = true;
	rq.by = q->by;
	if (q->unit)
		rc = report_run(c, &sys, &rq, &r, &err);
	else
		rc = report_evaluation(c, &sys, q->period, true, &r, &err);
	if (rc == 0) {
		if (report_write(&r, REPORT_FMT_JSON, out, &err) < 0) {
			buf_reset(out);
			rc = err.code;
		}
		report_release(&r);
	}
	if (rc < 0)
		buf_addf(out, "error %d: %s", rc, err.msg);
}

struct reports {
	struct core *from, *to;
	struct buf a, b;
	size_t compared;
	struct buf *why;
};

static void compare_one(struct reports *rs, const struct report_ask *q)
{
	report_text(rs->from, q, &rs->a);
	report_text(rs->to, q, &rs->b);
	rs->compared++;
	if (rs->a.len == rs->b.len && !memcmp(rs->a.data, rs->b.data, rs->a.len))
		return;
	if (!rs->why->len)
		buf_adds(rs->why, "reports differ:");
	buf_addf(rs->why, " %s %s by %s;", q->unit ? q->unit : "evaluation", q->period->label,
		 report_by_name(q->by));
}

/*
 * The periods: the whole range of the data (the Jalali years from the first
 * audit entry's to the last's, of count) and each year; at most max.
 */
static int data_periods(struct core *c, int64_t count, struct jperiod *out, size_t max,
			size_t *n, struct err *err)
{
	struct actor sys = actor_system("migrate");
	struct audit_entry *e = NULL;
	struct jdate first, last;
	int64_t t0, t1;
	size_t ne = 0;
	char label[16];
	int y, rc;

	*n = 0;
	rc = audit_list(c, &sys, 0, 1, &e, &ne, err);
	t0 = ne ? e[0].at : core_now(c);
	free(e);
	e = NULL;
	ne = 0;
	if (rc == 0 && count > 0)
		rc = audit_list(c, &sys, count - 1, 1, &e, &ne, err);
	t1 = ne ? e[0].at : t0;
	free(e);
	if (rc == 0)
		rc = tehran_day_of(t0, &first);
	if (rc == 0)
		rc = tehran_day_of(t1 > t0 ? t1 : t0, &last);
	if (rc < 0)
		return rc;
	first.m = first.d = 1;
	last.m = 12;
	last.d = jalali_month_days(last.y, 12);
	rc = jperiod_from_days(&first, &last, &out[(*n)++], err);
	for (y = first.y; rc == 0 && y <= last.y && *n < max; y++) {
		snprintf(label, sizeof(label), "%d", y);
		rc = jperiod_parse(label, &out[(*n)++], err);
	}
	return rc;
}

static void compare_reports(struct reports *rs, const struct unit *units, size_t nunits,
			    const struct jperiod *periods, size_t np)
{
	static const enum report_by bys[] = { REPORT_BY_NONE, REPORT_BY_CHILD, REPORT_BY_CATEGORY,
					      REPORT_BY_CHANNEL, REPORT_BY_MONTH, REPORT_BY_WEEK };
	const struct unit *root = NULL;
	struct report_ask q;
	size_t i, j;

	for (i = 0; i < nunits && !root; i++)
		if (!units[i].parent_id)
			root = &units[i];
	for (i = 0; i < np; i++) {
		q.period = &periods[i];
		/* the evaluation, and the root unit in every grouping */
		q.unit = NULL;
		q.by = REPORT_BY_REGION;
		compare_one(rs, &q);
		for (j = 0; root && j < sizeof(bys) / sizeof(bys[0]); j++) {
			q.unit = root->code;
			q.by = bys[j];
			compare_one(rs, &q);
		}
	}
	/* every unit over the whole range, with its children */
	q.period = &periods[0];
	q.by = REPORT_BY_CHILD;
	for (i = 0; i < nunits; i++) {
		q.unit = units[i].code;
		compare_one(rs, &q);
	}
}

static void print_line(const char *line, void *arg)
{
	(void)arg;
	fprintf(stderr, "  %s\n", line);
}

static int check_reports(struct core *from, struct core *to, int64_t entries, struct buf *why)
{
	struct reports rs = { from, to, BUF_INIT(CAP_REPORT_OUT), BUF_INIT(CAP_REPORT_OUT), 0,
			      why };
	struct jperiod periods[CAP_MIGRATE_YEARS + 1];
	struct agg_verify_result res;
	struct unit *units = NULL;
	size_t nunits = 0, np = 0;
	double t0 = now_secs(), t1;
	struct err err;

	err_clear(&err);
	if (data_periods(from, entries, periods, CAP_MIGRATE_YEARS + 1, &np, &err) < 0 ||
	    unit_list(from, &units, &nunits, &err) < 0) {
		buf_addf(why, "cannot list the reports: %s", err.msg);
		goto out;
	}
	compare_reports(&rs, units, nunits, periods, np);
	if (why->len)
		goto out;
	t1 = now_secs();
	if (agg_verify(to->st, &res, print_line, NULL, NULL, &err) < 0)
		buf_addf(why, "cannot recount the target's aggregates: %s", err.msg);
	else if (res.differences)
		buf_addf(why, "the target's aggregates differ from its recount in %zu rows",
			 res.differences);
	else
		fprintf(stderr, "check 2/3: %zu reports equal over %zu periods (%.1f s); the "
			"target's aggregates recount the same (%zu messages, %zu cells; %.1f s)\n",
			rs.compared, np, t1 - t0, res.messages, res.cells, now_secs() - t1);
out:
	free(units);
	buf_release(&rs.a);
	buf_release(&rs.b);
	return why->len ? -1 : 0;
}

/* ---- check 3: the audit chain ---- */

static int chain_tail(struct core *c, int64_t *count, char hash[AUDIT_HASH_HEX + 1],
		      struct err *err)
{
	struct actor sys = actor_system("migrate");
	struct audit_entry *e = NULL;
	int64_t bad = 0;
	size_t n = 0;
	int rc;

	hash[0] = '\0';
	rc = audit_verify(c, count, &bad, err);
	if (rc == ERR_CONFLICT)
		return err_set(err, rc, "", "the audit chain breaks at entry %" PRId64, bad);
	if (rc == 0 && *count > 0)
		rc = audit_list(c, &sys, *count - 1, 1, &e, &n, err);
	if (rc == 0 && n)
		str_copy(hash, AUDIT_HASH_HEX + 1, e[0].hash);
	free(e);
	return rc;
}

static int check_audit(struct core *to, int64_t na, const char *ha, struct buf *why)
{
	double t0 = now_secs();
	char hb[AUDIT_HASH_HEX + 1];
	int64_t nb = 0;
	struct err err;

	err_clear(&err);
	if (chain_tail(to, &nb, hb, &err) < 0)
		buf_addf(why, "the target's audit chain: %s", err.msg);
	else if (na != nb || !str_eq(ha, hb))
		buf_addf(why, "the audit chains end apart: %" PRId64 " entries ending %.16s in "
			 "the source, %" PRId64 " ending %.16s in the target", na, ha, nb, hb);
	else
		fprintf(stderr, "check 3/3: the audit chain verifies on the target (%" PRId64
			" entries, ending %.16s; %.1f s)\n", nb, hb, now_secs() - t0);
	return why->len ? -1 : 0;
}

/* Checks 2 and 3 read both through the core, at one fixed time, so
 * "now" in the reports (overdue, as of) is the same for both. */
static int check_core(const char *from, const char *to, struct buf *why)
{
	char ha[AUDIT_HASH_HEX + 1];
	struct core a, b;
	struct err err;
	int64_t t, na = 0;
	int rc;

	err_clear(&err);
	if (core_open(&a, from, &err) < 0) {
		buf_addf(why, "cannot open the source: %s", err.msg);
		return -1;
	}
	if (core_open(&b, to, &err) < 0) {
		buf_addf(why, "cannot open the target: %s", err.msg);
		core_close(&a);
		return -1;
	}
	t = core_now(&a);
	core_set_now(&a, t);
	core_set_now(&b, t);
	/* the source's chain first: its length bounds the reports' range */
	rc = chain_tail(&a, &na, ha, &err);
	if (rc < 0)
		buf_addf(why, "the source's audit chain: %s", err.msg);
	if (rc == 0)
		rc = check_reports(&a, &b, na, why);
	if (rc == 0)
		rc = check_audit(&b, na, ha, why);
	core_close(&a);
	core_close(&b);
	return rc;
}

int cmd_migrate(int argc, char **argv)
{
	const char *from = NULL, *to = NULL, *pos[1];
	const struct cli_opt opts[] = {
		{ "--from", &from, NULL }, { "--to", &to, NULL }, { NULL, NULL, NULL },
	};
	struct copy_progress pr = { isatty(STDERR_FILENO) == 1, false, 0, 0 };
	struct buf why = BUF_INIT(2048);
	char safe[CAP_DSN_SHOWN];
	double t0 = now_secs(), t1, t2;
	struct err err;
	int rc, npos;

	rc = cli_parse("hamgan migrate", argc, argv, opts, pos, 0, 0, &npos);
	if (rc != EXIT_OK)
		return rc;
	if (!from || !to)
		return cli_usage_error("hamgan migrate", "'--from' and '--to' are required");
	core_dsn_safe(to, safe, sizeof(safe));
	fprintf(stderr, "copying %s to %s\n", from, safe);
	err_clear(&err);
	rc = store_migrate(from, to, on_progress, &pr, &err);
	if (pr.drawn)
		fputc('\n', stderr);
	if (rc < 0)
		return cli_fail("%s", err.msg);
	t1 = now_secs();
	fprintf(stderr, "copied %" PRId64 " rows in %zu tables in %.1f s (%.0f rows/s)\n",
		pr.rows, pr.tables, t1 - t0, rate(pr.rows, t1 - t0));
	if (check_counts(from, to, &why) == 0)
		check_core(from, to, &why);
	t2 = now_secs();
	if (why.len) {
		err_clear(&err);
		rc = store_migrate_undo(from, to, &err);
		fprintf(stderr, "hamgan: check failed: %s\n", why.data);
		buf_release(&why);
		if (rc < 0)
			return cli_fail("and the target could not be emptied: %s", err.msg);
		return cli_fail("the target was emptied again");
	}
	buf_release(&why);
	printf("done: %" PRId64 " rows in %zu tables moved to %s in %.1f s (copy %.1f s, "
	       "checks %.1f s)\n", pr.rows, pr.tables, safe, t2 - t0, t1 - t0, t2 - t1);
	return EXIT_OK;
}
