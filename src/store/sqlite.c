/*
 * sqlite.c - the SQLite backend of store.h: opening (WAL, foreign keys, busy
 * timeout, migrations), transactions, the statement cache, and the ops for
 * units, categories, users, sessions, failed logins, citizens and live
 * sessions.  Messages, referrals, audit, SMS and search are sqlite_msg.c.
 */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/num.h"
#include "base/str.h"
#include "base/tpack.h"
#include "store/sqlite_agg.h"
#include "store/sqlite_verify.h"
#include "store/sqlite_attach.h"
#include "store/sqlite_open311.h"
#include "store/sqlite_int.h"
#include "store/sqlite_snap.h"

#define BUSY_TIMEOUT_MS 5000
#define WAL_KEEP_BYTES "16777216"	/* 16 MiB: the log kept after a checkpoint */
#define SQ_AUTO_CHECKPOINT 1000		/* SQLite's own automatic checkpoint, in pages */

/* ---- helpers ---- */

sqlite3_stmt *sq_stmt(struct sqlite_store *s, enum sq_stmt_id id, const char *sql,
		      struct err *err)
{
	sqlite3_stmt *st = s->stmt[id];
	int rc;

	if (!st) {
		rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (rc != SQLITE_OK) {
			err_set(err, ERR_STORE, "", "cannot prepare statement: %s",
				sqlite3_errmsg(s->db));
			sqlite3_finalize(st);
			return NULL;
		}
		s->stmt[id] = st;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

int sq_fail(struct sqlite_store *s, int rc, const char *what, struct err *err)
{
	int prim = rc & 0xff;

	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
		return err_set(err, ERR_UNAVAILABLE, "", "%s: the database is busy", what);
	/* The disk (or max_page_count) is full; SQLite has rolled back. */
	if (prim == SQLITE_FULL)
		return err_set(err, ERR_FULL, "", "%s: %s", what, sqlite3_errmsg(s->db));
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return err_set(err, ERR_CONFLICT, "", "%s: already exists", what);
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return err_set(err, ERR_INVALID, "", "%s: refers to something that does not exist",
			       what);
	if (prim == SQLITE_CONSTRAINT)
		return err_set(err, ERR_INVALID, "", "%s: %s", what, sqlite3_errmsg(s->db));
	return err_set(err, ERR_STORE, "", "%s: %s", what, sqlite3_errmsg(s->db));
}

int sq_exec_stmt(struct sqlite_store *s, sqlite3_stmt *stmt, const char *what, struct err *err)
{
	int rc = sqlite3_step(stmt);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		rc = sqlite3_extended_errcode(s->db);
		sqlite3_reset(stmt);
		return sq_fail(s, rc, what, err);
	}
	sqlite3_reset(stmt);
	return 0;
}

int sq_step_row(struct sqlite_store *s, sqlite3_stmt *stmt, const char *what, struct err *err)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(stmt);
		return err_set(err, ERR_NOTFOUND, "", "%s: not found", what);
	}
	rc = sqlite3_extended_errcode(s->db);
	sqlite3_reset(stmt);
	return sq_fail(s, rc, what, err);
}

void sq_bind_text(sqlite3_stmt *stmt, int i, const char *v)
{
	sqlite3_bind_text(stmt, i, v ? v : "", -1, SQLITE_TRANSIENT);
}

void sq_bind_id(sqlite3_stmt *stmt, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(stmt, i, v);
	else
		sqlite3_bind_null(stmt, i);
}

void sq_bind_int(sqlite3_stmt *stmt, int i, int64_t v)
{
	sqlite3_bind_int64(stmt, i, v);
}

void sq_col_text(sqlite3_stmt *stmt, int i, char *dst, size_t dstsz)
{
	const unsigned char *t = sqlite3_column_text(stmt, i);

	str_copy(dst, dstsz, t ? (const char *)t : "");
	str_utf8_trim_partial(dst);
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int sq_unhex(const char *hex, size_t len, unsigned char *out, size_t max)
{
	size_t i;

	if (len == 0 || len % 2 || len / 2 > max)
		return -1;
	for (i = 0; i < len; i++)
		if (nibble(hex[i]) < 0)
			return -1;
	for (i = 0; i < len / 2; i++)
		out[i] = (unsigned char)(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
	return (int)(len / 2);
}

void sq_bind_hash(sqlite3_stmt *stmt, int i, const char *hex)
{
	unsigned char bytes[AUDIT_HASH_HEX / 2];
	int n = sq_unhex(hex, strlen(hex), bytes, sizeof(bytes));

	if (n < 0)
		sq_bind_text(stmt, i, hex);
	else
		sqlite3_bind_blob(stmt, i, bytes, n, SQLITE_TRANSIENT);
}

void sq_col_hash(sqlite3_stmt *stmt, int i, char *dst, size_t dstsz)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *b;
	size_t n, k;

	if (sqlite3_column_type(stmt, i) != SQLITE_BLOB) {
		sq_col_text(stmt, i, dst, dstsz);
		return;
	}
	b = sqlite3_column_blob(stmt, i);
	n = (size_t)sqlite3_column_bytes(stmt, i);
	for (k = 0; k < n && 2 * k + 2 < dstsz; k++) {
		dst[2 * k] = digits[b[k] >> 4];
		dst[2 * k + 1] = digits[b[k] & 15];
	}
	dst[2 * k] = '\0';
}

void sq_bind_ptext(sqlite3_stmt *stmt, int i, const char *v)
{
	size_t len = v ? strlen(v) : 0;
	unsigned char *packed;
	size_t n;

	if (len == 0 || len > INT_MAX) {
		sq_bind_text(stmt, i, v);
		return;
	}
	packed = xmalloc(len);
	n = tpack_encode(v, len, packed);
	if (n > 0)
		sqlite3_bind_blob(stmt, i, packed, (int)n, SQLITE_TRANSIENT);
	else
		sq_bind_text(stmt, i, v);
	free(packed);
}

int sq_col_ptext(sqlite3_stmt *stmt, int i, char *dst, size_t dstsz)
{
	const unsigned char *b;

	if (sqlite3_column_type(stmt, i) != SQLITE_BLOB) {
		sq_col_text(stmt, i, dst, dstsz);
		return 0;
	}
	b = sqlite3_column_blob(stmt, i);
	if (tpack_decode(b, (size_t)sqlite3_column_bytes(stmt, i), dst, dstsz) < 0) {
		dst[0] = '\0';
		return ERR_STORE;
	}
	return 0;
}

static void *list_push(void **list, size_t *n, size_t *cap, size_t sz, bool clear)
{
	char *p;

	if (*n == *cap) {
		/* 16 rows to start, 2 of a big record (an SMS row holds its
		 * 1.4 KiB text, an audit entry a 16 KiB payload): a short
		 * list stays a small block */
		size_t ncap = *cap ? *cap * 2 : sz > 1024 ? 2 : 16, bytes;

		if (!size_mul(ncap, sz, &bytes))
			abort();
		*list = xrealloc(*list, bytes);
		*cap = ncap;
	}
	p = (char *)*list + *n * sz;
	if (clear)
		memset(p, 0, sz);
	(*n)++;
	return p;
}

void *sq_list_push(void **list, size_t *n, size_t *cap, size_t sz)
{
	return list_push(list, n, cap, sz, true);
}

static int list_rows(struct sqlite_store *s, sqlite3_stmt *stmt,
		     void (*read)(sqlite3_stmt *stmt, void *rec), size_t sz, void **out, size_t *n,
		     bool clear, const char *what, struct err *err)
{
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!stmt)
		return ERR_STORE;
	for (rc = sqlite3_step(stmt); rc == SQLITE_ROW; rc = sqlite3_step(stmt))
		read(stmt, list_push(out, n, &cap, sz, clear));
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return sq_fail(s, rc, what, err);
	}
	return 0;
}

