/*
 * sqlite_agg.c - the SQLite side of the report aggregates (core/agg.h):
 * two tables keyed for range scans, and a message scan for the
 * recount.
 *
 *	agg_cells (id: the key packed, store/cell_pack.h, schema 21) ->
 *	counters (the sparse varints of base/varint.h) + histogram blob
 *	agg_pairs (dim, unit, kind, day, key) -> the (day2, n) counts in one
 *	blob (store/pair_pack.h, schema 19)
 *
 * The tables are made by the schema migrations (sqlite_schema.c); `hamgan
 * init --db` on an older database rebuilds them.  Statements live in the
 * backend's statement cache (the SQ_AGG_* ids of sqlite_int.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "base/str.h"
#include "base/varint.h"
#include "store/audit_pack.h"
#include "store/cell_pack.h"
#include "store/pair_pack.h"
#include "store/sqlite_agg.h"
#include "store/sqlite_int.h"

#define CELL_COLS "id, c, hist"
#define PAIR_DAMAGED "aggregate pair row is damaged (run 'hamgan report --rebuild')"

/* The cached statement (the tables come with the schema migrations). */
static sqlite3_stmt *agg_stmt(struct sqlite_store *s, enum sq_stmt_id id, const char *sql,
			      struct err *err)
{
	return sq_stmt(s, id, sql, err);
}

/* 0, or ERR_STORE when the row's key or counters are damaged. */
static int row_from_stmt(sqlite3_stmt *stmt, struct agg_row *r)
{
	const unsigned char *c = sqlite3_column_blob(stmt, 1);

	if (cell_id_unpack(sqlite3_column_int64(stmt, 0), &r->k) < 0 ||
	    varint_decode_sparse_i64s(c, c ? (size_t)sqlite3_column_bytes(stmt, 1) : 0, r->c,
				      AGG_NCOUNTERS) < 0)
		return ERR_STORE;
	r->hist = (unsigned char *)sqlite3_column_blob(stmt, 2);
	r->hist_len = (size_t)sqlite3_column_bytes(stmt, 2);
	if (!r->hist)
		r->hist_len = 0;
	return 0;
}

static int damaged(struct err *err)
{
	return err_set(err, ERR_STORE, "", "aggregate cell is damaged (run 'hamgan report "
		       "--rebuild')");
}

static int beyond(const struct agg_key *k, struct err *err)
{
	return err_set(err, ERR_INVALID, "", "aggregate cell key (%d, %lld, %lld, %lld) is beyond "
		       "what the store packs", k->dim, (long long)k->unit, (long long)k->day,
		       (long long)k->key);
}

