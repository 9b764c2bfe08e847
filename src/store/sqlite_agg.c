/*
 * sqlite_agg.c - the SQLite side of the report aggregates (core/agg.h):
 * two tables keyed for range scans, and a message scan for the
 * recount.
 *
 *	agg_cells (dim, unit, day, key) -> eleven counters + histogram blob
 *	agg_backlog (dim, unit, due_day, key) -> n
 *
 * The tables are made by schema migration 3 (sqlite_schema.c); a database
 * migrated from version 2 with messages in it gets its aggregates from
 * `hamgan report --rebuild`.  Statements live in the
 * backend's statement cache (the SQ_AGG_* ids of sqlite_int.h).
 */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "store/sqlite_agg.h"
#include "store/sqlite_int.h"

#define CELL_COLS "dim, unit, day, key, referred, answered, on_time, handling_sum," \
	" evaluated, acceptable, verdict_accept, verdict_object, returns, rereferrals," \
	" reopens, hist"

/* The cached statement (the tables come with schema migration 3). */
static sqlite3_stmt *agg_stmt(struct sqlite_store *s, enum sq_stmt_id id, const char *sql,
			      struct err *err)
{
	return sq_stmt(s, id, sql, err);
}

static void row_from_stmt(sqlite3_stmt *stmt, struct agg_row *r)
{
	int i;

	r->k.dim = sqlite3_column_int(stmt, 0);
	r->k.unit = sqlite3_column_int64(stmt, 1);
	r->k.day = sqlite3_column_int64(stmt, 2);
	r->k.key = sqlite3_column_int64(stmt, 3);
	for (i = 0; i < AGG_NCOUNTERS; i++)
		r->c[i] = sqlite3_column_int64(stmt, 4 + i);
	r->hist = (unsigned char *)sqlite3_column_blob(stmt, 4 + AGG_NCOUNTERS);
	r->hist_len = (size_t)sqlite3_column_bytes(stmt, 4 + AGG_NCOUNTERS);
	if (!r->hist)
		r->hist_len = 0;
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
	row_from_stmt(stmt, &r);
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
	bool zero = r->hist_len == 0;
	int i, pass, rc = 0;

	for (i = 0; i < AGG_NCOUNTERS && zero; i++)
		zero = r->c[i] == 0;
	/* an update in place keeps the row where it is (histograms make rows
	 * large, so the table has rowids and a unique index on the key: a
	 * WITHOUT ROWID table would spill them to overflow pages) */
	if (zero)
		stmt = agg_stmt(s, SQ_AGG_DEL, "DELETE FROM agg_cells"
				   " WHERE dim = ?1 AND unit = ?2 AND day = ?3 AND key = ?4", err);
	else
		stmt = agg_stmt(s, SQ_AGG_PUT, "UPDATE agg_cells SET referred = ?5, answered = ?6,"
				" on_time = ?7, handling_sum = ?8, evaluated = ?9, acceptable = ?10,"
				" verdict_accept = ?11, verdict_object = ?12, returns = ?13,"
				" rereferrals = ?14, reopens = ?15, hist = ?16"
				" WHERE dim = ?1 AND unit = ?2 AND day = ?3 AND key = ?4", err);
	for (pass = 0; pass < 2; pass++) {
		if (!stmt)
			return err ? err->code : ERR_STORE;
		sqlite3_bind_int(stmt, 1, r->k.dim);
		sqlite3_bind_int64(stmt, 2, r->k.unit);
		sqlite3_bind_int64(stmt, 3, r->k.day);
		sqlite3_bind_int64(stmt, 4, r->k.key);
		if (!zero) {
			for (i = 0; i < AGG_NCOUNTERS; i++)
				sqlite3_bind_int64(stmt, 5 + i, r->c[i]);
			sqlite3_bind_blob(stmt, 5 + AGG_NCOUNTERS, r->hist, (int)r->hist_len,
					  SQLITE_STATIC);
		}
		rc = sq_exec_stmt(s, stmt, "aggregate cell", err);
		if (rc < 0 || zero || sqlite3_changes(s->db) > 0)
			return rc;
		stmt = agg_stmt(s, SQ_AGG_INSERT, "INSERT INTO agg_cells (" CELL_COLS ")"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
				" ?15, ?16)", err);
	}
	return rc;
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
		row_from_stmt(stmt, &r);
		ret = fn(&r, arg);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = sq_fail(s, sqlite3_extended_errcode(s->db), "aggregate scan", err);
	sqlite3_reset(stmt);
	return ret;
}

