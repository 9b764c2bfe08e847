/*
 * sqlite_msg.c - the SQLite backend's ops for messages (and their FTS5
 * index), referral hops, the audit log, the SMS outbox and search.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/mem.h"
#include "base/str.h"
#include "store/audit_pack.h"
#include "store/sqlite_agg.h"
#include "store/sqlite_int.h"

/* The record's columns (struct msg): column i (1..38) of MSG_COLS is
 * parameter ?i of the insert and the update, column 0 the id (?39 in the
 * update).  No text column: a list, search or scan reads none. */
#define MSG_COLS "m.id, m.code, m.channel, m.kind, m.category_id, m.has_point, m.lat," \
	" m.lon, m.region_id, m.citizen_id, m.confidential, m.state, m.unit_id, m.priority," \
	" m.live_session_id, m.registered_by, m.created_at, m.first_referred_at," \
	" m.first_referred_unit, m.referred_at, m.due_at, m.answered_at, m.closed_at," \
	" m.updated_at, m.verdict, m.rating, m.verdict_at, m.grade, m.graded_at, m.graded_by," \
	" m.reject_reason, m.return_reason, m.duplicate_of, m.return_count, m.referral_count," \
	" m.reopen_count, m.version, m.accepts, m.objections"
#define MSG_FROM " FROM messages m"
#define MSG_NCOLS 39	/* the columns of MSG_COLS */

static void read_msg(sqlite3_stmt *st, struct msg *m)
{
	memset(m, 0, sizeof(*m));
	m->id = sqlite3_column_int64(st, 0);
	sq_col_text(st, 1, m->code, sizeof(m->code));
	m->channel = (enum msg_channel)sqlite3_column_int(st, 2);
	m->kind = (enum msg_kind)sqlite3_column_int(st, 3);
	m->category_id = sqlite3_column_int64(st, 4);
	m->has_point = sqlite3_column_int(st, 5) != 0;
	m->lat = sqlite3_column_double(st, 6);
	m->lon = sqlite3_column_double(st, 7);
	m->region_id = sqlite3_column_int64(st, 8);
	m->citizen_id = sqlite3_column_int64(st, 9);
	m->confidential = sqlite3_column_int(st, 10) != 0;
	m->state = (enum msg_state)sqlite3_column_int(st, 11);
	m->unit_id = sqlite3_column_int64(st, 12);
	m->priority = (enum msg_priority)sqlite3_column_int(st, 13);
	m->live_session_id = sqlite3_column_int64(st, 14);
	m->registered_by = sqlite3_column_int64(st, 15);
	m->created_at = sqlite3_column_int64(st, 16);
	m->first_referred_at = sqlite3_column_int64(st, 17);
	m->first_referred_unit = sqlite3_column_int64(st, 18);
	m->referred_at = sqlite3_column_int64(st, 19);
	m->due_at = sqlite3_column_int64(st, 20);
	m->answered_at = sqlite3_column_int64(st, 21);
	m->closed_at = sqlite3_column_int64(st, 22);
	m->updated_at = sqlite3_column_int64(st, 23);
	m->verdict = (enum verdict)sqlite3_column_int(st, 24);
	m->rating = sqlite3_column_int(st, 25);
	m->verdict_at = sqlite3_column_int64(st, 26);
	m->grade = (enum grade)sqlite3_column_int(st, 27);
	m->graded_at = sqlite3_column_int64(st, 28);
	m->graded_by = sqlite3_column_int64(st, 29);
	m->reject_reason = (enum reject_reason)sqlite3_column_int(st, 30);
	m->return_reason = (enum return_reason)sqlite3_column_int(st, 31);
	m->duplicate_of = sqlite3_column_int64(st, 32);
	m->return_count = sqlite3_column_int(st, 33);
	m->referral_count = sqlite3_column_int(st, 34);
	m->reopen_count = sqlite3_column_int(st, 35);
	m->version = sqlite3_column_int64(st, 36);
	m->accepts = sqlite3_column_int(st, 37);
	m->objections = sqlite3_column_int(st, 38);
}

/* Bind ?1..?38 (the columns after id, in MSG_COLS order); the update
 * statement uses a subset plus ?39 = id. */
static void bind_msg(sqlite3_stmt *st, const struct msg *m)
{
	sq_bind_text(st, 1, m->code);
	sq_bind_int(st, 2, m->channel);
	sq_bind_int(st, 3, m->kind);
	sq_bind_id(st, 4, m->category_id);
	sq_bind_int(st, 5, m->has_point);
	sqlite3_bind_double(st, 6, m->lat);
	sqlite3_bind_double(st, 7, m->lon);
	sq_bind_id(st, 8, m->region_id);
	sq_bind_id(st, 9, m->citizen_id);
	sq_bind_int(st, 10, m->confidential);
	sq_bind_int(st, 11, m->state);
	sq_bind_int(st, 12, m->unit_id);
	sq_bind_int(st, 13, m->priority);
	sq_bind_id(st, 14, m->live_session_id);
	sq_bind_id(st, 15, m->registered_by);
	sq_bind_int(st, 16, m->created_at);
	sq_bind_int(st, 17, m->first_referred_at);
	sq_bind_id(st, 18, m->first_referred_unit);
	sq_bind_int(st, 19, m->referred_at);
	sq_bind_int(st, 20, m->due_at);
	sq_bind_int(st, 21, m->answered_at);
	sq_bind_int(st, 22, m->closed_at);
	sq_bind_int(st, 23, m->updated_at);
	sq_bind_int(st, 24, m->verdict);
	sq_bind_int(st, 25, m->rating);
	sq_bind_int(st, 26, m->verdict_at);
	sq_bind_int(st, 27, m->grade);
	sq_bind_int(st, 28, m->graded_at);
	sq_bind_id(st, 29, m->graded_by);
	sq_bind_int(st, 30, m->reject_reason);
	sq_bind_int(st, 31, m->return_reason);
	sq_bind_id(st, 32, m->duplicate_of);
	sq_bind_int(st, 33, m->return_count);
	sq_bind_int(st, 34, m->referral_count);
	sq_bind_int(st, 35, m->reopen_count);
	sq_bind_int(st, 36, m->version);
	sq_bind_int(st, 37, m->accepts);
	sq_bind_int(st, 38, m->objections);
}

/* The texts are ?40..?44 of the insert (subject, body, address, answer,
 * grade note) and ?43, ?44 of the texts' update, each in its stored form
 * (sq_bind_ptext: packed when that is shorter). */
int sq_msg_insert(struct store *st, struct msg *m, const struct msg_text *text,
		  const char *search_text, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_MSG_INSERT, "INSERT INTO messages (code, channel, kind,"
		" category_id, has_point, lat, lon, region_id, citizen_id, confidential, state,"
		" unit_id, priority, live_session_id, registered_by, created_at, first_referred_at,"
		" first_referred_unit, referred_at, due_at, answered_at, closed_at, updated_at,"
		" verdict, rating, verdict_at, grade, graded_at, graded_by, reject_reason,"
		" return_reason, duplicate_of, return_count, referral_count, reopen_count, version,"
		" accepts, objections, subject, body, address, answer, grade_note) VALUES (?1, ?2,"
		" ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,"
		" ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37,"
		" ?38, ?40, ?41, ?42, ?43, ?44)", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	bind_msg(stmt, m);
	sq_bind_ptext(stmt, 40, text->subject);
	sq_bind_ptext(stmt, 41, text->body);
	sq_bind_ptext(stmt, 42, text->address);
	sq_bind_ptext(stmt, 43, text->answer);
	sq_bind_ptext(stmt, 44, text->grade_note);
	rc = sq_exec_stmt(s, stmt, "message", err);
	if (rc < 0)
		return rc;
	m->id = sqlite3_last_insert_rowid(s->db);
	if (s->bulk) {
		/* indexed at the end of bulk mode (sq_bulk): FTS5 writes its
		 * pending terms out at every statement savepoint, so indexing
		 * here makes one tiny segment a message and endless merging */
		if (!s->bulk_fts_from)
			s->bulk_fts_from = m->id;
		return 0;
	}
	return sq_fts_add(s, m->id, search_text, err);
}