int sq_list_rows(struct sqlite_store *s, sqlite3_stmt *stmt,
		 void (*read)(sqlite3_stmt *stmt, void *rec), size_t sz, void **out, size_t *n,
		 const char *what, struct err *err)
{
	return list_rows(s, stmt, read, sz, out, n, true, what, err);
}

int sq_list_rows_whole(struct sqlite_store *s, sqlite3_stmt *stmt,
		       void (*read)(sqlite3_stmt *stmt, void *rec), size_t sz, void **out,
		       size_t *n, const char *what, struct err *err)
{
	return list_rows(s, stmt, read, sz, out, n, false, what, err);
}

/* ---- open, close, transactions ---- */

static int exec_sql(sqlite3 *db, const char *sql, struct err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int code = (sqlite3_errcode(db) == SQLITE_NOTADB) ? ERR_INVALID : ERR_STORE;

		err_set(err, code, "", "%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return code;
	}
	return 0;
}

/*
 * Testing only: HAMGAN_TEST_MAX_PAGES=N caps the database at N pages
 * (PRAGMA max_page_count) on every connection, so a test can fill "the
 * disk" without a small filesystem.  Never set in production: see
 * docs/config.md.
 */
static int max_pages_knob(sqlite3 *db, struct err *err)
{
	const char *v = getenv("HAMGAN_TEST_MAX_PAGES");
	char sql[64];
	int64_t n;

	if (!v || !*v)
		return 0;
	if (num_parse(v, 1, INT32_MAX, &n))
		return err_set(err, ERR_INVALID, "HAMGAN_TEST_MAX_PAGES",
			       "HAMGAN_TEST_MAX_PAGES must be a page count, not '%s'", v);
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld", (long long)n);
	return exec_sql(db, sql, err);
}

static void sq_close(struct store *st)
{
	struct sqlite_store *s = sq(st);
	int i;

	if (!s)
		return;
	sq_snap_close(s);	/* a kept snapshot ends with its COMMIT */
	for (i = 0; i < SQ_STMT_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	sq_fts_tok_close(s->fts_tok);
	sqlite3_close(s->db);
	sq_bulk_cache_reset(s);
	sq_fts_drop(s, 0);
	free(s->fts);
	free(s->heads);
	free(s);
}

/*
 * The wal hook, on every connection, after each commit: count it (a kept
 * read snapshot is stale after it, sqlite_snap.c) and remember the log's
 * size.  It replaces SQLite's automatic checkpoint, so it does what that
 * does (a passive checkpoint once the log has SQ_AUTO_CHECKPOINT pages)
 * on every connection but the one that takes them over (sq_checkpoint).
 */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct sqlite_store *s = arg;

	sq_snap_committed();
	s->wal_pages = pages;
	if (!s->own_checkpoints && pages >= SQ_AUTO_CHECKPOINT)
		(void)sqlite3_wal_checkpoint(db, name);
	return SQLITE_OK;
}

/*
 * Before SQLite's first use in the process: no memory statistics.  SQLite
 * keeps them under one global mutex taken by every allocation of every
 * connection, which the server's worker threads contended for (a futex
 * sleep and wake in a tracking look-up's profile); nothing here reads
 * them.  Called too late (something opened a database first) it changes
 * nothing, which is harmless.
 */
