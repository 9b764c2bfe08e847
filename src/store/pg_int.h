/*
 * pg_int.h - internals shared by the PostgreSQL backend's files (pg*.c):
 * the store struct, the statement cache and the parameter and row helpers.
 * Nothing outside src/store/pg*.c includes this (tests may, for hooks).
 *
 * Every statement is prepared once per connection under its own name
 * ("h<id>") and run with parameters in text form (bytea ones in binary);
 * rows come back in text form.  There is no string-built SQL with values
 * in it: every value is a parameter.
 */
#ifndef HAMGAN_STORE_PG_INT_H
#define HAMGAN_STORE_PG_INT_H

#include <libpq-fe.h>

#include "base/caps.h"
#include "store/store.h"

/* One slot per cached statement; the SQL sits beside the code using it.
 * Each file has its own range, so files never edit one another's lines. */
enum pg_stmt_id {
	/* pg.c: transactions, schema */
	PG_BEGIN, PG_COMMIT, PG_ROLLBACK, PG_SAVEPOINT, PG_RELEASE, PG_SNAPSHOT,
	PG_WRITE_LOCK,
	/* pg_admin.c: units, categories, users, sessions, failed logins,
	 * citizens, live sessions, secrets, routing rules, daily work */
	PG_ADMIN_FIRST,
	PG_ADMIN_LAST = PG_ADMIN_FIRST + 79,
	/* pg_msg.c: messages, referrals, search, place, id lists */
	PG_MSG_FIRST,
	PG_MSG_LAST = PG_MSG_FIRST + 79,
	/* pg_log.c: audit, SMS, verification codes, aggregates, attachments,
	 * boundaries, Open311 */
	PG_LOG_FIRST,
	PG_LOG_LAST = PG_LOG_FIRST + 79,
	PG_STMT_COUNT
};

/* The advisory lock every write transaction takes first (pg.c, pg_begin):
 * one writer at a time across every node, as SQLite's write lock is on one
 * machine, so the audit chain stays one line and the report aggregates'
 * read-modify-write never races (docs/scale-out.md). */
#define PG_WRITE_LOCK_KEY 0x68616d67616eLL	/* "hamgan" */

struct pg_store {
	struct store base;	/* first: a struct store * points here */
	PGconn *conn;
	bool prepared[PG_STMT_COUNT];
	int depth;		/* open levels: 1 = BEGIN, deeper = savepoints */
	bool snapshot;		/* a read-only snapshot transaction is open */
	bool bulk;		/* bulk loading: synchronous_commit off */
	/* SAVEPOINTs (true) and RELEASEs (false) not sent yet: they go with
	 * the next statement, in one round trip (pg.c, pg_flush) */
	bool deferred[CAP_PG_DEFERRED];
	int ndeferred;
	/* the audit log's last entry, as this transaction appended it
	 * (pg_log.c): under the write lock nobody else appends, so the next
	 * append needs no read of the tail.  Forgotten at COMMIT, ROLLBACK
	 * and a savepoint's rollback. */
	bool tail_known;
	int64_t tail_seq;
	char tail_hash[AUDIT_HASH_HEX + 1];
};

static inline struct pg_store *pg(struct store *st)
{
	return (struct pg_store *)st;
}

/* At most this many parameters in one statement. */
#define PG_MAX_PARAMS 48

/* A statement's parameters, filled in order with pg_p_* (p->n counts). */
struct pg_params {
	int n;
	const char *v[PG_MAX_PARAMS];
	int len[PG_MAX_PARAMS];
	int fmt[PG_MAX_PARAMS];		/* 0 text, 1 binary (bytea) */
	char num[PG_MAX_PARAMS][32];	/* the text of numeric ones */
};

#define PG_PARAMS_INIT { 0 }

void pg_p_int(struct pg_params *p, int64_t v);
/* NULL for 0 (an absent foreign key). */
void pg_p_id(struct pg_params *p, int64_t v);
void pg_p_double(struct pg_params *p, double v);
/* NULL for a NULL pointer; "" stays "". */
void pg_p_text(struct pg_params *p, const char *v);
/* bytea, sent in binary (borrowed: valid until the statement ran);
 * NULL for a NULL pointer. */
