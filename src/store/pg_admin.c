/*
 * pg_admin.c - the PostgreSQL backend's ops for units, categories, users,
 * sessions, failed logins, citizens, live sessions, secrets, categories'
 * routing rules and daily work (assignees, notes, canned answers).  Each op
 * does what its SQLite twin in sqlite.c, sqlite_geo.c or sqlite_daily.c
 * does: the same rows, the same order, the same ERR_* and `what` words, so
 * the core cannot tell the backends apart (tests/unit/test_store.c runs
 * over both; tests/unit/test_pg_admin.c runs one script of these ops over
 * each and compares every answer).
 *
 * A failed statement ends a PostgreSQL transaction (every later statement
 * fails until a rollback), where SQLite's transaction goes on.  So a
 * duplicate, the error a caller is most likely to get and carry on from, is
 * never raised: inserts say ON CONFLICT DO NOTHING and an insert that made
 * no row is ERR_CONFLICT, and the one update of a unique column
 * (category_update's code) looks for the duplicate first.  A bad foreign
 * key or check still raises (ERR_INVALID), as the core checks those first.
 *
 * Text is ordered by its bytes (COLLATE "C"), as SQLite's BINARY does,
 * whatever collation the database was created with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg_admin.h"
#include "store/pg_int.h"

/* This file's statements, in its own range of enum pg_stmt_id. */
enum {
	A_UNIT_INSERT, A_UNIT_UPDATE, A_UNIT_GET, A_UNIT_GET_CODE, A_UNIT_LIST, A_UNIT_WITHIN,
	A_UNIT_FIRST_KIND, A_UNIT_CHILDREN,
	A_CAT_INSERT, A_CAT_UPDATE, A_CAT_GET, A_CAT_GET_CODE, A_CAT_GET_SERVICE, A_CAT_LIST,
	A_CAT_CHILDREN, A_CAT_ROUTE_GET, A_CAT_ROUTE_SET,
	A_USER_INSERT, A_USER_UPDATE, A_USER_GET, A_USER_GET_NAME, A_USER_LIST,
	A_SESSION_INSERT, A_SESSION_GET, A_SESSION_REVOKE, A_SESSION_REVOKE_USER,
	A_LOGIN_ADD, A_LOGIN_COUNT, A_LOGIN_CLEAR, A_LOGIN_LATEST,
	A_CIT_INSERT, A_CIT_UPDATE, A_CIT_GET, A_CIT_GET_MOBILE,
	A_LIVE_INSERT, A_LIVE_GET, A_LIVE_LIST,
	A_SECRET_ADD, A_SECRET_GET,
	A_ASSIGN_GET, A_ASSIGN_SET, A_ASSIGN_DEL, A_NOTE_INSERT, A_NOTE_LIST,
	A_CANNED_INSERT, A_CANNED_UPDATE, A_CANNED_GET, A_CANNED_LIST,
	A_COUNT
};

_Static_assert(PG_ADMIN_FIRST + A_COUNT - 1 <= PG_ADMIN_LAST,
	       "pg_admin.c has more statements than its range of pg_stmt_id");

#define S(n) ((enum pg_stmt_id)(PG_ADMIN_FIRST + (n)))

/* ---- helpers ---- */

/* SQLite's binding of a NULL string is "" (sq_bind_text): the same here. */
static void p_text(struct pg_params *p, const char *v)
{
	pg_p_text(p, v ? v : "");
}

/* A list's LIMIT: SQLite reads a size_t past INT64_MAX, cast to a negative
 * number, as no limit; PostgreSQL refuses a negative one and reads NULL as
 * none. */
static void p_limit(struct pg_params *p, size_t max)
{
	if ((int64_t)max < 0)
		pg_p_text(p, NULL);
	else
		pg_p_int(p, (int64_t)max);
}

/*
 * pg_run tells a failure's code only through err, so an op called with
 * none (the core's login_fail_add is) would turn a refused foreign key into
 * ERR_STORE where SQLite says ERR_INVALID: run keeps the code in *rc
 * whatever the caller passed, and the helpers below go through it.
 */
