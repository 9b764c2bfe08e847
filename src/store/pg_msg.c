/*
 * pg_msg.c - the PostgreSQL backend's ops for messages (and their search
 * index msg_fts), referral hops, search, messages near a place, the
 * message scan and id lists.  Each mirrors the SQLite op of the same name
 * (sqlite_msg.c, sqlite_search.c, sqlite_open311.c): the same rows in the
 * same order.
 *
 * The search index holds, per message, a tsvector whose lexemes are the
 * terms src/fa made (msg_insert's search_text) exactly: array_to_tsvector
 * takes them as they are, so no text search configuration (parser,
 * stemmer, stop words) ever touches a Persian term.  A search's words come
 * back as a tsquery of quoted lexemes (pg_tsquery), matched whole.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/mem.h"
#include "fa/terms.h"
#include "store/pg_int.h"
#include "store/pg_msg.h"

/* The cached statements (pg_int.h: this file's range only). */
#define S_INSERT	(PG_MSG_FIRST + 0)
#define S_UPDATE	(PG_MSG_FIRST + 1)
#define S_UPDATE_TEXT	(PG_MSG_FIRST + 2)
#define S_EXISTS	(PG_MSG_FIRST + 3)
#define S_TEXT_GET	(PG_MSG_FIRST + 4)
#define S_GET	(PG_MSG_FIRST + 5)
#define S_GET_CODE	(PG_MSG_FIRST + 6)
#define S_LATEST_ANSWERED	(PG_MSG_FIRST + 7)
#define S_REF_INSERT	(PG_MSG_FIRST + 8)
#define S_REF_LIST	(PG_MSG_FIRST + 9)
#define S_NEAR_CITIZEN	(PG_MSG_FIRST + 10)
#define S_NEAR_PLACE	(PG_MSG_FIRST + 11)
#define S_SCAN	(PG_MSG_FIRST + 12)
#define S_SAVE	(PG_MSG_FIRST + 13)
#define S_PUBLIC_GET	(PG_MSG_FIRST + 14)
_Static_assert(PG_MSG_FIRST + 14 <= PG_MSG_LAST, "pg_msg.c: more statements than its range");

/* The record's columns (struct msg), as sqlite_msg.c's MSG_COLS: column 0
 * the id, then the 38 that the insert's $1..$38 write.  No text column. */
#define MSG_COLS "m.id, m.code, m.channel, m.kind, m.category_id, m.has_point, m.lat," \
	" m.lon, m.region_id, m.citizen_id, m.confidential, m.state, m.unit_id, m.priority," \
	" m.live_session_id, m.registered_by, m.created_at, m.first_referred_at," \
	" m.first_referred_unit, m.referred_at, m.due_at, m.answered_at, m.closed_at," \
	" m.updated_at, m.verdict, m.rating, m.verdict_at, m.grade, m.graded_at, m.graded_by," \
	" m.reject_reason, m.return_reason, m.duplicate_of, m.return_count, m.referral_count," \
	" m.reopen_count, m.version, m.accepts, m.objections"
#define MSG_FROM " FROM messages m"

static void read_msg(const PGresult *res, int r, void *rec)
{
	struct msg *m = rec;

	memset(m, 0, sizeof(*m));
	m->id = pg_int(res, r, 0);
	pg_text(res, r, 1, m->code, sizeof(m->code));
	m->channel = (enum msg_channel)pg_int(res, r, 2);
	m->kind = (enum msg_kind)pg_int(res, r, 3);
	m->category_id = pg_int(res, r, 4);
	m->has_point = pg_bool(res, r, 5);
	m->lat = pg_double(res, r, 6);
	m->lon = pg_double(res, r, 7);
	m->region_id = pg_int(res, r, 8);
	m->citizen_id = pg_int(res, r, 9);
	m->confidential = pg_bool(res, r, 10);
	m->state = (enum msg_state)pg_int(res, r, 11);
	m->unit_id = pg_int(res, r, 12);
	m->priority = (enum msg_priority)pg_int(res, r, 13);
	m->live_session_id = pg_int(res, r, 14);
	m->registered_by = pg_int(res, r, 15);
	m->created_at = pg_int(res, r, 16);
	m->first_referred_at = pg_int(res, r, 17);
	m->first_referred_unit = pg_int(res, r, 18);
	m->referred_at = pg_int(res, r, 19);
	m->due_at = pg_int(res, r, 20);
	m->answered_at = pg_int(res, r, 21);
	m->closed_at = pg_int(res, r, 22);
	m->updated_at = pg_int(res, r, 23);
	m->verdict = (enum verdict)pg_int(res, r, 24);
	m->rating = (int)pg_int(res, r, 25);
	m->verdict_at = pg_int(res, r, 26);
	m->grade = (enum grade)pg_int(res, r, 27);
	m->graded_at = pg_int(res, r, 28);
	m->graded_by = pg_int(res, r, 29);
	m->reject_reason = (enum reject_reason)pg_int(res, r, 30);
	m->return_reason = (enum return_reason)pg_int(res, r, 31);
	m->duplicate_of = pg_int(res, r, 32);
	m->return_count = (int)pg_int(res, r, 33);
	m->referral_count = (int)pg_int(res, r, 34);
	m->reopen_count = (int)pg_int(res, r, 35);
	m->version = pg_int(res, r, 36);
	m->accepts = (int)pg_int(res, r, 37);
	m->objections = (int)pg_int(res, r, 38);
}

