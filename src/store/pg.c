/*
 * pg.c - the PostgreSQL backend of store.h (libpq): opening (a
 * postgresql:// URI, the schema's migrations), transactions, the statement
 * cache and the parameter and row helpers of pg_int.h.  The ops are in
 * pg_admin.c (units, categories, people, daily work), pg_msg.c (messages,
 * search, place) and pg_log.c (audit, SMS, codes, aggregates, attachments,
 * boundaries, Open311).
 *
 * Several server nodes may share one database (docs/scale-out.md).  Every
 * write transaction takes one advisory lock first (PG_WRITE_LOCK_KEY), so
 * writes run one transaction at a time across the nodes, as SQLite's write
 * lock makes them on one machine: the audit chain's tail and the report
 * aggregates are read and written by one writer.  Each node's writer
 * batches its requests (http/writer.c), so the lock is taken once per
 * batch.  Commits are durable when they return (synchronous_commit on).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/caps.h"
#include "base/mem.h"
#include "base/str.h"
#include "store/pg_admin.h"
#include "store/pg_int.h"
#include "store/pg_log.h"
#include "store/pg_msg.h"

#define PG_LOCK_TIMEOUT "'10s'"	/* a write waiting longer is ERR_UNAVAILABLE */

/* ---- parameters ---- */

static void p_push(struct pg_params *p, const char *v, int len, int fmt)
{
	if (p->n >= PG_MAX_PARAMS)
		abort();	/* a statement with more parameters is a bug */
	p->v[p->n] = v;
	p->len[p->n] = len;
	p->fmt[p->n] = fmt;
	p->n++;
}

void pg_p_int(struct pg_params *p, int64_t v)
{
	char *t = p->num[p->n < PG_MAX_PARAMS ? p->n : 0];

	snprintf(t, sizeof(p->num[0]), "%" PRId64, v);
	p_push(p, t, 0, 0);
}

void pg_p_id(struct pg_params *p, int64_t v)
{
	if (v)
		pg_p_int(p, v);
	else
		p_push(p, NULL, 0, 0);
}

void pg_p_double(struct pg_params *p, double v)
{
	char *t = p->num[p->n < PG_MAX_PARAMS ? p->n : 0];

	/* 17 significant digits: the double back exactly */
	snprintf(t, sizeof(p->num[0]), "%.17g", v);
	p_push(p, t, 0, 0);
}

void pg_p_bool(struct pg_params *p, bool v)
{
	pg_p_int(p, v ? 1 : 0);
}

void pg_p_text(struct pg_params *p, const char *v)
{
	p_push(p, v, 0, 0);
}

void pg_p_blob(struct pg_params *p, const void *data, size_t len)
{
	if (len > INT32_MAX)
		abort();	/* callers cap attachments far below */
	p_push(p, data ? (const char *)data : NULL, (int)len, 1);
}

/* ---- errors ---- */

/* The code of this thread's last failure, for callers that passed no err
 * (a connection is used by one thread at a time). */
static _Thread_local int last_code = ERR_STORE;

int pg_failed(const struct err *err)
{
	return err && err->code < 0 ? err->code : last_code;
}

static int fail_code(struct err *err, int code, const char *what, const char *detail)
{
	last_code = code;
	return err_set(err, code, "", "%s: %s", what, detail);
}

