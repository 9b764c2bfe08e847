/*
 * sqlite_open311.c - API keys, Open311 request rows, service extras, message
 * id lists and import keys (migration 4).  These statements run a few times
 * per request at most, so they are prepared per call rather than cached.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/str.h"
#include "store/sqlite_int.h"
#include "store/sqlite_open311.h"

static sqlite3_stmt *prep(struct sqlite_store *s, const char *sql, const char *what,
			  struct err *err)
{
	sqlite3_stmt *stmt = NULL;

	if (sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		sq_fail(s, sqlite3_extended_errcode(s->db), what, err);
		sqlite3_finalize(stmt);
		return NULL;
	}
	return stmt;
}

/* Step a write to its end and finalize. */
static int run(struct sqlite_store *s, sqlite3_stmt *stmt, const char *what, struct err *err)
{
	int rc;

	if (!stmt)
		return err ? err->code : ERR_STORE;
	rc = sq_exec_stmt(s, stmt, what, err);
	sqlite3_finalize(stmt);
	return rc;
}

/* ---- API keys ---- */

#define KEY_COLS "id, name, key_hash, created_at, revoked_at"

static void read_key(sqlite3_stmt *st, void *rec)
{
	struct apikey *k = rec;

	memset(k, 0, sizeof(*k));
	k->id = sqlite3_column_int64(st, 0);
	sq_col_text(st, 1, k->name, sizeof(k->name));
	sq_col_text(st, 2, k->key_hash, sizeof(k->key_hash));
	k->created_at = sqlite3_column_int64(st, 3);
	k->revoked_at = sqlite3_column_int64(st, 4);
}

