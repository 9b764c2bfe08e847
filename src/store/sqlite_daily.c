/*
 * sqlite_daily.c - the SQLite ops for daily work (issue 14): a message's
 * assignee, its internal notes, and canned answers per category.
 */
#include <string.h>

#include "store/sqlite_int.h"

int sq_assign_get(struct store *st, int64_t msg_id, int64_t *user_id, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_ASSIGN_GET, "SELECT user_id FROM msg_assign"
				     " WHERE msg_id = ?", err);
	int rc;

	*user_id = 0;
	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, msg_id);
	rc = sq_step_row(s, stmt, "assignment", err);
	if (rc < 0)
		return rc;
	*user_id = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return 0;
}

int sq_assign_set(struct store *st, int64_t msg_id, int64_t user_id, int64_t at,
		  struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt;

	if (!user_id) {
		stmt = sq_stmt(s, SQ_ASSIGN_DEL, "DELETE FROM msg_assign WHERE msg_id = ?", err);
		if (!stmt)
			return ERR_STORE;
		sq_bind_int(stmt, 1, msg_id);
		return sq_exec_stmt(s, stmt, "assignment", err);
	}
	stmt = sq_stmt(s, SQ_ASSIGN_SET, "INSERT OR REPLACE INTO msg_assign (msg_id, user_id, at)"
		       " VALUES (?, ?, ?)", err);
	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, msg_id);
	sq_bind_int(stmt, 2, user_id);
	sq_bind_int(stmt, 3, at);
	return sq_exec_stmt(s, stmt, "assignment", err);
}

int sq_note_insert(struct store *st, struct msg_note *nt, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_NOTE_INSERT, "INSERT INTO msg_notes (msg_id, user_id,"
				     " author, body, at) VALUES (?, ?, ?, ?, ?)", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, nt->msg_id);
	sq_bind_id(stmt, 2, nt->user_id);
	sq_bind_text(stmt, 3, nt->author);
	sq_bind_text(stmt, 4, nt->body);
	sq_bind_int(stmt, 5, nt->at);
	rc = sq_exec_stmt(s, stmt, "note", err);
	if (rc == 0)
		nt->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static void read_note(sqlite3_stmt *stmt, void *rec)
{
	struct msg_note *nt = rec;

	nt->id = sqlite3_column_int64(stmt, 0);
	nt->msg_id = sqlite3_column_int64(stmt, 1);
	nt->user_id = sqlite3_column_int64(stmt, 2);
	sq_col_text(stmt, 3, nt->author, sizeof(nt->author));
	sq_col_text(stmt, 4, nt->body, sizeof(nt->body));
	nt->at = sqlite3_column_int64(stmt, 5);
}

int sq_note_list(struct store *st, int64_t msg_id, size_t max, struct msg_note **out,
		 size_t *n, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_NOTE_LIST, "SELECT id, msg_id, user_id, author, body,"
				     " at FROM msg_notes WHERE msg_id = ? ORDER BY id LIMIT ?", err);

	if (stmt) {
		sq_bind_int(stmt, 1, msg_id);
		sq_bind_int(stmt, 2, (int64_t)max);
	}
	return sq_list_rows(s, stmt, read_note, sizeof(**out), (void **)out, n, "notes", err);
}

#define CANNED_COLS "id, category_id, title, body, active, created_at"

static void read_canned(sqlite3_stmt *stmt, void *rec)
{
	struct canned *ca = rec;

	ca->id = sqlite3_column_int64(stmt, 0);
	ca->category_id = sqlite3_column_int64(stmt, 1);
	sq_col_text(stmt, 2, ca->title, sizeof(ca->title));
	sq_col_text(stmt, 3, ca->body, sizeof(ca->body));
	ca->active = sqlite3_column_int(stmt, 4) != 0;
	ca->created_at = sqlite3_column_int64(stmt, 5);
}

int sq_canned_insert(struct store *st, struct canned *ca, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_CANNED_INSERT, "INSERT INTO canned_answers"
				     " (category_id, title, body, active, created_at)"
				     " VALUES (?, ?, ?, ?, ?)", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, ca->category_id);
	sq_bind_text(stmt, 2, ca->title);
	sq_bind_text(stmt, 3, ca->body);
	sq_bind_int(stmt, 4, ca->active);
	sq_bind_int(stmt, 5, ca->created_at);
	rc = sq_exec_stmt(s, stmt, "canned answer", err);
	if (rc == 0)
		ca->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int sq_canned_update(struct store *st, const struct canned *ca, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_CANNED_UPDATE, "UPDATE canned_answers SET title = ?,"
				     " body = ?, active = ? WHERE id = ?", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, ca->title);
	sq_bind_text(stmt, 2, ca->body);
	sq_bind_int(stmt, 3, ca->active);
	sq_bind_int(stmt, 4, ca->id);
	rc = sq_exec_stmt(s, stmt, "canned answer", err);
	if (rc == 0 && sqlite3_changes(s->db) == 0)
		return err_set(err, ERR_NOTFOUND, "id", "no canned answer %lld", (long long)ca->id);
	return rc;
}

int sq_canned_get(struct store *st, int64_t id, struct canned *out, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_CANNED_GET, "SELECT " CANNED_COLS
				     " FROM canned_answers WHERE id = ?", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, id);
	rc = sq_step_row(s, stmt, "canned answer", err);
	if (rc < 0)
		return rc;
	read_canned(stmt, out);
	sqlite3_reset(stmt);
	return 0;
}

int sq_canned_list(struct store *st, int64_t category_id, bool all, size_t max,
		   struct canned **out, size_t *n, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_CANNED_LIST, "SELECT " CANNED_COLS " FROM canned_answers"
				     " WHERE (?1 = 0 OR category_id = ?1) AND (?2 OR active)"
				     " ORDER BY title, id LIMIT ?3", err);

	if (stmt) {
		sq_bind_int(stmt, 1, category_id);
		sq_bind_int(stmt, 2, all);
		sq_bind_int(stmt, 3, (int64_t)max);
	}
	return sq_list_rows(s, stmt, read_canned, sizeof(**out), (void **)out, n, "canned answers",
			    err);
}