/* The fields a transition changes, in the order of MSG_UPDATE_SET's
 * parameters ($1..$28). */
static void bind_mutable(struct pg_params *p, const struct msg *m)
{
	pg_p_id(p, m->category_id);
	pg_p_id(p, m->region_id);
	pg_p_bool(p, m->confidential);
	pg_p_int(p, m->state);
	pg_p_int(p, m->unit_id);
	pg_p_int(p, m->priority);
	pg_p_int(p, m->first_referred_at);
	pg_p_id(p, m->first_referred_unit);
	pg_p_int(p, m->referred_at);
	pg_p_int(p, m->due_at);
	pg_p_int(p, m->answered_at);
	pg_p_int(p, m->closed_at);
	pg_p_int(p, m->updated_at);
	pg_p_int(p, m->verdict);
	pg_p_int(p, m->rating);
	pg_p_int(p, m->verdict_at);
	pg_p_int(p, m->grade);
	pg_p_int(p, m->graded_at);
	pg_p_id(p, m->graded_by);
	pg_p_int(p, m->reject_reason);
	pg_p_int(p, m->return_reason);
	pg_p_id(p, m->duplicate_of);
	pg_p_int(p, m->return_count);
	pg_p_int(p, m->referral_count);
	pg_p_int(p, m->reopen_count);
	pg_p_int(p, m->version);
	pg_p_int(p, m->accepts);
	pg_p_int(p, m->objections);
}

/* The record and its texts in one statement, the index row with it: the
 * foreign key of msg_fts is checked at the statement's end, when the
 * message is there.  The terms are the lexemes as they are (empty ones
 * from doubled spaces and over-long ones left out). */
int pg_msg_insert(struct store *st, struct msg *m, const struct msg_text *text,
		  const char *search_text, struct err *err)
{
	static const char sql[] = "WITH m AS (INSERT INTO messages (code, channel, kind,"
		" category_id, has_point, lat, lon, region_id, citizen_id, confidential, state,"
		" unit_id, priority, live_session_id, registered_by, created_at, first_referred_at,"
		" first_referred_unit, referred_at, due_at, answered_at, closed_at, updated_at,"
		" verdict, rating, verdict_at, grade, graded_at, graded_by, reject_reason,"
		" return_reason, duplicate_of, return_count, referral_count, reopen_count, version,"
		" accepts, objections, subject, body, address, answer, grade_note) VALUES ($1, $2,"
		" $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,"
		" $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37,"
		" $38, $39, $40, $41, $42, $43) RETURNING id),"
		" f AS (INSERT INTO msg_fts (id, tsv) SELECT m.id, array_to_tsvector(ARRAY("
		"SELECT t FROM unnest(string_to_array(coalesce($44::text, ''), ' ')) t"
		" WHERE t <> '' AND octet_length(t) <= " MSG_SQL(CAP_PG_LEXEME) ")) FROM m)"
		" SELECT id FROM m";
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *res;

	pg_p_text(&p, m->code);
	pg_p_int(&p, m->channel);
	pg_p_int(&p, m->kind);
	pg_p_id(&p, m->category_id);
	pg_p_bool(&p, m->has_point);
	pg_p_double(&p, m->lat);
	pg_p_double(&p, m->lon);
	pg_p_id(&p, m->region_id);
	pg_p_id(&p, m->citizen_id);
	pg_p_bool(&p, m->confidential);
	pg_p_int(&p, m->state);
	pg_p_int(&p, m->unit_id);
	pg_p_int(&p, m->priority);
	pg_p_id(&p, m->live_session_id);
	pg_p_id(&p, m->registered_by);
	pg_p_int(&p, m->created_at);
	pg_p_int(&p, m->first_referred_at);
	pg_p_id(&p, m->first_referred_unit);
	pg_p_int(&p, m->referred_at);
	pg_p_int(&p, m->due_at);
	pg_p_int(&p, m->answered_at);
	pg_p_int(&p, m->closed_at);
	pg_p_int(&p, m->updated_at);
	pg_p_int(&p, m->verdict);
	pg_p_int(&p, m->rating);
	pg_p_int(&p, m->verdict_at);
	pg_p_int(&p, m->grade);
	pg_p_int(&p, m->graded_at);
	pg_p_id(&p, m->graded_by);
	pg_p_int(&p, m->reject_reason);
	pg_p_int(&p, m->return_reason);
	pg_p_id(&p, m->duplicate_of);
	pg_p_int(&p, m->return_count);
	pg_p_int(&p, m->referral_count);
	pg_p_int(&p, m->reopen_count);
	pg_p_int(&p, m->version);
	pg_p_int(&p, m->accepts);
	pg_p_int(&p, m->objections);
	pg_p_text(&p, text->subject);
	pg_p_text(&p, text->body);
	pg_p_text(&p, text->address);
	pg_p_text(&p, text->answer);
	pg_p_text(&p, text->grade_note);
	pg_p_text(&p, search_text);
	res = pg_run(pg(st), S_INSERT, sql, &p, "message", err);
	if (!res)
		return pg_failed(err);
	m->id = pg_int(res, 0, 0);
	PQclear(res);
	return 0;
}

