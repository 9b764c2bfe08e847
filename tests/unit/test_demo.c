/*
 * test_demo.c - the demo generator (demo/demo.h) on real SQLite files:
 * the same seed gives the same messages, another seed other ones; every
 * region gets messages; the states are spread like a city's; the audit
 * chain verifies; the printed logins log in; and Region 12's first nine
 * months of 1399 against 1398 show the shaped figures (counted here with SQL
 * straight over the referral chains and the audit log, independent of the
 * reports module, by docs/reports.md's definitions).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>

#include "core/agg.h"
#include "core/audit.h"
#include "core/core.h"
#include "demo/demo.h"
#include "core/report.h"
#include "fa/period.h"
#include "core/user.h"
#include "store/audit_pack.h"

#define SMALL 3000	/* messages for the quick checks */
#define MEDIUM 12000	/* enough for the Region 12 figures to a point */

struct db {
	char dir[512], path[600];
	struct demo_result res;
};

static void db_make(struct db *d, uint64_t seed, long n)
{
	const char *tmp = getenv("TMPROOT");
	struct demo_opts o;
	struct core c;
	struct err err;
	int rc;

	memset(d, 0, sizeof(*d));
	setenv("HAMGAN_PWHASH_FAST", "1", 1);
	snprintf(d->dir, sizeof(d->dir), "%s/demo.XXXXXX", tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(d->dir));
	snprintf(d->path, sizeof(d->path), "%s/d.db", d->dir);
	assert_int_equal(core_open_flags(&c, d->path, CORE_CREATE, NULL, &err), 0);
	memset(&o, 0, sizeof(o));
	o.seed = seed;
	o.messages = n;
	rc = demo_generate(&c, &o, &d->res, &err);
	if (rc < 0)
		fprintf(stderr, "demo: %s\n", err.msg);
	assert_int_equal(rc, 0);
	core_close(&c);
}

static void db_remove(struct db *d)
{
	char p[700];

	unlink(d->path);
	snprintf(p, sizeof(p), "%s-wal", d->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", d->path);
	unlink(p);
	rmdir(d->dir);
}

/* BLAKE2b of every message column, tracking code included, in id order. */
static void messages_hash(const char *path, unsigned char out[32])
{
	sqlite3 *db;
	sqlite3_stmt *st;
	crypto_generichash_state h;
	int i, n;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT * FROM messages ORDER BY id", -1, &st, NULL),
			 SQLITE_OK);
	crypto_generichash_init(&h, NULL, 0, 32);
	n = sqlite3_column_count(st);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < n; i++) {
			const unsigned char *t;

			t = sqlite3_column_text(st, i);
			crypto_generichash_update(&h, t ? t : (const unsigned char *)"\\N",
						  t ? (size_t)sqlite3_column_bytes(st, i) : 2);
			crypto_generichash_update(&h, (const unsigned char *)"|", 1);
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	crypto_generichash_final(&h, out, 32);
}

static int64_t sql_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void same_seed_same_data(void **state)
{
	struct db a, b, c;
	unsigned char ha[32], hb[32], hc[32];

	(void)state;
	db_make(&a, 42, SMALL);
	db_make(&b, 42, SMALL);
	db_make(&c, 43, SMALL);
	messages_hash(a.path, ha);
	messages_hash(b.path, hb);
	messages_hash(c.path, hc);
	assert_memory_equal(ha, hb, 32);
	assert_memory_not_equal(ha, hc, 32);
	assert_int_equal(sql_int(a.path, "SELECT count(*) FROM messages"), SMALL);
	assert_int_equal(a.res.registered, SMALL);
	assert_int_equal(a.res.answered, b.res.answered);
	db_remove(&a);
	db_remove(&b);
	db_remove(&c);
}

/* The figures of Region 12 (subtree) over [from, to) (UTC instants, a
 * past period: as_of is `to`), straight from the raw rows: referred = first
 * hop into the subtree in the period; answered = of those, answered while
 * the subtree held it, before `to`; judgements = verdicts and grades given
 * in the period on answers the subtree gave. */