void pg_p_blob(struct pg_params *p, const void *data, size_t len);
void pg_p_bool(struct pg_params *p, bool v);

/*
 * Run the cached statement id (prepared from sql on first use on this
 * connection) with p (may be NULL).  Returns the result, which the caller
 * PQclear()s, for PGRES_COMMAND_OK and PGRES_TUPLES_OK; else NULL with err
 * filled by pg_fail.  what names the operation in errors.
 */
PGresult *pg_run(struct pg_store *s, enum pg_stmt_id id, const char *sql,
		 const struct pg_params *p, const char *what, struct err *err);
/* pg_run, then: 0 when the statement succeeded (result cleared). */
int pg_exec(struct pg_store *s, enum pg_stmt_id id, const char *sql, const struct pg_params *p,
	    const char *what, struct err *err);
/* Send the SAVEPOINTs and RELEASEs held back (pg.c) now: before a
 * statement that does not go through pg_run or pg_exec_plain. */
int pg_flush(struct pg_store *s, struct err *err);
/* Run sql, made for this call (no cache: planned with its values), with
 * p, after the held-back savepoints; one reconnect after a lost connection
 * outside a transaction, as pg_run.  The result whatever its status (NULL
 * only when the savepoints failed, err filled): the caller reads it and
 * PQclear()s it. */
PGresult *pg_run_text(struct pg_store *s, const char *sql, const struct pg_params *p,
		      struct err *err);
/* Run a statement with no parameters and no cache (schema, SET). */
int pg_exec_plain(struct pg_store *s, const char *sql, const char *what, struct err *err);

/*
 * Map a failed result (may be NULL: the connection failed) to an ERR_*:
 * unique violation ERR_CONFLICT, foreign key or check ERR_INVALID,
 * serialisation failure, deadlock, lock or connection trouble
 * ERR_UNAVAILABLE, disk full ERR_FULL, anything else ERR_STORE.
 */
int pg_fail(struct pg_store *s, const PGresult *res, const char *what, struct err *err);
/* The code of the last pg_fail on this thread, or err's when it has one:
 * what a helper returns after a failure whether or not the caller passed
 * an err. */
int pg_failed(const struct err *err);

/* Column readers (row r, column c); NULL reads as 0 or "". */
int64_t pg_int(const PGresult *res, int r, int c);
double pg_double(const PGresult *res, int r, int c);
bool pg_bool(const PGresult *res, int r, int c);
/* Copied into dst (truncated at a UTF-8 boundary). */
void pg_text(const PGresult *res, int r, int c, char *dst, size_t dstsz);
/* A bytea column: malloc'd bytes (*len), NULL with *len 0 for NULL. */
void *pg_blob(const PGresult *res, int r, int c, size_t *len);

/* Read every row of res with read into a malloc'd array of sz-byte records
 * (*out, *n; NULL and 0 when empty), then clear res.  res NULL: ERR_STORE
 * (the error is already in err). */
int pg_list_rows(PGresult *res, void (*read)(const PGresult *res, int r, void *rec), size_t sz,
		 void **out, size_t *n, struct err *err);
/* The first row of res with read into rec, res cleared: 0, ERR_NOTFOUND
 * ("what: not found") when there is no row, ERR_STORE when res is NULL. */
int pg_one_row(PGresult *res, void (*read)(const PGresult *res, int r, void *rec), void *rec,
	       const char *what, struct err *err);

/* Schema (pg_schema.c): migrate up to the latest version, under an
 * advisory lock so that nodes starting together do it once. */
int pg_schema_migrate(struct pg_store *s, const struct progress *prog, struct err *err);
int pg_schema_latest(void);
int pg_schema_version(struct pg_store *s, int *have, struct err *err);

/* Each file's ops are declared in its header (pg_admin.h, pg_msg.h,
 * pg_log.h) with a macro of designated initialisers that pg.c splices
 * into store_pg_ops, as sqlite.c does with SQ_AGG_OPS. */
#endif