#define MSG_UPDATE_SET "UPDATE messages SET category_id = $1, region_id = $2," \
	" confidential = $3, state = $4, unit_id = $5, priority = $6," \
	" first_referred_at = $7, first_referred_unit = $8, referred_at = $9, due_at = $10," \
	" answered_at = $11, closed_at = $12, updated_at = $13, verdict = $14, rating = $15," \
	" verdict_at = $16, grade = $17, graded_at = $18, graded_by = $19, reject_reason = $20," \
	" return_reason = $21, duplicate_of = $22, return_count = $23, referral_count = $24," \
	" reopen_count = $25, version = $26, accepts = $27, objections = $28"
#define MSG_UPDATE_WHERE " WHERE id = $29 AND version = $26 - 1"

/* Writes m (and text's answer and grade note, when given) over its row:
 * versioned, only over version m->version - 1 (msg_update), otherwise
 * whatever is there (msg_save).  *changed: whether a row was written. */
static int msg_write(struct pg_store *s, const struct msg *m, const struct msg_text *text,
		     bool versioned, bool *changed, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *res;

	bind_mutable(&p, m);
	pg_p_int(&p, m->id);
	if (text) {
		pg_p_text(&p, text->answer);
		pg_p_text(&p, text->grade_note);
	}
	if (!versioned)
		res = pg_run(s, S_SAVE, MSG_UPDATE_SET ", answer = $30, grade_note = $31"
			     " WHERE id = $29", &p, "message", err);
	else if (text)
		res = pg_run(s, S_UPDATE_TEXT, MSG_UPDATE_SET ", answer = $30, grade_note = $31"
			     MSG_UPDATE_WHERE, &p, "message", err);
	else
		res = pg_run(s, S_UPDATE, MSG_UPDATE_SET MSG_UPDATE_WHERE, &p, "message", err);
	if (!res)
		return pg_failed(err);
	*changed = strcmp(PQcmdTuples(res), "0") != 0;
	PQclear(res);
	return 0;
}

/* Optimistic: the row changes only from the version before m's; a row
 * that is there but changed meanwhile is ERR_CONFLICT, a missing one
 * ERR_NOTFOUND, as SQLite says. */
int pg_msg_update(struct store *st, const struct msg *m, const struct msg_text *text,
		  struct err *err)
{
	struct pg_store *s = pg(st);
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *res;
	bool changed;
	int rc = msg_write(s, m, text, true, &changed, err);

	if (rc < 0 || changed)
		return rc;
	pg_p_int(&p, m->id);
	res = pg_run(s, S_EXISTS, "SELECT 1 FROM messages WHERE id = $1", &p, "message", err);
	if (!res)
		return pg_failed(err);
	changed = PQntuples(res) > 0;
	PQclear(res);
	if (!changed)
		return err_set(err, ERR_NOTFOUND, "", "message: not found");
	return err_set(err, ERR_CONFLICT, "version", "the message was changed meanwhile");
}

int pg_msg_save(struct store *st, const struct msg *m, const struct msg_text *text,
		struct err *err)
{
	bool changed;
	int rc = msg_write(pg(st), m, text, false, &changed, err);

	if (rc == 0 && !changed)
		rc = err_set(err, ERR_NOTFOUND, "", "message: not found");
	return rc;
}

static void read_text(const PGresult *res, int r, void *rec)
{
	struct msg_text *t = rec;

	pg_text(res, r, 0, t->subject, sizeof(t->subject));
	pg_text(res, r, 1, t->body, sizeof(t->body));
	pg_text(res, r, 2, t->address, sizeof(t->address));
	pg_text(res, r, 3, t->answer, sizeof(t->answer));
	pg_text(res, r, 4, t->grade_note, sizeof(t->grade_note));
	pg_text(res, r, 5, t->citizen_name, sizeof(t->citizen_name));
	pg_text(res, r, 6, t->citizen_mobile, sizeof(t->citizen_mobile));
	pg_text(res, r, 7, t->citizen_national_id, sizeof(t->citizen_national_id));
}

/* A message without a citizen (a clerk's own registration) reads ""
 * for the identity, as SQLite's LEFT JOIN and coalesce give. */
int pg_msg_text_get(struct store *st, int64_t id, struct msg_text *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *res;

	memset(out, 0, sizeof(*out));
	pg_p_int(&p, id);
	res = pg_run(pg(st), S_TEXT_GET, "SELECT m.subject, m.body, m.address, m.answer,"
		     " m.grade_note, coalesce(c.name, ''), coalesce(c.mobile, ''),"
		     " coalesce(c.national_id, '') FROM messages m"
		     " LEFT JOIN citizens c ON c.id = m.citizen_id WHERE m.id = $1", &p,
		     "message", err);
	return pg_one_row(res, read_text, out, "message", err);
}

int pg_msg_get(struct store *st, int64_t id, struct msg *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, id);
	return pg_one_row(pg_run(pg(st), S_GET, "SELECT " MSG_COLS MSG_FROM " WHERE m.id = $1",
				 &p, "message", err), read_msg, out, "message", err);
}

int pg_msg_get_by_code(struct store *st, const char *code, struct msg *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_text(&p, code);
	return pg_one_row(pg_run(pg(st), S_GET_CODE, "SELECT " MSG_COLS MSG_FROM
				 " WHERE m.code = $1", &p, "message", err), read_msg, out,
			  "message", err);
}