static int fts_insert(struct sqlite_store *s, int64_t rowid, const char *text, struct err *err)
{
	/* the tags from the row as it is now: a pending entry is written at
	 * the commit, after any change of the message's unit.  Read first,
	 * then one INSERT ... VALUES: an INSERT ... SELECT into the index is
	 * a statement transaction, whose savepoint makes FTS5 write out its
	 * pending terms, one segment a message (docs/performance.md) */
	struct buf b = BUF_INIT(CAP_INDEX_TEXT + 128);	/* hamgan_search_tags: 128 */
	sqlite3_stmt *stmt = sq_stmt(s, SQ_MSG_TAGS_GET, "SELECT unit_id, category_id FROM messages"
				     " WHERE id = ?", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, rowid);
	rc = sq_step_row(s, stmt, "message", err);
	if (rc == ERR_NOTFOUND)
		return 0;	/* as the INSERT ... SELECT did: no row, no entry */
	if (rc < 0)
		return rc;
	buf_adds(&b, text ? text : "");
	sq_search_tags(sqlite3_column_int64(stmt, 0), sqlite3_column_int64(stmt, 1), &b);
	sqlite3_reset(stmt);
	if (buf_error(&b)) {
		buf_release(&b);
		return err_set(err, ERR_TOOBIG, "", "the message index text is too long");
	}
	stmt = sq_stmt(s, SQ_MSG_FTS_INSERT, "INSERT INTO msg_fts (rowid, text) VALUES (?1, ?2)",
		       err);
	if (!stmt) {
		buf_release(&b);
		return ERR_STORE;
	}
	sq_bind_int(stmt, 1, rowid);
	sq_bind_text(stmt, 2, b.data);
	rc = sq_exec_stmt(s, stmt, "message index", err);
	buf_release(&b);
	return rc;
}

int sq_fts_add(struct sqlite_store *s, int64_t rowid, const char *text, struct err *err)
{
	struct sq_fts_row *r;

	if (s->depth <= 1)
		return fts_insert(s, rowid, text, err);
	if (s->nfts == s->fts_alloc) {
		s->fts_alloc = s->fts_alloc ? 2 * s->fts_alloc : 64;
		s->fts = xrealloc(s->fts, s->fts_alloc * sizeof(*s->fts));
	}
	r = &s->fts[s->nfts++];
	r->rowid = rowid;
	r->text = xstrdup(text ? text : "");
	r->depth = s->depth;
	return 0;
}

void sq_fts_release(struct sqlite_store *s, int depth)
{
	size_t i;

	for (i = 0; i < s->nfts; i++)
		if (s->fts[i].depth >= depth)
			s->fts[i].depth = depth - 1;
}

void sq_fts_drop(struct sqlite_store *s, int depth)
{
	size_t i, k = 0;

	for (i = 0; i < s->nfts; i++) {
		if (s->fts[i].depth >= depth)
			free(s->fts[i].text);
		else
			s->fts[k++] = s->fts[i];
	}
	s->nfts = k;
}

int sq_fts_flush(struct sqlite_store *s, struct err *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < s->nfts && rc == 0; i++)
		rc = fts_insert(s, s->fts[i].rowid, s->fts[i].text, err);
	if (rc == 0)
		sq_fts_drop(s, 0);
	return rc;
}

#define MSG_UPDATE_SET "UPDATE messages SET category_id = ?4, region_id = ?8," \
	" confidential = ?10, state = ?11, unit_id = ?12, priority = ?13," \
	" first_referred_at = ?17, first_referred_unit = ?18, referred_at = ?19, due_at = ?20," \
	" answered_at = ?21, closed_at = ?22, updated_at = ?23, verdict = ?24, rating = ?25," \
	" verdict_at = ?26, grade = ?27, graded_at = ?28, graded_by = ?29, reject_reason = ?30," \
	" return_reason = ?31, duplicate_of = ?32, return_count = ?33, referral_count = ?34," \
	" reopen_count = ?35, version = ?36, accepts = ?37, objections = ?38"
#define MSG_UPDATE_WHERE " WHERE id = ?39 AND version = ?36 - 1"

/*
 * Writes m (and text's answer and grade note, when given) over its row with
 * the search index's tags following the unit and category (in bulk mode
 * the index is made at the end: nothing to do).  versioned: only over
 * version m->version - 1 (msg_update); otherwise whatever is there
 * (msg_save).  *changed: whether a row was written.
 */
static int msg_write(struct sqlite_store *s, const struct msg *m, const struct msg_text *text,
		     bool versioned, bool *changed, struct err *err)
{
	struct sq_tags tags;
	sqlite3_stmt *stmt;
	int rc;

	*changed = false;
	rc = sq_tags_read(s, m->id, &tags, err);
	if (rc < 0)
		return rc;
	if (!versioned)
		stmt = sq_stmt(s, SQ_MSG_SAVE, MSG_UPDATE_SET ", answer = ?43, grade_note = ?44"
			       " WHERE id = ?39", err);
	else if (text)
		stmt = sq_stmt(s, SQ_MSG_UPDATE_TEXT, MSG_UPDATE_SET ", answer = ?43,"
			       " grade_note = ?44" MSG_UPDATE_WHERE, err);
	else
		stmt = sq_stmt(s, SQ_MSG_UPDATE, MSG_UPDATE_SET MSG_UPDATE_WHERE, err);
	if (!stmt)
		return ERR_STORE;
	bind_msg(stmt, m);
	sq_bind_int(stmt, 39, m->id);
	if (text) {
		sq_bind_ptext(stmt, 43, text->answer);
		sq_bind_ptext(stmt, 44, text->grade_note);
	}
	rc = sq_exec_stmt(s, stmt, "message", err);
	if (rc < 0)
		return rc;
	*changed = sqlite3_changes(s->db) > 0;
	return *changed ? sq_tags_keep(s, m, &tags, err) : 0;
}

int sq_msg_update(struct store *st, const struct msg *m, const struct msg_text *text,
		  struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt;
	bool changed;
	int rc = msg_write(s, m, text, true, &changed, err);

	if (rc < 0 || changed)
		return rc;
	stmt = sq_stmt(s, SQ_MSG_EXISTS, "SELECT 1 FROM messages WHERE id = ?", err);
	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, m->id);
	rc = sq_step_row(s, stmt, "message", err);
	if (rc < 0)
		return rc;
	sqlite3_reset(stmt);
	return err_set(err, ERR_CONFLICT, "version", "the message was changed meanwhile");
}

int sq_msg_save(struct store *st, const struct msg *m, const struct msg_text *text,
		struct err *err)
{
	bool changed;
	int rc = msg_write(sq(st), m, text, false, &changed, err);

	if (rc == 0 && !changed)
		rc = err_set(err, ERR_NOTFOUND, "", "message: not found");
	return rc;
}

/* A message's texts and its citizen's identity (struct msg_text), read
 * from the columns TEXT_COLS puts at `first`. */
#define TEXT_COLS "m.subject, m.body, m.address, m.answer, m.grade_note," \
	" coalesce(c.name, ''), coalesce(c.mobile, ''), coalesce(c.national_id, '')"
#define TEXT_JOIN " LEFT JOIN citizens c ON c.id = m.citizen_id"

static int read_text(sqlite3_stmt *stmt, int first, int64_t id, struct msg_text *out,
		     struct err *err)
{
	if (sq_col_ptext(stmt, first, out->subject, sizeof(out->subject)) < 0 ||
	    sq_col_ptext(stmt, first + 1, out->body, sizeof(out->body)) < 0 ||
	    sq_col_ptext(stmt, first + 2, out->address, sizeof(out->address)) < 0 ||
	    sq_col_ptext(stmt, first + 3, out->answer, sizeof(out->answer)) < 0 ||
	    sq_col_ptext(stmt, first + 4, out->grade_note, sizeof(out->grade_note)) < 0) {
		memset(out, 0, sizeof(*out));
		return err_set(err, ERR_STORE, "", "message %lld: a stored text is damaged",
			       (long long)id);
	}
	sq_col_text(stmt, first + 5, out->citizen_name, sizeof(out->citizen_name));
	sq_col_text(stmt, first + 6, out->citizen_mobile, sizeof(out->citizen_mobile));
	sq_col_text(stmt, first + 7, out->citizen_national_id, sizeof(out->citizen_national_id));
	return 0;
}

