/*
 * pg_open311.c - the PostgreSQL attachments (bytes and preview as bytea),
 * units' boundaries, API keys, Open311 request rows, service extras and
 * import keys, as sqlite_attach.c, sqlite_geo.c and sqlite_open311.c keep
 * them.
 *
 * A failed statement ends a PostgreSQL transaction, where SQLite's goes
 * on; so a duplicate key (an import key seen before, an Open311 row or API
 * key written twice), which a caller may meet and carry on from, raises no
 * error: the inserts say ON CONFLICT DO NOTHING and one that made no row is
 * ERR_CONFLICT ("what: already exists", as SQLite's reads).
 */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "store/pg_int.h"
#include "store/pg_log.h"

/* An INSERT ... ON CONFLICT DO NOTHING: ERR_CONFLICT when it made no row. */
static int insert_once(struct store *st, enum pg_log_stmt id, const char *sql,
		       const struct pg_params *p, const char *what, struct err *err)
{
	int64_t n = 0;
	int rc = pl_exec(st, id, sql, p, what, &n, err);

	if (rc == 0 && n == 0)
		return err_set(err, ERR_CONFLICT, "", "%s: already exists", what);
	return rc;
}

/* ---- attachments ---- */

#define ATTACH_COLS "id, msg_id, name, mime, by_actor, by_role, size, octet_length(thumb)," \
	" created_at"

static void read_attach(const PGresult *res, int r, void *rec)
{
	struct attachment *a = rec;

	memset(a, 0, sizeof(*a));
	a->id = pg_int(res, r, 0);
	a->msg_id = pg_int(res, r, 1);
	pg_text(res, r, 2, a->name, sizeof(a->name));
	pg_text(res, r, 3, a->mime, sizeof(a->mime));
	pg_text(res, r, 4, a->by, sizeof(a->by));
	a->by_role = (int)pg_int(res, r, 5);
	a->size = pg_int(res, r, 6);
	a->thumb_size = pg_int(res, r, 7);
	a->created_at = pg_int(res, r, 8);
}

int pl_attach_insert(struct store *st, struct attachment *a, const void *data, size_t len,
		     const void *thumb, size_t thumb_len, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *res;
	int rc;

	pg_p_int(&p, a->msg_id);
	pl_p_text(&p, a->name);
	pl_p_text(&p, a->mime);
	pl_p_text(&p, a->by);
	pg_p_int(&p, a->by_role);
	pg_p_int(&p, (int64_t)len);
	pg_p_int(&p, a->created_at);
	pg_p_blob(&p, data, len);
	pg_p_blob(&p, thumb && thumb_len ? thumb : NULL, thumb_len);
	rc = pl_run(st, PL_ATTACH_INSERT, "INSERT INTO attachments (msg_id, name, mime, by_actor,"
		    " by_role, size, created_at, bytes, thumb)"
		    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id", &p, "attachment",
		    err, &res);
	if (rc < 0)
		return rc;
	a->id = pg_int(res, 0, 0);
	a->size = (int64_t)len;
	a->thumb_size = (int64_t)thumb_len;
	PQclear(res);
	return 0;
}

int pl_attach_list(struct store *st, int64_t msg_id, struct attachment **out, size_t *n,
		   struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, msg_id);
	return pl_list(st, PL_ATTACH_LIST, "SELECT " ATTACH_COLS " FROM attachments"
		       " WHERE msg_id = $1 ORDER BY id", &p, "attachments", read_attach,
		       sizeof(**out), (void **)out, n, err);
}

/* An empty blob reads as none, as SQLite's sqlite3_column_blob gives NULL
 * for one. */
int pl_attach_get(struct store *st, int64_t id, int thumb, struct attachment *out, void **data,
		  size_t *len, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *res;
	void *b;
	size_t blen;
	int rc;

	*data = NULL;
	*len = 0;
	pg_p_int(&p, id);
	if (thumb)
		rc = pl_run(st, PL_ATTACH_GET_THUMB, "SELECT " ATTACH_COLS ", thumb FROM attachments"
			    " WHERE id = $1", &p, "attachment", err, &res);
	else
		rc = pl_run(st, PL_ATTACH_GET_BYTES, "SELECT " ATTACH_COLS ", bytes FROM attachments"
			    " WHERE id = $1", &p, "attachment", err, &res);
	if (rc < 0)
		return rc;
	if (PQntuples(res) < 1) {
		PQclear(res);
		return err_set(err, ERR_NOTFOUND, "", "attachment: not found");
	}
	read_attach(res, 0, out);
	b = pg_blob(res, 0, 9, &blen);
	PQclear(res);
	if (!b || !blen) {
		free(b);
		return err_set(err, ERR_NOTFOUND, "", "attachment %lld has no preview", (long long)id);
	}
	*data = b;
	*len = blen;
	return 0;
}

/* ---- boundaries ---- */