static void read_public(const PGresult *res, int r, void *rec)
{
	struct msg_public *m = rec;

	memset(m, 0, sizeof(*m));
	m->id = pg_int(res, r, 0);
	pg_text(res, r, 1, m->code, sizeof(m->code));
	m->kind = (enum msg_kind)pg_int(res, r, 2);
	m->state = (enum msg_state)pg_int(res, r, 3);
	m->category_id = pg_int(res, r, 4);
	m->unit_id = pg_int(res, r, 5);
	m->citizen_id = pg_int(res, r, 6);
	m->created_at = pg_int(res, r, 7);
	m->due_at = pg_int(res, r, 8);
	m->answered_at = pg_int(res, r, 9);
	m->verdict = (enum verdict)pg_int(res, r, 10);
	m->rating = (int)pg_int(res, r, 11);
	m->reject_reason = (enum reject_reason)pg_int(res, r, 12);
	pg_text(res, r, 13, m->mobile, sizeof(m->mobile));
	pg_text(res, r, 14, m->subject, sizeof(m->subject));
	pg_text(res, r, 15, m->body, sizeof(m->body));
	pg_text(res, r, 16, m->answer, sizeof(m->answer));
}

int pg_msg_public_get(struct store *st, const char *code, struct msg_public *out,
		      struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_text(&p, code);
	return pg_one_row(pg_run(pg(st), S_PUBLIC_GET, "SELECT m.id, m.code, m.kind, m.state,"
				 " m.category_id, m.unit_id, m.citizen_id, m.created_at,"
				 " m.due_at, m.answered_at, m.verdict, m.rating,"
				 " m.reject_reason, coalesce(c.mobile, ''), m.subject, m.body,"
				 " m.answer FROM messages m LEFT JOIN citizens c"
				 " ON c.id = m.citizen_id WHERE m.code = $1", &p, "message", err),
			  read_public, out, "message", err);
}

int pg_msg_latest_answered(struct store *st, int64_t citizen_id, struct msg *out,
			   struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, citizen_id);
	return pg_one_row(pg_run(pg(st), S_LATEST_ANSWERED, "SELECT " MSG_COLS MSG_FROM
				 " WHERE m.citizen_id = $1 AND m.state = " MSG_STATE_ANSWERED_SQL
				 " ORDER BY m.answered_at DESC, m.id DESC LIMIT 1", &p,
				 "message", err), read_msg, out, "message", err);
}

/* ---- the search's tsquery ---- */

/* term as a tsquery lexeme: single-quoted, ' and \ doubled, so that
 * nothing in it (&, |, !, <->, :*, parentheses, a weight) is syntax */
static void add_lexeme(struct buf *out, const char *t, size_t n)
{
	buf_addc(out, '\'');
	for (; n; n--, t++) {
		if (*t == '\'' || *t == '\\')
			buf_addc(out, *t);
		buf_addc(out, *t);
	}
	buf_addc(out, '\'');
}

int pg_tsquery(const struct store_search *q, struct buf *out, bool *none, struct err *err)
{
	struct buf terms = BUF_INIT(CAP_SEARCH_QUERY);
	size_t i;
	int rc = 0;

	*none = false;
	rc = store_search_words_check(q, err);
	if (rc < 0)
		return rc;
	for (i = 0; i < q->nwords && rc == 0; i++) {
		const char *p;
		size_t kept = 0;

		buf_reset(&terms);
		rc = fa_word_terms(q->words, q->nwords, i, &terms);
		if (rc < 0)
			break;
		if (i)
			buf_adds(out, " & ");
		buf_addc(out, '(');
		for (p = terms.data; *p;) {
			size_t k = strcspn(p, " ");

			/* the index holds no empty and no over-long term */
			if (k && k <= CAP_PG_LEXEME) {
				if (kept++)
					buf_adds(out, " | ");
				add_lexeme(out, p, k);
			}
			p += k;
			if (*p == ' ')
				p++;
		}
		buf_addc(out, ')');
		if (!kept)
			*none = true;
	}
	buf_release(&terms);
	if (rc < 0 || buf_error(out))
		return err_set(err, ERR_TOOBIG, "q", "the search text is too long");
	return 0;
}

/* ---- search ---- */

/*
 * A statement built per call (the filter set varies), its values in
 * parameters numbered as first used: PostgreSQL wants every parameter it
 * is given to be in the text.  Unnamed and unprepared, so each run is
 * planned with its values (a common word and a rare one want different
 * plans).
 */
enum slot {
	A_TSQ, A_STATE, A_KIND, A_CHANNEL, A_SCOPE, A_UNIT, A_CATEGORY, A_CITIZEN, A_LIVE,
	A_FROM, A_TO, A_NOW, A_CUR_AT, A_CUR_ID, A_LIMIT, A_ASSIGNED, A_MAX, A_SCAN, A_HI, A_LO,
	A_OFFSET,
	A_COUNT
};

struct dyn {
	struct buf sql;
	struct pg_params p;
	int num[A_COUNT];	/* the parameter's number, 0 while unused */
	int64_t val[A_COUNT];
	const char *tsq;
};