static PGresult *run(struct pg_store *s, int stmt, const char *sql, const struct pg_params *p,
		     const char *what, struct err *err, int *rc)
{
	struct err local;
	struct err *e = err ? err : &local;
	PGresult *res;

	local.code = 0;
	res = pg_run(s, S(stmt), sql, p, what, e);
	*rc = res ? 0 : e->code ? e->code : ERR_STORE;
	return res;
}

/* A write: 0 or its failure. */
static int exec(struct pg_store *s, int stmt, const char *sql, const struct pg_params *p,
		const char *what, struct err *err)
{
	int rc;

	PQclear(run(s, stmt, sql, p, what, err, &rc));
	return rc;
}

/* A write that tells how many rows it changed (*n). */
static int exec_n(struct pg_store *s, int stmt, const char *sql, const struct pg_params *p,
		  const char *what, int64_t *n, struct err *err)
{
	PGresult *res;
	int rc;

	*n = 0;
	res = run(s, stmt, sql, p, what, err, &rc);
	if (!res)
		return rc;
	*n = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

/* A read of one record with read: ERR_NOTFOUND ("what: not found")
 * without a row, as sq_step_row says it. */
static int get_one(struct pg_store *s, int stmt, const char *sql, const struct pg_params *p,
		   const char *what, void (*read)(const PGresult *res, int r, void *rec), void *rec,
		   struct err *err)
{
	int rc;
	PGresult *res = run(s, stmt, sql, p, what, err, &rc);

	if (!res)
		return rc;
	return pg_one_row(res, read, rec, what, err);
}

/* A list of sz-byte records read with read (*out malloc'd). */
static int get_list(struct pg_store *s, int stmt, const char *sql, const struct pg_params *p,
		    const char *what, void (*read)(const PGresult *res, int r, void *rec),
		    size_t sz, void **out, size_t *n, struct err *err)
{
	int rc;
	PGresult *res = run(s, stmt, sql, p, what, err, &rc);

	if (!res) {
		*out = NULL;
		*n = 0;
		return rc;
	}
	return pg_list_rows(res, read, sz, out, n, err);
}

static void read_int(const PGresult *res, int r, void *rec)
{
	*(int64_t *)rec = pg_int(res, r, 0);
}

/* A read of one integer (a count, a flag): ERR_NOTFOUND without a row. */
static int one_int(struct pg_store *s, int stmt, const char *sql, const struct pg_params *p,
		   const char *what, int64_t *v, struct err *err)
{
	return get_one(s, stmt, sql, p, what, read_int, v, err);
}

/*
 * An INSERT ... ON CONFLICT DO NOTHING RETURNING id: *id from its row, or
 * ERR_CONFLICT ("what: already exists", as a unique violation reads) when
 * it made none.
 */
static int insert_id(struct pg_store *s, int stmt, const char *sql, const struct pg_params *p,
		     const char *what, int64_t *id, struct err *err)
{
	int rc = one_int(s, stmt, sql, p, what, id, err);

	if (rc == ERR_NOTFOUND)
		return err_set(err, ERR_CONFLICT, "", "%s: already exists", what);
	return rc;
}

/* ---- units ---- */

#define UNIT_COLS "id, code, name, kind, parent_id, active"

static void read_unit(const PGresult *res, int r, void *rec)
{
	struct unit *u = rec;

	memset(u, 0, sizeof(*u));
	u->id = pg_int(res, r, 0);
	pg_text(res, r, 1, u->code, sizeof(u->code));
	pg_text(res, r, 2, u->name, sizeof(u->name));
	u->kind = (enum unit_kind)pg_int(res, r, 3);
	u->parent_id = pg_int(res, r, 4);
	u->active = pg_bool(res, r, 5);
}

/* The id is taken first, so the path (the parent's path and the new id:
 * '/1/5/') is written with the row, in one statement. */
int pg_unit_insert(struct store *st, struct unit *u, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	p_text(&p, u->code);
	p_text(&p, u->name);
	pg_p_int(&p, u->kind);
	pg_p_id(&p, u->parent_id);
	pg_p_bool(&p, u->active);
	return insert_id(pg(st), A_UNIT_INSERT,
			 "WITH n AS (SELECT nextval(pg_get_serial_sequence('units', 'id')) AS id)"
			 " INSERT INTO units (id, code, name, kind, parent_id, active, path)"
			 " SELECT n.id, $1, $2, $3, $4, $5, coalesce((SELECT pa.path FROM units pa"
			 " WHERE pa.id = $4), '/') || n.id || '/' FROM n"
			 " ON CONFLICT DO NOTHING RETURNING id", &p, "unit", &u->id, err);
}

int pg_unit_update(struct store *st, const struct unit *u, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	p_text(&p, u->name);
	pg_p_int(&p, u->kind);
	pg_p_bool(&p, u->active);
	pg_p_int(&p, u->id);
	return exec(pg(st), A_UNIT_UPDATE, "UPDATE units SET name = $1, kind = $2,"
		    " active = $3 WHERE id = $4", &p, "unit", err);
}

int pg_unit_get(struct store *st, int64_t id, struct unit *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, id);
	return get_one(pg(st), A_UNIT_GET, "SELECT " UNIT_COLS " FROM units WHERE id = $1", &p,
		       "unit", read_unit, out, err);
}