struct r12 {
	int64_t referred, answered, judgements, positive;
};

/* audit_text(payload, at): a stored audit payload (schema 16, packed) as
 * its JSON text, for the SQL below. */
static void audit_text_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char *text = malloc(CAP_AUDIT_PAYLOAD + 1);

	(void)argc;
	if (audit_unpack(sqlite3_value_blob(argv[0]), (size_t)sqlite3_value_bytes(argv[0]),
			 sqlite3_value_int64(argv[1]), text, CAP_AUDIT_PAYLOAD + 1, NULL) < 0)
		sqlite3_result_error(ctx, "audit_text: does not unpack", -1);
	else
		sqlite3_result_text(ctx, text, -1, SQLITE_TRANSIENT);
	free(text);
}

static void r12_figures(const char *path, int64_t from, int64_t to, struct r12 *r)
{
	static const char sql[] =
		"WITH u AS (SELECT id FROM units WHERE path LIKE"
		"   (SELECT path FROM units WHERE code = 'region-12') || '%'),"
		" first AS (SELECT msg_id, min(id) AS rid FROM referrals"
		"   WHERE kind <> 2 AND to_unit IN u GROUP BY msg_id),"
		" entered AS (SELECT f.msg_id, r.at FROM first f JOIN referrals r ON r.id = f.rid"
		"   WHERE r.at >= ?1 AND r.at < ?2),"
		" answers AS (SELECT a.msg_id, a.seq, a.at, (SELECT x.to_unit FROM referrals x"
		"   WHERE x.msg_id = a.msg_id AND x.at <= a.at ORDER BY x.id DESC LIMIT 1) AS holder"
		"   FROM audit a JOIN audit_names n ON n.id = a.action_id WHERE n.name = 'msg.answer'),"
		" judged AS (SELECT audit_text(j.payload, j.at) AS payload, (SELECT holder"
		"   FROM answers an WHERE an.msg_id = j.msg_id AND an.seq < j.seq"
		"   ORDER BY an.seq DESC LIMIT 1) AS holder"
		"   FROM audit j JOIN audit_names n ON n.id = j.action_id"
		"   WHERE n.name IN ('msg.verdict', 'msg.grade') AND j.at >= ?1 AND j.at < ?2)"
		" SELECT (SELECT count(*) FROM entered),"
		" (SELECT count(*) FROM entered e WHERE EXISTS (SELECT 1 FROM answers an"
		"   WHERE an.msg_id = e.msg_id AND an.at >= e.at AND an.at < ?2"
		"   AND an.holder IN u)),"
		" (SELECT count(*) FROM judged WHERE holder IN u),"
		" (SELECT count(*) FROM judged WHERE holder IN u AND"
		"   (json_extract(payload, '$.verdict') = 'accept' OR"
		"    json_extract(payload, '$.grade') = 'acceptable'))";
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_create_function(db, "audit_text", 2, SQLITE_UTF8, NULL,
						 audit_text_fn, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	r->referred = sqlite3_column_int64(st, 0);
	r->answered = sqlite3_column_int64(st, 1);
	r->judgements = sqlite3_column_int64(st, 2);
	r->positive = sqlite3_column_int64(st, 3);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* The same from the reports module, with the mean handling times. */
static void r12_report(struct core *c, struct report *r)
{
	struct report_query q;
	struct actor sys = actor_system("test");
	struct err err;

	memset(&q, 0, sizeof(q));
	q.unit_code = "region-12";
	q.compare = true;
	assert_int_equal(jperiod_parse("1399-01..1399-09", &q.period, &err), 0);
	if (report_run(c, &sys, &q, r, &err) < 0)
		fail_msg("report: %s", err.msg);
}

static void city_and_region12(void **state)
{
	static const char *const logins_sql = "SELECT count(*) FROM users";
	struct db d;
	struct core c;
	struct err err;
	struct r12 y98, y99;
	int64_t count = 0, bad = 0, total, rejected, done, open, regions;
	int i;
	/* Tehran midnights (+03:30) of 1398-01-01, 1398-10-01, 1399-01-01,
	 * 1399-10-01 */
	const int64_t a98 = 1553113800, b98 = 1576960200, a99 = 1584649800, b99 = 1608496200;

	(void)state;
	db_make(&d, 1888, MEDIUM);

	/* every region has messages; the mix of states is a city's */
	regions = sql_int(d.path, "SELECT count(DISTINCT region_id) FROM messages");
	assert_int_equal(regions, 22);
	for (i = 1; i <= 22; i++) {
		char q[200];

		snprintf(q, sizeof(q), "SELECT count(*) FROM messages m JOIN units u ON u.id ="
			 " m.region_id WHERE u.code = 'region-%02d'", i);
		assert_true(sql_int(d.path, q) > 20);
	}
	total = sql_int(d.path, "SELECT count(*) FROM messages");
	rejected = sql_int(d.path, "SELECT count(*) FROM messages WHERE state = 6");
	done = sql_int(d.path, "SELECT count(*) FROM messages WHERE state IN (3, 4)");
	open = sql_int(d.path, "SELECT count(*) FROM messages WHERE state NOT IN (3, 4, 6)");
	assert_int_equal(total, MEDIUM);
	assert_true(rejected > total * 15 / 100 && rejected < total * 25 / 100);
	assert_true(done > total * 65 / 100);
	assert_true(open > 0 && open < total * 10 / 100);
	assert_true(sql_int(d.path, "SELECT count(*) FROM messages WHERE state = 7") > 0);
	assert_true(sql_int(d.path, "SELECT count(*) FROM referrals WHERE kind = 2") > 0);
	assert_true(sql_int(d.path, "SELECT count(*) FROM referrals WHERE kind = 1") > 0);
	assert_true(sql_int(d.path, "SELECT count(*) FROM messages WHERE channel = 4") > 0);
	assert_true(sql_int(d.path, "SELECT count(*) FROM messages WHERE duplicate_of > 0") > 0);
	assert_true(sql_int(d.path, "SELECT count(*) FROM messages WHERE grade > 0") > 0);
	assert_true(sql_int(d.path, "SELECT count(*) FROM messages WHERE rating > 0") > 0);
	assert_true(sql_int(d.path, "SELECT count(*) FROM messages WHERE confidential = 1") > 0);
	assert_true(sql_int(d.path, "SELECT count(*) FROM messages WHERE has_point = 1") > 0);
	/* recent messages still open, and overdue now */
	assert_true(sql_int(d.path, "SELECT count(*) FROM messages WHERE state NOT IN (3, 4, 6)"
			    " AND created_at > 1644000000") > 0);
	/* regression (issue 14): no open message sits in a region (or one of
	 * its districts) other than the one its place is in */
	assert_int_equal(sql_int(d.path, "SELECT count(*) FROM messages m"
				 " JOIN units u ON u.id = m.unit_id"
				 " JOIN units r ON r.kind = 2 AND u.path GLOB r.path || '*'"
				 " WHERE m.state IN (1, 2, 7) AND m.region_id <> r.id"), 0);
	/* fewer on Fridays than on Saturdays (Tehran days) */
	assert_true(sql_int(d.path, "SELECT sum(strftime('%w', created_at + 12600, 'unixepoch')"
			    " = '5') * 2 < sum(strftime('%w', created_at + 12600, 'unixepoch') = '6')"
			    " FROM messages") == 1);

	/* each message's row was written once at its end, from the record its
	 * steps changed in memory (core/bulk.h): it agrees with its history */
	assert_int_equal(sql_int(d.path, "SELECT count(*) FROM messages m WHERE m.version <>"
				 " (SELECT count(*) FROM audit a JOIN audit_names n ON n.id ="
				 " a.action_id WHERE a.msg_id = m.id AND n.name LIKE 'msg.%')"), 0);
	assert_int_equal(sql_int(d.path, "SELECT count(*) FROM messages m WHERE m.referral_count"
				 " <> (SELECT count(*) FROM referrals r WHERE r.msg_id = m.id"
				 " AND r.kind IN (0, 1))"), 0);
	assert_int_equal(sql_int(d.path, "SELECT count(*) FROM messages WHERE state = 3 AND"
				 " (answer = '' OR answered_at = 0)"), 0);
	/* the demo's sender (demo/demo_sms.h) sent every text queued, none
	 * before it was queued, and pruned those sent 90 days before the end
	 * (docs/deployment.md's policy): the outbox holds the rest, each
	 * batch pruned has its audit entry */
	assert_true(d.res.sms_sent > MEDIUM);
	assert_true(d.res.sms_pruned > d.res.sms_sent / 2);
	assert_int_equal(sql_int(d.path, "SELECT count(*) FROM sms_outbox"),
			 d.res.sms_sent - d.res.sms_pruned);
	assert_int_equal(sql_int(d.path, "SELECT count(*) FROM sms_outbox WHERE state <> 2"
				 " OR sent_at < created_at"), 0);
	{
		int64_t from, to;
		char q[300];

		assert_int_equal(demo_span(&from, &to, NULL), 0);
		snprintf(q, sizeof(q), "SELECT count(*) FROM sms_outbox WHERE sent_at < %lld",
			 (long long)(to - 90 * 86400));
		assert_int_equal(sql_int(d.path, q), 0);
		snprintf(q, sizeof(q), "SELECT count(*) FROM sms_outbox WHERE sent_at >= %lld",
			 (long long)(to - 30 * 86400));
		assert_true(sql_int(d.path, q) > 0);
	}
	assert_true(sql_int(d.path, "SELECT count(*) FROM audit a JOIN audit_names n"
			    " ON n.id = a.action_id WHERE n.name = 'sms.prune'") > 0);
	/* a unit without child units keeps no alone cells nor pair rows
	 * (core/agg.h, agg_scope_stored): the scope is bits 35..59 of a cell's
	 * rowid, unit + 2^24 (store/cell_pack.h); units with children keep
	 * theirs */
	assert_true(sql_int(d.path, "SELECT count(*) FROM agg_cells") > 0);
	assert_int_equal(sql_int(d.path, "SELECT count(*) FROM agg_cells WHERE"
				 " ((id >> 35) & 33554431) < 16777216 AND 16777216 - ((id >> 35)"
				 " & 33554431) NOT IN (SELECT parent_id FROM units"
				 " WHERE parent_id IS NOT NULL)"), 0);
	assert_int_equal(sql_int(d.path, "SELECT count(*) FROM agg_pairs WHERE unit < 0 AND"
				 " -unit NOT IN (SELECT parent_id FROM units"
				 " WHERE parent_id IS NOT NULL)"), 0);
	assert_true(sql_int(d.path, "SELECT count(*) FROM agg_cells WHERE"
			    " ((id >> 35) & 33554431) < 16777216") > 0);
	assert_true(sql_int(d.path, "SELECT count(*) FROM agg_pairs WHERE unit < 0") > 0);
	/* bulk mode left the foreign keys unchecked: they hold */
	assert_int_equal(sql_int(d.path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);

	/* the audit chain verifies, the aggregates are the recount (report
	 * --verify) and the logins work */
	assert_int_equal(core_open(&c, d.path, &err), 0);
	assert_int_equal(audit_verify(&c, &count, &bad, &err), 0);
	assert_true(count > MEDIUM);
	{
		struct agg_verify_result vr;

		assert_int_equal(agg_verify(c.st, &vr, NULL, NULL, NULL, &err), 0);
		assert_int_equal(vr.messages, MEDIUM);
		assert_int_equal(vr.differences, 0);
	}
	assert_int_equal(d.res.nlogins, DEMO_LOGINS);
	for (i = 0; i < d.res.nlogins; i++) {
		char token[SESSION_TOKEN_HEX + 1];
		struct actor who;
		int64_t retry = 0;

		assert_int_equal(user_login(&c, d.res.logins[i].username, d.res.logins[i].password,
					    "127.0.0.1", token, &who, &retry, &err), 0);
		assert_int_equal(who.role, d.res.logins[i].role);
	}
	core_close(&c);
	assert_true(sql_int(d.path, logins_sql) > DEMO_LOGINS);

	/* Region 12: +8% referred, 90% answered, 93% of judgements positive,
	 * faster; the raw rows and the report agree */
	r12_figures(d.path, a98, b98, &y98);
	r12_figures(d.path, a99, b99, &y99);
	assert_true(y98.referred > 50);
	{
		double growth = 100.0 * (double)(y99.referred - y98.referred) / (double)y98.referred;
		double quant = (double)y99.answered / (double)y99.referred;
		double qual = (double)y99.positive / (double)y99.judgements;
		struct report rep;

		assert_int_equal(core_open(&c, d.path, &err), 0);
		r12_report(&c, &rep);
		core_close(&c);
		if (growth < 7 || growth > 9 || quant < 0.89 || quant > 0.91 || qual < 0.92 ||
		    qual > 0.94 || !(rep.total.cur.mean_hours < rep.total.prev.mean_hours))
			fprintf(stderr, "region 12: %lld -> %lld (%.2f%%), %.4f, %.4f, %.1f h -> %.1f h\n",
				(long long)y98.referred, (long long)y99.referred, growth, quant, qual,
				rep.total.prev.mean_hours, rep.total.cur.mean_hours);
		assert_true(growth >= 7 && growth <= 9);
		assert_true(quant >= 0.89 && quant <= 0.91);
		assert_true(qual >= 0.92 && qual <= 0.94);
		assert_true(rep.total.cur.mean_hours < rep.total.prev.mean_hours);
		assert_int_equal(rep.total.cur.referred, y99.referred);
		assert_int_equal(rep.total.prev.referred, y98.referred);
		assert_int_equal(rep.total.cur.answered, y99.answered);
		assert_int_equal(rep.total.prev.answered, y98.answered);
		assert_int_equal(rep.total.cur.judgements, y99.judgements);
		assert_int_equal(rep.total.cur.acceptable, y99.positive);
		report_release(&rep);
	}
	db_remove(&d);
}

static void bad_counts_refused(void **state)
{
	struct demo_opts o;
	struct demo_result res;
	struct err err;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.messages = DEMO_MIN_MESSAGES - 1;
	assert_int_equal(demo_generate(NULL, &o, &res, &err), ERR_INVALID);
	o.messages = DEMO_MAX_MESSAGES + 1;
	assert_int_equal(demo_generate(NULL, &o, &res, &err), ERR_INVALID);
}

static void refuses_a_filled_database(void **state)
{
	struct db d;
	struct core c;
	struct demo_opts o;
	struct demo_result res;
	struct err err;

	(void)state;
	db_make(&d, 1, DEMO_MIN_MESSAGES);
	assert_int_equal(core_open(&c, d.path, &err), 0);
	memset(&o, 0, sizeof(o));
	o.messages = DEMO_MIN_MESSAGES;
	assert_int_equal(demo_generate(&c, &o, &res, &err), ERR_CONFLICT);
	core_close(&c);
	assert_int_equal(sql_int(d.path, "SELECT count(*) FROM messages"), DEMO_MIN_MESSAGES);
	db_remove(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_counts_refused),
		cmocka_unit_test(refuses_a_filled_database),
		cmocka_unit_test(same_seed_same_data),
		cmocka_unit_test(city_and_region12),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