/* rev: one more than any row's, so boundary_stamp moves on every put (the
 * write lock of the write transactions keeps two nodes from taking one
 * number). */
int pl_boundary_put(struct store *st, const struct store_boundary *b, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, b->unit_id);
	pg_p_blob(&p, b->blob, b->blob_len);
	pl_p_text(&p, b->attribution ? b->attribution : "");
	pg_p_double(&p, b->min_lat);
	pg_p_double(&p, b->min_lon);
	pg_p_double(&p, b->max_lat);
	pg_p_double(&p, b->max_lon);
	pg_p_int(&p, b->vertices);
	pg_p_int(&p, b->updated_at);
	return pl_exec(st, PL_GEO_PUT, "INSERT INTO unit_boundaries (unit_id, outline, attribution,"
		       " min_lat, min_lon, max_lat, max_lon, vertices, rev, updated_at)"
		       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
		       " (SELECT coalesce(max(rev), 0) + 1 FROM unit_boundaries), $9)"
		       " ON CONFLICT (unit_id) DO UPDATE SET outline = excluded.outline,"
		       " attribution = excluded.attribution, min_lat = excluded.min_lat,"
		       " min_lon = excluded.min_lon, max_lat = excluded.max_lat,"
		       " max_lon = excluded.max_lon, vertices = excluded.vertices,"
		       " rev = excluded.rev, updated_at = excluded.updated_at", &p, "boundary",
		       NULL, err);
}

/* Ordered by the unit's code byte by byte (COLLATE "C"), as SQLite's
 * BINARY collation orders it, whatever the database's locale. */
int pl_boundary_scan(struct store *st, int (*fn)(const struct store_boundary *b, void *arg),
		     void *arg, struct err *err)
{
	struct store_boundary b;
	PGresult *res;
	void *blob;
	int rc, i, rows, stop = 0;

	rc = pl_run(st, PL_GEO_SCAN, "SELECT b.unit_id, b.outline, b.attribution, b.min_lat,"
		    " b.min_lon, b.max_lat, b.max_lon, b.vertices, b.updated_at"
		    " FROM unit_boundaries b JOIN units u ON u.id = b.unit_id"
		    " ORDER BY u.code COLLATE \"C\"", NULL, "boundaries", err, &res);
	if (rc < 0)
		return rc;
	rows = PQntuples(res);
	for (i = 0; i < rows && !stop; i++) {
		memset(&b, 0, sizeof(b));
		b.unit_id = pg_int(res, i, 0);
		blob = pg_blob(res, i, 1, &b.blob_len);
		b.blob = blob ? blob : "";
		b.attribution = PQgetvalue(res, i, 2);
		b.min_lat = pg_double(res, i, 3);
		b.min_lon = pg_double(res, i, 4);
		b.max_lat = pg_double(res, i, 5);
		b.max_lon = pg_double(res, i, 6);
		b.vertices = pg_int(res, i, 7);
		b.updated_at = pg_int(res, i, 8);
		stop = fn(&b, arg);
		free(blob);
	}
	PQclear(res);
	return stop;
}

int pl_boundary_stamp(struct store *st, int64_t *stamp, struct err *err)
{
	PGresult *res;
	int rc;

	*stamp = 0;
	rc = pl_run(st, PL_GEO_STAMP, "SELECT coalesce(max(rev), 0) FROM unit_boundaries", NULL,
		    "boundaries", err, &res);
	if (rc < 0)
		return rc;
	*stamp = pg_int(res, 0, 0);
	PQclear(res);
	return 0;
}

/* ---- API keys ---- */

#define KEY_COLS "id, name, key_hash, created_at, revoked_at"

static void read_key(const PGresult *res, int r, void *rec)
{
	struct apikey *k = rec;

	memset(k, 0, sizeof(*k));
	k->id = pg_int(res, r, 0);
	pg_text(res, r, 1, k->name, sizeof(k->name));
	pg_text(res, r, 2, k->key_hash, sizeof(k->key_hash));
	k->created_at = pg_int(res, r, 3);
	k->revoked_at = pg_int(res, r, 4);
}

int pl_apikey_insert(struct store *st, struct apikey *k, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *res;
	int rc;

	pl_p_text(&p, k->name);
	pl_p_text(&p, k->key_hash);
	pg_p_int(&p, k->created_at);
	pg_p_int(&p, k->revoked_at);
	/* NOT EXISTS first: a duplicate takes no number from the identity
	 * sequence, so the next key's id is the one SQLite gives it */
	rc = pl_run(st, PL_KEY_INSERT, "INSERT INTO api_keys (name, key_hash, created_at,"
		    " revoked_at) SELECT $1::text, $2::text, $3::bigint, $4::bigint"
		    " WHERE NOT EXISTS (SELECT 1 FROM api_keys WHERE name = $1::text"
		    " OR key_hash = $2::text) ON CONFLICT DO NOTHING RETURNING id", &p, "api key",
		    err, &res);
	if (rc < 0)
		return rc;
	if (PQntuples(res) < 1) {
		PQclear(res);
		return err_set(err, ERR_CONFLICT, "", "api key: already exists");
	}
	k->id = pg_int(res, 0, 0);
	PQclear(res);
	return 0;
}