int sq_msg_text_get(struct store *st, int64_t id, struct msg_text *out, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_MSG_TEXT_GET, "SELECT " TEXT_COLS
				     " FROM messages m" TEXT_JOIN " WHERE m.id = ?", err);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, id);
	rc = sq_step_row(s, stmt, "message", err);
	if (rc < 0)
		return rc;
	rc = read_text(stmt, 0, id, out, err);
	sqlite3_reset(stmt);
	return rc;
}

static int msg_one(struct sqlite_store *s, sqlite3_stmt *stmt, struct msg *out, struct err *err)
{
	int rc;

	if (!stmt)
		return ERR_STORE;
	rc = sq_step_row(s, stmt, "message", err);
	if (rc < 0)
		return rc;
	read_msg(stmt, out);
	sqlite3_reset(stmt);
	return 0;
}

int sq_msg_get(struct store *st, int64_t id, struct msg *out, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_MSG_GET, "SELECT " MSG_COLS MSG_FROM " WHERE m.id = ?",
				     err);

	if (stmt)
		sq_bind_int(stmt, 1, id);
	return msg_one(s, stmt, out, err);
}

int sq_msg_get_by_code(struct store *st, const char *code, struct msg *out, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_MSG_GET_CODE, "SELECT " MSG_COLS MSG_FROM
				     " WHERE m.code = ?", err);

	if (stmt)
		sq_bind_text(stmt, 1, code);
	return msg_one(s, stmt, out, err);
}

/* the citizen's view: 17 columns, 3 of them texts, where the whole row
 * with its texts is 47 and 8 */
int sq_msg_public_get(struct store *st, const char *code, struct msg_public *out,
		      struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_MSG_PUBLIC_GET, "SELECT m.id, m.code, m.kind, m.state,"
				     " m.category_id, m.unit_id, m.citizen_id, m.created_at,"
				     " m.due_at, m.answered_at, m.verdict, m.rating,"
				     " m.reject_reason, coalesce(c.mobile, ''), m.subject, m.body,"
				     " m.answer FROM messages m" TEXT_JOIN " WHERE m.code = ?", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, code);
	rc = sq_step_row(s, stmt, "message", err);
	if (rc < 0)
		return rc;
	out->id = sqlite3_column_int64(stmt, 0);
	sq_col_text(stmt, 1, out->code, sizeof(out->code));
	out->kind = (enum msg_kind)sqlite3_column_int(stmt, 2);
	out->state = (enum msg_state)sqlite3_column_int(stmt, 3);
	out->category_id = sqlite3_column_int64(stmt, 4);
	out->unit_id = sqlite3_column_int64(stmt, 5);
	out->citizen_id = sqlite3_column_int64(stmt, 6);
	out->created_at = sqlite3_column_int64(stmt, 7);
	out->due_at = sqlite3_column_int64(stmt, 8);
	out->answered_at = sqlite3_column_int64(stmt, 9);
	out->verdict = (enum verdict)sqlite3_column_int(stmt, 10);
	out->rating = sqlite3_column_int(stmt, 11);
	out->reject_reason = (enum reject_reason)sqlite3_column_int(stmt, 12);
	sq_col_text(stmt, 13, out->mobile, sizeof(out->mobile));
	if (sq_col_ptext(stmt, 14, out->subject, sizeof(out->subject)) < 0 ||
	    sq_col_ptext(stmt, 15, out->body, sizeof(out->body)) < 0 ||
	    sq_col_ptext(stmt, 16, out->answer, sizeof(out->answer)) < 0) {
		rc = err_set(err, ERR_STORE, "", "message %lld: a stored text is damaged",
			     (long long)out->id);
		memset(out, 0, sizeof(*out));
	}
	sqlite3_reset(stmt);
	return rc;
}

int sq_msg_latest_answered(struct store *st, int64_t citizen_id, struct msg *out,
			   struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_MSG_LATEST_ANSWERED, "SELECT " MSG_COLS MSG_FROM
				     " WHERE m.citizen_id = ? AND m.state = " MSG_STATE_ANSWERED_SQL
				     " ORDER BY m.answered_at DESC, m.id DESC LIMIT 1", err);

	if (stmt)
		sq_bind_int(stmt, 1, citizen_id);
	return msg_one(s, stmt, out, err);
}

/* Searches are built per call (the filter set varies); every value is bound.
 * With text, the full-text table drives the query in its own order (rowid,
 * newest first), so a page costs the rows it reads, never a sort of every
 * match; without text, the order is created_at (or due_at for a queue). */
static void search_where_as(const struct store_search *q, bool by_id, struct buf *sql);

static void search_where(const struct store_search *q, struct buf *sql)
{
	search_where_as(q, false, sql);
}

/* by_id: for a statement run once a message (filter_prepare), the unit and
 * assignment filters as lookups of that message's own rows rather than
 * lists built each time it runs. */
static void search_where_as(const struct store_search *q, bool by_id, struct buf *sql)
{
	if (q->nwords)
		buf_adds(sql, " FROM msg_fts f JOIN messages m ON m.id = f.rowid"
			 " WHERE msg_fts MATCH ?1");
	else
		buf_adds(sql, MSG_FROM " WHERE 1");
	if (q->state >= 0)
		buf_adds(sql, " AND m.state = ?2");
	if (q->kind >= 0)
		buf_adds(sql, " AND m.kind = ?3");
	if (q->channel >= 0)
		buf_adds(sql, " AND m.channel = ?4");
	if (q->scope_unit && by_id)
		buf_adds(sql, " AND (SELECT path FROM units WHERE id = m.unit_id) GLOB"
			 " (SELECT path FROM units WHERE id = ?5) || '*'");
	else if (q->scope_unit)
		buf_adds(sql, " AND m.unit_id IN (SELECT id FROM units WHERE path GLOB"
			 " (SELECT path FROM units WHERE id = ?5) || '*')");
	if (q->unit_id && by_id)
		buf_adds(sql, " AND (SELECT path FROM units WHERE id = m.unit_id) GLOB"
			 " (SELECT path FROM units WHERE id = ?6) || '*'");
	else if (q->unit_id)
		buf_adds(sql, " AND m.unit_id IN (SELECT id FROM units WHERE path GLOB"
			 " (SELECT path FROM units WHERE id = ?6) || '*')");
	if (q->category_id)
		buf_adds(sql, " AND m.category_id = ?7");
	if (q->citizen_id)
		buf_adds(sql, " AND m.citizen_id = ?8");
	if (q->live_session_id)
		buf_adds(sql, " AND m.live_session_id = ?9");
	if (q->public_only)
		buf_adds(sql, " AND m.confidential = 0");
	if (q->from)
		buf_adds(sql, " AND m.created_at >= ?10");
	if (q->to)
		buf_adds(sql, " AND m.created_at < ?11");
	if (q->overdue)
		buf_adds(sql, " AND " MSG_STATES_OPEN_SQL("m.state") " AND m.due_at > 0"
			 " AND m.due_at < ?12");
	if (q->not_overdue)
		buf_adds(sql, " AND NOT (m.state NOT IN (" MSG_STATES_DONE_SQL ")"
			     " AND m.due_at > 0 AND m.due_at < ?12)");
	if (q->sort == STORE_SORT_DUE)
		buf_adds(sql, " AND " MSG_STATES_OPEN_SQL("m.state") " AND m.due_at > 0");
	if (q->assigned_to && by_id)
		buf_adds(sql, " AND EXISTS (SELECT 1 FROM msg_assign a WHERE a.msg_id = m.id"
			 " AND a.user_id = ?16)");
	else if (q->assigned_to)
		buf_adds(sql, " AND m.id IN (SELECT msg_id FROM msg_assign WHERE user_id = ?16)");
}