static void dyn_init(struct dyn *d, const struct store_search *q, const char *tsq)
{
	memset(d, 0, sizeof(*d));
	buf_init(&d->sql, 8192);
	d->tsq = tsq;
	if (!q)
		return;
	d->val[A_STATE] = q->state;
	d->val[A_KIND] = q->kind;
	d->val[A_CHANNEL] = q->channel;
	d->val[A_SCOPE] = q->scope_unit;
	d->val[A_UNIT] = q->unit_id;
	d->val[A_CATEGORY] = q->category_id;
	d->val[A_CITIZEN] = q->citizen_id;
	d->val[A_LIVE] = q->live_session_id;
	d->val[A_FROM] = q->from;
	d->val[A_TO] = q->to;
	d->val[A_NOW] = q->now;
	d->val[A_CUR_AT] = q->cursor_at;
	d->val[A_CUR_ID] = q->cursor_id;
	d->val[A_LIMIT] = (int64_t)q->limit;
	d->val[A_ASSIGNED] = q->assigned_to;
}

/* Append "$n" for slot a, giving it the next number on first use. */
static void arg(struct dyn *d, enum slot a)
{
	if (!d->num[a]) {
		if (a == A_TSQ)
			pg_p_text(&d->p, d->tsq);
		else
			pg_p_int(&d->p, d->val[a]);
		d->num[a] = d->p.n;
	}
	buf_addf(&d->sql, "$%d", d->num[a]);
	if (a == A_TSQ)
		buf_adds(&d->sql, "::tsquery");
}

/* Append text with each '?' standing for slot a. */
static void sqlf(struct dyn *d, const char *text, enum slot a)
{
	for (; *text; text++) {
		if (*text == '?')
			arg(d, a);
		else
			buf_addc(&d->sql, *text);
	}
}

/* Run d's statement; with words, a failure of the query text is the
 * searcher's (ERR_INVALID, "q"), as SQLite says. */
static PGresult *dyn_run(struct pg_store *s, struct dyn *d, bool words, struct err *err)
{
	PGresult *res;
	const char *state;

	if (buf_error(&d->sql)) {
		err_set(err, ERR_TOOBIG, "", "search too complex");
		return NULL;
	}
	res = pg_run_text(s, d->sql.data, &d->p, err);
	if (!res)
		return NULL;
	if (PQresultStatus(res) == PGRES_TUPLES_OK)
		return res;
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	if (words && state && (!strcmp(state, "42601") || !strncmp(state, "22", 2)))
		err_set(err, ERR_INVALID, "q", "cannot search for that text");
	else
		pg_fail(s, res, "search", err);
	PQclear(res);
	return NULL;
}

static int dyn_fail(struct err *err)
{
	return pg_failed(err);
}

/* The units in the subtree of the unit a slot holds (units.path is
 * '/1/5/9/', ids root to self). */
static void subtree(struct dyn *d, enum slot a)
{
	sqlf(d, " AND m.unit_id IN (SELECT id FROM units WHERE starts_with(path,"
	     " (SELECT path FROM units WHERE id = ?)))", a);
}

/* FROM and WHERE of a search, as sqlite_msg.c's search_where: with words,
 * the index drives (its id order is the order of a page). */
static void search_where(struct dyn *d, const struct store_search *q, bool windowed)
{
	struct buf *b = &d->sql;

	if (windowed)
		buf_adds(b, " FROM f JOIN messages m ON m.id = f.id WHERE true");
	else if (q->nwords)
		sqlf(d, " FROM msg_fts f JOIN messages m ON m.id = f.id WHERE f.tsv @@ ?", A_TSQ);
	else
		buf_adds(b, MSG_FROM " WHERE true");
	if (q->state >= 0)
		sqlf(d, " AND m.state = ?", A_STATE);
	if (q->kind >= 0)
		sqlf(d, " AND m.kind = ?", A_KIND);
	if (q->channel >= 0)
		sqlf(d, " AND m.channel = ?", A_CHANNEL);
	if (q->scope_unit)
		subtree(d, A_SCOPE);
	if (q->unit_id)
		subtree(d, A_UNIT);
	if (q->category_id)
		sqlf(d, " AND m.category_id = ?", A_CATEGORY);
	if (q->citizen_id)
		sqlf(d, " AND m.citizen_id = ?", A_CITIZEN);
	if (q->live_session_id)
		sqlf(d, " AND m.live_session_id = ?", A_LIVE);
	if (q->public_only)
		buf_adds(b, " AND m.confidential = 0");
	if (q->from)
		sqlf(d, " AND m.created_at >= ?", A_FROM);
	if (q->to)
		sqlf(d, " AND m.created_at < ?", A_TO);
	if (q->overdue)
		sqlf(d, " AND " MSG_STATES_OPEN_SQL("m.state") " AND m.due_at > 0"
		     " AND m.due_at < ?", A_NOW);
	if (q->not_overdue)
		sqlf(d, " AND NOT (m.state NOT IN (" MSG_STATES_DONE_SQL ")"
		     " AND m.due_at > 0 AND m.due_at < ?)", A_NOW);
	if (q->sort == STORE_SORT_DUE)
		buf_adds(b, " AND " MSG_STATES_OPEN_SQL("m.state") " AND m.due_at > 0");
	if (q->assigned_to)
		sqlf(d, " AND m.id IN (SELECT msg_id FROM msg_assign WHERE user_id = ?)",
		     A_ASSIGNED);
}

/*
 * The matches of the window [lo, hi) of ids (the window fts_window found:
 * at most its chunk of them), read first as f: the filters then look up
 * each match's message by its key.  Left to itself the planner may start
 * from the filters instead (every message of a unit's subtree, say) and
 * read each one's index row, or merge-join messages from its first row.
 */