static void sq_configure(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int sq_open(struct store **out, const char *dsn, unsigned flags,
		   const struct progress *prog, struct err *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct sqlite_store *s;
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int rc;

	*out = NULL;
	pthread_once(&once, sq_configure);
	if (str_starts(dsn, "sqlite:"))
		dsn += 7;
	if (!*dsn)
		return err_set(err, ERR_INVALID, "db", "empty database path");
	if (flags & STORE_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	s = xcalloc(1, sizeof(*s));
	s->base.ops = &store_sqlite_ops;
	sq_snap_init(s);
	rc = sqlite3_open_v2(dsn, &s->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		if (rc == SQLITE_CANTOPEN && !(flags & STORE_CREATE))
			err_set(err, ERR_NOTFOUND, "db", "database '%s' does not exist "
				"(create it with 'hamgan init --db %s')", dsn, dsn);
		else
			err_set(err, ERR_IO, "db", "cannot open database '%s': %s", dsn,
				s->db ? sqlite3_errmsg(s->db) : "out of memory");
		rc = err ? err->code : ERR_IO;
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	/*
	 * synchronous=FULL: every commit fsyncs the log before it returns, so
	 * whatever was acknowledged after a commit survives a power cut
	 * (docs/durability.md); the server's writer makes that one fsync per
	 * batch of requests.  journal_size_limit: once a checkpoint has caught
	 * up, a log that grew under load is cut back to this size.
	 */
	rc = exec_sql(s->db, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL;"
		      " PRAGMA synchronous = FULL; PRAGMA journal_size_limit = " WAL_KEEP_BYTES ";",
		      err);
	if (rc < 0) {
		if (rc == ERR_INVALID)
			err_set(err, ERR_INVALID, "db", "'%s' is not a hamgan database", dsn);
		goto fail;
	}
	sqlite3_wal_hook(s->db, wal_hook, s);
	sq_snap_ready(s);
	rc = sq_schema_migrate(s->db, 0, prog, err);
	if (rc < 0)
		goto fail;
	rc = max_pages_knob(s->db, err);
	if (rc < 0)
		goto fail;
	*out = &s->base;
	return 0;
fail:
	sq_close(&s->base);
	return rc;
}

static int sq_schema_version_op(struct store *st, int *have, int *want, struct err *err)
{
	*want = sq_schema_latest();
	return sq_schema_version(sq(st)->db, have, err);
}

/* PRAGMA integrity_check: one row "ok", or up to CAP_DB_CHECK_PROBLEMS rows
 * naming problems (a power cut with a disk that lies about its cache, a copy
 * taken while writing, a bad sector). */
static int sq_check(struct store *st, char *report, size_t reportsz, size_t *problems,
		    struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = NULL;
	char sql[64];
	size_t used = 0;
	int rc;

	*problems = 0;
	if (reportsz)
		report[0] = '\0';
	snprintf(sql, sizeof(sql), "PRAGMA integrity_check(%d)", CAP_DB_CHECK_PROBLEMS);
	rc = sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	for (; rc == SQLITE_ROW; rc = sqlite3_step(stmt)) {
		const char *line = (const char *)sqlite3_column_text(stmt, 0);
		int n;

		if (!line || !strcmp(line, "ok"))
			continue;
		(*problems)++;
		if (used < reportsz) {
			n = snprintf(report + used, reportsz - used, "%s\n", line);
			used = n < 0 ? reportsz : used + (size_t)n;
		}
	}
	if (rc != SQLITE_DONE) {
		err_set(err, rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB ? ERR_INVALID : ERR_STORE,
			"", "integrity check: %s", sqlite3_errmsg(s->db));
		sqlite3_finalize(stmt);
		return err->code;
	}
	sqlite3_finalize(stmt);
	return 0;
}

/*
 * Transactions nest: depth 0 -> 1 is BEGIN IMMEDIATE, deeper levels are
 * savepoints, so a core write inside a batch (core/batch.h) commits into the
 * batch and a failed one rolls back only its own changes.
 */
static int sq_begin(struct store *st, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	if (s->broken)
		return err_set(err, ERR_STORE, "", "bulk transaction was rolled back");
	if (s->bulk && s->depth > 0) {
		s->depth++;
		return 0;
	}
	stmt = s->depth == 0 ? sq_stmt(s, SQ_BEGIN, "BEGIN IMMEDIATE", err) :
		sq_stmt(s, SQ_SAVEPOINT, "SAVEPOINT nest", err);
	if (!stmt)
		return ERR_STORE;
	rc = sq_exec_stmt(s, stmt, "begin", err);
	if (rc == 0) {
		s->depth++;
		s->in_tx = true;
	}
	return rc;
}

static int sq_commit(struct store *st, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	if (s->broken)
		return err_set(err, ERR_STORE, "", "bulk transaction was rolled back");
	if (s->bulk && s->depth > 1) {
		s->depth--;
		return 0;
	}
	/* the outer commit: the audit log's head and the search-index rows
	 * held back go in first */
	if (s->depth <= 1 && s->nheads) {
		rc = sq_head_flush(s, err);
		if (rc)
			return rc;
	}
	if (s->depth <= 1 && s->nfts) {
		rc = sq_fts_flush(s, err);
		if (rc)
			return rc;
	}
	stmt = s->depth > 1 ? sq_stmt(s, SQ_RELEASE, "RELEASE nest", err) :
		sq_stmt(s, SQ_COMMIT, "COMMIT", err);
	if (!stmt)
		return ERR_STORE;
	rc = sq_exec_stmt(s, stmt, "commit", err);
	if (rc == 0 && s->depth > 1) {
		sq_fts_release(s, s->depth);
		sq_head_release(s, s->depth);
	}
	if (rc == 0 && s->depth > 0 && --s->depth == 0)
		s->in_tx = false;
	return rc;
}

static void sq_rollback(struct store *st)
{
	struct sqlite_store *s = sq(st);

	sq_bulk_cache_forget(s);	/* the audit tail it knew may be undone */

	if (s->broken) {
		/* the nested failure already undid everything: this is the
		 * caller giving up its outer level */
		s->broken = s->depth > 1;
		if (s->depth > 0)
			s->depth--;
		return;
	}
	if (s->bulk && s->depth > 1) {
		/* no savepoint to go back to: undo the whole transaction */
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		sq_head_drop(s, 0);
		s->depth--;
		s->broken = true;
		s->in_tx = false;
		return;
	}
	if (s->depth > 1 && !sqlite3_get_autocommit(s->db)) {
		sqlite3_exec(s->db, "ROLLBACK TO nest; RELEASE nest", NULL, NULL, NULL);
		sq_fts_drop(s, s->depth);
		sq_head_drop(s, s->depth);
		s->depth--;
		return;
	}
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	sq_fts_drop(s, 0);
	sq_head_drop(s, 0);
	s->depth = 0;
	s->in_tx = false;
}

/*
 * Bulk loading (the demo generator): no fsync, a 1 GiB page cache (the
 * indexes of codes, citizens and mobiles are written all over),
 * savepoint journals in memory, and no foreign-key look-ups (every row
 * comes from the core's writes, which check what they name; the demo's
 * tests run foreign_key_check over the result); off restores the defaults
 * of sq_open and checkpoints the WAL.  Never on in normal operation.
 */
static int sq_bulk(struct store *st, bool on, struct err *err)
{
	struct sqlite_store *s = sq(st);
	char sql[288];
	int rc;

	s->bulk = on;
	s->broken = false;
	sq_bulk_cache_reset(s);
	if (on)
		return exec_sql(s->db, "PRAGMA synchronous = OFF; PRAGMA cache_size = -1048576;"
				" PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF;", err);
	if (s->bulk_fts_from) {
		/* the search index of the messages registered meanwhile, in one
		 * statement (large segments, no merging on the way) */
		snprintf(sql, sizeof(sql), "BEGIN; INSERT INTO msg_fts (rowid, text) SELECT id,"
			 " hamgan_index_text(hamgan_unpack(subject), hamgan_unpack(body)) ||"
			 " hamgan_search_tags(unit_id, category_id) FROM messages WHERE id >= %lld;"
			 " COMMIT;",
			 (long long)s->bulk_fts_from);
		s->bulk_fts_from = 0;
		rc = exec_sql(s->db, sql, err);
		if (rc < 0) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
	}
	return exec_sql(s->db, "PRAGMA synchronous = FULL; PRAGMA cache_size = -2000;"
			" PRAGMA temp_store = DEFAULT; PRAGMA foreign_keys = ON;"
			" PRAGMA wal_checkpoint(TRUNCATE);", err);
}

static int sq_tx_depth(struct store *st)
{
	struct sqlite_store *s = sq(st);

	/* SQLite may end a transaction on its own (disk full, I/O error):
	 * its levels are forgotten, the next begin is a BEGIN again */
	if (s->depth > 0 && sqlite3_get_autocommit(s->db)) {
		sq_fts_drop(s, 0);
		sq_head_drop(s, 0);
		s->depth = 0;
		s->in_tx = false;
	}
	return s->depth;
}

/* A passive checkpoint (it never waits for readers): 1 when it ran, with
 * the log's size and what of it is copied back; 0 when another checkpoint
 * was running (the server's checkpointer, or the writer's own). */
static int passive_checkpoint(struct sqlite_store *s, int *log, int *done, struct err *err)
{
	int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, log, done);

	if (rc == SQLITE_BUSY)
		return 0;
	if (rc != SQLITE_OK)
		return sq_fail(s, sqlite3_extended_errcode(s->db), "checkpoint", err);
	return 1;
}

/*
 * Checkpoints taken over by the caller (store.h).  SQLite's automatic one
 * runs inside the commit that crosses 1,000 pages, on whichever connection
 * that is, and while readers hold old snapshots it cannot reach the end of
 * the log, so it ran again on nearly every commit while the log grew: here
 * the writer runs a passive one when it is idle or the log has grown by
 * min_pages since the last; the wal hook runs no automatic checkpoint on
 * this connection from then on.
 */
static int sq_checkpoint(struct store *st, unsigned min_pages, struct err *err)
{
	struct sqlite_store *s = sq(st);
	int log = 0, done = 0, rc;

	if (!s->own_checkpoints) {
		char sql[64];

		/* the connection that takes the checkpoints over is the
		 * server's writer: it gets the writer's page cache too */
		snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d", CAP_WRITER_CACHE_KIB);
		rc = exec_sql(s->db, sql, err);
		if (rc < 0)
			return rc;
		s->own_checkpoints = true;
	}
	/* the log restarts from its beginning after a complete checkpoint */
	if (s->wal_pages < s->ckpt_pages)
		s->ckpt_pages = 0;
	if (s->wal_pages == 0 || (unsigned)(s->wal_pages - s->ckpt_pages) < (min_pages ? min_pages : 1))
		return 0;
	rc = passive_checkpoint(s, &log, &done, err);
	if (rc <= 0)
		return rc;
	s->ckpt_pages = done > 0 ? done : 0;
	s->wal_pages = log > 0 ? log : 0;
	return 1;
}

/* On the server's checkpointer, a connection that never writes: copy the
 * log back now, however much of it is new (store.h). */
static int sq_checkpoint_copy(struct store *st, int *left, struct err *err)
{
	struct sqlite_store *s = sq(st);
	int log = 0, done = 0, rc;

	*left = 0;
	if (!s->keep_ok)
		return 0;	/* no log: not in WAL mode */
	rc = passive_checkpoint(s, &log, &done, err);
	if (rc > 0)
		*left = log > done ? log - done : 0;
	return rc;
}

static int sq_log_pages(struct store *st)
{
	struct sqlite_store *s = sq(st);

	return s->keep_ok ? s->wal_pages : -1;
}

/* ---- units ---- */

#define UNIT_COLS "id, code, name, kind, parent_id, active"

static void read_unit(sqlite3_stmt *st, void *rec)
{
	struct unit *u = rec;

	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(st, 0);
	sq_col_text(st, 1, u->code, sizeof(u->code));
	sq_col_text(st, 2, u->name, sizeof(u->name));
	u->kind = (enum unit_kind)sqlite3_column_int(st, 3);
	u->parent_id = sqlite3_column_int64(st, 4);
	u->active = sqlite3_column_int(st, 5) != 0;
}

int sq_unit_insert(struct store *st, struct unit *u, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	stmt = sq_stmt(s, SQ_UNIT_INSERT, "INSERT INTO units (code, name, kind, parent_id, active)"
		       " VALUES (?, ?, ?, ?, ?)", err);
	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, u->code);
	sq_bind_text(stmt, 2, u->name);
	sq_bind_int(stmt, 3, u->kind);
	sq_bind_id(stmt, 4, u->parent_id);
	sq_bind_int(stmt, 5, u->active);
	rc = sq_exec_stmt(s, stmt, "unit", err);
	if (rc < 0)
		return rc;
	u->id = sqlite3_last_insert_rowid(s->db);
	/* the path is the parent's path and the new id: '/1/5/' */
	stmt = sq_stmt(s, SQ_UNIT_SETPATH, "UPDATE units SET path = coalesce((SELECT p.path FROM"
		       " units p WHERE p.id = units.parent_id), '/') || id || '/' WHERE id = ?", err);
	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, u->id);
	return sq_exec_stmt(s, stmt, "unit path", err);
}