int sq_agg_cell_get(struct store *st, const struct agg_key *k, struct agg_row *out,
			   struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt;
	struct agg_row r;
	int64_t id;
	int rc;

	if (cell_id_pack(k, &id) < 0)
		return beyond(k, err);
	stmt = agg_stmt(s, SQ_AGG_GET, "SELECT " CELL_COLS " FROM agg_cells WHERE id = ?", err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sq_step_row(s, stmt, "aggregate cell", err);
	if (rc < 0) {
		sqlite3_reset(stmt);
		return rc;
	}
	if (row_from_stmt(stmt, &r) < 0) {
		sqlite3_reset(stmt);
		return damaged(err);
	}
	*out = r;
	out->hist = NULL;
	if (r.hist_len) {
		out->hist = xmalloc(r.hist_len);
		memcpy(out->hist, r.hist, r.hist_len);
	}
	sqlite3_reset(stmt);
	return 0;
}

int sq_agg_cell_put(struct store *st, const struct agg_row *r, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt;
	unsigned char cb[(AGG_NCOUNTERS + 1) * VARINT_BYTES];
	size_t clen = varint_encode_sparse_i64s(r->c, AGG_NCOUNTERS, cb);
	bool zero = r->hist_len == 0 && clen == 1;
	int64_t id;

	if (cell_id_pack(&r->k, &id) < 0)
		return beyond(&r->k, err);
	/* an update in place keeps the row where it is; one upsert rather
	 * than an UPDATE and, for a new cell, an INSERT (a rebuild writes
	 * only new cells) */
	if (zero)
		stmt = agg_stmt(s, SQ_AGG_DEL, "DELETE FROM agg_cells WHERE id = ?1", err);
	else
		stmt = agg_stmt(s, SQ_AGG_PUT, "INSERT INTO agg_cells (" CELL_COLS ")"
				" VALUES (?1, ?2, ?3) ON CONFLICT (id)"
				" DO UPDATE SET c = excluded.c, hist = excluded.hist", err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	sqlite3_bind_int64(stmt, 1, id);
	if (!zero) {
		sqlite3_bind_blob(stmt, 2, cb, (int)clen, SQLITE_STATIC);
		sqlite3_bind_blob(stmt, 3, r->hist, (int)r->hist_len, SQLITE_STATIC);
	}
	return sq_exec_stmt(s, stmt, "aggregate cell", err);
}

int sq_agg_cell_scan(struct store *st, int dim, int64_t unit, int64_t day_from,
			    int64_t day_to, int (*fn)(const struct agg_row *r, void *arg),
			    void *arg, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt;
	struct agg_row r;
	int64_t lo, hi;
	int rc, ret = 0;

	cell_id_range(dim, unit, day_from, day_to, &lo, &hi);
	if (lo > hi)
		return 0;
	stmt = agg_stmt(s, SQ_AGG_SCAN, "SELECT " CELL_COLS " FROM agg_cells"
			" WHERE id BETWEEN ?1 AND ?2 ORDER BY id", err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	sqlite3_bind_int64(stmt, 1, lo);
	sqlite3_bind_int64(stmt, 2, hi);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (row_from_stmt(stmt, &r) < 0) {
			ret = damaged(err);
			break;
		}
		/* every unit's cells: the range holds every day */
		if (r.k.day < day_from || r.k.day > day_to)
			continue;
		ret = fn(&r, arg);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = sq_fail(s, sqlite3_extended_errcode(s->db), "aggregate scan", err);
	sqlite3_reset(stmt);
	return ret;
}

/*
 * Migration 21's conversions of a cell of the table before it:
 * hamgan_cell_id(dim, unit, day, key) its rowid, hamgan_cell_counters(c)
 * its counters' blob sparse; NULL for a row whose key is beyond the
 * bounds or whose blob is damaged (the migration leaves it out and marks
 * the aggregates to be made again).
 */
static void cell_id_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct agg_key k;
	int64_t id;

	(void)argc;
	k.dim = sqlite3_value_int(argv[0]);
	k.unit = sqlite3_value_int64(argv[1]);
	k.day = sqlite3_value_int64(argv[2]);
	k.key = sqlite3_value_int64(argv[3]);
	if (cell_id_pack(&k, &id) == 0)
		sqlite3_result_int64(ctx, id);
	else
		sqlite3_result_null(ctx);
}

static void cell_counters_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *p = sqlite3_value_blob(argv[0]);
	unsigned char out[(AGG_NCOUNTERS + 1) * VARINT_BYTES];
	int64_t c[AGG_NCOUNTERS];

	(void)argc;
	if (varint_decode_i64s(p, p ? (size_t)sqlite3_value_bytes(argv[0]) : 0, c,
			       AGG_NCOUNTERS) < 0) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_blob(ctx, out, (int)varint_encode_sparse_i64s(c, AGG_NCOUNTERS, out),
			    SQLITE_TRANSIENT);
}

/*
 * hamgan_pairs_add(counts, day, day2, n): the counts blob of a row of day
 * (NULL: a new row) with n added to day2's count (pair_pack.h).  An
 * upsert applies it to the stored blob in the same statement, so adding a
 * pair costs one statement, as when it was a row.
 */
static void pairs_add_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *in = sqlite3_value_blob(argv[0]);
	size_t len = in ? (size_t)sqlite3_value_bytes(argv[0]) : 0;
	unsigned char *out;
	long n;

	(void)argc;
	out = sqlite3_malloc64(len + PAIR_PACK_GROW);
	if (!out) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	n = pair_pack_add(in, len, sqlite3_value_int64(argv[1]), sqlite3_value_int64(argv[2]),
			  sqlite3_value_int64(argv[3]), out);
	if (n < 0) {
		sqlite3_free(out);
		sqlite3_result_error(ctx, PAIR_DAMAGED, -1);
		return;
	}
	sqlite3_result_blob64(ctx, out, (sqlite3_uint64)n, sqlite3_free);
}

/*
 * hamgan_pairs_pack(day, day2, n): the aggregate that packs a group's pair
 * rows of the table as it was before schema 19 into one counts blob
 * (schema 19).  The rows may come in any order; they are sorted here.
 */
struct pack_acc {
	int64_t day, (*v)[2];
	size_t n, cap;
	int nomem;
};

static int cmp_day2(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;

	return (x[0] > y[0]) - (x[0] < y[0]);
}