static void search_bind(sqlite3_stmt *stmt, const struct store_search *q, const char *fts)
{
	/* binding a parameter the text does not use is a harmless SQLITE_RANGE */
	if (q->nwords)
		sq_bind_text(stmt, 1, fts);
	sq_bind_int(stmt, 2, q->state);
	sq_bind_int(stmt, 3, q->kind);
	sq_bind_int(stmt, 4, q->channel);
	sq_bind_int(stmt, 5, q->scope_unit);
	sq_bind_int(stmt, 6, q->unit_id);
	sq_bind_int(stmt, 7, q->category_id);
	sq_bind_int(stmt, 8, q->citizen_id);
	sq_bind_int(stmt, 9, q->live_session_id);
	sq_bind_int(stmt, 10, q->from);
	sq_bind_int(stmt, 11, q->to);
	sq_bind_int(stmt, 12, q->now);
	sq_bind_int(stmt, 13, q->cursor_at);
	sq_bind_int(stmt, 14, q->cursor_id);
	sq_bind_int(stmt, 15, (int64_t)q->limit);
	sq_bind_int(stmt, 16, q->assigned_to);
}

static int search_prepare(struct sqlite_store *s, struct buf *sql, sqlite3_stmt **stmt,
			  struct err *err)
{
	int rc;

	*stmt = NULL;
	if (buf_error(sql)) {
		buf_release(sql);
		return err_set(err, ERR_TOOBIG, "", "search too complex");
	}
	rc = sqlite3_prepare_v2(s->db, sql->data, -1, stmt, NULL);
	buf_release(sql);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(*stmt);
		*stmt = NULL;
		return sq_fail(s, sqlite3_extended_errcode(s->db), "search", err);
	}
	return 0;
}

/* A failed step: a bad full-text query is the user's (ERR_INVALID). */
static int search_fail(struct sqlite_store *s, const struct store_search *q, int rc,
		       struct err *err)
{
	if ((rc & 0xff) == SQLITE_ERROR && q->nwords)
		return err_set(err, ERR_INVALID, "q", "cannot search for that text");
	return sq_fail(s, rc, "search", err);
}

/* Run one page query (bound, plus ?19/?20 for a rowid window), appending
 * its rows to *out. */
static int search_rows(struct sqlite_store *s, const struct store_search *q, const char *fts,
		       struct buf *sql,
		       int64_t hi, int64_t lo, int64_t limit, struct msg **out, size_t *n,
		       size_t *cap, struct err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = search_prepare(s, sql, &stmt, err);

	if (rc < 0)
		return rc;
	search_bind(stmt, q, fts);
	sq_bind_int(stmt, 15, limit);
	sq_bind_int(stmt, 19, hi);
	sq_bind_int(stmt, 20, lo);
	for (rc = sqlite3_step(stmt); rc == SQLITE_ROW; rc = sqlite3_step(stmt))
		read_msg(stmt, sq_list_push((void **)out, n, cap, sizeof(**out)));
	rc = rc == SQLITE_DONE ? 0 : search_fail(s, q, sqlite3_extended_errcode(s->db), err);
	sqlite3_finalize(stmt);
	return rc;
}

/* One row of numbers from a bound search statement (?17 max, ?18 scan,
 * ?19 hi, ?20 lo besides the filters): its first column in *a, its second
 * (when b is not NULL) in *b. */
static int search_numbers(struct sqlite_store *s, const struct store_search *q, const char *fts,
			  struct buf *sql,
			  int64_t max, int64_t scan, int64_t hi, int64_t lo, int64_t *a,
			  int64_t *b, struct err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = search_prepare(s, sql, &stmt, err);

	if (rc < 0)
		return rc;
	search_bind(stmt, q, fts);
	sq_bind_int(stmt, 17, max);
	sq_bind_int(stmt, 18, scan);
	sq_bind_int(stmt, 19, hi);
	sq_bind_int(stmt, 20, lo);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*a = sqlite3_column_int64(stmt, 0);
		if (b)
			*b = sqlite3_column_int64(stmt, 1);
		rc = 0;
	} else {
		rc = search_fail(s, q, sqlite3_extended_errcode(s->db), err);
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* A list of rowids, newest first. */
/* The connection's tokenizer for sq_fts_query, opened on first use. */
static struct sq_fts_tok *sq_fts_tok(struct sqlite_store *s)
{
	if (!s->fts_tok)
		s->fts_tok = sq_fts_tok_open(s->db);
	return s->fts_tok;
}

struct ids {
	int64_t *v;
	size_t n, cap;
};

/* The rowids of fts's matches below hi and at or above lo, newest first, at
 * most max (-1: all), appended to out. */
static int fts_ids(struct sqlite_store *s, const struct store_search *q, const char *fts,
		   int64_t hi, int64_t lo, int64_t max, struct ids *out, struct err *err)
{
	sqlite3_stmt *stmt = sq_stmt(s, SQ_SEARCH_IDS, "SELECT rowid FROM msg_fts"
				     " WHERE msg_fts MATCH ?1 AND rowid < ?2 AND rowid >= ?3"
				     " ORDER BY rowid DESC LIMIT ?4", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, fts);
	sq_bind_int(stmt, 2, hi);
	sq_bind_int(stmt, 3, lo);
	sq_bind_int(stmt, 4, max);
	for (rc = sqlite3_step(stmt); rc == SQLITE_ROW; rc = sqlite3_step(stmt))
		*(int64_t *)sq_list_push((void **)&out->v, &out->n, &out->cap, sizeof(int64_t)) =
			sqlite3_column_int64(stmt, 0);
	if (rc != SQLITE_DONE) {
		rc = sqlite3_extended_errcode(s->db);
		sqlite3_reset(stmt);
		return search_fail(s, q, rc, err);
	}
	sqlite3_reset(stmt);
	return 0;
}

/*
 * The next window of the words' matches below hi: how many (at most chunk,
 * *got) and the lowest rowid among them (*lo); in w, those of them that
 * hold the filters' tags (tags, sq_fts_tags; all of them when tags is "").
 * The tags' matches in the window's range are read as a list and the two
 * lists merged here: FTS5's own AND steps through a long list of the
 * words with a seek at each step, 30 ms for a window at 5 million messages
 * where reading both lists takes 3.
 */
static int fts_window(struct sqlite_store *s, const struct store_search *q, const char *fts,
		      const char *tags, int64_t hi, int64_t chunk, struct ids *w, int64_t *got,
		      int64_t *lo, struct err *err)
{
	struct ids t = { 0 };
	size_t i, j = 0, k = 0;
	int rc;

	w->n = 0;
	rc = fts_ids(s, q, fts, hi, 0, chunk, w, err);
	*got = (int64_t)w->n;
	*lo = w->n ? w->v[w->n - 1] : 0;
	if (rc < 0 || !w->n || !*tags)
		return rc;
	rc = fts_ids(s, q, tags, hi, *lo, -1, &t, err);
	for (i = 0; i < w->n && rc == 0; i++) {
		while (j < t.n && t.v[j] > w->v[i])
			j++;
		if (j < t.n && t.v[j] == w->v[i])
			w->v[k++] = w->v[i];
	}
	w->n = k;
	free(t.v);
	return rc;
}

/* The statement that reads a message by id (?21) through q's filters
 * (every one, the tags only narrowed the candidates): its record, or 1 when
 * count. */
static int filter_prepare(struct sqlite_store *s, const struct store_search *q, bool count,
			  sqlite3_stmt **stmt, struct err *err)
{
	struct store_search q0 = *q;
	struct buf sql = BUF_INIT(8192);
	int rc;

	q0.nwords = 0;
	q0.words = NULL;
	buf_adds(&sql, count ? "SELECT 1" : "SELECT " MSG_COLS);
	search_where_as(&q0, true, &sql);
	buf_adds(&sql, " AND m.id = ?21");
	rc = search_prepare(s, &sql, stmt, err);
	if (rc == 0)
		search_bind(*stmt, &q0, NULL);
	return rc;
}

/* Step stmt (filter_prepare) for each of ids until *n reaches want: the
 * rows that pass, appended to *out (when out is not NULL) or counted. */
static int filter_ids(struct sqlite_store *s, const struct store_search *q, sqlite3_stmt *stmt,
		      const struct ids *ids, int64_t want, struct msg **out, size_t *n,
		      size_t *cap, struct err *err)
{
	size_t i;
	int rc;

	for (i = 0; i < ids->n && (int64_t)*n < want; i++) {
		sq_bind_int(stmt, 21, ids->v[i]);
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW) {
			if (out)
				read_msg(stmt, sq_list_push((void **)out, n, cap, sizeof(**out)));
			else
				(*n)++;
		} else if (rc != SQLITE_DONE) {
			rc = sqlite3_extended_errcode(s->db);
			sqlite3_reset(stmt);
			return search_fail(s, q, rc, err);
		}
		sqlite3_reset(stmt);
	}
	return 0;
}

