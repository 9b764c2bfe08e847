/*
 * sqlite_agg.c - the SQLite side of the report aggregates (core/agg.h):
 * two tables keyed for range scans, and a message scan for the
 * recount.
 *
 *	agg_cells (dim, unit, day, key) -> counters blob + histogram blob
 *	agg_pairs (dim, unit, kind, day, key, day2) -> n
 *
 * The tables are made by the schema migrations (sqlite_schema.c); `hamgan
 * init --db` on an older database rebuilds them.  Statements live in the
 * backend's statement cache (the SQ_AGG_* ids of sqlite_int.h).
 */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/varint.h"
#include "store/audit_pack.h"
#include "store/sqlite_agg.h"
#include "store/sqlite_int.h"

#define CELL_COLS "dim, unit, day, key, c, hist"

/* The cached statement (the tables come with the schema migrations). */
static sqlite3_stmt *agg_stmt(struct sqlite_store *s, enum sq_stmt_id id, const char *sql,
			      struct err *err)
{
	return sq_stmt(s, id, sql, err);
}

/* 0, or ERR_STORE when the counters' blob is damaged. */
static int row_from_stmt(sqlite3_stmt *stmt, struct agg_row *r)
{
	const unsigned char *c;

	r->k.dim = sqlite3_column_int(stmt, 0);
	r->k.unit = sqlite3_column_int64(stmt, 1);
	r->k.day = sqlite3_column_int64(stmt, 2);
	r->k.key = sqlite3_column_int64(stmt, 3);
	c = sqlite3_column_blob(stmt, 4);
	if (varint_decode_i64s(c, c ? (size_t)sqlite3_column_bytes(stmt, 4) : 0, r->c, AGG_NCOUNTERS) < 0)
		return ERR_STORE;
	r->hist = (unsigned char *)sqlite3_column_blob(stmt, 5);
	r->hist_len = (size_t)sqlite3_column_bytes(stmt, 5);
	if (!r->hist)
		r->hist_len = 0;
	return 0;
}

static int damaged(struct err *err)
{
	return err_set(err, ERR_STORE, "", "aggregate cell is damaged (run 'hamgan report "
		       "--rebuild')");
}

