/* sqlite_attach.c - attachments in the database, bytes and preview as BLOBs;
 * see core/attach.h and sqlite_attach.h. */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "store/sqlite_attach.h"
#include "store/sqlite_int.h"

#define ATTACH_COLS "id, msg_id, name, mime, by_actor, by_role, size, length(thumb)," \
	" created_at"

static void read_attach(sqlite3_stmt *st, void *rec)
{
	struct attachment *a = rec;

	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, 0);
	a->msg_id = sqlite3_column_int64(st, 1);
	sq_col_text(st, 2, a->name, sizeof(a->name));
	sq_col_text(st, 3, a->mime, sizeof(a->mime));
	sq_col_text(st, 4, a->by, sizeof(a->by));
	a->by_role = sqlite3_column_int(st, 5);
	a->size = sqlite3_column_int64(st, 6);
	a->thumb_size = sqlite3_column_int64(st, 7);
	a->created_at = sqlite3_column_int64(st, 8);
}

static sqlite3_stmt *prepare(struct sqlite_store *s, const char *sql, struct err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL);

	if (rc != SQLITE_OK) {
		sq_fail(s, rc, "attachments", err);
		return NULL;
	}
	return stmt;
}

int sq_attach_insert(struct store *st, struct attachment *a, const void *data, size_t len,
		     const void *thumb, size_t thumb_len, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = prepare(s, "INSERT INTO attachments (msg_id, name, mime, by_actor,"
				     " by_role, size, created_at, bytes, thumb)"
				     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
	int rc;

	if (!stmt)
		return err ? err->code : ERR_STORE;
	sq_bind_int(stmt, 1, a->msg_id);
	sq_bind_text(stmt, 2, a->name);
	sq_bind_text(stmt, 3, a->mime);
	sq_bind_text(stmt, 4, a->by);
	sq_bind_int(stmt, 5, a->by_role);
	sq_bind_int(stmt, 6, (int64_t)len);
	sq_bind_int(stmt, 7, a->created_at);
	sqlite3_bind_blob64(stmt, 8, data, len, SQLITE_STATIC);
	if (thumb && thumb_len)
		sqlite3_bind_blob64(stmt, 9, thumb, thumb_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 9);
	rc = sq_exec_stmt(s, stmt, "attachment", err);
	sqlite3_finalize(stmt);
	if (rc == 0) {
		a->id = sqlite3_last_insert_rowid(s->db);
		a->size = (int64_t)len;
		a->thumb_size = (int64_t)thumb_len;
	}
	return rc;
}

int sq_attach_list(struct store *st, int64_t msg_id, struct attachment **out, size_t *n,
		   struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = prepare(s, "SELECT " ATTACH_COLS " FROM attachments"
				     " WHERE msg_id = ? ORDER BY id", err);
	int rc;

	*out = NULL;
	*n = 0;
	if (!stmt)
		return err ? err->code : ERR_STORE;
	sq_bind_int(stmt, 1, msg_id);
	rc = sq_list_rows(s, stmt, read_attach, sizeof(**out), (void **)out, n, "attachments",
			  err);
	sqlite3_finalize(stmt);
	return rc;
}

int sq_attach_get(struct store *st, int64_t id, int thumb, struct attachment *out, void **data,
		  size_t *len, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = prepare(s, thumb ? "SELECT " ATTACH_COLS ", thumb FROM attachments"
				     " WHERE id = ?" : "SELECT " ATTACH_COLS ", bytes FROM attachments"
				     " WHERE id = ?", err);
	int rc;

	*data = NULL;
	*len = 0;
	if (!stmt)
		return err ? err->code : ERR_STORE;
	sq_bind_int(stmt, 1, id);
	rc = sq_step_row(s, stmt, "attachment", err);
	if (rc == 0) {
		const void *b = sqlite3_column_blob(stmt, 9);
		size_t blen = (size_t)sqlite3_column_bytes(stmt, 9);

		read_attach(stmt, out);
		if (!b) {
			rc = err_set(err, ERR_NOTFOUND, "", "attachment %lld has no preview",
				     (long long)id);
		} else {
			*data = xmalloc(blen ? blen : 1);
			memcpy(*data, b, blen);
			*len = blen;
		}
	}
	sqlite3_finalize(stmt);
	return rc;
}