int pg_fail(struct pg_store *s, const PGresult *res, const char *what, struct err *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char line[200];
	size_t len;

	if (!msg || !*msg) {
		/* libpq's own message ends in a newline */
		str_copy(line, sizeof(line), PQerrorMessage(s->conn));
		len = strlen(line);
		while (len && (line[len - 1] == '\n' || line[len - 1] == ' '))
			line[--len] = '\0';
		str_utf8_trim_partial(line);
		msg = line;
	}
	if (PQstatus(s->conn) == CONNECTION_BAD)
		return fail_code(err, ERR_UNAVAILABLE, what, "the database connection is lost");
	if (!state)
		return fail_code(err, ERR_STORE, what, msg);
	if (!strcmp(state, "23505"))
		return fail_code(err, ERR_CONFLICT, what, "already exists");
	if (!strcmp(state, "23503"))
		return fail_code(err, ERR_INVALID, what, "refers to something that does not exist");
	if (!strncmp(state, "23", 2))
		return fail_code(err, ERR_INVALID, what, msg);
	/* serialisation failure, deadlock, lock not available, lock time-out
	 * (55P03), too many connections, shutting down, cannot connect */
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03") ||
	    !strcmp(state, "53300") || !strncmp(state, "57P", 3) || !strncmp(state, "08", 2))
		return fail_code(err, ERR_UNAVAILABLE, what, "the database is busy");
	/* disk full, out of memory on the server */
	if (!strcmp(state, "53100"))
		return fail_code(err, ERR_FULL, what, msg);
	if (!strcmp(state, "22001") || !strcmp(state, "54000"))
		return fail_code(err, ERR_TOOBIG, what, msg);
	return fail_code(err, ERR_STORE, what, msg);
}

/* ---- savepoints held back ----
 *
 * Each request of a writer's batch runs in a savepoint, and the core nests
 * one or two more inside it (core/batch.h): 6 of a submission's 22
 * statements were SAVEPOINTs and RELEASEs, each a round trip of its own.
 * Neither changes what a later statement reads or writes, so they are held
 * back here and sent in front of the next statement, in the same round
 * trip (libpq's pipeline mode).  A level opened and closed with no
 * statement in it sends nothing, and COMMIT or ROLLBACK of the whole
 * transaction drops what is held.  After a flush the queue only grows as
 * RELEASEs then SAVEPOINTs (a RELEASE right after its SAVEPOINT cancels
 * it), so its last entry, when a SAVEPOINT, is the innermost level's.
 */

static const char *deferred_sql(bool savepoint)
{
	return savepoint ? "SAVEPOINT nest" : "RELEASE SAVEPOINT nest";
}

int pg_flush(struct pg_store *s, struct err *err)
{
	char sql[CAP_PG_DEFERRED * 24 + 1];
	size_t used = 0;
	int i, n = s->ndeferred;

	if (n == 0)
		return 0;
	s->ndeferred = 0;
	sql[0] = '\0';
	for (i = 0; i < n; i++)
		used += (size_t)snprintf(sql + used, sizeof(sql) - used, "%s;",
					 deferred_sql(s->deferred[i]));
	return pg_exec_plain(s, sql, "savepoint", err);
}

/* Hold back a SAVEPOINT (true) or a RELEASE; a full queue is sent first. */
static int defer(struct pg_store *s, bool savepoint, struct err *err)
{
	int rc;

	if (!savepoint && s->ndeferred > 0 && s->deferred[s->ndeferred - 1]) {
		s->ndeferred--;		/* nothing ran inside the level */
		return 0;
	}
	if (s->ndeferred == CAP_PG_DEFERRED) {
		rc = pg_flush(s, err);
		if (rc < 0)
			return rc;
	}
	s->deferred[s->ndeferred++] = savepoint;
	return 0;
}

/*
 * The statement name with p, after the held-back savepoints, in one round
 * trip.  The result of the first that failed (a failed SAVEPOINT aborts
 * what follows it), else the statement's; NULL when the connection broke.
 */
static PGresult *run_deferred(struct pg_store *s, const char *name, const struct pg_params *p)
{
	PGresult *res, *out = NULL;
	int i, n = s->ndeferred;

	s->ndeferred = 0;
	if (!PQenterPipelineMode(s->conn))
		return NULL;
	for (i = 0; i < n; i++)
		PQsendQueryParams(s->conn, deferred_sql(s->deferred[i]), 0, NULL, NULL, NULL,
				  NULL, 0);
	PQsendQueryPrepared(s->conn, name, p->n, p->v, p->len, p->fmt, 0);
	PQpipelineSync(s->conn);
	/* each statement's result, then a NULL; then the sync's */
	for (i = 0; i <= n; i++) {
		while ((res = PQgetResult(s->conn))) {
			bool ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
				  PQresultStatus(res) == PGRES_TUPLES_OK;

			if (!out && (!ok || i == n))
				out = res;
			else
				PQclear(res);
		}
	}
	res = PQgetResult(s->conn);
	PQclear(res);
	PQexitPipelineMode(s->conn);
	return out;
}