int pg_unit_get_by_code(struct store *st, const char *code, struct unit *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	p_text(&p, code);
	return get_one(pg(st), A_UNIT_GET_CODE, "SELECT " UNIT_COLS " FROM units"
		       " WHERE code = $1", &p, "unit", read_unit, out, err);
}

int pg_unit_first_of_kind(struct store *st, enum unit_kind kind, struct unit *out,
			  struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, kind);
	return get_one(pg(st), A_UNIT_FIRST_KIND, "SELECT " UNIT_COLS " FROM units"
		       " WHERE kind = $1 AND active <> 0 ORDER BY id LIMIT 1", &p, "unit",
		       read_unit, out, err);
}

int pg_unit_list(struct store *st, struct unit **out, size_t *n, struct err *err)
{
	return get_list(pg(st), A_UNIT_LIST, "SELECT " UNIT_COLS " FROM units"
			" ORDER BY code COLLATE \"C\"", NULL, "units", read_unit, sizeof(**out),
			(void **)out, n, err);
}

/* Within: the unit's path starts with the ancestor's ('/1/5/9/' within
 * '/1/5/'); a unit is within itself. */
int pg_unit_within(struct store *st, int64_t ancestor, int64_t unit, bool *yes, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	int64_t v = 0;
	int rc;

	*yes = false;
	pg_p_int(&p, unit);
	pg_p_int(&p, ancestor);
	rc = one_int(pg(st), A_UNIT_WITHIN, "SELECT starts_with(u.path, a.path) FROM units u,"
		     " units a WHERE u.id = $1 AND a.id = $2", &p, "unit", &v, err);
	if (rc == 0)
		*yes = v != 0;
	return rc;
}

/* ---- categories ---- */

#define CAT_COLS "id, code, name, parent_id, deadline_hours, kinds, confidential, service_code," \
	" active"

static void read_cat(const PGresult *res, int r, void *rec)
{
	struct category *c = rec;

	memset(c, 0, sizeof(*c));
	c->id = pg_int(res, r, 0);
	pg_text(res, r, 1, c->code, sizeof(c->code));
	pg_text(res, r, 2, c->name, sizeof(c->name));
	c->parent_id = pg_int(res, r, 3);
	c->deadline_hours = (int)pg_int(res, r, 4);
	c->kinds = (unsigned)pg_int(res, r, 5);
	c->confidential = pg_bool(res, r, 6);
	pg_text(res, r, 7, c->service_code, sizeof(c->service_code));
	c->active = pg_bool(res, r, 8);
}

/* $1..$8 in the order of CAT_COLS after id. */
static void params_cat(struct pg_params *p, const struct category *c)
{
	p_text(p, c->code);
	p_text(p, c->name);
	pg_p_id(p, c->parent_id);
	pg_p_int(p, c->deadline_hours);
	pg_p_int(p, c->kinds);
	pg_p_bool(p, c->confidential);
	p_text(p, c->service_code);
	pg_p_bool(p, c->active);
}

int pg_category_insert(struct store *st, struct category *cat, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	params_cat(&p, cat);
	return insert_id(pg(st), A_CAT_INSERT, "INSERT INTO categories (code, name, parent_id,"
			 " deadline_hours, kinds, confidential, service_code, active)"
			 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
			 " ON CONFLICT DO NOTHING RETURNING id", &p, "category", &cat->id, err);
}