int sq_unit_update(struct store *st, const struct unit *u, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_UNIT_UPDATE, "UPDATE units SET name = ?, kind = ?,"
				     " active = ? WHERE id = ?", err);

	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, u->name);
	sq_bind_int(stmt, 2, u->kind);
	sq_bind_int(stmt, 3, u->active);
	sq_bind_int(stmt, 4, u->id);
	return sq_exec_stmt(s, stmt, "unit", err);
}

static int unit_one(struct sqlite_store *s, sqlite3_stmt *stmt, struct unit *out, struct err *err)
{
	int rc;

	if (!stmt)
		return ERR_STORE;
	rc = sq_step_row(s, stmt, "unit", err);
	if (rc < 0)
		return rc;
	read_unit(stmt, out);
	sqlite3_reset(stmt);
	return 0;
}

int sq_unit_get(struct store *st, int64_t id, struct unit *out, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_UNIT_GET, "SELECT " UNIT_COLS " FROM units WHERE id = ?",
				     err);

	if (stmt)
		sq_bind_int(stmt, 1, id);
	return unit_one(s, stmt, out, err);
}

static int sq_unit_get_by_code(struct store *st, const char *code, struct unit *out,
			       struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_UNIT_GET_CODE, "SELECT " UNIT_COLS " FROM units"
				     " WHERE code = ?", err);

	if (stmt)
		sq_bind_text(stmt, 1, code);
	return unit_one(s, stmt, out, err);
}