int sq_apikey_insert(struct store *st, struct apikey *k, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = prep(s, "INSERT INTO api_keys (name, key_hash, created_at,"
				  " revoked_at) VALUES (?, ?, ?, ?)", "api key", err);
	int rc;

	if (stmt) {
		sq_bind_text(stmt, 1, k->name);
		sq_bind_text(stmt, 2, k->key_hash);
		sq_bind_int(stmt, 3, k->created_at);
		sq_bind_int(stmt, 4, k->revoked_at);
	}
	rc = run(s, stmt, "api key", err);
	if (rc == 0)
		k->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static int key_one(struct sqlite_store *s, const char *sql, const char *v, struct apikey *out,
		   struct err *err)
{
	sqlite3_stmt *stmt = prep(s, sql, "api key", err);
	int rc;

	if (!stmt)
		return err ? err->code : ERR_STORE;
	sq_bind_text(stmt, 1, v);
	rc = sq_step_row(s, stmt, "api key", err);
	if (rc == 0)
		read_key(stmt, out);
	sqlite3_finalize(stmt);
	return rc;
}

int sq_apikey_get_by_hash(struct store *st, const char *hash, struct apikey *out,
			  struct err *err)
{
	return key_one(sq(st), "SELECT " KEY_COLS " FROM api_keys WHERE key_hash = ?", hash, out,
		       err);
}

int sq_apikey_get_by_name(struct store *st, const char *name, struct apikey *out,
			  struct err *err)
{
	return key_one(sq(st), "SELECT " KEY_COLS " FROM api_keys WHERE name = ?", name, out, err);
}

int sq_apikey_list(struct store *st, struct apikey **out, size_t *n, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = prep(s, "SELECT " KEY_COLS " FROM api_keys ORDER BY id", "api keys",
				  err);
	int rc;

	*out = NULL;
	*n = 0;
	if (!stmt)
		return err ? err->code : ERR_STORE;
	rc = sq_list_rows(s, stmt, read_key, sizeof(**out), (void **)out, n, "api keys", err);
	sqlite3_finalize(stmt);
	return rc;
}

int sq_apikey_revoke(struct store *st, int64_t id, int64_t at, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = prep(s, "UPDATE api_keys SET revoked_at = ? WHERE id = ?", "api key",
				  err);

	if (stmt) {
		sq_bind_int(stmt, 1, at);
		sq_bind_int(stmt, 2, id);
	}
	return run(s, stmt, "api key", err);
}

/* ---- service extras ---- */

int sq_service_get(struct store *st, int64_t category_id, struct service_meta *out,
		   struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = prep(s, "SELECT keywords, attributes FROM category_open311"
				  " WHERE category_id = ?", "service", err);
	int rc;

	memset(out, 0, sizeof(*out));
	out->category_id = category_id;
	if (!stmt)
		return err ? err->code : ERR_STORE;
	sq_bind_int(stmt, 1, category_id);
	rc = sq_step_row(s, stmt, "service", err);
	if (rc == 0) {
		sq_col_text(stmt, 0, out->keywords, sizeof(out->keywords));
		sq_col_text(stmt, 1, out->attributes, sizeof(out->attributes));
	}
	sqlite3_finalize(stmt);
	return rc;
}

int sq_service_put(struct store *st, const struct service_meta *m, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = prep(s, "INSERT OR REPLACE INTO category_open311 (category_id,"
				  " keywords, attributes) VALUES (?, ?, ?)", "service", err);

	if (stmt) {
		sq_bind_int(stmt, 1, m->category_id);
		sq_bind_text(stmt, 2, m->keywords);
		sq_bind_text(stmt, 3, m->attributes);
	}
	return run(s, stmt, "service", err);
}

/* ---- Open311 request rows ---- */

int sq_o311_meta_put(struct store *st, const struct o311_meta *m, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = prep(s, "INSERT INTO open311_requests (msg_id, api_key_id,"
				  " media_url, address_id) VALUES (?, ?, ?, ?)", "open311 request",
				  err);

	if (stmt) {
		sq_bind_int(stmt, 1, m->msg_id);
		sq_bind_int(stmt, 2, m->api_key_id);
		sq_bind_text(stmt, 3, m->media_url);
		sq_bind_text(stmt, 4, m->address_id);
	}
	return run(s, stmt, "open311 request", err);
}

int sq_o311_meta_get(struct store *st, int64_t msg_id, struct o311_meta *out, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = prep(s, "SELECT api_key_id, media_url, address_id FROM"
				  " open311_requests WHERE msg_id = ?", "open311 request", err);
	int rc;

	memset(out, 0, sizeof(*out));
	out->msg_id = msg_id;
	if (!stmt)
		return err ? err->code : ERR_STORE;
	sq_bind_int(stmt, 1, msg_id);
	rc = sq_step_row(s, stmt, "open311 request", err);
	if (rc == 0) {
		out->api_key_id = sqlite3_column_int64(stmt, 0);
		sq_col_text(stmt, 1, out->media_url, sizeof(out->media_url));
		sq_col_text(stmt, 2, out->address_id, sizeof(out->address_id));
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* ---- message id lists ---- */

int sq_msg_ids(struct store *st, const struct store_msg_ids *q, int64_t **out, size_t *n,
	       struct err *err)
{
	struct sqlite_store *s = sq(st);
	struct buf sql = BUF_INIT(2048);
	sqlite3_stmt *stmt;
	size_t cap = 0;
	int rc, i;

	*out = NULL;
	*n = 0;
	buf_adds(&sql, "SELECT id FROM messages WHERE 1");
	if (q->from)
		buf_adds(&sql, " AND created_at >= ?1");
	if (q->to)
		buf_adds(&sql, " AND created_at < ?2");
	if (q->category_id)
		buf_adds(&sql, " AND category_id = ?3");
	if (q->public_only)
		buf_adds(&sql, " AND confidential = 0");
	if (q->states) {
		/* the state numbers come from a bit mask, not from the client */
		buf_adds(&sql, " AND state IN (-1");
		for (i = 0; i < STATE_COUNT; i++)
			if (q->states & (1u << i))
				buf_addf(&sql, ", %d", i);
		buf_adds(&sql, ")");
	}
	if (q->has_after && !q->newest_first)
		buf_adds(&sql, " AND (created_at > ?4 OR (created_at = ?4 AND id > ?5))");
	buf_adds(&sql, q->newest_first ? " ORDER BY created_at DESC, id DESC"
				       : " ORDER BY created_at, id");
	buf_adds(&sql, " LIMIT ?6 OFFSET ?7");
	if (buf_error(&sql)) {
		buf_release(&sql);
		return err_set(err, ERR_TOOBIG, "", "message list too complex");
	}
	stmt = prep(s, sql.data, "message list", err);
	buf_release(&sql);
	if (!stmt)
		return err ? err->code : ERR_STORE;
	/* binding a parameter the text does not use is a harmless SQLITE_RANGE */
	sq_bind_int(stmt, 1, q->from);
	sq_bind_int(stmt, 2, q->to);
	sq_bind_int(stmt, 3, q->category_id);
	sq_bind_int(stmt, 4, q->after_at);
	sq_bind_int(stmt, 5, q->after_id);
	sq_bind_int(stmt, 6, (int64_t)q->limit);
	sq_bind_int(stmt, 7, (int64_t)q->offset);
	for (rc = sqlite3_step(stmt); rc == SQLITE_ROW; rc = sqlite3_step(stmt)) {
		int64_t *slot = sq_list_push((void **)out, n, &cap, sizeof(**out));

		*slot = sqlite3_column_int64(stmt, 0);
	}
	if (rc != SQLITE_DONE) {
		rc = sq_fail(s, sqlite3_extended_errcode(s->db), "message list", err);
		free(*out);
		*out = NULL;
		*n = 0;
		sqlite3_finalize(stmt);
		return rc;
	}
	sqlite3_finalize(stmt);
	return 0;
}

/* ---- import keys ---- */

int sq_import_key_get(struct store *st, const char *source, const char *key, int64_t *msg_id,
		      struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = prep(s, "SELECT msg_id FROM import_keys WHERE source = ? AND key = ?",
				  "import key", err);
	int rc;

	if (!stmt)
		return err ? err->code : ERR_STORE;
	sq_bind_text(stmt, 1, source);
	sq_bind_text(stmt, 2, key);
	rc = sq_step_row(s, stmt, "import key", err);
	if (rc == 0)
		*msg_id = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return rc;
}

int sq_import_key_put(struct store *st, const char *source, const char *key, int64_t msg_id,
		      struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = prep(s, "INSERT INTO import_keys (source, key, msg_id)"
				  " VALUES (?, ?, ?)", "import key", err);

	if (stmt) {
		sq_bind_text(stmt, 1, source);
		sq_bind_text(stmt, 2, key);
		sq_bind_int(stmt, 3, msg_id);
	}
	return run(s, stmt, "import key", err);
}