/* The code may change: another category holding it already is
 * ERR_CONFLICT, found before the update so the transaction goes on. */
int pg_category_update(struct store *st, const struct category *cat, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	int64_t dup = 0;
	int rc;

	params_cat(&p, cat);
	pg_p_int(&p, cat->id);
	rc = one_int(pg(st), A_CAT_UPDATE,
		     "WITH dup AS (SELECT EXISTS (SELECT 1 FROM categories WHERE code = $1"
		     " AND id <> $9) AS yes),"
		     " up AS (UPDATE categories SET code = $1, name = $2, parent_id = $3,"
		     " deadline_hours = $4, kinds = $5, confidential = $6, service_code = $7,"
		     " active = $8 WHERE id = $9 AND NOT (SELECT yes FROM dup) RETURNING 1)"
		     " SELECT yes FROM dup", &p, "category", &dup, err);
	if (rc == 0 && dup)
		return err_set(err, ERR_CONFLICT, "", "category: already exists");
	return rc;
}

int pg_category_get(struct store *st, int64_t id, struct category *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, id);
	return get_one(pg(st), A_CAT_GET, "SELECT " CAT_COLS " FROM categories WHERE id = $1",
		       &p, "category", read_cat, out, err);
}

int pg_category_get_by_code(struct store *st, const char *code, struct category *out,
			    struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	p_text(&p, code);
	return get_one(pg(st), A_CAT_GET_CODE, "SELECT " CAT_COLS " FROM categories"
		       " WHERE code = $1", &p, "category", read_cat, out, err);
}

int pg_category_get_by_service(struct store *st, const char *code, struct category *out,
			       struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	p_text(&p, code);
	return get_one(pg(st), A_CAT_GET_SERVICE, "SELECT " CAT_COLS
		       " FROM categories WHERE service_code = $1 AND service_code <> ''"
		       " ORDER BY id LIMIT 1", &p, "category", read_cat, out, err);
}

int pg_category_list(struct store *st, struct category **out, size_t *n, struct err *err)
{
	return get_list(pg(st), A_CAT_LIST, "SELECT " CAT_COLS " FROM categories"
			" ORDER BY code COLLATE \"C\"", NULL, "categories", read_cat, sizeof(**out),
			(void **)out, n, err);
}

int pg_unit_has_children(struct store *st, int64_t id, bool *yes, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	int64_t v = 0;
	int rc;

	*yes = false;
	pg_p_int(&p, id);
	rc = one_int(pg(st), A_UNIT_CHILDREN, "SELECT EXISTS (SELECT 1 FROM units"
		     " WHERE parent_id = $1)", &p, "unit", &v, err);
	if (rc == 0)
		*yes = v != 0;
	return rc;
}

int pg_category_has_children(struct store *st, int64_t id, bool *yes, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	int64_t v = 0;
	int rc;

	pg_p_int(&p, id);
	rc = one_int(pg(st), A_CAT_CHILDREN, "SELECT EXISTS (SELECT 1 FROM categories"
		     " WHERE parent_id = $1)", &p, "category", &v, err);
	if (rc == 0)
		*yes = v != 0;
	return rc;
}

int pg_category_route_get(struct store *st, int64_t cat_id, char *out, size_t outsz,
			  struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *res;
	int rc;

	out[0] = '\0';
	pg_p_int(&p, cat_id);
	res = run(pg(st), A_CAT_ROUTE_GET, "SELECT route FROM categories WHERE id = $1", &p,
		  "category", err, &rc);
	if (!res)
		return rc;
	if (PQntuples(res) < 1) {
		PQclear(res);
		return err_set(err, ERR_NOTFOUND, "", "category: not found");
	}
	pg_text(res, 0, 0, out, outsz);
	PQclear(res);
	return 0;
}

int pg_category_route_set(struct store *st, int64_t cat_id, const char *rule, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	p_text(&p, rule);
	pg_p_int(&p, cat_id);
	return exec(pg(st), A_CAT_ROUTE_SET, "UPDATE categories SET route = $1 WHERE id = $2", &p,
		    "category", err);
}

/* ---- users, sessions, failed logins ---- */