int sq_unit_first_of_kind(struct store *st, enum unit_kind kind, struct unit *out,
				 struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_UNIT_FIRST_KIND, "SELECT " UNIT_COLS " FROM units"
				     " WHERE kind = ? AND active ORDER BY id LIMIT 1", err);

	if (stmt)
		sq_bind_int(stmt, 1, kind);
	return unit_one(s, stmt, out, err);
}

static int sq_unit_list(struct store *st, struct unit **out, size_t *n, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_UNIT_LIST, "SELECT " UNIT_COLS " FROM units"
				     " ORDER BY code", err);

	return sq_list_rows(s, stmt, read_unit, sizeof(**out), (void **)out, n, "units", err);
}

int sq_unit_within(struct store *st, int64_t ancestor, int64_t unit, bool *yes,
			  struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_UNIT_WITHIN, "SELECT u.path GLOB a.path || '*'"
				     " FROM units u, units a WHERE u.id = ? AND a.id = ?", err);
	int rc;

	*yes = false;
	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, unit);
	sq_bind_int(stmt, 2, ancestor);
	rc = sq_step_row(s, stmt, "unit", err);
	if (rc < 0)
		return rc;
	*yes = sqlite3_column_int(stmt, 0) != 0;
	sqlite3_reset(stmt);
	return 0;
}

int sq_unit_has_children(struct store *st, int64_t id, bool *yes, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_UNIT_CHILDREN, "SELECT EXISTS (SELECT 1 FROM units"
				     " WHERE parent_id = ?)", err);
	int rc;

	*yes = false;
	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, id);
	rc = sq_step_row(s, stmt, "unit", err);
	if (rc < 0)
		return rc;
	*yes = sqlite3_column_int(stmt, 0) != 0;
	sqlite3_reset(stmt);
	return 0;
}

/* ---- categories ---- */

#define CAT_COLS "id, code, name, parent_id, deadline_hours, kinds, confidential, service_code," \
	" active"

static void read_cat(sqlite3_stmt *st, void *rec)
{
	struct category *c = rec;

	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(st, 0);
	sq_col_text(st, 1, c->code, sizeof(c->code));
	sq_col_text(st, 2, c->name, sizeof(c->name));
	c->parent_id = sqlite3_column_int64(st, 3);
	c->deadline_hours = sqlite3_column_int(st, 4);
	c->kinds = (unsigned)sqlite3_column_int(st, 5);
	c->confidential = sqlite3_column_int(st, 6) != 0;
	sq_col_text(st, 7, c->service_code, sizeof(c->service_code));
	c->active = sqlite3_column_int(st, 8) != 0;
}

static void bind_cat(sqlite3_stmt *stmt, const struct category *c)
{
	sq_bind_text(stmt, 1, c->code);
	sq_bind_text(stmt, 2, c->name);
	sq_bind_id(stmt, 3, c->parent_id);
	sq_bind_int(stmt, 4, c->deadline_hours);
	sq_bind_int(stmt, 5, c->kinds);
	sq_bind_int(stmt, 6, c->confidential);
	sq_bind_text(stmt, 7, c->service_code);
	sq_bind_int(stmt, 8, c->active);
}

int sq_category_insert(struct store *st, struct category *cat, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_CAT_INSERT, "INSERT INTO categories (code, name,"
				     " parent_id, deadline_hours, kinds, confidential, service_code,"
				     " active) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	bind_cat(stmt, cat);
	rc = sq_exec_stmt(s, stmt, "category", err);
	if (rc == 0)
		cat->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int sq_category_update(struct store *st, const struct category *cat, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_CAT_UPDATE, "UPDATE categories SET code = ?, name = ?,"
				     " parent_id = ?, deadline_hours = ?, kinds = ?,"
				     " confidential = ?, service_code = ?, active = ? WHERE id = ?",
				     err);

	if (!stmt)
		return ERR_STORE;
	bind_cat(stmt, cat);
	sq_bind_int(stmt, 9, cat->id);
	return sq_exec_stmt(s, stmt, "category", err);
}

static int cat_one(struct sqlite_store *s, sqlite3_stmt *stmt, struct category *out,
		   struct err *err)
{
	int rc;

	if (!stmt)
		return ERR_STORE;
	rc = sq_step_row(s, stmt, "category", err);
	if (rc < 0)
		return rc;
	read_cat(stmt, out);
	sqlite3_reset(stmt);
	return 0;
}

int sq_category_get(struct store *st, int64_t id, struct category *out, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_CAT_GET, "SELECT " CAT_COLS " FROM categories"
				     " WHERE id = ?", err);

	if (stmt)
		sq_bind_int(stmt, 1, id);
	return cat_one(s, stmt, out, err);
}

