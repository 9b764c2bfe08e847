/*
 * core_fixture.h - a real database with the units, categories and users the
 * core tests share (included by the core test files; everything here is
 * static): a SQLite file in a temporary directory, or, with
 * HAMGAN_TEST_BACKEND=postgresql, a fresh database on the test cluster
 * (pg_test.h; tests/run starts it and names it in HAMGAN_TEST_PG), dropped
 * at teardown.  f->path is the dsn either way; f->dir is a temporary
 * directory in both cases, for the files a test writes beside it.
 *
 * Units: tehran (organisation) > centre-1888 (centre), region-01,
 * region-12 > district-12-1.  Categories: roads (leaf, 48 h, all kinds),
 * staff-conduct (leaf, 24 h, complaint|criticism, confidential), parent
 * "city" (not a leaf).  Users: op (operator), s12/m12 (staff/manager of
 * region-12), s01/m01 (of region-01), insp (inspector), adm (admin).
 */
#ifndef HAMGAN_TESTS_CORE_FIXTURE_H
#define HAMGAN_TESTS_CORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>
#include <libpq-fe.h>

#include "pg_test.h"

#include "base/str.h"
#include "core/actor.h"
#include "core/audit.h"
#include "core/category.h"
#include "core/core.h"
#include "core/flow.h"
#include "core/msg.h"
#include "core/unit.h"
#include "core/user.h"

#define FX_MOBILE "09121234567"
#define FX_T0 1700000000	/* 2023-11-14, a fixed clock */

struct fx {
	char dir[512];
	char path[600];		/* the dsn: a file, or a postgresql:// URI */
	bool pg;		/* path names a PostgreSQL database */
	struct core c;
	struct actor sys, op, s12, m12, s01, m01, insp, adm;
	int64_t org, centre, r01, r12, d12;
	int64_t cat_roads, cat_conduct, cat_city;
};

static const char fx_units_csv[] =
	"code,name,kind,parent_code\n"
	"tehran,شهرداری تهران,organisation,\n"
	"centre-1888,مرکز ۱۸۸۸,centre,tehran\n"
	"region-01,منطقه ۱,region,tehran\n"
	"region-12,منطقه ۱۲,region,tehran\n"
	"district-12-1,ناحیه ۱ منطقه ۱۲,district,region-12\n";

static const char fx_categories_csv[] =
	"code,name,parent_code,deadline_hours,kinds,confidential,service_code\n"
	"city,خدمات شهری,,72,all,0,\n"
	"roads,راه و معابر,city,48,all,0,pothole\n"
	"staff-conduct,رفتار کارکنان,,24,complaint|criticism,1,\n";

static inline int64_t fx_unit(struct fx *f, const char *code)
{
	struct unit u;

	if (unit_get_by_code(&f->c, code, &u, NULL) < 0)
		abort();
	return u.id;
}

static inline struct actor fx_user(struct fx *f, const char *name, enum role role, int64_t unit)
{
	struct user u;
	struct err err;

	memset(&u, 0, sizeof(u));
	str_copy(u.username, sizeof(u.username), name);
	u.role = role;
	u.unit_id = unit;
	u.active = true;
	if (user_add(&f->c, &f->sys, &u, "password-123", &err) < 0) {
		fprintf(stderr, "fx_user: %s\n", err.msg);
		abort();
	}
	return user_actor(&u);
}

static inline void fx_open_path(struct fx *f, bool create)
{
	struct err err;

	if (core_open_flags(&f->c, f->path, create ? CORE_CREATE : 0, NULL, &err) < 0) {
		fprintf(stderr, "fx: %s\n", err.msg);
		abort();
	}
	core_set_now(&f->c, FX_T0);
}

/* The run is over PostgreSQL (HAMGAN_TEST_BACKEND=postgresql), else SQLite;
 * any other name is a mistake of the caller's, never a silent SQLite run. */
static inline bool fx_backend_pg(void)
{
	const char *b = getenv("HAMGAN_TEST_BACKEND");

	if (!b || !*b || !strcmp(b, "sqlite"))
		return false;
	if (!strcmp(b, "postgresql"))
		return true;
	fprintf(stderr, "fx: HAMGAN_TEST_BACKEND=%s: not sqlite or postgresql\n", b);
	abort();
}

