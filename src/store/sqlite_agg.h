/*
 * sqlite_agg.h - the SQLite backend's report-aggregate ops (sqlite_agg.c),
 * and SQ_AGG_OPS, the designated initialisers that put them in
 * store_sqlite_ops (one line in sqlite.c's table).
 */
#ifndef HAMGAN_STORE_SQLITE_AGG_H
#define HAMGAN_STORE_SQLITE_AGG_H

#include <sqlite3.h>

#include "store/store.h"

/* The SQL functions the aggregate tables need on each connection:
 * hamgan_pairs_add (every pair added) and hamgan_pairs_pack (schema 19);
 * 0 or ERR_STORE. */
int sq_agg_functions(sqlite3 *db);

int sq_agg_cell_get(struct store *st, const struct agg_key *k, struct agg_row *out,
		    struct err *err);
int sq_agg_cell_put(struct store *st, const struct agg_row *r, struct err *err);
int sq_agg_cell_scan(struct store *st, int dim, int64_t unit, int64_t day_from, int64_t day_to,
		     int (*fn)(const struct agg_row *r, void *arg), void *arg, struct err *err);
int sq_agg_pair_add(struct store *st, const struct agg_pair *p, struct err *err);
int sq_agg_pair_scan(struct store *st, int dim, int64_t unit, int kind, int64_t day_from,
		     int64_t day_to, int64_t day2_after,
		     int (*fn)(const struct agg_pair *p, void *arg), void *arg, struct err *err);
int sq_audit_steps(struct store *st, int64_t msg_id, struct audit_step **out, size_t *n,
		   struct err *err);
int sq_agg_clear(struct store *st, struct err *err);
int sq_agg_stale(struct store *st, bool *stale, struct err *err);
int sq_msg_scan(struct store *st, int64_t after_id, size_t max, struct msg **out, size_t *n,
		struct err *err);

#define SQ_AGG_OPS \
	.agg_cell_get = sq_agg_cell_get, \
	.agg_cell_put = sq_agg_cell_put, \
	.agg_cell_scan = sq_agg_cell_scan, \
	.agg_pair_add = sq_agg_pair_add, \
	.agg_pair_scan = sq_agg_pair_scan, \
	.audit_steps = sq_audit_steps, \
	.agg_clear = sq_agg_clear, \
	.agg_stale = sq_agg_stale, \
	.msg_scan = sq_msg_scan,

#endif
