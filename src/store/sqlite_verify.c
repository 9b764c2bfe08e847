/*
 * sqlite_verify.c - verification codes (core/verify.h) in the table
 * verify_codes: insert, the newest of a number, tries and use, counts per
 * number and per address for the limits, pruning.
 */
#include <string.h>

#include "store/sqlite_int.h"
#include "store/sqlite_verify.h"

#define VERIFY_COLS "id, mobile, addr, salt, hash, created_at, expires_at, tries, used"

int sq_verify_insert(struct store *st, struct verify_code *v, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_VERIFY_INSERT, "INSERT INTO verify_codes (mobile, addr,"
				     " salt, hash, created_at, expires_at, tries, used)"
				     " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, v->mobile);
	sq_bind_text(stmt, 2, v->addr);
	sq_bind_text(stmt, 3, v->salt);
	sq_bind_text(stmt, 4, v->hash);
	sq_bind_int(stmt, 5, v->created_at);
	sq_bind_int(stmt, 6, v->expires_at);
	sq_bind_int(stmt, 7, v->tries);
	sq_bind_int(stmt, 8, v->used);
	rc = sq_exec_stmt(s, stmt, "verification code", err);
	if (rc == 0)
		v->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int sq_verify_latest(struct store *st, const char *mobile, struct verify_code *out,
		     struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_VERIFY_LATEST, "SELECT " VERIFY_COLS " FROM verify_codes"
				     " WHERE mobile = ? ORDER BY created_at DESC, id DESC LIMIT 1",
				     err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, mobile);
	rc = sq_step_row(s, stmt, "verification code", err);
	if (rc < 0)
		return rc;
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(stmt, 0);
	sq_col_text(stmt, 1, out->mobile, sizeof(out->mobile));
	sq_col_text(stmt, 2, out->addr, sizeof(out->addr));
	sq_col_text(stmt, 3, out->salt, sizeof(out->salt));
	sq_col_text(stmt, 4, out->hash, sizeof(out->hash));
	out->created_at = sqlite3_column_int64(stmt, 5);
	out->expires_at = sqlite3_column_int64(stmt, 6);
	out->tries = sqlite3_column_int(stmt, 7);
	out->used = sqlite3_column_int(stmt, 8) != 0;
	sqlite3_reset(stmt);
	return 0;
}

int sq_verify_update(struct store *st, const struct verify_code *v, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_VERIFY_UPDATE, "UPDATE verify_codes SET tries = ?,"
				     " used = ? WHERE id = ?", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, v->tries);
	sq_bind_int(stmt, 2, v->used);
	sq_bind_int(stmt, 3, v->id);
	rc = sq_exec_stmt(s, stmt, "verification code", err);
	if (rc == 0 && sqlite3_changes(s->db) == 0)
		return err_set(err, ERR_NOTFOUND, "", "verification code: not found");
	return rc;
}

/* count(*) and min(created_at) of the rows whose `col` is key, since. */
static int count_since(struct sqlite_store *s, sqlite3_stmt *stmt, const char *key,
		       int64_t since, int64_t *n, int64_t *oldest, struct err *err)
{
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, key);
	sq_bind_int(stmt, 2, since);
	rc = sq_step_row(s, stmt, "verification codes", err);
	if (rc < 0)
		return rc;
	*n = sqlite3_column_int64(stmt, 0);
	*oldest = sqlite3_column_int64(stmt, 1);
	sqlite3_reset(stmt);
	return 0;
}

int sq_verify_count_mobile(struct store *st, const char *mobile, int64_t since, int64_t *n,
			   int64_t *oldest, struct err *err)
{
	struct sqlite_store *s = sq(st);

	return count_since(s, sq_stmt(s, SQ_VERIFY_COUNT_MOBILE, "SELECT count(*),"
				      " coalesce(min(created_at), 0) FROM verify_codes"
				      " WHERE mobile = ? AND created_at >= ?", err),
			   mobile, since, n, oldest, err);
}

int sq_verify_count_addr(struct store *st, const char *addr, int64_t since, int64_t *n,
			 int64_t *oldest, struct err *err)
{
	struct sqlite_store *s = sq(st);

	return count_since(s, sq_stmt(s, SQ_VERIFY_COUNT_ADDR, "SELECT count(*),"
				      " coalesce(min(created_at), 0) FROM verify_codes"
				      " WHERE addr = ? AND created_at >= ?", err),
			   addr, since, n, oldest, err);
}

int sq_verify_prune(struct store *st, int64_t before, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_VERIFY_PRUNE, "DELETE FROM verify_codes"
				     " WHERE created_at < ?", err);

	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, before);
	return sq_exec_stmt(s, stmt, "verification codes", err);
}