static void window_cte(struct dyn *d)
{
	sqlf(d, "WITH f AS MATERIALIZED (SELECT id FROM msg_fts WHERE tsv @@ ?", A_TSQ);
	sqlf(d, " AND id < ?", A_HI);
	sqlf(d, " AND id >= ?)", A_LO);
}

/* Run d's page query, appending its rows to *out. */
static int search_rows(struct pg_store *s, struct dyn *d, const struct store_search *q,
		       struct msg **out, size_t *n, struct err *err)
{
	PGresult *res = dyn_run(s, d, q->nwords > 0, err);
	size_t rows, i;

	buf_release(&d->sql);
	if (!res)
		return dyn_fail(err);
	rows = (size_t)PQntuples(res);
	if (rows) {
		*out = xrealloc(*out, (*n + rows) * sizeof(**out));
		for (i = 0; i < rows; i++)
			read_msg(res, (int)i, *out + *n + i);
		*n += rows;
	}
	PQclear(res);
	return 0;
}

/* One row of numbers from d's statement: its first column in *a, its
 * second (when b is not NULL) in *b. */
static int search_numbers(struct pg_store *s, struct dyn *d, bool words, int64_t *a,
			  int64_t *b, struct err *err)
{
	PGresult *res = dyn_run(s, d, words, err);

	buf_release(&d->sql);
	if (!res)
		return dyn_fail(err);
	*a = PQntuples(res) ? pg_int(res, 0, 0) : 0;
	if (b)
		*b = PQntuples(res) ? pg_int(res, 0, 1) : 0;
	PQclear(res);
	return 0;
}

/* The next window of a text's matches below hi: how many (at most chunk)
 * and the lowest id among them. */
static int fts_window(struct pg_store *s, const char *tsq, int64_t hi, int64_t chunk,
		      int64_t *count, int64_t *lo, struct err *err)
{
	struct dyn d;

	dyn_init(&d, NULL, tsq);
	d.val[A_HI] = hi;
	d.val[A_SCAN] = chunk;
	sqlf(&d, "SELECT count(*), coalesce(min(id), 0) FROM (SELECT id FROM msg_fts"
	     " WHERE tsv @@ ?", A_TSQ);
	sqlf(&d, " AND id < ?", A_HI);
	sqlf(&d, " ORDER BY id DESC LIMIT ?) w", A_SCAN);
	return search_numbers(s, &d, true, count, lo, err);
}

/*
 * A text search that reads at most q->scan of the text's matches, as
 * SQLite's search_text_bounded: windows of matches (newest first, each four
 * times the last, the first one page), each filtered with one query on its
 * id range, until the page is full, the matches end or the scan is spent
 * (then *q->scan_end says where).
 */
static int search_text_bounded(struct pg_store *s, const struct store_search *q,
			       const char *tsq, struct msg **out, size_t *n, struct err *err)
{
	int64_t hi = q->has_cursor ? q->cursor_id : INT64_MAX, lo = 0, got = 0;
	int64_t want = (int64_t)q->limit, chunk = want, read = 0;
	int rc = 0;

	while ((int64_t)*n < want && read < q->scan) {
		struct dyn d;

		if (chunk > q->scan - read)
			chunk = q->scan - read;
		rc = fts_window(s, tsq, hi, chunk, &got, &lo, err);
		if (rc < 0 || got == 0)
			break;
		read += got;
		dyn_init(&d, q, tsq);
		d.val[A_HI] = hi;
		d.val[A_LO] = lo;
		d.val[A_LIMIT] = want - (int64_t)*n;
		window_cte(&d);
		buf_adds(&d.sql, " SELECT " MSG_COLS);
		search_where(&d, q, true);
		sqlf(&d, " ORDER BY f.id DESC LIMIT ?", A_LIMIT);
		rc = search_rows(s, &d, q, out, n, err);
		if (rc < 0)
			break;
		hi = lo;
		if (got < chunk)
			break;	/* the matches ended */
		chunk *= 4;
	}
	if (rc == 0 && (int64_t)*n < want && read >= q->scan && q->scan_end)
		*q->scan_end = hi;
	return rc;
}

int pg_msg_search(struct store *st, const struct store_search *q, struct msg **out, size_t *n,
		  struct err *err)
{
	struct pg_store *s = pg(st);
	struct buf tsq = BUF_INIT(CAP_SEARCH_QUERY);
	struct dyn d;
	bool none;
	int rc;