static inline void fx_setup_empty(struct fx *f)
{
	const char *tmp = getenv("TMPROOT");

	memset(f, 0, sizeof(*f));
	setenv("HAMGAN_PWHASH_FAST", "1", 1);
	snprintf(f->dir, sizeof(f->dir), "%s/core.XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		abort();
	f->pg = fx_backend_pg();
	if (!f->pg) {
		snprintf(f->path, sizeof(f->path), "%s/h.db", f->dir);
	} else if (pg_test_db(f->path, sizeof(f->path)) < 0) {
		/* asked for PostgreSQL: without a cluster that is a failure */
		fprintf(stderr, "fx: no PostgreSQL database (is HAMGAN_TEST_PG set?)\n");
		abort();
	}
	fx_open_path(f, true);
	f->sys = actor_system("test");
}

static inline void fx_setup(struct fx *f)
{
	struct category cat;
	size_t n;
	struct err err;

	fx_setup_empty(f);
	if (unit_import_csv(&f->c, &f->sys, fx_units_csv, strlen(fx_units_csv), &n, &err) < 0 ||
	    category_import_csv(&f->c, &f->sys, fx_categories_csv, strlen(fx_categories_csv), &n,
				&err) < 0) {
		fprintf(stderr, "fx: %s\n", err.msg);
		abort();
	}
	f->org = fx_unit(f, "tehran");
	f->centre = fx_unit(f, "centre-1888");
	f->r01 = fx_unit(f, "region-01");
	f->r12 = fx_unit(f, "region-12");
	f->d12 = fx_unit(f, "district-12-1");
	category_get_by_code(&f->c, "roads", &cat, NULL);
	f->cat_roads = cat.id;
	category_get_by_code(&f->c, "staff-conduct", &cat, NULL);
	f->cat_conduct = cat.id;
	category_get_by_code(&f->c, "city", &cat, NULL);
	f->cat_city = cat.id;
	f->op = fx_user(f, "op", ROLE_OPERATOR, f->centre);
	f->s12 = fx_user(f, "s12", ROLE_STAFF, f->r12);
	f->m12 = fx_user(f, "m12", ROLE_MANAGER, f->r12);
	f->s01 = fx_user(f, "s01", ROLE_STAFF, f->r01);
	f->m01 = fx_user(f, "m01", ROLE_MANAGER, f->r01);
	f->insp = fx_user(f, "insp", ROLE_INSPECTOR, 0);
	f->adm = fx_user(f, "adm", ROLE_ADMIN, 0);
}

static inline void fx_teardown(struct fx *f)
{
	char p[700];

	core_close(&f->c);
	if (f->pg) {
		pg_test_drop(f->path);
		rmdir(f->dir);
		return;
	}
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	rmdir(f->dir);
}

/* Register a phone message as the operator. */
/* The texts of m as the read that gave m allows (core msg_text_get), in a
 * buffer of the fixture's: valid until the next call. */
static inline const struct msg_text *fx_text(struct fx *f, const struct msg *m)
{
	static struct msg_text t;
	struct err err;

	if (msg_text_get(&f->c, m, &t, &err) < 0) {
		fprintf(stderr, "fx_text: %s\n", err.msg);
		memset(&t, 0, sizeof(t));
	}
	return &t;
}

static inline int fx_register(struct fx *f, const char *mobile, enum msg_kind kind, int64_t cat,
		       struct msg *out)
{
	struct msg_new in;
	struct err err;
	int rc;

	memset(&in, 0, sizeof(in));
	in.channel = CHANNEL_PHONE;
	in.kind = kind;
	in.category_id = cat;
	in.subject = "چاله در خیابان";
	in.body = "یک چاله‌ی بزرگ در خیابان ولی‌عصر، نزدیک پلاک ۱۲۳";
	in.mobile = mobile;
	in.anonymous = mobile == NULL;
	in.citizen_name = mobile ? "مریم رضایی" : NULL;
	rc = msg_register(&f->c, &f->op, &in, out, &err);
	if (rc < 0)
		fprintf(stderr, "fx_register: %s\n", err.msg);
	return rc;
}

/*
 * A test's own look at the database, past the store: fx_exec runs SQL that
 * returns no rows, fx_int the first column of the first row of a query
 * (-1 when there is none or on an error).  The SQL must be valid in the
 * backend's dialect; f->pg tells a test which one it speaks.
 */
static inline int fx_exec(struct fx *f, const char *sql)
{
	if (f->pg) {
		PGconn *c = PQconnectdb(f->path);
		PGresult *r = PQexec(c, sql);
		int ok = PQresultStatus(r) == PGRES_COMMAND_OK;

		if (!ok)
			fprintf(stderr, "fx_exec: %s: %s", sql, PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
		return ok ? 0 : -1;
	} else {
		sqlite3 *db;
		char *msg = NULL;
		int rc;

		if (sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
			abort();
		rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
		if (rc != SQLITE_OK)
			fprintf(stderr, "fx_exec: %s: %s\n", sql, msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(db);
		return rc == SQLITE_OK ? 0 : -1;
	}
}

static inline long long fx_int(struct fx *f, const char *sql)
{
	long long n = -1;

	if (f->pg) {
		PGconn *c = PQconnectdb(f->path);
		PGresult *r = PQexec(c, sql);

		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 &&
		    !PQgetisnull(r, 0, 0))
			n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		else if (PQresultStatus(r) != PGRES_TUPLES_OK)
			fprintf(stderr, "fx_int: %s: %s", sql, PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
	} else {
		sqlite3 *db;
		sqlite3_stmt *st;

		if (sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
			abort();
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	return n;
}

/* A count of rows in table. */
static inline long long fx_count(struct fx *f, const char *table)
{
	char sql[128];

	/* SQLite's index keeps neither texts nor sizes (schema 22): its
	 * entries are counted as the messages its terms name */
	if (!f->pg && strcmp(table, "msg_fts") == 0) {
		sqlite3 *db;
		sqlite3_stmt *st;
		long long n = -1;

		if (sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
			abort();
		if (sqlite3_exec(db, "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, msg_fts,"
				 " instance)", NULL, NULL, NULL) == SQLITE_OK &&
		    sqlite3_prepare_v2(db, "SELECT count(DISTINCT doc) FROM temp.v", -1, &st,
				       NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				n = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
		}
		sqlite3_close(db);
		return n;
	}
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	return fx_int(f, sql);
}

/* A fingerprint of every table's row count, to compare before/after. */
static inline void fx_counts(struct fx *f, char *out, size_t outsz)
{
	static const char *const tables[] = {
		"units", "categories", "users", "sessions", "citizens", "messages", "referrals",
		"audit", "sms_outbox", "live_sessions", "msg_fts", "login_failures", "verify_codes",
	};
	size_t i, off = 0;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]) && off < outsz; i++)
		off += (size_t)snprintf(out + off, outsz - off, "%s=%lld ", tables[i],
					fx_count(f, tables[i]));
}

#endif