static int sq_category_get_by_code(struct store *st, const char *code, struct category *out,
				   struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_CAT_GET_CODE, "SELECT " CAT_COLS " FROM categories"
				     " WHERE code = ?", err);

	if (stmt)
		sq_bind_text(stmt, 1, code);
	return cat_one(s, stmt, out, err);
}

static int sq_category_get_by_service(struct store *st, const char *code, struct category *out,
				      struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_CAT_GET_SERVICE, "SELECT " CAT_COLS " FROM categories"
				     " WHERE service_code = ? AND service_code <> ''"
				     " ORDER BY id LIMIT 1", err);

	if (stmt)
		sq_bind_text(stmt, 1, code);
	return cat_one(s, stmt, out, err);
}

static int sq_category_list(struct store *st, struct category **out, size_t *n, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_CAT_LIST, "SELECT " CAT_COLS " FROM categories"
				     " ORDER BY code", err);

	return sq_list_rows(s, stmt, read_cat, sizeof(**out), (void **)out, n, "categories", err);
}

int sq_category_has_children(struct store *st, int64_t id, bool *yes, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_CAT_CHILDREN, "SELECT EXISTS (SELECT 1 FROM categories"
				     " WHERE parent_id = ?)", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, id);
	rc = sq_step_row(s, stmt, "category", err);
	if (rc < 0)
		return rc;
	*yes = sqlite3_column_int(stmt, 0) != 0;
	sqlite3_reset(stmt);
	return 0;
}

/* ---- users, sessions, failed logins ---- */

#define USER_COLS "id, username, name, role, unit_id, active, created_at, pwhash"

static void read_user(sqlite3_stmt *st, void *rec)
{
	struct user *u = rec;

	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(st, 0);
	sq_col_text(st, 1, u->username, sizeof(u->username));
	sq_col_text(st, 2, u->name, sizeof(u->name));
	u->role = (enum role)sqlite3_column_int(st, 3);
	u->unit_id = sqlite3_column_int64(st, 4);
	u->active = sqlite3_column_int(st, 5) != 0;
	u->created_at = sqlite3_column_int64(st, 6);
	sq_col_text(st, 7, u->pwhash, sizeof(u->pwhash));
}

static int sq_user_insert(struct store *st, struct user *u, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_USER_INSERT, "INSERT INTO users (username, name, role,"
				     " unit_id, active, created_at, pwhash)"
				     " VALUES (?, ?, ?, ?, ?, ?, ?)", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, u->username);
	sq_bind_text(stmt, 2, u->name);
	sq_bind_int(stmt, 3, u->role);
	sq_bind_id(stmt, 4, u->unit_id);
	sq_bind_int(stmt, 5, u->active);
	sq_bind_int(stmt, 6, u->created_at);
	sq_bind_text(stmt, 7, u->pwhash);
	rc = sq_exec_stmt(s, stmt, "user", err);
	if (rc == 0)
		u->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static int sq_user_update(struct store *st, const struct user *u, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_USER_UPDATE, "UPDATE users SET name = ?, role = ?,"
				     " unit_id = ?, active = ?, pwhash = ? WHERE id = ?", err);

	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, u->name);
	sq_bind_int(stmt, 2, u->role);
	sq_bind_id(stmt, 3, u->unit_id);
	sq_bind_int(stmt, 4, u->active);
	sq_bind_text(stmt, 5, u->pwhash);
	sq_bind_int(stmt, 6, u->id);
	return sq_exec_stmt(s, stmt, "user", err);
}

static int user_one(struct sqlite_store *s, sqlite3_stmt *stmt, struct user *out,
		    struct err *err)
{
	int rc;

	if (!stmt)
		return ERR_STORE;
	rc = sq_step_row(s, stmt, "user", err);
	if (rc < 0)
		return rc;
	read_user(stmt, out);
	sqlite3_reset(stmt);
	return 0;
}

static int sq_user_get(struct store *st, int64_t id, struct user *out, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_USER_GET, "SELECT " USER_COLS " FROM users WHERE id = ?",
				     err);

	if (stmt)
		sq_bind_int(stmt, 1, id);
	return user_one(s, stmt, out, err);
}

static int sq_user_get_by_name(struct store *st, const char *name, struct user *out,
			       struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_USER_GET_NAME, "SELECT " USER_COLS " FROM users"
				     " WHERE username = ?", err);

	if (stmt)
		sq_bind_text(stmt, 1, name);
	return user_one(s, stmt, out, err);
}

static int sq_user_list(struct store *st, struct user **out, size_t *n, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_USER_LIST, "SELECT " USER_COLS " FROM users"
				     " ORDER BY username", err);

	return sq_list_rows(s, stmt, read_user, sizeof(**out), (void **)out, n, "users", err);
}

static int sq_session_insert(struct store *st, struct store_session *se, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_SESSION_INSERT, "INSERT INTO sessions (token_hash,"
				     " user_id, created_at, expires_at, revoked)"
				     " VALUES (?, ?, ?, ?, ?)", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, se->token_hash);
	sq_bind_int(stmt, 2, se->user_id);
	sq_bind_int(stmt, 3, se->created_at);
	sq_bind_int(stmt, 4, se->expires_at);
	sq_bind_int(stmt, 5, se->revoked);
	rc = sq_exec_stmt(s, stmt, "session", err);
	if (rc == 0)
		se->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static int sq_session_get(struct store *st, const char *hash, struct store_session *out,
			  struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_SESSION_GET, "SELECT id, token_hash, user_id,"
				     " created_at, expires_at, revoked FROM sessions"
				     " WHERE token_hash = ?", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, hash);
	rc = sq_step_row(s, stmt, "session", err);
	if (rc < 0)
		return rc;
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(stmt, 0);
	sq_col_text(stmt, 1, out->token_hash, sizeof(out->token_hash));
	out->user_id = sqlite3_column_int64(stmt, 2);
	out->created_at = sqlite3_column_int64(stmt, 3);
	out->expires_at = sqlite3_column_int64(stmt, 4);
	out->revoked = sqlite3_column_int(stmt, 5) != 0;
	sqlite3_reset(stmt);
	return 0;
}