/*
 * A text search that reads at most q->scan of the text's matches: windows
 * of matches (newest first: the first one page, the second the rest of
 * the scan), each one's matches that hold the filters' tags read through
 * the filters by id, until the page is full, the matches end or the scan
 * is spent (then *q->scan_end says where).  A narrow filter reads the rows
 * of its own matches only; the rows are read newest first and stop at the
 * page's end, so a large window costs what the page needs.
 */
static int search_text_bounded(struct sqlite_store *s, const struct store_search *q,
			       const char *fts, const char *tags, struct msg **out, size_t *n,
			       struct err *err)
{
	int64_t hi = q->has_cursor ? q->cursor_id : INT64_MAX, lo = 0, got = 0;
	int64_t want = (int64_t)q->limit, chunk = want, read = 0;
	sqlite3_stmt *stmt = NULL;
	struct ids w = { 0 };
	size_t cap = 0;
	int rc = 0;

	if (*tags)
		rc = filter_prepare(s, q, false, &stmt, err);
	while (rc == 0 && (int64_t)*n < want && read < q->scan) {
		if (chunk > q->scan - read)
			chunk = q->scan - read;
		rc = fts_window(s, q, fts, tags, hi, chunk, &w, &got, &lo, err);
		if (rc < 0 || got == 0)
			break;
		read += got;
		if (*tags) {
			rc = filter_ids(s, q, stmt, &w, want, out, n, &cap, err);
		} else {
			struct buf sql = BUF_INIT(8192);

			buf_adds(&sql, "SELECT " MSG_COLS);
			search_where(q, &sql);
			buf_adds(&sql, " AND f.rowid < ?19 AND f.rowid >= ?20 ORDER BY f.rowid DESC"
				 " LIMIT ?15");
			rc = search_rows(s, q, fts, &sql, hi, lo, want - (int64_t)*n, out, n, &cap,
					 err);
		}
		if (rc < 0)
			break;
		hi = lo;
		if (got < chunk)
			break;	/* the matches ended */
		chunk = q->scan;
	}
	if (rc == 0 && (int64_t)*n < want && read >= q->scan && q->scan_end)
		*q->scan_end = hi;
	sqlite3_finalize(stmt);
	free(w.v);
	return rc;
}

int sq_msg_search(struct store *st, const struct store_search *q, struct msg **out, size_t *n,
		  struct err *err)
{
	struct sqlite_store *s = sq(st);
	struct buf sql = BUF_INIT(8192);
	struct buf fts = BUF_INIT(CAP_SEARCH_QUERY);
	struct buf tags = BUF_INIT(CAP_SEARCH_QUERY);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (q->scan_end)
		*q->scan_end = 0;
	rc = sq_fts_query(sq_fts_tok(s), q, &fts, err);
	if (rc == 0 && q->nwords && q->scan > 0)
		rc = sq_fts_tags(s, q, &tags, err);
	if (rc < 0)
		goto done;
	if (q->nwords && q->scan > 0) {
		rc = search_text_bounded(s, q, fts.data, tags.data, out, n, err);
		goto done;
	}
	buf_adds(&sql, "SELECT " MSG_COLS);
	search_where(q, &sql);
	if (q->nwords) {
		if (q->has_cursor)
			buf_adds(&sql, " AND f.rowid < ?14");
		buf_adds(&sql, " ORDER BY f.rowid DESC LIMIT ?15");
	} else if (q->sort == STORE_SORT_DUE) {
		if (q->has_cursor)
			buf_adds(&sql, " AND (m.due_at > ?13 OR (m.due_at = ?13 AND m.id > ?14))");
		buf_adds(&sql, " ORDER BY m.due_at, m.id LIMIT ?15");
	} else {
		if (q->has_cursor)
			buf_adds(&sql, " AND (m.created_at < ?13 OR (m.created_at = ?13 AND m.id < ?14))");
		buf_adds(&sql, " ORDER BY m.created_at DESC, m.id DESC LIMIT ?15");
	}
	rc = search_rows(s, q, fts.data, &sql, 0, 0, (int64_t)q->limit, out, n, &cap, err);
done:
	buf_release(&sql);
	buf_release(&fts);
	buf_release(&tags);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/*
 * The count of a text search, in windows as a page's (the first one max
 * matches, the second the rest of the scan): each window's matches that
 * hold the filters' tags are counted through the filters by id until max.
 * A word in most messages reaches max after about max of its matches; a
 * rare filter reads at most scan of them, and the rows of its own.
 */
static int count_text_bounded(struct sqlite_store *s, const struct store_search *q,
			      const char *fts, const char *tags, int64_t max, int64_t scan,
			      int64_t *count, bool *partial, struct err *err)
{
	int64_t hi = INT64_MAX, lo = 0, got = 0, chunk = max, read = 0;
	sqlite3_stmt *stmt = NULL;
	struct ids w = { 0 };
	bool ended = false;
	size_t n = 0;
	int rc = 0;

	if (*tags)
		rc = filter_prepare(s, q, true, &stmt, err);
	while (rc == 0 && (int64_t)n < max && read < scan) {
		if (chunk > scan - read)
			chunk = scan - read;
		rc = fts_window(s, q, fts, tags, hi, chunk, &w, &got, &lo, err);
		if (rc < 0 || got == 0)
			break;
		read += got;
		if (*tags) {
			rc = filter_ids(s, q, stmt, &w, max, NULL, &n, NULL, err);
		} else {
			struct buf sql = BUF_INIT(8192);
			int64_t k = 0;

			buf_adds(&sql, "SELECT count(*) FROM (SELECT 1");
			search_where(q, &sql);
			buf_adds(&sql, " AND f.rowid < ?19 AND f.rowid >= ?20 LIMIT ?17)");
			rc = search_numbers(s, q, fts, &sql, max - (int64_t)n, 0, hi, lo, &k, NULL,
					    err);
			n += (size_t)k;
		}
		if (rc < 0)
			break;
		hi = lo;
		if (got < chunk) {
			ended = true;	/* the count is whole */
			break;
		}
		chunk = scan;
	}
	*count = (int64_t)n;
	if (rc == 0 && (int64_t)n < max && read >= scan && !ended)
		*partial = true;
	sqlite3_finalize(stmt);
	free(w.v);
	return rc;
}

int sq_msg_count(struct store *st, const struct store_search *q, int64_t max, int64_t scan,
		 int64_t *count, bool *partial, struct err *err)
{
	struct sqlite_store *s = sq(st);
	struct buf sql = BUF_INIT(8192);
	struct buf fts = BUF_INIT(CAP_SEARCH_QUERY);
	struct buf tags = BUF_INIT(CAP_SEARCH_QUERY);
	int rc;

	*count = 0;
	*partial = false;
	rc = sq_fts_query(sq_fts_tok(s), q, &fts, err);
	if (rc < 0)
		goto out;
	if (q->nwords) {
		rc = sq_fts_tags(s, q, &tags, err);
		if (rc == 0)
			rc = count_text_bounded(s, q, fts.data, tags.data, max, scan, count,
						partial, err);
		goto out;
	}
	/* stop after max rows: a count never reads every match */
	buf_adds(&sql, "SELECT count(*) FROM (SELECT 1");
	search_where(q, &sql);
	buf_adds(&sql, " LIMIT ?17)");
	rc = search_numbers(s, q, fts.data, &sql, max, scan, 0, 0, count, NULL, err);
out:
	buf_release(&sql);
	buf_release(&fts);
	buf_release(&tags);
	return rc;
}

/* ---- referrals ---- */

int sq_referral_insert(struct store *st, struct referral *r, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_REF_INSERT, "INSERT INTO referrals (msg_id, kind,"
				     " from_unit, to_unit, actor_id, actor, reason, deadline, at)"
				     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, r->msg_id);
	sq_bind_int(stmt, 2, r->kind);
	sq_bind_id(stmt, 3, r->from_unit);
	sq_bind_id(stmt, 4, r->to_unit);
	sq_bind_id(stmt, 5, r->actor_id);
	sq_bind_text(stmt, 6, r->actor);
	sq_bind_ptext(stmt, 7, r->reason);
	sq_bind_int(stmt, 8, r->deadline);
	sq_bind_int(stmt, 9, r->at);
	rc = sq_exec_stmt(s, stmt, "referral", err);
	if (rc == 0)
		r->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int sq_referral_list(struct store *st, int64_t msg_id, struct referral **out, size_t *n,
		     struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_REF_LIST, "SELECT id, msg_id, kind, from_unit, to_unit,"
				     " actor_id, actor, reason, deadline, at FROM referrals"
				     " WHERE msg_id = ? ORDER BY id", err);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, msg_id);
	for (rc = sqlite3_step(stmt); rc == SQLITE_ROW; rc = sqlite3_step(stmt)) {
		struct referral *r = sq_list_push((void **)out, n, &cap, sizeof(**out));

		r->id = sqlite3_column_int64(stmt, 0);
		r->msg_id = sqlite3_column_int64(stmt, 1);
		r->kind = (enum hop_kind)sqlite3_column_int(stmt, 2);
		r->from_unit = sqlite3_column_int64(stmt, 3);
		r->to_unit = sqlite3_column_int64(stmt, 4);
		r->actor_id = sqlite3_column_int64(stmt, 5);
		sq_col_text(stmt, 6, r->actor, sizeof(r->actor));
		/* packed (migration 20); a damaged one reads as no reason */
		sq_col_ptext(stmt, 7, r->reason, sizeof(r->reason));
		r->deadline = sqlite3_column_int64(stmt, 8);
		r->at = sqlite3_column_int64(stmt, 9);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return sq_fail(s, rc, "referrals", err);
	}
	return 0;
}