/* ---- statements ---- */

/* After a lost connection: one reconnect when no transaction was open (a
 * transaction's work is gone with the connection, and says so). */
static bool reconnect(struct pg_store *s)
{
	if (PQstatus(s->conn) != CONNECTION_BAD || s->depth > 0 || s->snapshot)
		return false;
	PQreset(s->conn);
	memset(s->prepared, 0, sizeof(s->prepared));
	return PQstatus(s->conn) == CONNECTION_OK;
}

PGresult *pg_run_text(struct pg_store *s, const char *sql, const struct pg_params *p,
		      struct err *err)
{
	PGresult *res;
	int tries;

	/* the savepoints held back first: a failed statement must roll back
	 * its own level, not an outer one */
	if (pg_flush(s, err) < 0)
		return NULL;
	for (tries = 0;; tries++) {
		res = PQexecParams(s->conn, sql, p->n, NULL, p->v, p->len, p->fmt, 0);
		if (PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_COMMAND_OK ||
		    tries > 0 || !reconnect(s))
			return res;
		PQclear(res);
	}
}

PGresult *pg_run(struct pg_store *s, enum pg_stmt_id id, const char *sql,
		 const struct pg_params *p, const char *what, struct err *err)
{
	static const struct pg_params none = PG_PARAMS_INIT;
	char name[16];
	PGresult *res;
	int tries;

	if (!p)
		p = &none;
	snprintf(name, sizeof(name), "h%d", (int)id);
	for (tries = 0; tries < 2; tries++) {
		if (!s->prepared[id]) {
			res = PQprepare(s->conn, name, sql, 0, NULL);
			if (PQresultStatus(res) != PGRES_COMMAND_OK) {
				if (tries == 0 && reconnect(s)) {
					PQclear(res);
					continue;
				}
				pg_fail(s, res, what, err);
				PQclear(res);
				return NULL;
			}
			PQclear(res);
			s->prepared[id] = true;
		}
		if (s->ndeferred)
			res = run_deferred(s, name, p);
		else
			res = PQexecPrepared(s->conn, name, p->n, p->v, p->len, p->fmt, 0);
		switch (PQresultStatus(res)) {
		case PGRES_COMMAND_OK:
		case PGRES_TUPLES_OK:
			return res;
		default:
			break;
		}
		if (tries == 0 && reconnect(s)) {
			PQclear(res);
			continue;
		}
		pg_fail(s, res, what, err);
		PQclear(res);
		return NULL;
	}
	return NULL;
}

int pg_exec(struct pg_store *s, enum pg_stmt_id id, const char *sql, const struct pg_params *p,
	    const char *what, struct err *err)
{
	PGresult *res = pg_run(s, id, sql, p, what, err);

	if (!res)
		return pg_failed(err);
	PQclear(res);
	return 0;
}

int pg_exec_plain(struct pg_store *s, const char *sql, const char *what, struct err *err)
{
	PGresult *res;
	int rc = pg_flush(s, err);

	if (rc < 0)
		return rc;
	res = PQexec(s->conn, sql);

	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = pg_fail(s, res, what, err);
	PQclear(res);
	return rc;
}

/* ---- rows ---- */

int64_t pg_int(const PGresult *res, int r, int c)
{
	const char *v;

	if (PQgetisnull(res, r, c))
		return 0;
	v = PQgetvalue(res, r, c);
	/* booleans come back as "t" and "f" */
	if (v[0] == 't' && v[1] == '\0')
		return 1;
	return strtoll(v, NULL, 10);
}

double pg_double(const PGresult *res, int r, int c)
{
	return PQgetisnull(res, r, c) ? 0 : strtod(PQgetvalue(res, r, c), NULL);
}

bool pg_bool(const PGresult *res, int r, int c)
{
	return pg_int(res, r, c) != 0;
}

void pg_text(const PGresult *res, int r, int c, char *dst, size_t dstsz)
{
	str_copy(dst, dstsz, PQgetisnull(res, r, c) ? "" : PQgetvalue(res, r, c));
	str_utf8_trim_partial(dst);
}

