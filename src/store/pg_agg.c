/*
 * pg_agg.c - the PostgreSQL side of the report aggregates (core/agg.h), as
 * sqlite_agg.c keeps them:
 *
 *	agg_cells (dim, unit, day, key) -> counters (bytea, varints) + histogram
 *	agg_pairs (dim, unit, kind, day, key, day2) -> n
 *
 * and the audit steps a rebuild reads.  Every write to them runs in a
 * write transaction, which holds the cluster-wide write lock (pg.c), so
 * the core's read-modify-write of a cell never races another node's.
 */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/varint.h"
#include "store/audit_pack.h"
#include "store/pg_int.h"
#include "store/pg_log.h"

#define CELL_COLS "dim, unit, day, key, c, hist"

static int damaged(struct err *err)
{
	return err_set(err, ERR_STORE, "", "aggregate cell is damaged (run 'hamgan report "
		       "--rebuild')");
}

/* Row r into out, its histogram malloc'd (NULL when empty): 0, or
 * ERR_STORE when the counters' bytes are damaged. */
static int read_cell(const PGresult *res, int r, struct agg_row *out, struct err *err)
{
	unsigned char *c;
	size_t clen;
	int bad;

	memset(out, 0, sizeof(*out));
	out->k.dim = (int)pg_int(res, r, 0);
	out->k.unit = pg_int(res, r, 1);
	out->k.day = pg_int(res, r, 2);
	out->k.key = pg_int(res, r, 3);
	c = pg_blob(res, r, 4, &clen);
	bad = varint_decode_i64s(c, clen, out->c, AGG_NCOUNTERS) < 0;
	free(c);
	if (bad)
		return damaged(err);
	out->hist = pg_blob(res, r, 5, &out->hist_len);
	if (out->hist && !out->hist_len) {
		free(out->hist);
		out->hist = NULL;
	}
	return 0;
}

int pl_agg_cell_get(struct store *st, const struct agg_key *k, struct agg_row *out,
		    struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *res;
	int rc;

	pg_p_int(&p, k->dim);
	pg_p_int(&p, k->unit);
	pg_p_int(&p, k->day);
	pg_p_int(&p, k->key);
	rc = pl_run(st, PL_AGG_GET, "SELECT " CELL_COLS " FROM agg_cells"
		    " WHERE dim = $1 AND unit = $2 AND day = $3 AND key = $4", &p, "aggregate cell",
		    err, &res);
	if (rc < 0)
		return rc;
	if (PQntuples(res) < 1)
		rc = err_set(err, ERR_NOTFOUND, "", "aggregate cell: not found");
	else
		rc = read_cell(res, 0, out, err);
	PQclear(res);
	return rc;
}

/* Insert or replace; a cell with every counter 0 and no histogram goes
 * (as in SQLite, so both hold the same rows). */
int pl_agg_cell_put(struct store *st, const struct agg_row *r, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	unsigned char cb[AGG_NCOUNTERS * 10];
	size_t clen = varint_encode_i64s(r->c, AGG_NCOUNTERS, cb);
	bool zero = r->hist_len == 0;
	int i;

	for (i = 0; i < AGG_NCOUNTERS && zero; i++)
		zero = r->c[i] == 0;
	pg_p_int(&p, r->k.dim);
	pg_p_int(&p, r->k.unit);
	pg_p_int(&p, r->k.day);
	pg_p_int(&p, r->k.key);
	if (zero)
		return pl_exec(st, PL_AGG_DEL, "DELETE FROM agg_cells WHERE dim = $1 AND unit = $2"
			       " AND day = $3 AND key = $4", &p, "aggregate cell", NULL, err);
	pg_p_blob(&p, cb, clen);
	pg_p_blob(&p, r->hist_len ? r->hist : NULL, r->hist_len);
	return pl_exec(st, PL_AGG_PUT, "INSERT INTO agg_cells (" CELL_COLS ")"
		       " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dim, unit, day, key)"
		       " DO UPDATE SET c = excluded.c, hist = excluded.hist", &p, "aggregate cell",
		       NULL, err);
}

/* Rows a page of a scan of every unit (--verify's): the whole dimension in
 * one result would be held in the client at once, gigabytes at 10 million
 * messages; 5,000 cells with their histograms are a few MB. */
#define SCAN_PAGE 5000

/* fn on each cell of res; *last the last one's key, *rows their number. */
static int visit_cells(const PGresult *res, int (*fn)(const struct agg_row *r, void *arg),
		       void *arg, struct agg_key *last, int *rows, struct err *err)
{
	struct agg_row r;
	int i, ret = 0;

	*rows = PQntuples(res);
	for (i = 0; i < *rows && !ret; i++) {
		ret = read_cell(res, i, &r, err);
		if (ret)
			break;
		*last = r.k;
		ret = fn(&r, arg);
		free(r.hist);
	}
	return ret;
}