/* ---- audit ----
 *
 * Since schema 15 a hash is stored as its 32 bytes (sq_bind_hash), and an
 * entry's prev_hash only when it is not the hash of the entry before it (of
 * seq - 1; 32 zero bytes for the first): NULL otherwise, as it always is
 * for what the core appends.  Since schema 16 actor and action are ids in
 * audit_names and the payload is packed (audit_pack.h).  Since schema 23 an
 * entry keeps its hash only when audit_hash_kept(seq) (model/audit.h;
 * every 32nd), the others a zero-length blob, and the one row of
 * audit_head keeps the tail's seq and hash, written in the same
 * transaction as the entry.  The reads give back the same texts and hex,
 * and "" for a hash that is not kept (and for a prev_hash whose entry
 * keeps none): the core computes those (core/audit.c).
 */

int sq_audit_tail(struct store *st, int64_t *seq, char hash[AUDIT_HASH_HEX + 1], struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	if (s->nheads > 0) {
		/* this transaction's own last append (sq_head_*) */
		*seq = s->heads[s->nheads - 1].seq;
		str_copy(hash, AUDIT_HASH_HEX + 1, s->heads[s->nheads - 1].hash);
		return 0;
	}
	/* the head, not the last entry: that one keeps no hash most times */
	stmt = sq_stmt(s, SQ_AUDIT_TAIL, "SELECT seq, hash FROM audit_head", err);
	*seq = 0;
	hash[0] = '\0';
	if (!stmt)
		return ERR_STORE;
	rc = sq_step_row(s, stmt, "audit", err);
	if (rc == ERR_NOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	*seq = sqlite3_column_int64(stmt, 0);
	sq_col_hash(stmt, 1, hash, AUDIT_HASH_HEX + 1);
	sqlite3_reset(stmt);
	return 0;
}

/* The head is e now, at the current level (struct sq_head). */
static void head_set(struct sqlite_store *s, const struct audit_entry *e)
{
	struct sq_head *h;

	/* what deeper levels set has ended: released into this one, or (in
	 * bulk mode) counted off without a savepoint */
	while (s->nheads > 0 && s->heads[s->nheads - 1].depth >= s->depth)
		s->nheads--;
	if (s->nheads == s->heads_alloc) {
		s->heads_alloc = s->heads_alloc ? 2 * s->heads_alloc : 8;
		s->heads = xrealloc(s->heads, (size_t)s->heads_alloc * sizeof(*s->heads));
	}
	h = &s->heads[s->nheads++];
	h->seq = e->seq;
	str_copy(h->hash, sizeof(h->hash), e->hash);
	h->depth = s->depth;
}

void sq_head_release(struct sqlite_store *s, int depth)
{
	int i;

	for (i = 0; i < s->nheads; i++)
		if (s->heads[i].depth >= depth)
			s->heads[i].depth = depth - 1;
	/* the level below's own head is older than the released one */
	if (s->nheads > 1 && s->heads[s->nheads - 2].depth == s->heads[s->nheads - 1].depth) {
		s->heads[s->nheads - 2] = s->heads[s->nheads - 1];
		s->nheads--;
	}
}

void sq_head_drop(struct sqlite_store *s, int depth)
{
	while (s->nheads > 0 && s->heads[s->nheads - 1].depth >= depth)
		s->nheads--;
}

int sq_head_flush(struct sqlite_store *s, struct err *err)
{
	const struct sq_head *h;
	sqlite3_stmt *stmt;
	int rc;

	if (s->nheads == 0)
		return 0;
	h = &s->heads[s->nheads - 1];
	/* the row is there but for the log's first entry: an UPDATE of it
	 * is cheaper than an upsert's failed insert */
	stmt = sq_stmt(s, SQ_AUDIT_HEAD, "UPDATE audit_head SET seq = ?1, hash = ?2 WHERE one = 1",
		       err);
	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, h->seq);
	sq_bind_hash(stmt, 2, h->hash);
	rc = sq_exec_stmt(s, stmt, "audit", err);
	if (rc == 0 && sqlite3_changes(s->db) == 0) {
		stmt = sq_stmt(s, SQ_AUDIT_HEAD_NEW, "INSERT INTO audit_head (one, seq, hash)"
			       " VALUES (1, ?1, ?2)", err);
		if (!stmt)
			return ERR_STORE;
		sq_bind_int(stmt, 1, h->seq);
		sq_bind_hash(stmt, 2, h->hash);
		rc = sq_exec_stmt(s, stmt, "audit", err);
	}
	if (rc == 0)
		s->nheads = 0;
	return rc;
}

/* Two hashes in hex, the same bytes (either case). */
static bool hex_same(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if ((*a | 0x20) != (*b | 0x20))
			return false;
	return *a == *b;
}