int sq_agg_cell_get(struct store *st, const struct agg_key *k, struct agg_row *out,
			   struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt;
	struct agg_row r;
	int rc;

	stmt = agg_stmt(s, SQ_AGG_GET, "SELECT " CELL_COLS " FROM agg_cells"
			" WHERE dim = ? AND unit = ? AND day = ? AND key = ?", err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	sqlite3_bind_int(stmt, 1, k->dim);
	sqlite3_bind_int64(stmt, 2, k->unit);
	sqlite3_bind_int64(stmt, 3, k->day);
	sqlite3_bind_int64(stmt, 4, k->key);
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
	unsigned char cb[AGG_NCOUNTERS * 10];
	size_t clen = varint_encode_i64s(r->c, AGG_NCOUNTERS, cb);
	bool zero = r->hist_len == 0;
	int i;

	for (i = 0; i < AGG_NCOUNTERS && zero; i++)
		zero = r->c[i] == 0;
	/* an update in place keeps the row where it is (histograms make rows
	 * large, so the table has rowids and a unique index on the key: a
	 * WITHOUT ROWID table would spill them to overflow pages); one upsert
	 * rather than an UPDATE and, for a new cell, an INSERT (a rebuild
	 * writes only new cells) */
	if (zero)
		stmt = agg_stmt(s, SQ_AGG_DEL, "DELETE FROM agg_cells"
				   " WHERE dim = ?1 AND unit = ?2 AND day = ?3 AND key = ?4", err);
	else
		stmt = agg_stmt(s, SQ_AGG_PUT, "INSERT INTO agg_cells (" CELL_COLS ")"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (dim, unit, day, key)"
				" DO UPDATE SET c = excluded.c, hist = excluded.hist", err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	sqlite3_bind_int(stmt, 1, r->k.dim);
	sqlite3_bind_int64(stmt, 2, r->k.unit);
	sqlite3_bind_int64(stmt, 3, r->k.day);
	sqlite3_bind_int64(stmt, 4, r->k.key);
	if (!zero) {
		sqlite3_bind_blob(stmt, 5, cb, (int)clen, SQLITE_STATIC);
		sqlite3_bind_blob(stmt, 6, r->hist, (int)r->hist_len, SQLITE_STATIC);
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
	int rc, ret = 0;

	if (unit)
		stmt = agg_stmt(s, SQ_AGG_SCAN_UNIT, "SELECT " CELL_COLS " FROM agg_cells WHERE dim = ?1"
				   " AND unit = ?2 AND day BETWEEN ?3 AND ?4"
				   " ORDER BY dim, unit, day, key", err);
	else
		stmt = agg_stmt(s, SQ_AGG_SCAN_ALL, "SELECT " CELL_COLS " FROM agg_cells WHERE dim = ?1"
				   " AND day BETWEEN ?3 AND ?4 ORDER BY dim, unit, day, key", err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	sqlite3_bind_int(stmt, 1, dim);
	if (unit)
		sqlite3_bind_int64(stmt, 2, unit);
	sqlite3_bind_int64(stmt, 3, day_from);
	sqlite3_bind_int64(stmt, 4, day_to);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (row_from_stmt(stmt, &r) < 0) {
			ret = damaged(err);
			break;
		}
		ret = fn(&r, arg);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = sq_fail(s, sqlite3_extended_errcode(s->db), "aggregate scan", err);
	sqlite3_reset(stmt);
	return ret;
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

	stmt = agg_stmt(s, SQ_AGG_PAIR_ADD, "INSERT INTO agg_pairs (dim, unit, kind, day, day2,"
			" key, n) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (dim, unit, kind,"
			" day, key, day2) DO UPDATE SET n = n + excluded.n", err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	bind_pair_key(stmt, p);
	sqlite3_bind_int64(stmt, 7, p->n);
	rc = sq_exec_stmt(s, stmt, "aggregate pair", err);
	if (rc < 0 || p->n > 0)
		return rc;
	/* only a decrement can bring a row to 0 */
	stmt = agg_stmt(s, SQ_AGG_PAIR_DEL, "DELETE FROM agg_pairs WHERE dim = ?1 AND unit = ?2"
			" AND kind = ?3 AND day = ?4 AND day2 = ?5 AND key = ?6 AND n = 0", err);
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
	struct agg_pair p;
	int rc, ret = 0;

	/* day2 is tested by the statement itself: a row it skips is never
	 * decoded into columns (most of an overdue count's rows) */
	if (unit)
		stmt = agg_stmt(s, SQ_AGG_PAIR_SCAN_UNIT, "SELECT dim, unit, kind, day, day2, key, n"
				" FROM agg_pairs WHERE dim = ?1 AND unit = ?2 AND kind = ?3"
				" AND day BETWEEN ?4 AND ?5 AND day2 > ?6"
				" ORDER BY dim, unit, kind, day, key, day2", err);
	else
		stmt = agg_stmt(s, SQ_AGG_PAIR_SCAN_ALL, "SELECT dim, unit, kind, day, day2, key, n"
				" FROM agg_pairs WHERE dim = ?1 AND kind = ?3 AND day BETWEEN ?4 AND ?5"
				" AND day2 > ?6 ORDER BY dim, unit, kind, day, key, day2", err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	sqlite3_bind_int(stmt, 1, dim);
	if (unit)
		sqlite3_bind_int64(stmt, 2, unit);
	sqlite3_bind_int(stmt, 3, kind);
	sqlite3_bind_int64(stmt, 4, day_from);
	sqlite3_bind_int64(stmt, 5, day_to);
	sqlite3_bind_int64(stmt, 6, day2_after);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		p.dim = sqlite3_column_int(stmt, 0);
		p.unit = sqlite3_column_int64(stmt, 1);
		p.kind = sqlite3_column_int(stmt, 2);
		p.day = sqlite3_column_int64(stmt, 3);
		p.day2 = sqlite3_column_int64(stmt, 4);
		p.key = sqlite3_column_int64(stmt, 5);
		p.n = sqlite3_column_int64(stmt, 6);
		ret = fn(&p, arg);
		if (ret)
			break;
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

int sq_audit_steps(struct store *st, int64_t msg_id, struct audit_step **out, size_t *n,
		   struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt;
	char *payload;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	/* every change written about the message (its registration and its
	 * transitions, and whatever a later release adds), not the reads; the
	 * payloads (audit_step_read) are core/audit.c's payload_* JSON objects */
	stmt = agg_stmt(s, SQ_AGG_AUDIT_STEPS, "SELECT n.name, a.payload, a.at FROM audit a"
			" JOIN audit_names n ON n.id = a.action_id"
			" WHERE a.msg_id = ?1 AND n.name LIKE 'msg.%' AND n.name <> 'msg.identity_read'"
			" ORDER BY a.seq", err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	sqlite3_bind_int64(stmt, 1, msg_id);
	payload = xmalloc(CAP_AUDIT_PAYLOAD + 1);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct audit_step *a = sq_list_push((void **)out, n, &cap, sizeof(**out));

		a->at = sqlite3_column_int64(stmt, 2);
		sq_col_audit_payload(stmt, 1, a->at, payload, CAP_AUDIT_PAYLOAD + 1);
		audit_step_read(a, (const char *)sqlite3_column_text(stmt, 0), payload);
	}
	free(payload);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return sq_fail(s, rc, "audit steps", err);
	}
	return 0;
}