#define USER_COLS "id, username, name, role, unit_id, active, created_at, pwhash"

static void read_user(const PGresult *res, int r, void *rec)
{
	struct user *u = rec;

	memset(u, 0, sizeof(*u));
	u->id = pg_int(res, r, 0);
	pg_text(res, r, 1, u->username, sizeof(u->username));
	pg_text(res, r, 2, u->name, sizeof(u->name));
	u->role = (enum role)pg_int(res, r, 3);
	u->unit_id = pg_int(res, r, 4);
	u->active = pg_bool(res, r, 5);
	u->created_at = pg_int(res, r, 6);
	pg_text(res, r, 7, u->pwhash, sizeof(u->pwhash));
}

int pg_user_insert(struct store *st, struct user *u, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	p_text(&p, u->username);
	p_text(&p, u->name);
	pg_p_int(&p, u->role);
	pg_p_id(&p, u->unit_id);
	pg_p_bool(&p, u->active);
	pg_p_int(&p, u->created_at);
	p_text(&p, u->pwhash);
	return insert_id(pg(st), A_USER_INSERT, "INSERT INTO users (username, name, role,"
			 " unit_id, active, created_at, pwhash)"
			 " VALUES ($1, $2, $3, $4, $5, $6, $7)"
			 " ON CONFLICT DO NOTHING RETURNING id", &p, "user", &u->id, err);
}

int pg_user_update(struct store *st, const struct user *u, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	p_text(&p, u->name);
	pg_p_int(&p, u->role);
	pg_p_id(&p, u->unit_id);
	pg_p_bool(&p, u->active);
	p_text(&p, u->pwhash);
	pg_p_int(&p, u->id);
	return exec(pg(st), A_USER_UPDATE, "UPDATE users SET name = $1, role = $2,"
		    " unit_id = $3, active = $4, pwhash = $5 WHERE id = $6", &p, "user", err);
}

int pg_user_get(struct store *st, int64_t id, struct user *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, id);
	return get_one(pg(st), A_USER_GET, "SELECT " USER_COLS " FROM users WHERE id = $1", &p,
		       "user", read_user, out, err);
}

int pg_user_get_by_name(struct store *st, const char *name, struct user *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	p_text(&p, name);
	return get_one(pg(st), A_USER_GET_NAME, "SELECT " USER_COLS " FROM users"
		       " WHERE username = $1", &p, "user", read_user, out, err);
}

int pg_user_list(struct store *st, struct user **out, size_t *n, struct err *err)
{
	return get_list(pg(st), A_USER_LIST, "SELECT " USER_COLS " FROM users"
			" ORDER BY username COLLATE \"C\"", NULL, "users", read_user, sizeof(**out),
			(void **)out, n, err);
}

int pg_session_insert(struct store *st, struct store_session *se, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	p_text(&p, se->token_hash);
	pg_p_int(&p, se->user_id);
	pg_p_int(&p, se->created_at);
	pg_p_int(&p, se->expires_at);
	pg_p_bool(&p, se->revoked);
	return insert_id(pg(st), A_SESSION_INSERT, "INSERT INTO sessions (token_hash, user_id,"
			 " created_at, expires_at, revoked) VALUES ($1, $2, $3, $4, $5)"
			 " ON CONFLICT DO NOTHING RETURNING id", &p, "session", &se->id, err);
}

static void read_session(const PGresult *res, int r, void *rec)
{
	struct store_session *se = rec;

	memset(se, 0, sizeof(*se));
	se->id = pg_int(res, r, 0);
	pg_text(res, r, 1, se->token_hash, sizeof(se->token_hash));
	se->user_id = pg_int(res, r, 2);
	se->created_at = pg_int(res, r, 3);
	se->expires_at = pg_int(res, r, 4);
	se->revoked = pg_bool(res, r, 5);
}

int pg_session_get(struct store *st, const char *hash, struct store_session *out,
		   struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	p_text(&p, hash);
	return get_one(pg(st), A_SESSION_GET, "SELECT id, token_hash, user_id,"
		       " created_at, expires_at, revoked FROM sessions WHERE token_hash = $1",
		       &p, "session", read_session, out, err);
}