/* The entry, inside a transaction; its head is held back (sq_head_*). */
static int audit_put(struct sqlite_store *s, const struct audit_entry *e, struct err *err)
{
	sqlite3_stmt *names = sq_stmt(s, SQ_AUDIT_NAMES, "INSERT OR IGNORE INTO audit_names (name)"
				      " VALUES (?1), (?2)", err);
	sqlite3_stmt *stmt;
	unsigned char payload[AUDIT_PACKED_SIZE];
	char head[AUDIT_HASH_HEX + 1];
	int64_t head_seq;
	size_t len;
	int rc;

	if (!names)
		return ERR_STORE;
	/* prev_hash is stored NULL when it is the head's hash (zeros for the
	 * first entry): entry seq - 1 may keep none of its own */
	rc = sq_audit_tail(&s->base, &head_seq, head, err);
	if (rc < 0)
		return rc;
	sq_bind_text(names, 1, e->actor);
	sq_bind_text(names, 2, e->action);
	rc = sq_exec_stmt(s, names, "audit", err);
	if (rc < 0)
		return rc;
	stmt = sq_stmt(s, SQ_AUDIT_INSERT, "INSERT INTO audit (seq, actor_id, action_id,"
		       " msg_id, payload, at, prev_hash, hash)"
		       " VALUES (?1, (SELECT id FROM audit_names WHERE name = ?2),"
		       " (SELECT id FROM audit_names WHERE name = ?3), ?4, ?5, ?6, ?7, ?8)", err);
	if (!stmt)
		return ERR_STORE;
	len = audit_pack(e->payload, e->at, payload);
	sq_bind_int(stmt, 1, e->seq);
	sq_bind_text(stmt, 2, e->actor);
	sq_bind_text(stmt, 3, e->action);
	sq_bind_id(stmt, 4, e->msg_id);
	sqlite3_bind_blob(stmt, 5, payload, (int)len, SQLITE_TRANSIENT);
	sq_bind_int(stmt, 6, e->at);
	if (hex_same(e->prev_hash, head_seq ? head : AUDIT_HASH_ZERO))
		sqlite3_bind_null(stmt, 7);
	else
		sq_bind_hash(stmt, 7, e->prev_hash);
	if (audit_hash_kept(e->seq))
		sq_bind_hash(stmt, 8, e->hash);
	else
		sqlite3_bind_zeroblob(stmt, 8, 0);
	rc = sq_exec_stmt(s, stmt, "audit", err);
	if (rc == 0)
		head_set(s, e);
	return rc;
}

int sq_audit_insert(struct store *st, const struct audit_entry *e, struct err *err)
{
	struct sqlite_store *s = sq(st);
	int rc;

	if (s->depth > 0)
		return audit_put(s, e, err);
	rc = st->ops->begin(st, err);
	if (rc < 0)
		return rc;
	rc = audit_put(s, e, err);
	if (rc == 0)
		return st->ops->commit(st, err);
	st->ops->rollback(st);
	return rc;
}

/* A stored payload as its text; one that does not unpack reads as "", so
 * that `audit verify` finds its entry's content changed. */
void sq_col_audit_payload(sqlite3_stmt *stmt, int i, int64_t at, char *dst, size_t dstsz)
{
	const unsigned char *p = sqlite3_column_blob(stmt, i);
	size_t n = (size_t)sqlite3_column_bytes(stmt, i);

	if (!p || audit_unpack(p, n, at, dst, dstsz, NULL) < 0)
		str_copy(dst, dstsz, "");
}

/* Writes every field (sq_list_rows_whole). */
static void read_audit(sqlite3_stmt *stmt, void *rec)
{
	struct audit_entry *e = rec;

	e->seq = sqlite3_column_int64(stmt, 0);
	sq_col_text(stmt, 1, e->actor, sizeof(e->actor));
	sq_col_text(stmt, 2, e->action, sizeof(e->action));
	e->msg_id = sqlite3_column_int64(stmt, 3);
	e->at = sqlite3_column_int64(stmt, 5);
	sq_col_audit_payload(stmt, 4, e->at, e->payload, sizeof(e->payload));
	sq_col_hash(stmt, 6, e->prev_hash, sizeof(e->prev_hash));
	sq_col_hash(stmt, 7, e->hash, sizeof(e->hash));
}

#define AUDIT_NAMES " FROM audit a JOIN audit_names who ON who.id = a.actor_id" \
	" JOIN audit_names what ON what.id = a.action_id"
#define AUDIT_FROM "SELECT a.seq, who.name, what.name, a.msg_id, a.payload, a.at," \
	" coalesce(a.prev_hash, (SELECT p.hash FROM audit p WHERE p.seq = a.seq - 1)," \
	" zeroblob(32)), a.hash" AUDIT_NAMES

int sq_audit_list(struct store *st, int64_t after, size_t max, struct audit_entry **out,
		  size_t *n, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_AUDIT_LIST, AUDIT_FROM
				     " WHERE a.seq > ? ORDER BY a.seq LIMIT ?", err);

	if (stmt) {
		sq_bind_int(stmt, 1, after);
		sq_bind_int(stmt, 2, (int64_t)max);
	}
	return sq_list_rows_whole(s, stmt, read_audit, sizeof(**out), (void **)out, n, "audit",
				  err);
}

int sq_audit_list_msg(struct store *st, int64_t msg_id, size_t max, struct audit_entry **out,
		      size_t *n, struct err *err)
{
	struct sqlite_store *s = sq(st);
	/* without the hashes: a timeline does not need them, and the previous
	 * entry's hash is one more B-tree look-up a row */
	sqlite3_stmt *stmt = sq_stmt(s, SQ_AUDIT_LIST_MSG, "SELECT a.seq, who.name, what.name,"
				     " a.msg_id, a.payload, a.at, NULL, NULL" AUDIT_NAMES
				     " WHERE a.msg_id = ? ORDER BY a.seq LIMIT ?", err);

	if (stmt) {
		sq_bind_int(stmt, 1, msg_id);
		sq_bind_int(stmt, 2, (int64_t)max);
	}
	return sq_list_rows_whole(s, stmt, read_audit, sizeof(**out), (void **)out, n, "audit",
				  err);
}

/* ---- SMS outbox ---- */

#define SMS_COLS "id, to_mobile, body, msg_id, state, attempts, created_at, next_at, sent_at," \
	" last_error, claimed_at"

static void read_sms(sqlite3_stmt *st, void *rec)
{
	struct sms *m = rec;

	memset(m, 0, sizeof(*m));
	m->id = sqlite3_column_int64(st, 0);
	sq_col_text(st, 1, m->to, sizeof(m->to));
	/* packed (migration 20); a damaged one reads empty, and the sender
	 * sends no empty text (sms_send_due) */
	sq_col_ptext(st, 2, m->body, sizeof(m->body));
	m->msg_id = sqlite3_column_int64(st, 3);
	m->state = (enum sms_state)sqlite3_column_int(st, 4);
	m->attempts = sqlite3_column_int(st, 5);
	m->created_at = sqlite3_column_int64(st, 6);
	m->next_at = sqlite3_column_int64(st, 7);
	m->sent_at = sqlite3_column_int64(st, 8);
	sq_col_text(st, 9, m->last_error, sizeof(m->last_error));
	m->claimed_at = sqlite3_column_int64(st, 10);
}

/* What a timeline shows of a text (store.h, sms_list_msg); the row
 * comes cleared. */
static void read_sms_shown(sqlite3_stmt *st, void *rec)
{
	struct sms *m = rec;

	m->id = sqlite3_column_int64(st, 0);
	sq_col_text(st, 1, m->to, sizeof(m->to));
	sq_col_ptext(st, 2, m->body, sizeof(m->body));
	m->state = (enum sms_state)sqlite3_column_int(st, 3);
	m->created_at = sqlite3_column_int64(st, 4);
	m->sent_at = sqlite3_column_int64(st, 5);
}

int sq_sms_insert(struct store *st, struct sms *m, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_SMS_INSERT, "INSERT INTO sms_outbox (to_mobile, body,"
				     " msg_id, state, attempts, created_at, next_at)"
				     " VALUES (?, ?, ?, ?, ?, ?, ?)", err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_text(stmt, 1, m->to);
	sq_bind_ptext(stmt, 2, m->body);
	sq_bind_id(stmt, 3, m->msg_id);
	sq_bind_int(stmt, 4, m->state);
	sq_bind_int(stmt, 5, m->attempts);
	sq_bind_int(stmt, 6, m->created_at);
	sq_bind_int(stmt, 7, m->next_at);
	rc = sq_exec_stmt(s, stmt, "sms", err);
	if (rc == 0)
		m->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int sq_sms_next_due(struct store *st, int64_t now, struct sms *out, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_SMS_NEXT, "SELECT " SMS_COLS " FROM sms_outbox"
				     " WHERE state = " SMS_STATE_PENDING_SQL
				     " AND next_at <= ? ORDER BY next_at, id LIMIT 1",
				     err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, now);
	rc = sq_step_row(s, stmt, "sms", err);
	if (rc < 0)
		return rc;
	read_sms(stmt, out);
	sqlite3_reset(stmt);
	return 0;
}