static int sq_session_revoke(struct store *st, const char *hash, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_SESSION_REVOKE, "UPDATE sessions SET revoked = 1"
				     " WHERE token_hash = ?", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, hash);
	rc = sq_exec_stmt(s, stmt, "session", err);
	if (rc == 0 && sqlite3_changes(s->db) == 0)
		return err_set(err, ERR_NOTFOUND, "token", "no such session");
	return rc;
}

static int sq_session_revoke_user(struct store *st, int64_t user_id, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_SESSION_REVOKE_USER, "UPDATE sessions SET revoked = 1"
				     " WHERE user_id = ?", err);

	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, user_id);
	return sq_exec_stmt(s, stmt, "session", err);
}

static int sq_login_fail_add(struct store *st, const char *key, int64_t at, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_LOGIN_ADD, "INSERT INTO login_failures (key, at)"
				     " VALUES (?, ?)", err);

	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, key);
	sq_bind_int(stmt, 2, at);
	return sq_exec_stmt(s, stmt, "login failure", err);
}

static int sq_login_fail_count(struct store *st, const char *key, int64_t since, int64_t *count,
			       int64_t *oldest, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_LOGIN_COUNT, "SELECT count(*), coalesce(min(at), 0)"
				     " FROM login_failures WHERE key = ? AND at >= ?", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, key);
	sq_bind_int(stmt, 2, since);
	rc = sq_step_row(s, stmt, "login failures", err);
	if (rc < 0)
		return rc;
	*count = sqlite3_column_int64(stmt, 0);
	*oldest = sqlite3_column_int64(stmt, 1);
	sqlite3_reset(stmt);
	return 0;
}

static int sq_login_fail_clear(struct store *st, const char *key, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_LOGIN_CLEAR, "DELETE FROM login_failures WHERE key = ?",
				     err);

	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, key);
	return sq_exec_stmt(s, stmt, "login failures", err);
}

static int sq_login_fail_latest(struct store *st, const char *key, int64_t *at, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_LOGIN_LATEST, "SELECT coalesce(max(at), 0)"
				     " FROM login_failures WHERE key = ?", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, key);
	rc = sq_step_row(s, stmt, "login failures", err);
	if (rc < 0)
		return rc;
	*at = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return 0;
}

/* ---- citizens ---- */

#define CIT_COLS "id, mobile, name, national_id, created_at"

static int cit_one(struct sqlite_store *s, sqlite3_stmt *stmt, struct citizen *out,
		   struct err *err)
{
	int rc;

	if (!stmt)
		return ERR_STORE;
	rc = sq_step_row(s, stmt, "citizen", err);
	if (rc < 0)
		return rc;
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(stmt, 0);
	sq_col_text(stmt, 1, out->mobile, sizeof(out->mobile));
	sq_col_text(stmt, 2, out->name, sizeof(out->name));
	sq_col_text(stmt, 3, out->national_id, sizeof(out->national_id));
	out->created_at = sqlite3_column_int64(stmt, 4);
	sqlite3_reset(stmt);
	return 0;
}

static int sq_citizen_insert(struct store *st, struct citizen *ci, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_CIT_INSERT, "INSERT INTO citizens (mobile, name,"
				     " national_id, created_at) VALUES (?, ?, ?, ?)", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, ci->mobile);
	sq_bind_text(stmt, 2, ci->name);
	sq_bind_text(stmt, 3, ci->national_id);
	sq_bind_int(stmt, 4, ci->created_at);
	rc = sq_exec_stmt(s, stmt, "citizen", err);
	if (rc == 0)
		ci->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static int sq_citizen_update(struct store *st, const struct citizen *ci, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_CIT_UPDATE, "UPDATE citizens SET name = ?,"
				     " national_id = ? WHERE id = ?", err);

	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, ci->name);
	sq_bind_text(stmt, 2, ci->national_id);
	sq_bind_int(stmt, 3, ci->id);
	return sq_exec_stmt(s, stmt, "citizen", err);
}

static int sq_citizen_get(struct store *st, int64_t id, struct citizen *out, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_CIT_GET, "SELECT " CIT_COLS " FROM citizens"
				     " WHERE id = ?", err);

	if (stmt)
		sq_bind_int(stmt, 1, id);
	return cit_one(s, stmt, out, err);
}

static int sq_citizen_get_by_mobile(struct store *st, const char *mobile, struct citizen *out,
				    struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_CIT_GET_MOBILE, "SELECT " CIT_COLS " FROM citizens"
				     " WHERE mobile = ?", err);

	if (stmt)
		sq_bind_text(stmt, 1, mobile);
	return cit_one(s, stmt, out, err);
}

/* ---- secrets ---- */

static int sq_secret_get_or_put(struct store *st, const char *name, unsigned char *value,
				size_t len, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *add = sq_stmt(s, SQ_SECRET_ADD, "INSERT OR IGNORE INTO secrets (name, value)"
				    " VALUES (?, ?)", err);
	sqlite3_stmt *get;
	int rc;

	if (!add)
		return ERR_STORE;
	sq_bind_text(add, 1, name);
	sqlite3_bind_blob(add, 2, value, (int)len, SQLITE_TRANSIENT);
	rc = sq_exec_stmt(s, add, "secret", err);
	if (rc < 0)
		return rc;
	get = sq_stmt(s, SQ_SECRET_GET, "SELECT value FROM secrets WHERE name = ?", err);
	if (!get)
		return ERR_STORE;
	sq_bind_text(get, 1, name);
	rc = sq_step_row(s, get, "secret", err);
	if (rc < 0)
		return rc;
	if ((size_t)sqlite3_column_bytes(get, 0) != len) {
		sqlite3_reset(get);
		return err_set(err, ERR_STORE, "", "secret '%s' has the wrong length", name);
	}
	memcpy(value, sqlite3_column_blob(get, 0), len);
	sqlite3_reset(get);
	return 0;
}

/* ---- live sessions ---- */

#define LIVE_COLS "id, unit_id, host_user_id, title, starts_at, ends_at, created_at"

static void read_live(sqlite3_stmt *st, void *rec)
{
	struct live_session *l = rec;

	memset(l, 0, sizeof(*l));
	l->id = sqlite3_column_int64(st, 0);
	l->unit_id = sqlite3_column_int64(st, 1);
	l->host_user_id = sqlite3_column_int64(st, 2);
	sq_col_text(st, 3, l->title, sizeof(l->title));
	l->starts_at = sqlite3_column_int64(st, 4);
	l->ends_at = sqlite3_column_int64(st, 5);
	l->created_at = sqlite3_column_int64(st, 6);
}