static void pairs_pack_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct pack_acc *a = sqlite3_aggregate_context(ctx, sizeof(*a));

	(void)argc;
	if (!a || a->nomem)
		return;
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 16;
		void *v = sqlite3_realloc64(a->v, cap * sizeof(*a->v));

		if (!v) {
			a->nomem = 1;
			return;
		}
		a->v = v;
		a->cap = cap;
	}
	a->day = sqlite3_value_int64(argv[0]);
	a->v[a->n][0] = sqlite3_value_int64(argv[1]);
	a->v[a->n][1] = sqlite3_value_int64(argv[2]);
	a->n++;
}

static void pairs_pack_final(sqlite3_context *ctx)
{
	struct pack_acc *a = sqlite3_aggregate_context(ctx, 0);
	unsigned char *out;
	size_t len = 0, i;
	int64_t prev;

	if (!a) {
		/* no rows at all: no pairs */
		sqlite3_result_zeroblob(ctx, 0);
		return;
	}
	if (a->nomem || !(out = sqlite3_malloc64(a->n * PAIR_PACK_BYTES + 1))) {
		sqlite3_free(a->v);
		sqlite3_result_error_nomem(ctx);
		return;
	}
	qsort(a->v, a->n, sizeof(*a->v), cmp_day2);
	prev = a->day;
	for (i = 0; i < a->n; i++) {
		/* the old table's key made day2 unique and deleted zeros; fold
		 * and drop them anyway, the blob's rule */
		int64_t n = a->v[i][1];

		while (i + 1 < a->n && a->v[i + 1][0] == a->v[i][0])
			n += a->v[++i][1];
		if (n == 0)
			continue;
		len += pair_pack_put(out + len, prev, a->v[i][0], n);
		prev = a->v[i][0];
	}
	sqlite3_free(a->v);
	sqlite3_result_blob64(ctx, out, len, sqlite3_free);
}

int sq_agg_functions(sqlite3 *db)
{
	if (sqlite3_create_function(db, "hamgan_pairs_add", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
				    NULL, pairs_add_fn, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "hamgan_pairs_pack", 3, SQLITE_UTF8, NULL, NULL,
				    pairs_pack_step, pairs_pack_final) != SQLITE_OK ||
	    sqlite3_create_function(db, "hamgan_cell_id", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
				    NULL, cell_id_fn, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "hamgan_cell_counters", 1,
				    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, cell_counters_fn,
				    NULL, NULL) != SQLITE_OK)
		return ERR_STORE;
	return 0;
}

static void bind_pair_key(sqlite3_stmt *stmt, const struct agg_pair *p)
{
	sqlite3_bind_int(stmt, 1, p->dim);
	sqlite3_bind_int64(stmt, 2, p->unit);
	sqlite3_bind_int(stmt, 3, p->kind);
	sqlite3_bind_int64(stmt, 4, p->day);
	sqlite3_bind_int64(stmt, 5, p->day2);
	sqlite3_bind_int64(stmt, 6, p->key);
}