void *pg_blob(const PGresult *res, int r, int c, size_t *len)
{
	unsigned char *raw, *copy;
	size_t n = 0;

	*len = 0;
	if (PQgetisnull(res, r, c))
		return NULL;
	raw = PQunescapeBytea((const unsigned char *)PQgetvalue(res, r, c), &n);
	if (!raw)
		abort();	/* out of memory */
	copy = xmalloc(n ? n : 1);
	memcpy(copy, raw, n);
	PQfreemem(raw);
	*len = n;
	return copy;
}

int pg_list_rows(PGresult *res, void (*read)(const PGresult *res, int r, void *rec), size_t sz,
		 void **out, size_t *n, struct err *err)
{
	size_t rows, bytes, i;
	char *list;

	*out = NULL;
	*n = 0;
	if (!res)
		return pg_failed(err);
	rows = (size_t)PQntuples(res);
	if (rows) {
		if (!size_mul(rows, sz, &bytes))
			abort();
		list = xcalloc(rows, sz);
		for (i = 0; i < rows; i++)
			read(res, (int)i, list + i * sz);
		*out = list;
		*n = rows;
	}
	PQclear(res);
	return 0;
}

int pg_one_row(PGresult *res, void (*read)(const PGresult *res, int r, void *rec), void *rec,
	       const char *what, struct err *err)
{
	if (!res)
		return pg_failed(err);
	if (PQntuples(res) < 1) {
		PQclear(res);
		return err_set(err, ERR_NOTFOUND, "", "%s: not found", what);
	}
	read(res, 0, rec);
	PQclear(res);
	return 0;
}

/* ---- open, close ---- */

static void pg_close(struct store *st)
{
	struct pg_store *s = pg(st);

	if (!s)
		return;
	PQfinish(s->conn);
	free(s);
}

/* libpq prints notices (a NOTICE from CREATE ... IF NOT EXISTS) on stderr
 * unless told otherwise. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static int pg_open(struct store **out, const char *dsn, unsigned flags,
		   const struct progress *prog, struct err *err)
{
	static const char *const keys[] = { "dbname", "application_name", "connect_timeout",
					    "client_encoding", NULL };
	const char *vals[] = { dsn, "hamgan", "10", "UTF8", NULL };
	char safe[CAP_DSN_SHOWN];
	struct pg_store *s;
	int have, rc;

	*out = NULL;
	store_dsn_safe(dsn, safe, sizeof(safe));
	s = xcalloc(1, sizeof(*s));
	s->base.ops = &store_pg_ops;
	s->conn = PQconnectdbParams(keys, vals, 1);
	if (!s->conn) {
		free(s);
		return err_set(err, ERR_STORE, "db", "out of memory connecting to '%s'", safe);
	}
	if (PQstatus(s->conn) != CONNECTION_OK) {
		char msg[200];
		size_t len;

		str_copy(msg, sizeof(msg), PQerrorMessage(s->conn));
		len = strlen(msg);
		while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
			msg[--len] = '\0';
		str_utf8_trim_partial(msg);
		/* the server is there but the database is not: as a missing
		 * SQLite file, ERR_NOTFOUND saying how to make it (init cannot:
		 * a database is created by the cluster's owner).  libpq gives no
		 * SQLSTATE for a refused connection, only the server's text. */
		if (strstr(msg, "database \"") && strstr(msg, "\" does not exist")) {
			const char *name = PQdb(s->conn) ? PQdb(s->conn) : "NAME";

			rc = err_set(err, ERR_NOTFOUND, "db", "database '%s' does not exist (create "
				     "it with 'createdb %s', then 'hamgan init --db URI'): %s", name,
				     name, safe);
			goto fail;
		}
		rc = err_set(err, ERR_UNAVAILABLE, "db", "cannot connect to '%s': %s", safe, msg);
		goto fail;
	}
	PQsetNoticeProcessor(s->conn, quiet, NULL);
	/* every commit durable before it returns, whatever the server's
	 * default; a write that waits for the write lock longer than
	 * PG_LOCK_TIMEOUT gives up (ERR_UNAVAILABLE), as SQLite's busy
	 * timeout does */
	rc = pg_exec_plain(s, "SET synchronous_commit = on; SET lock_timeout = " PG_LOCK_TIMEOUT
			   "; SET TIME ZONE 'UTC'", "db settings", err);
	if (rc < 0)
		goto fail;
	if (!(flags & STORE_CREATE)) {
		rc = pg_schema_version(s, &have, err);
		if (rc < 0)
			goto fail;
		if (have == 0) {
			rc = err_set(err, ERR_NOTFOUND, "db", "database '%s' holds no hamgan data "
				     "(create it with 'hamgan init --db URI')", safe);
			goto fail;
		}
	}
	rc = pg_schema_migrate(s, prog, err);
	if (rc < 0)
		goto fail;
	*out = &s->base;
	return 0;