int pg_session_revoke(struct store *st, const char *hash, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	int64_t n;
	int rc;

	p_text(&p, hash);
	rc = exec_n(pg(st), A_SESSION_REVOKE,
		    "UPDATE sessions SET revoked = 1 WHERE token_hash = $1", &p, "session", &n,
		    err);
	if (rc < 0)
		return rc;
	if (n == 0)
		return err_set(err, ERR_NOTFOUND, "token", "no such session");
	return 0;
}

int pg_session_revoke_user(struct store *st, int64_t user_id, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, user_id);
	return exec(pg(st), A_SESSION_REVOKE_USER, "UPDATE sessions SET revoked = 1"
		    " WHERE user_id = $1", &p, "session", err);
}

int pg_login_fail_add(struct store *st, const char *key, int64_t at, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	p_text(&p, key);
	pg_p_int(&p, at);
	return exec(pg(st), A_LOGIN_ADD, "INSERT INTO login_failures (key, at) VALUES ($1, $2)",
		    &p, "login failure", err);
}

int pg_login_fail_count(struct store *st, const char *key, int64_t since, int64_t *count,
			int64_t *oldest, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *res;
	int rc;

	p_text(&p, key);
	pg_p_int(&p, since);
	res = run(pg(st), A_LOGIN_COUNT, "SELECT count(*), coalesce(min(at), 0)"
		  " FROM login_failures WHERE key = $1 AND at >= $2", &p, "login failures", err,
		  &rc);
	if (!res)
		return rc;
	*count = pg_int(res, 0, 0);
	*oldest = pg_int(res, 0, 1);
	PQclear(res);
	return 0;
}

int pg_login_fail_clear(struct store *st, const char *key, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	p_text(&p, key);
	return exec(pg(st), A_LOGIN_CLEAR, "DELETE FROM login_failures WHERE key = $1", &p,
		    "login failures", err);
}

int pg_login_fail_latest(struct store *st, const char *key, int64_t *at, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	p_text(&p, key);
	return one_int(pg(st), A_LOGIN_LATEST, "SELECT coalesce(max(at), 0) FROM login_failures"
		       " WHERE key = $1", &p, "login failures", at, err);
}

/* ---- citizens ---- */

#define CIT_COLS "id, mobile, name, national_id, created_at"

static void read_cit(const PGresult *res, int r, void *rec)
{
	struct citizen *ci = rec;

	memset(ci, 0, sizeof(*ci));
	ci->id = pg_int(res, r, 0);
	pg_text(res, r, 1, ci->mobile, sizeof(ci->mobile));
	pg_text(res, r, 2, ci->name, sizeof(ci->name));
	pg_text(res, r, 3, ci->national_id, sizeof(ci->national_id));
	ci->created_at = pg_int(res, r, 4);
}

int pg_citizen_insert(struct store *st, struct citizen *ci, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	p_text(&p, ci->mobile);
	p_text(&p, ci->name);
	p_text(&p, ci->national_id);
	pg_p_int(&p, ci->created_at);
	return insert_id(pg(st), A_CIT_INSERT, "INSERT INTO citizens (mobile, name, national_id,"
			 " created_at) VALUES ($1, $2, $3, $4)"
			 " ON CONFLICT DO NOTHING RETURNING id", &p, "citizen", &ci->id, err);
}

int pg_citizen_update(struct store *st, const struct citizen *ci, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	p_text(&p, ci->name);
	p_text(&p, ci->national_id);
	pg_p_int(&p, ci->id);
	return exec(pg(st), A_CIT_UPDATE, "UPDATE citizens SET name = $1, national_id = $2"
		    " WHERE id = $3", &p, "citizen", err);
}

int pg_citizen_get(struct store *st, int64_t id, struct citizen *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, id);
	return get_one(pg(st), A_CIT_GET, "SELECT " CIT_COLS " FROM citizens WHERE id = $1", &p,
		       "citizen", read_cit, out, err);
}

int pg_citizen_get_by_mobile(struct store *st, const char *mobile, struct citizen *out,
			     struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	p_text(&p, mobile);
	return get_one(pg(st), A_CIT_GET_MOBILE, "SELECT " CIT_COLS " FROM citizens"
		       " WHERE mobile = $1", &p, "citizen", read_cit, out, err);
}