int pl_agg_cell_scan(struct store *st, int dim, int64_t unit, int64_t day_from, int64_t day_to,
		     int (*fn)(const struct agg_row *r, void *arg), void *arg, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	struct agg_key last = { 0 };
	PGresult *res;
	int rc, rows, ret;

	if (unit) {
		pg_p_int(&p, dim);
		pg_p_int(&p, unit);
		pg_p_int(&p, day_from);
		pg_p_int(&p, day_to);
		rc = pl_run(st, PL_AGG_SCAN_UNIT, "SELECT " CELL_COLS " FROM agg_cells"
			    " WHERE dim = $1 AND unit = $2 AND day BETWEEN $3 AND $4"
			    " ORDER BY dim, unit, day, key", &p, "aggregate scan", err, &res);
		if (rc < 0)
			return rc;
		ret = visit_cells(res, fn, arg, &last, &rows, err);
		PQclear(res);
		return ret;
	}
	/* every unit: by pages, each after the last key of the one before */
	pg_p_int(&p, dim);
	pg_p_int(&p, day_from);
	pg_p_int(&p, day_to);
	pg_p_int(&p, SCAN_PAGE);
	rc = pl_run(st, PL_AGG_SCAN_ALL, "SELECT " CELL_COLS " FROM agg_cells"
		    " WHERE dim = $1 AND day BETWEEN $2 AND $3"
		    " ORDER BY dim, unit, day, key LIMIT $4", &p, "aggregate scan", err, &res);
	for (;;) {
		if (rc < 0)
			return rc;
		ret = visit_cells(res, fn, arg, &last, &rows, err);
		PQclear(res);
		if (ret || rows < SCAN_PAGE)
			return ret;
		p.n = 4;
		pg_p_int(&p, last.unit);
		pg_p_int(&p, last.day);
		pg_p_int(&p, last.key);
		rc = pl_run(st, PL_AGG_SCAN_ALL_NEXT, "SELECT " CELL_COLS " FROM agg_cells"
			    " WHERE dim = $1 AND day BETWEEN $2 AND $3"
			    " AND (unit, day, key) > ($5::bigint, $6::bigint, $7::bigint)"
			    " ORDER BY dim, unit, day, key LIMIT $4", &p, "aggregate scan", err,
			    &res);
	}
}

int pl_agg_pair_add(struct store *st, const struct agg_pair *p, struct err *err)
{
	struct pg_params k = PG_PARAMS_INIT;
	int rc;

	pg_p_int(&k, p->dim);
	pg_p_int(&k, p->unit);
	pg_p_int(&k, p->kind);
	pg_p_int(&k, p->day);
	pg_p_int(&k, p->day2);
	pg_p_int(&k, p->key);
	pg_p_int(&k, p->n);
	rc = pl_exec(st, PL_AGG_PAIR_ADD, "INSERT INTO agg_pairs (dim, unit, kind, day, day2, key,"
		     " n) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dim, unit, kind, day,"
		     " key, day2) DO UPDATE SET n = agg_pairs.n + excluded.n", &k,
		     "aggregate pair", NULL, err);
	if (rc < 0 || p->n > 0)
		return rc;
	/* only a decrement can bring a row to 0; the same key, without n */
	k.n = 6;
	return pl_exec(st, PL_AGG_PAIR_DEL, "DELETE FROM agg_pairs WHERE dim = $1 AND unit = $2"
		       " AND kind = $3 AND day = $4 AND day2 = $5 AND key = $6 AND n = 0", &k,
		       "aggregate pair", NULL, err);
}

/* fn on each pair row of res with day2 > day2_after; *last the last row,
 * *rows their number. */
static int visit_pairs(const PGresult *res, int64_t day2_after,
		       int (*fn)(const struct agg_pair *p, void *arg), void *arg,
		       struct agg_pair *last, int *rows)
{
	int i, ret = 0;

	*rows = PQntuples(res);
	for (i = 0; i < *rows && !ret; i++) {
		last->dim = (int)pg_int(res, i, 0);
		last->unit = pg_int(res, i, 1);
		last->kind = (int)pg_int(res, i, 2);
		last->day = pg_int(res, i, 3);
		last->day2 = pg_int(res, i, 4);
		last->key = pg_int(res, i, 5);
		last->n = pg_int(res, i, 6);
		if (last->day2 > day2_after)
			ret = fn(last, arg);
	}
	return ret;
}