static int sq_live_insert(struct store *st, struct live_session *l, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_LIVE_INSERT, "INSERT INTO live_sessions (unit_id,"
				     " host_user_id, title, starts_at, ends_at, created_at)"
				     " VALUES (?, ?, ?, ?, ?, ?)", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, l->unit_id);
	sq_bind_int(stmt, 2, l->host_user_id);
	sq_bind_text(stmt, 3, l->title);
	sq_bind_int(stmt, 4, l->starts_at);
	sq_bind_int(stmt, 5, l->ends_at);
	sq_bind_int(stmt, 6, l->created_at);
	rc = sq_exec_stmt(s, stmt, "live session", err);
	if (rc == 0)
		l->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static int sq_live_get(struct store *st, int64_t id, struct live_session *out, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_LIVE_GET, "SELECT " LIVE_COLS " FROM live_sessions"
				     " WHERE id = ?", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, id);
	rc = sq_step_row(s, stmt, "live session", err);
	if (rc < 0)
		return rc;
	read_live(stmt, out);
	sqlite3_reset(stmt);
	return 0;
}

static int sq_live_list(struct store *st, int64_t unit_id, size_t max, struct live_session **out,
			size_t *n, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_LIVE_LIST, "SELECT " LIVE_COLS " FROM live_sessions"
				     " WHERE ?1 = 0 OR unit_id = ?1 ORDER BY starts_at DESC, id DESC"
				     " LIMIT ?2", err);

	if (stmt) {
		sq_bind_int(stmt, 1, unit_id);
		sq_bind_int(stmt, 2, (int64_t)max);
	}
	return sq_list_rows(s, stmt, read_live, sizeof(**out), (void **)out, n, "live sessions", err);
}

const struct store_ops store_sqlite_ops = {
	.boundary_put = sq_boundary_put,
	.boundary_scan = sq_boundary_scan,
	.boundary_stamp = sq_boundary_stamp,
	.msg_near = sq_msg_near,
	.category_route_get = sq_category_route_get,
	.category_route_set = sq_category_route_set,
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.schema_version = sq_schema_version_op,
	.check = sq_check,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.unit_insert = sq_bulk_unit_insert,
	.unit_update = sq_bulk_unit_update,
	.unit_get = sq_bulk_unit_get,
	.unit_get_by_code = sq_unit_get_by_code,
	.unit_list = sq_unit_list,
	.unit_within = sq_bulk_unit_within,
	.unit_has_children = sq_bulk_unit_has_children,
	.unit_first_of_kind = sq_bulk_unit_first_of_kind,
	.category_insert = sq_bulk_category_insert,
	.category_update = sq_bulk_category_update,
	.category_get = sq_bulk_category_get,
	.category_get_by_code = sq_category_get_by_code,
	.category_get_by_service = sq_category_get_by_service,
	.category_list = sq_category_list,
	.category_has_children = sq_bulk_category_has_children,
	.user_insert = sq_user_insert,
	.user_update = sq_user_update,
	.user_get = sq_user_get,
	.user_get_by_name = sq_user_get_by_name,
	.user_list = sq_user_list,
	.session_insert = sq_session_insert,
	.session_get = sq_session_get,
	.session_revoke = sq_session_revoke,
	.session_revoke_user = sq_session_revoke_user,
	.login_fail_add = sq_login_fail_add,
	.login_fail_count = sq_login_fail_count,
	.login_fail_clear = sq_login_fail_clear,
	.login_fail_latest = sq_login_fail_latest,
	.citizen_insert = sq_citizen_insert,
	.citizen_update = sq_citizen_update,
	.citizen_get = sq_citizen_get,
	.citizen_get_by_mobile = sq_citizen_get_by_mobile,
	.msg_insert = sq_msg_insert,
	.msg_update = sq_msg_update,
	.msg_save = sq_msg_save,
	.msg_get = sq_msg_get,
	.msg_get_by_code = sq_msg_get_by_code,
	.msg_public_get = sq_msg_public_get,
	.msg_text_get = sq_msg_text_get,
	.msg_latest_answered = sq_msg_latest_answered,
	.msg_search = sq_msg_search,
	.msg_count = sq_msg_count,
	.referral_insert = sq_referral_insert,
	.referral_list = sq_referral_list,
	.audit_tail = sq_bulk_audit_tail,
	.audit_insert = sq_bulk_audit_insert,
	.audit_list = sq_audit_list,
	.sms_insert = sq_sms_insert,
	.sms_next_due = sq_sms_next_due,
	.sms_update = sq_sms_update,
	.sms_release_expired = sq_sms_release_expired,
	.sms_list = sq_sms_list,
	.audit_list_msg = sq_audit_list_msg,
	.sms_list_msg = sq_sms_list_msg,
	.sms_prune = sq_sms_prune,
	.assign_get = sq_assign_get,
	.assign_set = sq_assign_set,
	.note_insert = sq_note_insert,
	.note_list = sq_note_list,
	.canned_insert = sq_canned_insert,
	.canned_update = sq_canned_update,
	.canned_get = sq_canned_get,
	.canned_list = sq_canned_list,
	.live_insert = sq_live_insert,
	.live_get = sq_live_get,
	.live_list = sq_live_list,
	.secret_get_or_put = sq_secret_get_or_put,
	.bulk = sq_bulk,
	.bulk_indexes_at_end = true,
	.tx_depth = sq_tx_depth,
	.checkpoint = sq_checkpoint,
	.checkpoint_copy = sq_checkpoint_copy,
	.log_pages = sq_log_pages,
	SQ_SNAP_OPS	/* read snapshots: sqlite_snap.c */
	SQ_AGG_OPS	/* report aggregates: sqlite_agg.c */
	SQ_VERIFY_OPS	/* verification codes: sqlite_verify.c */
	SQ_ATTACH_OPS	/* attachments: sqlite_attach.c */
	SQ_OPEN311_OPS	/* Open311 and open data: sqlite_open311.c */
};