/* ---- live sessions ---- */

#define LIVE_COLS "id, unit_id, host_user_id, title, starts_at, ends_at, created_at"

static void read_live(const PGresult *res, int r, void *rec)
{
	struct live_session *l = rec;

	memset(l, 0, sizeof(*l));
	l->id = pg_int(res, r, 0);
	l->unit_id = pg_int(res, r, 1);
	l->host_user_id = pg_int(res, r, 2);
	pg_text(res, r, 3, l->title, sizeof(l->title));
	l->starts_at = pg_int(res, r, 4);
	l->ends_at = pg_int(res, r, 5);
	l->created_at = pg_int(res, r, 6);
}

int pg_live_insert(struct store *st, struct live_session *l, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, l->unit_id);
	pg_p_int(&p, l->host_user_id);
	p_text(&p, l->title);
	pg_p_int(&p, l->starts_at);
	pg_p_int(&p, l->ends_at);
	pg_p_int(&p, l->created_at);
	return insert_id(pg(st), A_LIVE_INSERT, "INSERT INTO live_sessions (unit_id,"
			 " host_user_id, title, starts_at, ends_at, created_at)"
			 " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", &p, "live session",
			 &l->id, err);
}

int pg_live_get(struct store *st, int64_t id, struct live_session *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, id);
	return get_one(pg(st), A_LIVE_GET, "SELECT " LIVE_COLS " FROM live_sessions"
		       " WHERE id = $1", &p, "live session", read_live, out, err);
}

int pg_live_list(struct store *st, int64_t unit_id, size_t max, struct live_session **out,
		 size_t *n, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, unit_id);
	p_limit(&p, max);
	return get_list(pg(st), A_LIVE_LIST, "SELECT " LIVE_COLS " FROM live_sessions"
			" WHERE $1::bigint = 0 OR unit_id = $1 ORDER BY starts_at DESC, id DESC"
			" LIMIT $2", &p, "live sessions", read_live, sizeof(**out), (void **)out, n,
			err);
}

/* ---- secrets ---- */

int pg_secret_get_or_put(struct store *st, const char *name, unsigned char *value, size_t len,
			 struct err *err)
{
	struct pg_store *s = pg(st);
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *res;
	unsigned char *got;
	size_t got_len;
	int rc;

	p_text(&p, name);
	pg_p_blob(&p, value, len);
	rc = exec(s, A_SECRET_ADD, "INSERT INTO secrets (name, value) VALUES ($1, $2)"
		  " ON CONFLICT DO NOTHING", &p, "secret", err);
	if (rc < 0)
		return rc;
	p.n = 0;
	p_text(&p, name);
	res = run(s, A_SECRET_GET, "SELECT value FROM secrets WHERE name = $1", &p, "secret", err,
		  &rc);
	if (!res)
		return rc;
	if (PQntuples(res) < 1) {
		PQclear(res);
		return err_set(err, ERR_NOTFOUND, "", "secret: not found");
	}
	got = pg_blob(res, 0, 0, &got_len);
	PQclear(res);
	if (got_len != len) {
		free(got);
		return err_set(err, ERR_STORE, "", "secret '%s' has the wrong length", name);
	}
	memcpy(value, got, len);
	free(got);
	return 0;
}

/* ---- daily work: assignee, notes, canned answers ---- */

int pg_assign_get(struct store *st, int64_t msg_id, int64_t *user_id, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	*user_id = 0;
	pg_p_int(&p, msg_id);
	return one_int(pg(st), A_ASSIGN_GET, "SELECT user_id FROM msg_assign WHERE msg_id = $1", &p,
		       "assignment", user_id, err);
}

int pg_assign_set(struct store *st, int64_t msg_id, int64_t user_id, int64_t at,
		  struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, msg_id);
	if (!user_id)
		return exec(pg(st), A_ASSIGN_DEL, "DELETE FROM msg_assign WHERE msg_id = $1", &p,
			    "assignment", err);
	pg_p_int(&p, user_id);
	pg_p_int(&p, at);
	return exec(pg(st), A_ASSIGN_SET, "INSERT INTO msg_assign (msg_id, user_id, at)"
		    " VALUES ($1, $2, $3) ON CONFLICT (msg_id) DO UPDATE"
		    " SET user_id = excluded.user_id, at = excluded.at", &p, "assignment", err);
}