int sq_sms_update(struct store *st, const struct sms *m, enum sms_state from, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_SMS_UPDATE, "UPDATE sms_outbox SET state = ?1,"
				     " attempts = ?2, next_at = ?3, sent_at = ?4, last_error = ?5,"
				     " claimed_at = ?8 WHERE id = ?6 AND state = ?7"
				     " AND (state <> " SMS_STATE_SENDING_SQL " OR claimed_at = ?8)",
				     err);
	int rc;

	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, m->state);
	sq_bind_int(stmt, 2, m->attempts);
	sq_bind_int(stmt, 3, m->next_at);
	sq_bind_int(stmt, 4, m->sent_at);
	sq_bind_text(stmt, 5, m->last_error);
	sq_bind_int(stmt, 6, m->id);
	sq_bind_int(stmt, 7, from);
	sq_bind_int(stmt, 8, m->claimed_at);
	rc = sq_exec_stmt(s, stmt, "sms", err);
	if (rc == 0 && sqlite3_changes(s->db) == 0)
		return err_set(err, ERR_CONFLICT, "", "sms %lld is no longer %s", (long long)m->id,
			       sms_state_name(from));
	return rc;
}

int sq_sms_release_expired(struct store *st, int64_t now, int max_attempts, const char *error,
			   size_t *n, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_SMS_RELEASE, "UPDATE sms_outbox SET state ="
				     " CASE WHEN attempts >= ? THEN " SMS_STATE_FAILED_SQL
				     " ELSE " SMS_STATE_PENDING_SQL " END, last_error = ?"
				     " WHERE state = " SMS_STATE_SENDING_SQL " AND next_at <= ?",
				     err);
	int rc;

	*n = 0;
	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, max_attempts);
	sq_bind_text(stmt, 2, error);
	sq_bind_int(stmt, 3, now);
	rc = sq_exec_stmt(s, stmt, "sms", err);
	if (rc == 0)
		*n = (size_t)sqlite3_changes(s->db);
	return rc;
}

/* The rows sms_prune may delete: done with, and done before ?1.  The walk
 * is by id from ?2 (ids grow with time), never by the state index, so a
 * batch reads its rows and the few still waiting among them, not every
 * done row again to sort it. */
#define SMS_PRUNABLE " id > ?2 AND state IN (" SMS_STATE_SENT_SQL ", " SMS_STATE_FAILED_SQL ")" \
	" AND CASE state WHEN " SMS_STATE_SENT_SQL " THEN sent_at" \
	" ELSE max(created_at, claimed_at) END < ?1"

int sq_sms_prune(struct store *st, int64_t before, int64_t after, size_t max,
		 struct sms_pruned *out, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_SMS_PRUNE_PICK, "SELECT count(*), coalesce(sum(state = "
				     SMS_STATE_SENT_SQL "), 0), coalesce(min(id), 0), coalesce(max(id),"
				     " 0) FROM (SELECT id, state FROM sms_outbox NOT INDEXED WHERE"
				     SMS_PRUNABLE " ORDER BY id LIMIT ?3)", err);
	int64_t count;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, before);
	sq_bind_int(stmt, 2, after);
	sq_bind_int(stmt, 3, (int64_t)max);
	rc = sq_step_row(s, stmt, "sms", err);
	if (rc < 0)
		return rc;
	count = sqlite3_column_int64(stmt, 0);
	out->sent = (size_t)sqlite3_column_int64(stmt, 1);
	out->failed = (size_t)(count - sqlite3_column_int64(stmt, 1));
	out->first_id = sqlite3_column_int64(stmt, 2);
	out->last_id = sqlite3_column_int64(stmt, 3);
	sqlite3_reset(stmt);
	if (count == 0)
		return 0;
	stmt = sq_stmt(s, SQ_SMS_PRUNE_DEL, "DELETE FROM sms_outbox NOT INDEXED WHERE" SMS_PRUNABLE
		       " AND id <= ?3", err);
	if (!stmt)
		return ERR_STORE;
	sq_bind_int(stmt, 1, before);
	sq_bind_int(stmt, 2, after);
	sq_bind_int(stmt, 3, out->last_id);
	rc = sq_exec_stmt(s, stmt, "sms", err);
	if (rc == 0 && sqlite3_changes(s->db) != count)
		rc = err_set(err, ERR_CONFLICT, "", "the SMS outbox changed while it was pruned");
	return rc;
}

int sq_sms_list(struct store *st, size_t max, struct sms **out, size_t *n, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_SMS_LIST, "SELECT " SMS_COLS " FROM sms_outbox"
				     " ORDER BY id DESC LIMIT ?", err);

	if (stmt) {
		sq_bind_int(stmt, 1, (int64_t)max);
	}
	return sq_list_rows(s, stmt, read_sms, sizeof(**out), (void **)out, n, "sms", err);
}

/* Messages near a place or of one citizen (store_near): the place index
 * messages_place (category, lat) or messages_citizen (citizen, created). */
#define NEAR_FILTERS " AND m.created_at BETWEEN ?6 AND ?7" \
	" AND m.state <> " MSG_STATE_REJECTED_SQL \
	" AND (?8 = 0 OR m.state NOT IN (" MSG_STATES_DONE_SQL "))" \
	" AND (?9 = 0 OR m.confidential = 0)" \
	" ORDER BY m.created_at DESC, m.id DESC LIMIT ?10"

static void read_msg_rec(sqlite3_stmt *st, void *rec)
{
	read_msg(st, rec);
}

int sq_msg_near(struct store *st, const struct store_near *q, struct msg **out, size_t *n,
		struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt;

	if (q->citizen_id)
		stmt = sq_stmt(s, SQ_MSG_NEAR_CITIZEN, "SELECT " MSG_COLS MSG_FROM
			       " WHERE m.citizen_id = ?1" NEAR_FILTERS, err);
	else
		stmt = sq_stmt(s, SQ_MSG_NEAR_PLACE, "SELECT " MSG_COLS MSG_FROM
			       " WHERE m.has_point = 1 AND m.category_id = ?1"
			       " AND m.lat BETWEEN ?2 AND ?3 AND m.lon BETWEEN ?4 AND ?5" NEAR_FILTERS,
			       err);
	if (!stmt)
		return ERR_STORE;
	/* binding a parameter the text does not use is a harmless SQLITE_RANGE */
	sq_bind_int(stmt, 1, q->citizen_id ? q->citizen_id : q->category_id);
	sqlite3_bind_double(stmt, 2, q->lat_min);
	sqlite3_bind_double(stmt, 3, q->lat_max);
	sqlite3_bind_double(stmt, 4, q->lon_min);
	sqlite3_bind_double(stmt, 5, q->lon_max);
	sq_bind_int(stmt, 6, q->from);
	sq_bind_int(stmt, 7, q->to);
	sq_bind_int(stmt, 8, q->open_only);
	sq_bind_int(stmt, 9, q->public_only);
	sq_bind_int(stmt, 10, (int64_t)q->max);
	return sq_list_rows(s, stmt, read_msg_rec, sizeof(**out), (void **)out, n, "nearby", err);
}

int sq_msg_scan(struct store *st, int64_t after_id, size_t max, struct msg **out, size_t *n,
		struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_AGG_MSG_SCAN, "SELECT " MSG_COLS MSG_FROM
				     " WHERE m.id > ? ORDER BY m.id LIMIT ?", err);

	if (stmt) {
		sq_bind_int(stmt, 1, after_id);
		sq_bind_int(stmt, 2, (int64_t)max);
	}
	return sq_list_rows(s, stmt, read_msg_rec, sizeof(**out), (void **)out, n, "message scan",
			    err);
}

int sq_sms_list_msg(struct store *st, int64_t msg_id, size_t max, struct sms **out, size_t *n,
		    struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt = sq_stmt(s, SQ_SMS_LIST_MSG, "SELECT id, to_mobile, body, state,"
				     " created_at, sent_at FROM sms_outbox"
				     " WHERE msg_id = ? ORDER BY id LIMIT ?", err);

	if (stmt) {
		sq_bind_int(stmt, 1, msg_id);
		sq_bind_int(stmt, 2, (int64_t)max);
	}
	return sq_list_rows(s, stmt, read_sms_shown, sizeof(**out), (void **)out, n, "sms", err);
}