int pl_apikey_get_by_hash(struct store *st, const char *hash, struct apikey *out,
			  struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pl_p_text(&p, hash);
	return pl_one(st, PL_KEY_BY_HASH, "SELECT " KEY_COLS " FROM api_keys WHERE key_hash = $1",
		      &p, "api key", read_key, out, err);
}

int pl_apikey_get_by_name(struct store *st, const char *name, struct apikey *out,
			  struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pl_p_text(&p, name);
	return pl_one(st, PL_KEY_BY_NAME, "SELECT " KEY_COLS " FROM api_keys WHERE name = $1", &p,
		      "api key", read_key, out, err);
}

int pl_apikey_list(struct store *st, struct apikey **out, size_t *n, struct err *err)
{
	return pl_list(st, PL_KEY_LIST, "SELECT " KEY_COLS " FROM api_keys ORDER BY id", NULL,
		       "api keys", read_key, sizeof(**out), (void **)out, n, err);
}

/* As in SQLite, revoking a key that is not there changes nothing and is
 * no error. */
int pl_apikey_revoke(struct store *st, int64_t id, int64_t at, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, at);
	pg_p_int(&p, id);
	return pl_exec(st, PL_KEY_REVOKE, "UPDATE api_keys SET revoked_at = $1 WHERE id = $2", &p,
		       "api key", NULL, err);
}

/* ---- service extras ---- */

static void read_service(const PGresult *res, int r, void *rec)
{
	struct service_meta *m = rec;

	pg_text(res, r, 0, m->keywords, sizeof(m->keywords));
	pg_text(res, r, 1, m->attributes, sizeof(m->attributes));
}

int pl_service_get(struct store *st, int64_t category_id, struct service_meta *out,
		   struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	memset(out, 0, sizeof(*out));
	out->category_id = category_id;
	pg_p_int(&p, category_id);
	return pl_one(st, PL_SERVICE_GET, "SELECT keywords, attributes FROM category_open311"
		      " WHERE category_id = $1", &p, "service", read_service, out, err);
}

int pl_service_put(struct store *st, const struct service_meta *m, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, m->category_id);
	pl_p_text(&p, m->keywords);
	pl_p_text(&p, m->attributes);
	return pl_exec(st, PL_SERVICE_PUT, "INSERT INTO category_open311 (category_id, keywords,"
		       " attributes) VALUES ($1, $2, $3) ON CONFLICT (category_id) DO UPDATE"
		       " SET keywords = excluded.keywords, attributes = excluded.attributes", &p,
		       "service", NULL, err);
}

/* ---- Open311 request rows ---- */

int pl_o311_meta_put(struct store *st, const struct o311_meta *m, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, m->msg_id);
	pg_p_int(&p, m->api_key_id);
	pl_p_text(&p, m->media_url);
	pl_p_text(&p, m->address_id);
	return insert_once(st, PL_O311_PUT, "INSERT INTO open311_requests (msg_id, api_key_id,"
			   " media_url, address_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
			   &p, "open311 request", err);
}

static void read_o311(const PGresult *res, int r, void *rec)
{
	struct o311_meta *m = rec;

	m->api_key_id = pg_int(res, r, 0);
	pg_text(res, r, 1, m->media_url, sizeof(m->media_url));
	pg_text(res, r, 2, m->address_id, sizeof(m->address_id));
}

int pl_o311_meta_get(struct store *st, int64_t msg_id, struct o311_meta *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	memset(out, 0, sizeof(*out));
	out->msg_id = msg_id;
	pg_p_int(&p, msg_id);
	return pl_one(st, PL_O311_GET, "SELECT api_key_id, media_url, address_id"
		      " FROM open311_requests WHERE msg_id = $1", &p, "open311 request", read_o311,
		      out, err);
}

/* ---- import keys ---- */

static void read_msg_id(const PGresult *res, int r, void *rec)
{
	*(int64_t *)rec = pg_int(res, r, 0);
}

int pl_import_key_get(struct store *st, const char *source, const char *key, int64_t *msg_id,
		      struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pl_p_text(&p, source);
	pl_p_text(&p, key);
	return pl_one(st, PL_IMPORT_GET, "SELECT msg_id FROM import_keys"
		      " WHERE source = $1 AND key = $2", &p, "import key", read_msg_id, msg_id,
		      err);
}

int pl_import_key_put(struct store *st, const char *source, const char *key, int64_t msg_id,
		      struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pl_p_text(&p, source);
	pl_p_text(&p, key);
	pg_p_int(&p, msg_id);
	return insert_once(st, PL_IMPORT_PUT, "INSERT INTO import_keys (source, key, msg_id)"
			   " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", &p, "import key", err);
}