int sq_agg_open_add(struct store *st, const struct agg_open *o, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	stmt = agg_stmt(s, SQ_AGG_OPEN_ADD, "INSERT INTO agg_backlog (dim, unit, due_day, key, n)"
			" VALUES (?1, ?2, ?3, ?4, ?5)"
			" ON CONFLICT (dim, unit, due_day, key) DO UPDATE SET n = n + excluded.n",
			err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	sqlite3_bind_int(stmt, 1, o->dim);
	sqlite3_bind_int64(stmt, 2, o->unit);
	sqlite3_bind_int64(stmt, 3, o->due_day);
	sqlite3_bind_int64(stmt, 4, o->key);
	sqlite3_bind_int64(stmt, 5, o->n);
	rc = sq_exec_stmt(s, stmt, "backlog count", err);
	if (rc < 0 || o->n > 0)
		return rc;
	/* only a decrement can bring a row to 0 */
	stmt = agg_stmt(s, SQ_AGG_OPEN_DEL, "DELETE FROM agg_backlog WHERE dim = ?1 AND unit = ?2"
			" AND due_day = ?3 AND key = ?4 AND n = 0", err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	sqlite3_bind_int(stmt, 1, o->dim);
	sqlite3_bind_int64(stmt, 2, o->unit);
	sqlite3_bind_int64(stmt, 3, o->due_day);
	sqlite3_bind_int64(stmt, 4, o->key);
	return sq_exec_stmt(s, stmt, "backlog count", err);
}

int sq_agg_open_scan(struct store *st, int dim, int64_t unit, int64_t due_from,
		     int64_t due_before, int (*fn)(const struct agg_open *o, void *arg), void *arg,
		     struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt;
	struct agg_open o;
	int rc, ret = 0;

	if (unit)
		stmt = agg_stmt(s, SQ_AGG_OPEN_SCAN_UNIT, "SELECT dim, unit, due_day, key, n"
				" FROM agg_backlog WHERE dim = ?1 AND unit = ?2 AND due_day >= ?3"
				" AND due_day < ?4 ORDER BY dim, unit, due_day, key", err);
	else
		stmt = agg_stmt(s, SQ_AGG_OPEN_SCAN_ALL, "SELECT dim, unit, due_day, key, n"
				" FROM agg_backlog WHERE dim = ?1 AND due_day >= ?3 AND due_day < ?4"
				" ORDER BY dim, unit, due_day, key", err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	sqlite3_bind_int(stmt, 1, dim);
	if (unit)
		sqlite3_bind_int64(stmt, 2, unit);
	sqlite3_bind_int64(stmt, 3, due_from);
	sqlite3_bind_int64(stmt, 4, due_before);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		o.dim = sqlite3_column_int(stmt, 0);
		o.unit = sqlite3_column_int64(stmt, 1);
		o.due_day = sqlite3_column_int64(stmt, 2);
		o.key = sqlite3_column_int64(stmt, 3);
		o.n = sqlite3_column_int64(stmt, 4);
		ret = fn(&o, arg);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = sq_fail(s, sqlite3_extended_errcode(s->db), "backlog scan", err);
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
	stmt = agg_stmt(s, SQ_AGG_CLEAR_OPEN, "DELETE FROM agg_backlog", err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	rc = sq_exec_stmt(s, stmt, "clear aggregates", err);
	sqlite3_reset(stmt);
	return rc;
}

int sq_msg_scan(struct store *st, int64_t after_id, size_t max, struct msg **out,
		       size_t *n, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt;
	int64_t *ids = NULL;
	size_t nids = 0, cap = 0, i;
	struct msg *list = NULL;
	int rc, ret = 0;

	*out = NULL;
	*n = 0;
	stmt = sq_stmt(s, SQ_AGG_MSG_SCAN, "SELECT id FROM messages WHERE id > ? ORDER BY id LIMIT ?",
		       err);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	sqlite3_bind_int64(stmt, 1, after_id);
	sqlite3_bind_int64(stmt, 2, (int64_t)max);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t *slot = sq_list_push((void **)&ids, &nids, &cap, sizeof(*ids));

		*slot = sqlite3_column_int64(stmt, 0);
	}
	if (rc != SQLITE_DONE)
		ret = sq_fail(s, sqlite3_extended_errcode(s->db), "message scan", err);
	sqlite3_reset(stmt);
	if (ret < 0)
		goto out;
	if (nids)
		list = xcalloc(nids, sizeof(*list));
	for (i = 0; i < nids; i++) {
		ret = sq_msg_get(st, ids[i], &list[i], err);
		if (ret < 0) {
			free(list);
			goto out;
		}
	}
	*out = list;
	*n = nids;
out:
	free(ids);
	return ret;
}
