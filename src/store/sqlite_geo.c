/*
 * sqlite_geo.c - the SQLite backend's ops for place: units' boundaries
 * (core/geo.h), one row per unit with its outline in the core's stored
 * form, and a
 * category's routing rule (docs/routing.md).
 */
#include <string.h>

#include "store/sqlite_int.h"

int sq_boundary_put(struct store *st, const struct store_boundary *b, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_GEO_PUT, "INSERT OR REPLACE INTO unit_boundaries"
		" (unit_id, outline, attribution, min_lat, min_lon, max_lat, max_lon, vertices,"
		" rev, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
		" (SELECT coalesce(max(rev), 0) + 1 FROM unit_boundaries), ?9)", err);

	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, b->unit_id);
	sqlite3_bind_blob(stmt, 2, b->blob, (int)b->blob_len, SQLITE_TRANSIENT);
	sq_bind_text(stmt, 3, b->attribution ? b->attribution : "");
	sqlite3_bind_double(stmt, 4, b->min_lat);
	sqlite3_bind_double(stmt, 5, b->min_lon);
	sqlite3_bind_double(stmt, 6, b->max_lat);
	sqlite3_bind_double(stmt, 7, b->max_lon);
	sq_bind_int(stmt, 8, b->vertices);
	sq_bind_int(stmt, 9, b->updated_at);
	return sq_exec_stmt(s, stmt, "boundary", err);
}

int sq_boundary_scan(struct store *st, int (*fn)(const struct store_boundary *b, void *arg),
		     void *arg, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_GEO_SCAN, "SELECT b.unit_id, b.outline, b.attribution,"
		" b.min_lat, b.min_lon, b.max_lat, b.max_lon, b.vertices, b.updated_at"
		" FROM unit_boundaries b JOIN units u ON u.id = b.unit_id ORDER BY u.code", err);
	struct store_boundary b;
	int rc, stop = 0;

	if (!stmt)
		return ERR_STORE;
	for (rc = sqlite3_step(stmt); rc == SQLITE_ROW; rc = sqlite3_step(stmt)) {
		memset(&b, 0, sizeof(b));
		b.unit_id = sqlite3_column_int64(stmt, 0);
		b.blob = sqlite3_column_blob(stmt, 1);
		b.blob_len = (size_t)sqlite3_column_bytes(stmt, 1);
		b.attribution = (const char *)sqlite3_column_text(stmt, 2);
		b.min_lat = sqlite3_column_double(stmt, 3);
		b.min_lon = sqlite3_column_double(stmt, 4);
		b.max_lat = sqlite3_column_double(stmt, 5);
		b.max_lon = sqlite3_column_double(stmt, 6);
		b.vertices = sqlite3_column_int64(stmt, 7);
		b.updated_at = sqlite3_column_int64(stmt, 8);
		if (!b.blob)
			b.blob = "";
		if (!b.attribution)
			b.attribution = "";
		stop = fn(&b, arg);
		if (stop)
			break;
	}
	sqlite3_reset(stmt);
	if (stop)
		return stop;
	if (rc != SQLITE_DONE)
		return sq_fail(s, rc, "boundaries", err);
	return 0;
}

int sq_boundary_stamp(struct store *st, int64_t *stamp, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_GEO_STAMP, "SELECT coalesce(max(rev), 0) FROM"
				     " unit_boundaries", err);
	int rc;

	*stamp = 0;
	if (!stmt)
		return ERR_STORE;
	rc = sq_step_row(s, stmt, "boundaries", err);
	if (rc < 0)
		return rc;
	*stamp = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return 0;
}

int sq_category_route_get(struct store *st, int64_t cat_id, char *out, size_t outsz,
			  struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_CAT_ROUTE_GET, "SELECT route FROM categories"
				     " WHERE id = ?", err);
	int rc;

	out[0] = '\0';
	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, cat_id);
	rc = sq_step_row(s, stmt, "category", err);
	if (rc < 0)
		return rc;
	sq_col_text(stmt, 0, out, outsz);
	sqlite3_reset(stmt);
	return 0;
}

int sq_category_route_set(struct store *st, int64_t cat_id, const char *rule, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_CAT_ROUTE_SET, "UPDATE categories SET route = ?"
				     " WHERE id = ?", err);

	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, rule);
	sq_bind_int(stmt, 2, cat_id);
	return sq_exec_stmt(s, stmt, "category", err);
}