fail:
	pg_close(&s->base);
	return rc;
}

static int pg_schema_version_op(struct store *st, int *have, int *want, struct err *err)
{
	*want = pg_schema_latest();
	return pg_schema_version(pg(st), have, err);
}

/*
 * The consistency check: amcheck's bt_index_check on every B-tree index of
 * the schema when the extension can be had (it reads every page of the
 * index and checks its order and structure), else a full read of every
 * table (which meets a damaged page's checksum or header).
 */
static int pg_check(struct store *st, char *report, size_t reportsz, size_t *problems,
		    struct err *err)
{
	struct pg_store *s = pg(st);
	const char *sql;
	PGresult *res;
	size_t used = 0;
	int i, rows;
	bool amcheck;

	*problems = 0;
	if (reportsz)
		report[0] = '\0';
	amcheck = pg_exec_plain(s, "CREATE EXTENSION IF NOT EXISTS amcheck", "amcheck", NULL) == 0;
	sql = amcheck ?
		"SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
		" JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace"
		" WHERE a.amname = 'btree' AND n.nspname = current_schema() ORDER BY 1" :
		"SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
		" WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY 1";
	res = PQexec(s->conn, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		int rc = pg_fail(s, res, "integrity check", err);

		PQclear(res);
		return rc;
	}
	rows = PQntuples(res);
	for (i = 0; i < rows; i++) {
		const char *name = PQgetvalue(res, i, 0);
		const char *params[1] = { name };
		PGresult *r2;

		if (amcheck) {
			r2 = PQexecParams(s->conn, "SELECT bt_index_check(quote_ident($1)::regclass, true)",
					  1, NULL, params, NULL, NULL, 0);
		} else {
			char *ident = PQescapeIdentifier(s->conn, name, strlen(name));
			char q[256];

			snprintf(q, sizeof(q), "SELECT count(*) FROM %s", ident ? ident : "\"\"");
			PQfreemem(ident);
			r2 = PQexec(s->conn, q);
		}
		if (PQresultStatus(r2) != PGRES_TUPLES_OK) {
			const char *m = PQresultErrorField(r2, PG_DIAG_MESSAGE_PRIMARY);
			int n;

			(*problems)++;
			if (used < reportsz && *problems <= CAP_DB_CHECK_PROBLEMS) {
				n = snprintf(report + used, reportsz - used, "%s: %s\n", name,
					     m ? m : "unreadable");
				used = n < 0 ? reportsz : used + (size_t)n;
			}
		}
		PQclear(r2);
	}
	PQclear(res);
	return 0;
}

/* ---- transactions ---- */

/*
 * Depth 0 -> 1: BEGIN, then the write lock (PG_WRITE_LOCK_KEY) held until
 * the transaction ends; deeper levels are savepoints (core/batch.h).
 */
static int pg_begin(struct store *st, struct err *err)
{
	struct pg_store *s = pg(st);
	struct pg_params p = PG_PARAMS_INIT;
	int rc;

	if (s->depth == 0 && PQtransactionStatus(s->conn) != PQTRANS_IDLE && !s->snapshot)
		pg_exec_plain(s, "ROLLBACK", "rollback", NULL);
	if (s->depth > 0) {
		rc = defer(s, true, err);
		if (rc == 0)
			s->depth++;
		return rc;
	}
	s->ndeferred = 0;
	if (s->snapshot)
		return err_set(err, ERR_STORE, "", "a write inside a read snapshot");
	rc = pg_exec(s, PG_BEGIN, "BEGIN", NULL, "begin", err);
	if (rc < 0)
		return rc;
	pg_p_int(&p, PG_WRITE_LOCK_KEY);
	rc = pg_exec(s, PG_WRITE_LOCK, "SELECT pg_advisory_xact_lock($1)", &p, "write lock", err);
	if (rc < 0) {
		pg_exec_plain(s, "ROLLBACK", "rollback", NULL);
		return rc;
	}
	s->depth = 1;
	return 0;
}