	*out = NULL;
	*n = 0;
	if (q->scan_end)
		*q->scan_end = 0;
	rc = pg_tsquery(q, &tsq, &none, err);
	if (rc < 0 || none || q->limit == 0)
		goto done;
	if (q->nwords && q->scan > 0) {
		rc = search_text_bounded(s, q, tsq.data, out, n, err);
		goto done;
	}
	dyn_init(&d, q, tsq.data);
	buf_adds(&d.sql, "SELECT " MSG_COLS);
	search_where(&d, q, false);
	if (q->nwords) {
		if (q->has_cursor) {
			sqlf(&d, " AND f.id < ?", A_CUR_ID);
			sqlf(&d, " AND m.id < ?", A_CUR_ID);
		}
		buf_adds(&d.sql, " ORDER BY f.id DESC");
	} else if (q->sort == STORE_SORT_DUE) {
		if (q->has_cursor) {
			sqlf(&d, " AND (m.due_at > ?", A_CUR_AT);
			sqlf(&d, " OR (m.due_at = ?", A_CUR_AT);
			sqlf(&d, " AND m.id > ?))", A_CUR_ID);
		}
		buf_adds(&d.sql, " ORDER BY m.due_at, m.id");
	} else {
		if (q->has_cursor) {
			sqlf(&d, " AND (m.created_at < ?", A_CUR_AT);
			sqlf(&d, " OR (m.created_at = ?", A_CUR_AT);
			sqlf(&d, " AND m.id < ?))", A_CUR_ID);
		}
		buf_adds(&d.sql, " ORDER BY m.created_at DESC, m.id DESC");
	}
	sqlf(&d, " LIMIT ?", A_LIMIT);
	rc = search_rows(s, &d, q, out, n, err);
done:
	buf_release(&tsq);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/*
 * The count of a text search in the same windows as a page (the first one
 * max matches, each next four times the last), as SQLite's
 * count_text_bounded: each window's matches are counted through the
 * filters by one query on its id range that stops at what is still
 * missing.
 */
static int count_text_bounded(struct pg_store *s, const struct store_search *q,
			      const char *tsq, int64_t max, int64_t scan, int64_t *count,
			      bool *partial, struct err *err)
{
	int64_t hi = INT64_MAX, lo = 0, got = 0, chunk = max, read = 0, k;
	int rc = 0;

	while (*count < max && read < scan) {
		struct dyn d;

		if (chunk > scan - read)
			chunk = scan - read;
		rc = fts_window(s, tsq, hi, chunk, &got, &lo, err);
		if (rc < 0 || got == 0)
			break;
		read += got;
		dyn_init(&d, q, tsq);
		d.val[A_HI] = hi;
		d.val[A_LO] = lo;
		d.val[A_MAX] = max - *count;
		window_cte(&d);
		buf_adds(&d.sql, " SELECT count(*) FROM (SELECT 1");
		search_where(&d, q, true);
		sqlf(&d, " LIMIT ?) c", A_MAX);
		rc = search_numbers(s, &d, true, &k, NULL, err);
		if (rc < 0)
			break;
		*count += k;
		hi = lo;
		if (got < chunk)
			return 0;	/* the matches ended: the count is whole */
		chunk *= 4;
	}
	if (rc == 0 && *count < max && read >= scan)
		*partial = true;
	return rc;
}

int pg_msg_count(struct store *st, const struct store_search *q, int64_t max, int64_t scan,
		 int64_t *count, bool *partial, struct err *err)
{
	struct pg_store *s = pg(st);
	struct buf tsq = BUF_INIT(CAP_SEARCH_QUERY);
	struct dyn d;
	bool none;
	int rc;

	*count = 0;
	*partial = false;
	rc = pg_tsquery(q, &tsq, &none, err);
	if (rc < 0 || none)
		goto out;
	if (q->nwords) {
		rc = count_text_bounded(s, q, tsq.data, max, scan, count, partial, err);
		goto out;
	}
	/* stop after max rows: a count never reads every match */
	dyn_init(&d, q, tsq.data);
	d.val[A_MAX] = max;
	buf_adds(&d.sql, "SELECT count(*) FROM (SELECT 1");
	search_where(&d, q, false);
	sqlf(&d, " LIMIT ?) c", A_MAX);
	rc = search_numbers(s, &d, false, count, NULL, err);
out:
	buf_release(&tsq);
	return rc;
}

/* ---- referrals ---- */

int pg_referral_insert(struct store *st, struct referral *r, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *res;

	pg_p_int(&p, r->msg_id);
	pg_p_int(&p, r->kind);
	pg_p_id(&p, r->from_unit);
	pg_p_id(&p, r->to_unit);
	pg_p_id(&p, r->actor_id);
	pg_p_text(&p, r->actor);
	pg_p_text(&p, r->reason);
	pg_p_int(&p, r->deadline);
	pg_p_int(&p, r->at);
	res = pg_run(pg(st), S_REF_INSERT, "INSERT INTO referrals (msg_id, kind, from_unit,"
		     " to_unit, actor_id, actor, reason, deadline, at)"
		     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id", &p, "referral",
		     err);
	if (!res)
		return pg_failed(err);
	r->id = pg_int(res, 0, 0);
	PQclear(res);
	return 0;
}

static void read_referral(const PGresult *res, int i, void *rec)
{
	struct referral *r = rec;

	r->id = pg_int(res, i, 0);
	r->msg_id = pg_int(res, i, 1);
	r->kind = (enum hop_kind)pg_int(res, i, 2);
	r->from_unit = pg_int(res, i, 3);
	r->to_unit = pg_int(res, i, 4);
	r->actor_id = pg_int(res, i, 5);
	pg_text(res, i, 6, r->actor, sizeof(r->actor));
	pg_text(res, i, 7, r->reason, sizeof(r->reason));
	r->deadline = pg_int(res, i, 8);
	r->at = pg_int(res, i, 9);
}

int pg_referral_list(struct store *st, int64_t msg_id, struct referral **out, size_t *n,
		     struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, msg_id);
	return pg_list_rows(pg_run(pg(st), S_REF_LIST, "SELECT id, msg_id, kind, from_unit,"
				   " to_unit, actor_id, actor, reason, deadline, at FROM referrals"
				   " WHERE msg_id = $1 ORDER BY id", &p, "referrals", err),
			    read_referral, sizeof(**out), (void **)out, n, err);
}

/* ---- place, scan, id lists ---- */