int sq_agg_pair_add(struct store *st, const struct agg_pair *p, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	stmt = agg_stmt(s, SQ_AGG_PAIR_ADD, "INSERT INTO agg_pairs (dim, unit, kind, day, key,"
			" counts) VALUES (?1, ?2, ?3, ?4, ?6, hamgan_pairs_add(NULL, ?4, ?5, ?7))"
			" ON CONFLICT (dim, unit, kind, day, key) DO UPDATE SET"
			" counts = hamgan_pairs_add(counts, ?4, ?5, ?7)", err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	bind_pair_key(stmt, p);
	sqlite3_bind_int64(stmt, 7, p->n);
	rc = sq_exec_stmt(s, stmt, "aggregate pair", err);
	if (rc < 0 || p->n > 0)
		return rc;
	/* only a decrement can take a row's last pair */
	stmt = agg_stmt(s, SQ_AGG_PAIR_DEL, "DELETE FROM agg_pairs WHERE dim = ?1 AND unit = ?2"
			" AND kind = ?3 AND day = ?4 AND key = ?6 AND length(counts) = 0", err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	bind_pair_key(stmt, p);
	return sq_exec_stmt(s, stmt, "aggregate pair", err);
}

int sq_agg_pair_scan(struct store *st, int dim, int64_t unit, int kind, int64_t day_from,
		     int64_t day_to, int64_t day2_after,
		     int (*fn)(const struct agg_pair *p, void *arg), void *arg, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt;
	struct pair_iter it;
	struct agg_pair p;
	int rc, ret = 0, more;

	if (unit)
		stmt = agg_stmt(s, SQ_AGG_PAIR_SCAN_UNIT, "SELECT unit, day, key, counts"
				" FROM agg_pairs WHERE dim = ?1 AND unit = ?2 AND kind = ?3"
				" AND day BETWEEN ?4 AND ?5 ORDER BY dim, unit, kind, day, key", err);
	else
		stmt = agg_stmt(s, SQ_AGG_PAIR_SCAN_ALL, "SELECT unit, day, key, counts"
				" FROM agg_pairs WHERE dim = ?1 AND kind = ?3 AND day BETWEEN ?4 AND ?5"
				" ORDER BY dim, unit, kind, day, key", err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	sqlite3_bind_int(stmt, 1, dim);
	if (unit)
		sqlite3_bind_int64(stmt, 2, unit);
	sqlite3_bind_int(stmt, 3, kind);
	sqlite3_bind_int64(stmt, 4, day_from);
	sqlite3_bind_int64(stmt, 5, day_to);
	p.dim = dim;
	p.kind = kind;
	while (!ret && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		p.unit = sqlite3_column_int64(stmt, 0);
		p.day = sqlite3_column_int64(stmt, 1);
		p.key = sqlite3_column_int64(stmt, 2);
		pair_iter_init(&it, sqlite3_column_blob(stmt, 3),
			       (size_t)sqlite3_column_bytes(stmt, 3), p.day);
		/* the pairs closed by day2_after (most of an overdue count's)
		 * are skipped here, never handed to fn */
		while ((more = pair_iter_next(&it, &p.day2, &p.n)) == 1)
			if (p.day2 > day2_after && (ret = fn(&p, arg)) != 0)
				break;
		if (more < 0)
			ret = err_set(err, ERR_STORE, "", "%s", PAIR_DAMAGED);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = sq_fail(s, sqlite3_extended_errcode(s->db), "aggregate pair scan", err);
	sqlite3_reset(stmt);
	return ret;
}

int sq_agg_clear(struct store *st, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	stmt = agg_stmt(s, SQ_AGG_CLEAR_CELLS, "DELETE FROM agg_cells", err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	rc = sq_exec_stmt(s, stmt, "clear aggregates", err);
	sqlite3_reset(stmt);
	if (rc < 0)
		return rc;
	stmt = agg_stmt(s, SQ_AGG_CLEAR_PAIRS, "DELETE FROM agg_pairs", err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	rc = sq_exec_stmt(s, stmt, "clear aggregates", err);
	sqlite3_reset(stmt);
	if (rc < 0)
		return rc;
	stmt = agg_stmt(s, SQ_AGG_CLEAR_META, "DELETE FROM agg_meta WHERE k = 'stale'", err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	rc = sq_exec_stmt(s, stmt, "clear aggregates", err);
	sqlite3_reset(stmt);
	return rc;
}

int sq_agg_stale(struct store *st, bool *stale, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = agg_stmt(s, SQ_AGG_STALE, "SELECT count(*) FROM agg_meta"
				      " WHERE k = 'stale' AND v <> 0", err);
	int rc;

	if (!stmt)
		return err ? err->code : ERR_STORE;
	rc = sq_step_row(s, stmt, "aggregate state", err);
	if (rc == 0)
		*stale = sqlite3_column_int(stmt, 0) > 0;
	sqlite3_reset(stmt);
	return rc;
}

struct sq_step {
	int64_t seq;
	struct audit_step step;
};

/* An action whose entries are steps: the message's changes, not its
 * identity's reads. */
static bool step_action(const char *name)
{
	/* as SQLite's LIKE 'msg.%' did, ASCII case ignored (PostgreSQL's
	 * ILIKE, pg_agg.c) */
	return name && strncasecmp(name, "msg.", 4) == 0 && strcmp(name, "msg.identity_read") != 0;
}

static int by_seq(const void *a, const void *b)
{
	int64_t x = ((const struct sq_step *)a)->seq, y = ((const struct sq_step *)b)->seq;

	return (x > y) - (x < y);
}

/* Step e read again with its payload (the log's row, by its key). */
static int step_payload(struct sqlite_store *s, struct sq_step *e, struct err *err)
{
	sqlite3_stmt *stmt = agg_stmt(s, SQ_AGG_AUDIT_PAYLOAD, "SELECT payload FROM audit"
				      " WHERE seq = ?1", err);
	char name[sizeof(e->step.action)];
	const unsigned char *p;
	int rc;

	if (!stmt)
		return err ? err->code : ERR_STORE;
	memcpy(name, e->step.action, sizeof(name));	/* the step is written anew */
	sqlite3_bind_int64(stmt, 1, e->seq);
	rc = sq_step_row(s, stmt, "audit entry", err);
	if (rc == 0) {
		p = sqlite3_column_blob(stmt, 0);
		audit_step_unpack(&e->step, name, p, p ? (size_t)sqlite3_column_bytes(stmt, 0) : 0,
				  e->step.at);
	}
	sqlite3_reset(stmt);
	return rc;
}

/*
 * The name of action id: from the connection's slots, else read from
 * audit_names into buf and kept when read outside a write transaction (a
 * name this transaction added could still be rolled back and its id
 * given to another).  NULL when the id names nothing, or the read failed
 * (*rc, else SQLITE_OK).
 */
static const char *action_name(struct sqlite_store *s, int64_t id, char buf[CAP_CODE], int *rc)
{
	struct sq_action_name *slot = &s->action_names[(uint64_t)id % SQ_ACTION_NAMES];
	sqlite3_stmt *stmt;
	const char *name = NULL;

	if (id > 0 && slot->id == id)
		return slot->name;
	stmt = agg_stmt(s, SQ_AGG_AUDIT_NAME, "SELECT name FROM audit_names WHERE id = ?1", NULL);
	if (!stmt) {
		*rc = SQLITE_ERROR;
		return NULL;
	}
	sqlite3_bind_int64(stmt, 1, id);
	*rc = sqlite3_step(stmt);
	if (*rc == SQLITE_ROW) {
		str_copy(buf, CAP_CODE, (const char *)sqlite3_column_text(stmt, 0));
		name = buf;
		*rc = SQLITE_OK;
		if (id > 0 && sqlite3_txn_state(s->db, "main") != SQLITE_TXN_WRITE) {
			slot->id = id;
			memcpy(slot->name, buf, sizeof(slot->name));
		}
	} else if (*rc == SQLITE_DONE) {
		*rc = SQLITE_OK;
	}
	sqlite3_reset(stmt);
	return name;
}

int sq_audit_steps(struct store *st, int64_t msg_id, struct audit_step **out, size_t *n,
		   struct err *err)
{
	struct sqlite_store *s = sq(st);
	struct sq_step *v = NULL;
	sqlite3_stmt *stmt;
	size_t cap = 0, i;
	int rc;

	*out = NULL;
	*n = 0;
	/*
	 * Every change written about the message (its registration and its
	 * transitions, and whatever a later release adds), not the reads.
	 * The index audit_msg holds the action and the time beside the
	 * message (migration 25), so the steps are read from the index alone,
	 * one page a message where each entry was a page of its own; the
	 * log's row is visited only for a step its payload can change (a
	 * verdict, a grade, a reopening: audit_step_fixed).  The action's
	 * name comes from the connection's slots (action_name), not a join
	 * per step.  The rows come in the index's order and are put back in
	 * the log's.
	 */
	stmt = agg_stmt(s, SQ_AGG_AUDIT_STEPS, "SELECT a.action_id, a.at, a.seq FROM audit a"
			" WHERE a.msg_id = ?1", err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	sqlite3_bind_int64(stmt, 1, msg_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		char buf[CAP_CODE];
		int nrc = SQLITE_OK;
		const char *name = action_name(s, sqlite3_column_int64(stmt, 0), buf, &nrc);
		struct sq_step *e;

		if (nrc != SQLITE_OK) {
			rc = nrc;
			break;
		}
		if (!step_action(name))
			continue;
		e = sq_list_push((void **)&v, n, &cap, sizeof(*v));
		e->seq = sqlite3_column_int64(stmt, 2);
		e->step.at = sqlite3_column_int64(stmt, 1);
		audit_step_unpack(&e->step, name, NULL, 0, e->step.at);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		free(v);
		*n = 0;
		return sq_fail(s, rc, "audit steps", err);
	}
	for (i = 0; i < *n; i++)
		if (!audit_step_fixed(v[i].step.action) &&
		    (rc = step_payload(s, &v[i], err)) < 0) {
			free(v);
			*n = 0;
			return rc;
		}
	qsort(v, *n, sizeof(*v), by_seq);
	if (*n) {
		*out = xmalloc(*n * sizeof(**out));
		for (i = 0; i < *n; i++)
			(*out)[i] = v[i].step;
	}
	free(v);
	return 0;
}