static int pg_commit(struct store *st, struct err *err)
{
	struct pg_store *s = pg(st);
	int rc;

	if (s->depth > 1) {
		rc = defer(s, false, err);
		if (rc == 0)
			s->depth--;
		return rc;
	}
	if (s->depth == 0)
		return 0;
	s->ndeferred = 0;	/* COMMIT releases every savepoint */
	s->tail_known = false;
	if (PQtransactionStatus(s->conn) == PQTRANS_INERROR) {
		/* COMMIT of a failed transaction is a ROLLBACK that says
		 * nothing: say it */
		pg_exec_plain(s, "ROLLBACK", "rollback", NULL);
		s->depth = 0;
		return err_set(err, ERR_STORE, "", "commit: the transaction had failed");
	}
	rc = pg_exec(s, PG_COMMIT, "COMMIT", NULL, "commit", err);
	s->depth = 0;
	return rc;
}

static void pg_rollback(struct store *st)
{
	struct pg_store *s = pg(st);

	s->tail_known = false;	/* the entry may have gone with the level */
	if (s->depth > 1) {
		if (s->ndeferred > 0 && s->deferred[s->ndeferred - 1])
			s->ndeferred--;	/* its SAVEPOINT was never sent */
		else
			pg_exec_plain(s, "ROLLBACK TO SAVEPOINT nest; RELEASE SAVEPOINT nest",
				      "rollback", NULL);
		s->depth--;
		return;
	}
	s->ndeferred = 0;
	if (PQtransactionStatus(s->conn) != PQTRANS_IDLE && !s->snapshot)
		pg_exec_plain(s, "ROLLBACK", "rollback", NULL);
	s->depth = 0;
}

static int pg_tx_depth(struct store *st)
{
	struct pg_store *s = pg(st);

	/* a lost connection ends the transaction */
	if (s->depth > 0 && PQtransactionStatus(s->conn) == PQTRANS_IDLE)
		s->depth = 0;
	if (s->depth > 0 && PQstatus(s->conn) == CONNECTION_BAD)
		s->depth = 0;
	if (s->depth == 0) {
		s->ndeferred = 0;
		s->tail_known = false;
	}
	return s->depth;
}

/* One read-only snapshot over several reads (store.h). */
static int pg_snapshot(struct store *st, bool on, struct err *err)
{
	struct pg_store *s = pg(st);
	int rc;

	if (on) {
		if (s->depth || s->snapshot)
			return err_set(err, ERR_STORE, "", "snapshot inside a transaction");
		rc = pg_exec(s, PG_SNAPSHOT, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", NULL,
			     "snapshot", err);
		if (rc == 0)
			s->snapshot = true;
		return rc;
	}
	if (!s->snapshot)
		return 0;
	s->snapshot = false;
	return pg_exec(s, PG_COMMIT, "COMMIT", NULL, "snapshot end", err);
}

/* Bulk loading (the demo generator): commits stop waiting for the disk;
 * off waits for everything written so far. */
static int pg_bulk(struct store *st, bool on, struct err *err)
{
	struct pg_store *s = pg(st);

	s->bulk = on;
	return pg_exec_plain(s, on ? "SET synchronous_commit = off" :
			     "SET synchronous_commit = on", "bulk", err);
}

const struct store_ops store_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.schema_version = pg_schema_version_op,
	.check = pg_check,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.bulk = pg_bulk,
	.tx_depth = pg_tx_depth,
	.snapshot = pg_snapshot,
	PG_ADMIN_OPS	/* pg_admin.c */
	PG_MSG_OPS	/* pg_msg.c */
	PG_LOG_OPS	/* pg_log.c */
};