/* Messages near a place or of one citizen (store_near), as SQLite's
 * msg_near: through messages_place (category, lat) or messages_citizen
 * (citizen, created). */
#define NEAR_FILTERS(from, to, open, pub, max) " AND m.created_at BETWEEN $" #from \
	" AND $" #to " AND m.state <> " MSG_STATE_REJECTED_SQL \
	" AND ($" #open " = 0 OR m.state NOT IN (" MSG_STATES_DONE_SQL "))" \
	" AND ($" #pub " = 0 OR m.confidential = 0)" \
	" ORDER BY m.created_at DESC, m.id DESC LIMIT $" #max

int pg_msg_near(struct store *st, const struct store_near *q, struct msg **out, size_t *n,
		struct err *err)
{
	struct pg_store *s = pg(st);
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *res;

	if (q->citizen_id) {
		pg_p_int(&p, q->citizen_id);
	} else {
		pg_p_int(&p, q->category_id);
		pg_p_double(&p, q->lat_min);
		pg_p_double(&p, q->lat_max);
		pg_p_double(&p, q->lon_min);
		pg_p_double(&p, q->lon_max);
	}
	pg_p_int(&p, q->from);
	pg_p_int(&p, q->to);
	pg_p_bool(&p, q->open_only);
	pg_p_bool(&p, q->public_only);
	pg_p_int(&p, (int64_t)q->max);
	if (q->citizen_id)
		res = pg_run(s, S_NEAR_CITIZEN, "SELECT " MSG_COLS MSG_FROM
			     " WHERE m.citizen_id = $1" NEAR_FILTERS(2, 3, 4, 5, 6), &p, "nearby", err);
	else
		res = pg_run(s, S_NEAR_PLACE, "SELECT " MSG_COLS MSG_FROM
			     " WHERE m.has_point = 1 AND m.category_id = $1"
			     " AND m.lat BETWEEN $2 AND $3 AND m.lon BETWEEN $4 AND $5"
			     NEAR_FILTERS(6, 7, 8, 9, 10), &p, "nearby", err);
	return pg_list_rows(res, read_msg, sizeof(**out), (void **)out, n, err);
}

int pg_msg_scan(struct store *st, int64_t after_id, size_t max, struct msg **out, size_t *n,
		struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, after_id);
	pg_p_int(&p, (int64_t)max);
	return pg_list_rows(pg_run(pg(st), S_SCAN, "SELECT " MSG_COLS MSG_FROM
				   " WHERE m.id > $1 ORDER BY m.id LIMIT $2", &p, "message scan",
				   err), read_msg, sizeof(**out), (void **)out, n, err);
}

int pg_msg_ids(struct store *st, const struct store_msg_ids *q, int64_t **out, size_t *n,
	       struct err *err)
{
	struct pg_store *s = pg(st);
	struct dyn d;
	PGresult *res;
	size_t rows, i;
	int k;

	*out = NULL;
	*n = 0;
	dyn_init(&d, NULL, NULL);
	d.val[A_FROM] = q->from;
	d.val[A_TO] = q->to;
	d.val[A_CATEGORY] = q->category_id;
	d.val[A_CUR_AT] = q->after_at;
	d.val[A_CUR_ID] = q->after_id;
	d.val[A_LIMIT] = (int64_t)q->limit;
	d.val[A_OFFSET] = (int64_t)q->offset;
	buf_adds(&d.sql, "SELECT id FROM messages WHERE true");
	if (q->from)
		sqlf(&d, " AND created_at >= ?", A_FROM);
	if (q->to)
		sqlf(&d, " AND created_at < ?", A_TO);
	if (q->category_id)
		sqlf(&d, " AND category_id = ?", A_CATEGORY);
	if (q->public_only)
		buf_adds(&d.sql, " AND confidential = 0");
	if (q->states) {
		/* the state numbers come from a bit mask, not from the client */
		buf_adds(&d.sql, " AND state IN (-1");
		for (k = 0; k < STATE_COUNT; k++)
			if (q->states & (1u << k))
				buf_addf(&d.sql, ", %d", k);
		buf_adds(&d.sql, ")");
	}
	if (q->has_after && !q->newest_first) {
		sqlf(&d, " AND (created_at > ?", A_CUR_AT);
		sqlf(&d, " OR (created_at = ?", A_CUR_AT);
		sqlf(&d, " AND id > ?))", A_CUR_ID);
	}
	buf_adds(&d.sql, q->newest_first ? " ORDER BY created_at DESC, id DESC"
					 : " ORDER BY created_at, id");
	sqlf(&d, " LIMIT ?", A_LIMIT);
	sqlf(&d, " OFFSET ?", A_OFFSET);
	if (buf_error(&d.sql)) {
		buf_release(&d.sql);
		return err_set(err, ERR_TOOBIG, "", "message list too complex");
	}
	res = pg_run_text(s, d.sql.data, &d.p, err);
	buf_release(&d.sql);
	if (!res)
		return pg_failed(err);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		int rc = pg_fail(s, res, "message list", err);

		PQclear(res);
		return rc;
	}
	rows = (size_t)PQntuples(res);
	if (rows) {
		*out = xcalloc(rows, sizeof(**out));
		for (i = 0; i < rows; i++)
			(*out)[i] = pg_int(res, (int)i, 0);
		*n = rows;
	}
	PQclear(res);
	return 0;
}