int pl_agg_pair_scan(struct store *st, int dim, int64_t unit, int kind, int64_t day_from,
		     int64_t day_to, int64_t day2_after,
		     int (*fn)(const struct agg_pair *p, void *arg), void *arg, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	struct agg_pair last = { 0 };
	PGresult *res;
	int rc, rows, ret;

	if (unit) {
		pg_p_int(&p, dim);
		pg_p_int(&p, unit);
		pg_p_int(&p, kind);
		pg_p_int(&p, day_from);
		pg_p_int(&p, day_to);
		rc = pl_run(st, PL_AGG_PAIR_SCAN_UNIT, "SELECT dim, unit, kind, day, day2, key, n"
			    " FROM agg_pairs WHERE dim = $1 AND unit = $2 AND kind = $3"
			    " AND day BETWEEN $4 AND $5 ORDER BY dim, unit, kind, day, key, day2",
			    &p, "aggregate pair scan", err, &res);
		if (rc < 0)
			return rc;
		ret = visit_pairs(res, day2_after, fn, arg, &last, &rows);
		PQclear(res);
		return ret;
	}
	/* every unit: by pages, each after the last key of the one before (kind
	 * is in the row so that it follows the index's column order) */
	pg_p_int(&p, dim);
	pg_p_int(&p, kind);
	pg_p_int(&p, day_from);
	pg_p_int(&p, day_to);
	pg_p_int(&p, SCAN_PAGE);
	rc = pl_run(st, PL_AGG_PAIR_SCAN_ALL, "SELECT dim, unit, kind, day, day2, key, n"
		    " FROM agg_pairs WHERE dim = $1 AND kind = $2 AND day BETWEEN $3 AND $4"
		    " ORDER BY dim, unit, kind, day, key, day2 LIMIT $5", &p,
		    "aggregate pair scan", err, &res);
	for (;;) {
		if (rc < 0)
			return rc;
		ret = visit_pairs(res, day2_after, fn, arg, &last, &rows);
		PQclear(res);
		if (ret || rows < SCAN_PAGE)
			return ret;
		p.n = 5;
		pg_p_int(&p, last.unit);
		pg_p_int(&p, last.day);
		pg_p_int(&p, last.key);
		pg_p_int(&p, last.day2);
		rc = pl_run(st, PL_AGG_PAIR_SCAN_ALL_NEXT, "SELECT dim, unit, kind, day, day2, key, n"
			    " FROM agg_pairs WHERE dim = $1 AND kind = $2 AND day BETWEEN $3 AND $4"
			    " AND (unit, kind, day, key, day2) > ($6::bigint, $2::integer,"
			    " $7::bigint, $8::bigint, $9::bigint)"
			    " ORDER BY dim, unit, kind, day, key, day2 LIMIT $5", &p,
			    "aggregate pair scan", err, &res);
	}
}

int pl_agg_clear(struct store *st, struct err *err)
{
	int rc;

	rc = pl_exec(st, PL_AGG_CLEAR_CELLS, "DELETE FROM agg_cells", NULL, "clear aggregates",
		     NULL, err);
	if (rc == 0)
		rc = pl_exec(st, PL_AGG_CLEAR_PAIRS, "DELETE FROM agg_pairs", NULL,
			     "clear aggregates", NULL, err);
	if (rc == 0)
		rc = pl_exec(st, PL_AGG_CLEAR_META, "DELETE FROM agg_meta WHERE k = 'stale'", NULL,
			     "clear aggregates", NULL, err);
	return rc;
}

int pl_agg_stale(struct store *st, bool *stale, struct err *err)
{
	PGresult *res;
	int rc;

	rc = pl_run(st, PL_AGG_STALE, "SELECT count(*) FROM agg_meta WHERE k = 'stale' AND v <> 0",
		    NULL, "aggregate state", err, &res);
	if (rc < 0)
		return rc;
	*stale = pg_int(res, 0, 0) > 0;
	PQclear(res);
	return 0;
}

static void read_step(const PGresult *res, int r, void *rec)
{
	struct audit_step *a = rec;
	char action[CAP_CODE];
	size_t n = 0;
	unsigned char *p;

	pg_text(res, r, 0, action, sizeof(action));
	a->at = pg_int(res, r, 2);
	p = pg_blob(res, r, 1, &n);
	audit_step_unpack(a, action, p, p ? n : 0, a->at);
	free(p);
}

/*
 * Every change written about the message (its registration and its
 * transitions), not the reads; the payloads (audit_step_read) are
 * core/audit.c's JSON objects.  ILIKE: SQLite's LIKE ignores ASCII case.
 */
int pl_audit_steps(struct store *st, int64_t msg_id, struct audit_step **out, size_t *n,
		   struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, msg_id);
	return pl_list(st, PL_AUDIT_STEPS, "SELECT w.name, a.payload, a.at FROM audit a"
		       " JOIN audit_names w ON w.id = a.action_id WHERE a.msg_id = $1"
		       " AND w.name ILIKE 'msg.%' AND w.name <> 'msg.identity_read' ORDER BY a.seq",
		       &p, "audit steps",
		       read_step, sizeof(**out), (void **)out, n, err);
}