int pg_note_insert(struct store *st, struct msg_note *nt, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, nt->msg_id);
	pg_p_id(&p, nt->user_id);
	p_text(&p, nt->author);
	p_text(&p, nt->body);
	pg_p_int(&p, nt->at);
	return insert_id(pg(st), A_NOTE_INSERT, "INSERT INTO msg_notes (msg_id, user_id, author,"
			 " body, at) VALUES ($1, $2, $3, $4, $5) RETURNING id", &p, "note", &nt->id,
			 err);
}

static void read_note(const PGresult *res, int r, void *rec)
{
	struct msg_note *nt = rec;

	memset(nt, 0, sizeof(*nt));
	nt->id = pg_int(res, r, 0);
	nt->msg_id = pg_int(res, r, 1);
	nt->user_id = pg_int(res, r, 2);
	pg_text(res, r, 3, nt->author, sizeof(nt->author));
	pg_text(res, r, 4, nt->body, sizeof(nt->body));
	nt->at = pg_int(res, r, 5);
}

int pg_note_list(struct store *st, int64_t msg_id, size_t max, struct msg_note **out,
		 size_t *n, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, msg_id);
	p_limit(&p, max);
	return get_list(pg(st), A_NOTE_LIST, "SELECT id, msg_id, user_id, author, body, at"
			" FROM msg_notes WHERE msg_id = $1 ORDER BY id LIMIT $2", &p, "notes",
			read_note, sizeof(**out), (void **)out, n, err);
}

#define CANNED_COLS "id, category_id, title, body, active, created_at"

static void read_canned(const PGresult *res, int r, void *rec)
{
	struct canned *ca = rec;

	memset(ca, 0, sizeof(*ca));
	ca->id = pg_int(res, r, 0);
	ca->category_id = pg_int(res, r, 1);
	pg_text(res, r, 2, ca->title, sizeof(ca->title));
	pg_text(res, r, 3, ca->body, sizeof(ca->body));
	ca->active = pg_bool(res, r, 4);
	ca->created_at = pg_int(res, r, 5);
}

int pg_canned_insert(struct store *st, struct canned *ca, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, ca->category_id);
	p_text(&p, ca->title);
	p_text(&p, ca->body);
	pg_p_bool(&p, ca->active);
	pg_p_int(&p, ca->created_at);
	return insert_id(pg(st), A_CANNED_INSERT, "INSERT INTO canned_answers (category_id, title,"
			 " body, active, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id", &p,
			 "canned answer", &ca->id, err);
}

int pg_canned_update(struct store *st, const struct canned *ca, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	int64_t n;
	int rc;

	p_text(&p, ca->title);
	p_text(&p, ca->body);
	pg_p_bool(&p, ca->active);
	pg_p_int(&p, ca->id);
	rc = exec_n(pg(st), A_CANNED_UPDATE, "UPDATE canned_answers SET title = $1, body = $2,"
		    " active = $3 WHERE id = $4", &p, "canned answer", &n, err);
	if (rc < 0)
		return rc;
	if (n == 0)
		return err_set(err, ERR_NOTFOUND, "id", "no canned answer %lld", (long long)ca->id);
	return 0;
}

int pg_canned_get(struct store *st, int64_t id, struct canned *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, id);
	return get_one(pg(st), A_CANNED_GET, "SELECT " CANNED_COLS
		       " FROM canned_answers WHERE id = $1", &p, "canned answer", read_canned, out,
		       err);
}

int pg_canned_list(struct store *st, int64_t category_id, bool all, size_t max,
		   struct canned **out, size_t *n, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_p_int(&p, category_id);
	pg_p_bool(&p, all);
	p_limit(&p, max);
	return get_list(pg(st), A_CANNED_LIST, "SELECT " CANNED_COLS " FROM canned_answers"
			" WHERE ($1::bigint = 0 OR category_id = $1)"
			" AND ($2::integer <> 0 OR active <> 0)"
			" ORDER BY title COLLATE \"C\", id LIMIT $3", &p, "canned answers",
			read_canned, sizeof(**out), (void **)out, n, err);
}
