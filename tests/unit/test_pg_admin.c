/*
 * test_pg_admin.c - the PostgreSQL backend's ops for units, categories,
 * users, sessions, failed logins, citizens, live sessions, secrets, routing
 * rules and daily work (src/store/pg_admin.c) do what SQLite's do: one
 * script of calls runs over each backend, every answer (return code, error
 * field and words, each record read, the order of every list) is written
 * down, and the two transcripts must be the same line for line.  The
 * PostgreSQL database is made with an ICU English collation when the
 * cluster has one, so a list ordered by the database's collation rather
 * than by bytes (SQLite's BINARY) would show.  Runs when HAMGAN_TEST_PG
 * names a test cluster (tests/run starts one), else skips.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/store.h"
#include "pg_test.h"

struct afx {
	const struct store_ops *ops;
	struct store *st;
	char dir[512], path[600];
	char *log;		/* the transcript */
	size_t len, cap;
	/* ids the script made */
	int64_t root, a, b, a1, cat_roads, cat_water, ali, bob, m1, m2, canned_a;
};

static void say(struct afx *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	transcript_add(&f->log, &f->len, &f->cap, fmt, ap);
	va_end(ap);
}

/* An op's answer: 0, or its code, field and words.  A check constraint's
 * words are the engine's own, so of an ERR_INVALID other than a bad
 * reference only the operation's name (before the colon) is kept. */
static void said(struct afx *f, const char *what, int rc, const struct err *err)
{
	if (rc == 0) {
		say(f, "%s -> 0\n", what);
		return;
	}
	if (rc == ERR_INVALID && !strstr(err->msg, "refers to something"))
		say(f, "%s -> %d field '%s' '%.*s'\n", what, rc, err->field,
		    (int)strcspn(err->msg, ":"), err->msg);
	else
		say(f, "%s -> %d field '%s' '%s'\n", what, rc, err->field, err->msg);
}

#define CALL(f, what, call) \
	do { struct err e_; memset(&e_, 0, sizeof(e_)); \
	     said(f, what, (call), &e_); } while (0)
/* the op's err is e_ inside call */
#define E (&e_)
/* an op given no err must still return the code SQLite's does */
#define CALL_NO_ERR(f, what, call) \
	do { struct err e_; memset(&e_, 0, sizeof(e_)); \
	     said(f, what " (no err)", (call), &e_); } while (0)

static void say_unit(struct afx *f, const struct unit *u)
{
	say(f, "  unit %lld '%s' '%s' kind %d parent %lld active %d\n", (long long)u->id, u->code,
	    u->name, (int)u->kind, (long long)u->parent_id, (int)u->active);
}

static void say_cat(struct afx *f, const struct category *c)
{
	say(f, "  category %lld '%s' '%s' parent %lld hours %d kinds %u conf %d service '%s'"
	    " active %d\n", (long long)c->id, c->code, c->name, (long long)c->parent_id,
	    c->deadline_hours, c->kinds, (int)c->confidential, c->service_code, (int)c->active);
}

static void say_user(struct afx *f, const struct user *u)
{
	say(f, "  user %lld '%s' '%s' role %d unit %lld active %d at %lld hash '%s'\n",
	    (long long)u->id, u->username, u->name, (int)u->role, (long long)u->unit_id,
	    (int)u->active, (long long)u->created_at, u->pwhash);
}

static int64_t unit(struct afx *f, const char *code, int64_t parent, enum unit_kind kind,
		    bool active)
{
	struct unit u;
	char what[64];

	memset(&u, 0, sizeof(u));
	snprintf(u.code, sizeof(u.code), "%s", code);
	snprintf(u.name, sizeof(u.name), "واحد %s", code);
	u.kind = kind;
	u.parent_id = parent;
	u.active = active;
	snprintf(what, sizeof(what), "unit_insert '%s'", code);
	CALL(f, what, f->ops->unit_insert(f->st, &u, E));
	say(f, "  id %lld\n", (long long)u.id);
	return u.id;
}

static void script_units(struct afx *f)
{
	struct unit u, *list = NULL;
	int64_t ids[9];
	size_t n = 0, i, j;
	bool yes;
	int k;

	f->root = unit(f, "root", 0, UNIT_ORGANISATION, true);
	f->b = unit(f, "b", f->root, UNIT_REGION, true);
	f->a = unit(f, "a", f->root, UNIT_REGION, true);
	unit(f, "B", f->root, UNIT_REGION, false);
	f->a1 = unit(f, "a1", f->a, UNIT_DISTRICT, true);
	unit(f, "_x", f->a1, UNIT_DEPARTMENT, true);
	unit(f, "c0", f->root, UNIT_CENTRE, false);
	unit(f, "c1", f->b, UNIT_CENTRE, true);
	unit(f, "Z.9-", f->root, UNIT_CENTRE, true);
	CALL(f, "unit_list", f->ops->unit_list(f->st, &list, &n, E));
	for (i = 0; i < n && i < 9; i++) {
		say_unit(f, &list[i]);
		ids[i] = list[i].id;
	}
	/* by bytes, as SQLite's BINARY: capitals, then '_', then small letters */
	assert_int_equal(n, 9);
	assert_string_equal(list[0].code, "B");
	assert_string_equal(list[2].code, "_x");
	assert_string_equal(list[3].code, "a");
	free(list);
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			CALL(f, "unit_within", f->ops->unit_within(f->st, ids[i], ids[j], &yes, E));
			say(f, "  %lld within %lld: %d\n", (long long)ids[j], (long long)ids[i],
			    (int)yes);
		}
	yes = true;
	CALL(f, "unit_within missing unit", f->ops->unit_within(f->st, f->a, 9999, &yes, E));
	CALL(f, "unit_within missing ancestor", f->ops->unit_within(f->st, 9999, f->a, &yes, E));
	say(f, "  yes %d\n", (int)yes);
	for (k = 0; k < UNIT_KIND_COUNT; k++) {
		memset(&u, 0, sizeof(u));
		CALL(f, "unit_first_of_kind", f->ops->unit_first_of_kind(f->st, (enum unit_kind)k,
									&u, E));
		say_unit(f, &u);
	}
	CALL(f, "unit_get missing", f->ops->unit_get(f->st, 9999, &u, E));
	CALL(f, "unit_get_by_code missing", f->ops->unit_get_by_code(f->st, "nope", &u, E));
	CALL(f, "unit_get_by_code a1", f->ops->unit_get_by_code(f->st, "a1", &u, E));
	say_unit(f, &u);
	u.id = f->a;
	snprintf(u.name, sizeof(u.name), "منطقهٔ الف");
	u.kind = UNIT_DEPARTMENT;
	u.active = false;
	u.parent_id = 0;	/* update never moves a unit */
	CALL(f, "unit_update a", f->ops->unit_update(f->st, &u, E));
	CALL(f, "unit_get a", f->ops->unit_get(f->st, f->a, &u, E));
	say_unit(f, &u);
	u.id = 9999;
	CALL(f, "unit_update missing", f->ops->unit_update(f->st, &u, E));
}

/* Failed inserts last: a PostgreSQL sequence spends an id on one, SQLite
 * does not, and the ids after would differ. */
static void script_units_refused(struct afx *f)
{
	struct unit u;

	memset(&u, 0, sizeof(u));
	snprintf(u.code, sizeof(u.code), "a");
	CALL(f, "unit_insert duplicate", f->ops->unit_insert(f->st, &u, E));
	snprintf(u.code, sizeof(u.code), "orphan");
	u.parent_id = 9999;
	CALL(f, "unit_insert bad parent", f->ops->unit_insert(f->st, &u, E));
	u.parent_id = 0;
	u.kind = (enum unit_kind)7;
	CALL(f, "unit_insert bad kind", f->ops->unit_insert(f->st, &u, E));
	u.kind = UNIT_ORGANISATION;
	u.parent_id = 9999;
	CALL_NO_ERR(f, "unit_insert bad parent", f->ops->unit_insert(f->st, &u, NULL));
	snprintf(u.code, sizeof(u.code), "a");
	u.parent_id = 0;
	CALL_NO_ERR(f, "unit_insert duplicate", f->ops->unit_insert(f->st, &u, NULL));
	CALL_NO_ERR(f, "unit_get missing", f->ops->unit_get(f->st, 9999, &u, NULL));
	CALL_NO_ERR(f, "session_revoke missing", f->ops->session_revoke(f->st, "nope", NULL));
	CALL_NO_ERR(f, "login_fail_add", f->ops->login_fail_add(f->st, "k", 1, NULL));
	/* a duplicate inside a transaction leaves it usable, as SQLite's */
	CALL(f, "begin", f->ops->begin(f->st, E));
	snprintf(u.code, sizeof(u.code), "root");
	u.kind = UNIT_ORGANISATION;
	CALL(f, "unit_insert duplicate in a transaction", f->ops->unit_insert(f->st, &u, E));
	snprintf(u.code, sizeof(u.code), "t1");
	CALL(f, "unit_insert after it", f->ops->unit_insert(f->st, &u, E));
	CALL(f, "commit", f->ops->commit(f->st, E));
	CALL(f, "unit_get_by_code t1", f->ops->unit_get_by_code(f->st, "t1", &u, E));
}

static int64_t cat(struct afx *f, const char *code, int64_t parent, int hours, const char *service,
		   bool active)
{
	struct category c;
	char what[64];

	memset(&c, 0, sizeof(c));
	snprintf(c.code, sizeof(c.code), "%s", code);
	snprintf(c.name, sizeof(c.name), "موضوع %s", code);
	c.parent_id = parent;
	c.deadline_hours = hours;
	c.kinds = 5;
	c.confidential = !active;
	snprintf(c.service_code, sizeof(c.service_code), "%s", service);
	c.active = active;
	snprintf(what, sizeof(what), "category_insert '%s'", code);
	CALL(f, what, f->ops->category_insert(f->st, &c, E));
	say(f, "  id %lld\n", (long long)c.id);
	return c.id;
}

static void script_categories(struct afx *f)
{
	struct category c, *list = NULL;
	char route[8];
	size_t n = 0, i;
	bool yes;

	f->cat_roads = cat(f, "roads", 0, 72, "R1", true);
	f->cat_water = cat(f, "Water", 0, 24, "", true);
	cat(f, "roads.pot", f->cat_roads, 48, "R1", true);
	cat(f, "_misc", 0, 12, "M", false);
	cat(f, "zz", f->cat_water, 1, "Z", true);
	CALL(f, "category_list", f->ops->category_list(f->st, &list, &n, E));
	for (i = 0; i < n; i++)
		say_cat(f, &list[i]);
	free(list);
	CALL(f, "category_get roads", f->ops->category_get(f->st, f->cat_roads, &c, E));
	say_cat(f, &c);
	CALL(f, "category_get missing", f->ops->category_get(f->st, 9999, &c, E));
	CALL(f, "category_get_by_code zz", f->ops->category_get_by_code(f->st, "zz", &c, E));
	say_cat(f, &c);
	CALL(f, "category_get_by_code missing", f->ops->category_get_by_code(f->st, "x", &c, E));
	CALL(f, "category_get_by_service R1", f->ops->category_get_by_service(f->st, "R1", &c, E));
	say_cat(f, &c);
	CALL(f, "category_get_by_service ''", f->ops->category_get_by_service(f->st, "", &c, E));
	CALL(f, "category_get_by_service x", f->ops->category_get_by_service(f->st, "x", &c, E));
	CALL(f, "category_has_children roads",
	     f->ops->category_has_children(f->st, f->cat_roads, &yes, E));
	say(f, "  %d\n", (int)yes);
	CALL(f, "category_has_children missing",
	     f->ops->category_has_children(f->st, 9999, &yes, E));
	say(f, "  %d\n", (int)yes);
	/* an update may change everything, the code too */
	CALL(f, "category_get water", f->ops->category_get(f->st, f->cat_water, &c, E));
	snprintf(c.code, sizeof(c.code), "water2");
	snprintf(c.name, sizeof(c.name), "آب");
	c.parent_id = f->cat_roads;
	c.deadline_hours = 5;
	c.kinds = 1;
	c.confidential = true;
	snprintf(c.service_code, sizeof(c.service_code), "W");
	c.active = false;
	CALL(f, "category_update water", f->ops->category_update(f->st, &c, E));
	CALL(f, "category_get water", f->ops->category_get(f->st, f->cat_water, &c, E));
	say_cat(f, &c);
	snprintf(c.code, sizeof(c.code), "roads");
	CALL(f, "category_update to a taken code", f->ops->category_update(f->st, &c, E));
	CALL(f, "category_get water", f->ops->category_get(f->st, f->cat_water, &c, E));
	say_cat(f, &c);
	c.id = 9999;
	snprintf(c.code, sizeof(c.code), "free");
	CALL(f, "category_update missing", f->ops->category_update(f->st, &c, E));
	/* routing rules; a taken code inside a transaction leaves it usable */
	CALL(f, "category_route_get", f->ops->category_route_get(f->st, f->cat_water, route,
								   sizeof(route), E));
	say(f, "  '%s'\n", route);
	CALL(f, "begin", f->ops->begin(f->st, E));
	CALL(f, "category_get water", f->ops->category_get(f->st, f->cat_water, &c, E));
	snprintf(c.code, sizeof(c.code), "zz");
	CALL(f, "category_update to a taken code in a transaction",
	     f->ops->category_update(f->st, &c, E));
	CALL(f, "category_route_set", f->ops->category_route_set(f->st, f->cat_water,
								   "unit:a1 آب", E));
	CALL(f, "commit", f->ops->commit(f->st, E));
	CALL(f, "category_route_get", f->ops->category_route_get(f->st, f->cat_water, route,
								   sizeof(route), E));
	say(f, "  '%s' (cut to its buffer)\n", route);
	CALL(f, "category_route_get missing", f->ops->category_route_get(f->st, 9999, route,
									   sizeof(route), E));
	say(f, "  '%s'\n", route);
	CALL(f, "category_route_set missing", f->ops->category_route_set(f->st, 9999, "x", E));
}

static void script_categories_refused(struct afx *f)
{
	cat(f, "roads", 0, 1, "", true);
	cat(f, "orphan", 9999, 1, "", true);
	cat(f, "no-hours", 0, 0, "", true);
}

static int64_t user(struct afx *f, const char *username, int64_t unit_id, bool active)
{
	struct user u;
	char what[64];

	memset(&u, 0, sizeof(u));
	snprintf(u.username, sizeof(u.username), "%s", username);
	snprintf(u.name, sizeof(u.name), "کاربر %s", username);
	u.role = ROLE_STAFF;
	u.unit_id = unit_id;
	u.active = active;
	u.created_at = 1000 + (int64_t)strlen(username);
	snprintf(u.pwhash, sizeof(u.pwhash), "$argon2id$%s", username);
	snprintf(what, sizeof(what), "user_insert '%s'", username);
	CALL(f, what, f->ops->user_insert(f->st, &u, E));
	say(f, "  id %lld\n", (long long)u.id);
	return u.id;
}

static void script_users(struct afx *f)
{
	struct user u, *list = NULL;
	size_t n = 0, i;

	f->ali = user(f, "ali", f->a, true);
	f->bob = user(f, "Bob", 0, true);
	user(f, "_sys", f->root, true);
	user(f, "zahra", f->a1, false);
	CALL(f, "user_list", f->ops->user_list(f->st, &list, &n, E));
	for (i = 0; i < n; i++)
		say_user(f, &list[i]);
	free(list);
	CALL(f, "user_get_by_name ali", f->ops->user_get_by_name(f->st, "ali", &u, E));
	say_user(f, &u);
	CALL(f, "user_get_by_name missing", f->ops->user_get_by_name(f->st, "ALI", &u, E));
	snprintf(u.name, sizeof(u.name), "علی");
	u.role = ROLE_MANAGER;
	u.unit_id = 0;
	u.active = false;
	snprintf(u.pwhash, sizeof(u.pwhash), "new");
	snprintf(u.username, sizeof(u.username), "renamed");	/* never written */
	u.created_at = 1;					/* nor this */
	CALL(f, "user_update ali", f->ops->user_update(f->st, &u, E));
	CALL(f, "user_get ali", f->ops->user_get(f->st, f->ali, &u, E));
	say_user(f, &u);
	CALL(f, "user_get missing", f->ops->user_get(f->st, 9999, &u, E));
	u.id = 9999;
	CALL(f, "user_update missing", f->ops->user_update(f->st, &u, E));
}

static void script_users_refused(struct afx *f)
{
	user(f, "ali", 0, true);
	user(f, "nowhere", 9999, true);
}

static void session(struct afx *f, int token, int64_t user_id)
{
	struct store_session s;

	memset(&s, 0, sizeof(s));
	snprintf(s.token_hash, sizeof(s.token_hash), "%064d", token);
	s.user_id = user_id;
	s.created_at = 10 + token;
	s.expires_at = 100 + token;
	CALL(f, "session_insert", f->ops->session_insert(f->st, &s, E));
	say(f, "  id %lld\n", (long long)s.id);
}

static void say_session(struct afx *f, int token)
{
	struct store_session s;
	char hash[65];

	snprintf(hash, sizeof(hash), "%064d", token);
	memset(&s, 0, sizeof(s));
	CALL(f, "session_get", f->ops->session_get(f->st, hash, &s, E));
	say(f, "  session %lld '%s' user %lld at %lld expires %lld revoked %d\n", (long long)s.id,
	    s.token_hash, (long long)s.user_id, (long long)s.created_at, (long long)s.expires_at,
	    (int)s.revoked);
}

static void script_sessions(struct afx *f)
{
	char hash[65];
	int64_t count = -1, oldest = -1;
	int i;

	session(f, 1, f->ali);
	session(f, 2, f->bob);
	session(f, 3, f->bob);
	say_session(f, 1);
	snprintf(hash, sizeof(hash), "%064d", 1);
	CALL(f, "session_revoke", f->ops->session_revoke(f->st, hash, E));
	say_session(f, 1);
	CALL(f, "session_revoke missing", f->ops->session_revoke(f->st, "nope", E));
	CALL(f, "session_revoke_user bob", f->ops->session_revoke_user(f->st, f->bob, E));
	say_session(f, 2);
	say_session(f, 3);
	say_session(f, 4);
	CALL(f, "session_revoke_user missing", f->ops->session_revoke_user(f->st, 9999, E));
	for (i = 1; i <= 3; i++)
		CALL(f, "login_fail_add k1", f->ops->login_fail_add(f->st, "k1", 100 * i, E));
	CALL(f, "login_fail_add k2", f->ops->login_fail_add(f->st, "k2", 50, E));
	CALL(f, "login_fail_count k1 0", f->ops->login_fail_count(f->st, "k1", 0, &count, &oldest,
								  E));
	say(f, "  %lld %lld\n", (long long)count, (long long)oldest);
	CALL(f, "login_fail_count k1 150", f->ops->login_fail_count(f->st, "k1", 150, &count,
								    &oldest, E));
	say(f, "  %lld %lld\n", (long long)count, (long long)oldest);
	CALL(f, "login_fail_count k1 301", f->ops->login_fail_count(f->st, "k1", 301, &count,
								    &oldest, E));
	say(f, "  %lld %lld\n", (long long)count, (long long)oldest);
	CALL(f, "login_fail_latest k1", f->ops->login_fail_latest(f->st, "k1", &oldest, E));
	say(f, "  %lld\n", (long long)oldest);
	CALL(f, "login_fail_clear k1", f->ops->login_fail_clear(f->st, "k1", E));
	CALL(f, "login_fail_latest k1", f->ops->login_fail_latest(f->st, "k1", &oldest, E));
	say(f, "  %lld\n", (long long)oldest);
	CALL(f, "login_fail_latest k2", f->ops->login_fail_latest(f->st, "k2", &oldest, E));
	say(f, "  %lld\n", (long long)oldest);
	CALL(f, "login_fail_clear none", f->ops->login_fail_clear(f->st, "k9", E));
}

static void script_sessions_refused(struct afx *f)
{
	session(f, 1, f->bob);
	session(f, 5, 9999);
}

static void say_citizen(struct afx *f, const struct citizen *c)
{
	say(f, "  citizen %lld '%s' '%s' '%s' at %lld\n", (long long)c->id, c->mobile, c->name,
	    c->national_id, (long long)c->created_at);
}

static void script_citizens(struct afx *f)
{
	struct citizen c;
	int64_t first;

	memset(&c, 0, sizeof(c));
	snprintf(c.mobile, sizeof(c.mobile), "09121112233");
	snprintf(c.name, sizeof(c.name), "مریم");
	c.created_at = 77;
	CALL(f, "citizen_insert", f->ops->citizen_insert(f->st, &c, E));
	first = c.id;
	snprintf(c.mobile, sizeof(c.mobile), "09350000000");
	snprintf(c.national_id, sizeof(c.national_id), "0012345679");
	CALL(f, "citizen_insert", f->ops->citizen_insert(f->st, &c, E));
	say(f, "  ids %lld %lld\n", (long long)first, (long long)c.id);
	CALL(f, "citizen_get_by_mobile", f->ops->citizen_get_by_mobile(f->st, "09350000000", &c,
									E));
	say_citizen(f, &c);
	CALL(f, "citizen_get_by_mobile missing",
	     f->ops->citizen_get_by_mobile(f->st, "09999999999", &c, E));
	c.id = first;
	snprintf(c.name, sizeof(c.name), "مریم رضایی");
	snprintf(c.national_id, sizeof(c.national_id), "0012345679");
	snprintf(c.mobile, sizeof(c.mobile), "09000000000");	/* never written */
	CALL(f, "citizen_update", f->ops->citizen_update(f->st, &c, E));
	CALL(f, "citizen_get", f->ops->citizen_get(f->st, first, &c, E));
	say_citizen(f, &c);
	CALL(f, "citizen_get missing", f->ops->citizen_get(f->st, 9999, &c, E));
	c.id = 9999;
	CALL(f, "citizen_update missing", f->ops->citizen_update(f->st, &c, E));
	/* refused last */
	snprintf(c.mobile, sizeof(c.mobile), "09121112233");
	CALL(f, "citizen_insert duplicate", f->ops->citizen_insert(f->st, &c, E));
}

static void live(struct afx *f, int64_t unit_id, int64_t host, int64_t starts, const char *title)
{
	struct live_session l;

	memset(&l, 0, sizeof(l));
	l.unit_id = unit_id;
	l.host_user_id = host;
	snprintf(l.title, sizeof(l.title), "%s", title);
	l.starts_at = starts;
	l.ends_at = starts + 3600;
	l.created_at = 5;
	CALL(f, "live_insert", f->ops->live_insert(f->st, &l, E));
	say(f, "  id %lld\n", (long long)l.id);
}

static void say_lives(struct afx *f, int64_t unit_id, size_t max)
{
	struct live_session *list = NULL;
	size_t n = 0, i;

	CALL(f, "live_list", f->ops->live_list(f->st, unit_id, max, &list, &n, E));
	say(f, "  unit %lld max %zu: %zu\n", (long long)unit_id, max, n);
	for (i = 0; i < n; i++)
		say(f, "  live %lld unit %lld host %lld '%s' %lld-%lld at %lld\n",
		    (long long)list[i].id, (long long)list[i].unit_id,
		    (long long)list[i].host_user_id, list[i].title, (long long)list[i].starts_at,
		    (long long)list[i].ends_at, (long long)list[i].created_at);
	free(list);
}

static void script_live(struct afx *f)
{
	struct live_session l;

	live(f, f->a, f->ali, 2000, "دیدار مردمی");
	live(f, f->b, f->bob, 3000, "b");
	live(f, f->a, f->bob, 2000, "same start");
	live(f, f->a, f->ali, 1000, "earliest");
	say_lives(f, 0, 10);
	say_lives(f, f->a, 10);
	say_lives(f, f->a, 2);
	say_lives(f, 0, SIZE_MAX);
	say_lives(f, 0, 0);
	say_lives(f, 9999, 10);
	CALL(f, "live_get", f->ops->live_get(f->st, 1, &l, E));
	say(f, "  '%s' %lld\n", l.title, (long long)l.unit_id);
	CALL(f, "live_get missing", f->ops->live_get(f->st, 9999, &l, E));
	/* refused last */
	live(f, 9999, f->ali, 1, "no unit");
	live(f, f->a, 9999, 1, "no host");
}

static void script_secrets(struct afx *f)
{
	unsigned char v[32], w[16];

	memset(v, 0xa1, sizeof(v));
	CALL(f, "secret_get_or_put new", f->ops->secret_get_or_put(f->st, "k", v, sizeof(v), E));
	say(f, "  %02x %02x\n", v[0], v[31]);
	memset(v, 0x00, sizeof(v));
	v[31] = 0xff;
	CALL(f, "secret_get_or_put kept", f->ops->secret_get_or_put(f->st, "k", v, sizeof(v), E));
	say(f, "  %02x %02x\n", v[0], v[31]);
	memset(w, 0x5c, sizeof(w));
	CALL(f, "secret_get_or_put wrong length",
	     f->ops->secret_get_or_put(f->st, "k", w, sizeof(w), E));
	say(f, "  %02x\n", w[0]);
	CALL(f, "secret_get_or_put other", f->ops->secret_get_or_put(f->st, "k2", w, sizeof(w), E));
	say(f, "  %02x\n", w[15]);
}

/* A message to hang daily work on: through msg_insert, or while a backend
 * has none yet (PostgreSQL's messages are pg_msg.c's), a plain row. */
static int64_t message(struct afx *f, const char *code)
{
	struct msg *m = calloc(1, sizeof(*m));
	struct msg_text *t = calloc(1, sizeof(*t));
	struct err err;
	int64_t id;

	assert_non_null(m);
	assert_non_null(t);
	if (f->ops->msg_insert) {
		snprintf(m->code, sizeof(m->code), "%s", code);
		snprintf(t->subject, sizeof(t->subject), "s");
		snprintf(t->body, sizeof(t->body), "b");
		m->unit_id = f->a;
		m->created_at = 100;
		m->version = 1;
		assert_int_equal(f->ops->msg_insert(f->st, m, t, "s b", &err), 0);
		id = m->id;
	} else {
		PGconn *c = PQconnectdb(f->path);
		const char *params[2];
		char unit_id[24];
		PGresult *r;

		assert_int_equal(PQstatus(c), CONNECTION_OK);
		snprintf(unit_id, sizeof(unit_id), "%lld", (long long)f->a);
		params[0] = code;
		params[1] = unit_id;
		r = PQexecParams(c, "INSERT INTO messages (code, channel, kind, subject, body, state,"
				 " unit_id, created_at) VALUES ($1, 0, 0, 's', 'b', 0, $2, 100)"
				 " RETURNING id", 2, NULL, params, NULL, NULL, 0);
		assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
		id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		PQfinish(c);
	}
	free(m);
	free(t);
	return id;
}

static void say_assignee(struct afx *f, int64_t msg)
{
	int64_t who = -1;

	CALL(f, "assign_get", f->ops->assign_get(f->st, msg, &who, E));
	say(f, "  %lld\n", (long long)who);
}

static void script_assign(struct afx *f)
{
	f->m1 = message(f, "1000000001");
	f->m2 = message(f, "1000000002");
	say(f, "messages %lld %lld\n", (long long)f->m1, (long long)f->m2);
	say_assignee(f, f->m1);
	CALL(f, "assign_set ali", f->ops->assign_set(f->st, f->m1, f->ali, 10, E));
	say_assignee(f, f->m1);
	CALL(f, "assign_set bob", f->ops->assign_set(f->st, f->m1, f->bob, 20, E));
	say_assignee(f, f->m1);
	CALL(f, "assign_set none", f->ops->assign_set(f->st, f->m1, 0, 30, E));
	say_assignee(f, f->m1);
	CALL(f, "assign_set none again", f->ops->assign_set(f->st, f->m1, 0, 30, E));
	CALL(f, "assign_set m2", f->ops->assign_set(f->st, f->m2, f->ali, 40, E));
	say_assignee(f, f->m2);
	CALL(f, "assign_set no message", f->ops->assign_set(f->st, 9999, f->ali, 1, E));
	CALL(f, "assign_set no user", f->ops->assign_set(f->st, f->m1, 9999, 1, E));
	say_assignee(f, f->m1);
}

static void note(struct afx *f, int64_t msg, int64_t user_id, const char *body)
{
	struct msg_note nt;

	memset(&nt, 0, sizeof(nt));
	nt.msg_id = msg;
	nt.user_id = user_id;
	snprintf(nt.author, sizeof(nt.author), "نویسنده %lld", (long long)user_id);
	snprintf(nt.body, sizeof(nt.body), "%s", body);
	nt.at = 500 + (int64_t)strlen(body);
	CALL(f, "note_insert", f->ops->note_insert(f->st, &nt, E));
	say(f, "  id %lld\n", (long long)nt.id);
}

static void say_notes(struct afx *f, int64_t msg, size_t max)
{
	struct msg_note *list = NULL;
	size_t n = 0, i;

	CALL(f, "note_list", f->ops->note_list(f->st, msg, max, &list, &n, E));
	say(f, "  msg %lld max %zu: %zu\n", (long long)msg, max, n);
	for (i = 0; i < n; i++)
		say(f, "  note %lld msg %lld user %lld '%s' '%s' at %lld\n", (long long)list[i].id,
		    (long long)list[i].msg_id, (long long)list[i].user_id, list[i].author,
		    list[i].body, (long long)list[i].at);
	free(list);
}

static void script_notes(struct afx *f)
{
	note(f, f->m1, f->ali, "یادداشت یکم");
	note(f, f->m1, 0, "no user");
	note(f, f->m2, f->bob, "other");
	note(f, f->m1, f->bob, "z");
	say_notes(f, f->m1, 10);
	say_notes(f, f->m1, 2);
	say_notes(f, f->m1, SIZE_MAX);
	say_notes(f, f->m2, 10);
	say_notes(f, 9999, 10);
	/* refused last */
	note(f, 9999, f->ali, "no message");
	note(f, f->m1, 9999, "no user");
}

static int64_t canned(struct afx *f, int64_t category, const char *title, bool active)
{
	struct canned ca;

	memset(&ca, 0, sizeof(ca));
	ca.category_id = category;
	snprintf(ca.title, sizeof(ca.title), "%s", title);
	snprintf(ca.body, sizeof(ca.body), "متن %s", title);
	ca.active = active;
	ca.created_at = 900;
	CALL(f, "canned_insert", f->ops->canned_insert(f->st, &ca, E));
	say(f, "  id %lld\n", (long long)ca.id);
	return ca.id;
}

static void say_canned(struct afx *f, int64_t category, bool all, size_t max)
{
	struct canned *list = NULL;
	size_t n = 0, i;

	CALL(f, "canned_list", f->ops->canned_list(f->st, category, all, max, &list, &n, E));
	say(f, "  category %lld all %d max %zu: %zu\n", (long long)category, (int)all, max, n);
	for (i = 0; i < n; i++)
		say(f, "  canned %lld category %lld '%s' '%s' active %d at %lld\n",
		    (long long)list[i].id, (long long)list[i].category_id, list[i].title,
		    list[i].body, (int)list[i].active, (long long)list[i].created_at);
	free(list);
}

static void script_canned(struct afx *f)
{
	struct canned ca;

	canned(f, f->cat_roads, "b title", true);
	canned(f, f->cat_roads, "a title", true);
	f->canned_a = canned(f, f->cat_roads, "A title", true);
	canned(f, f->cat_roads, "a title", true);
	canned(f, f->cat_roads, "پاسخ", true);
	canned(f, f->cat_roads, "0 off", false);
	canned(f, f->cat_water, "water", true);
	say_canned(f, 0, false, 100);
	say_canned(f, f->cat_roads, false, 100);
	say_canned(f, f->cat_roads, true, 100);
	say_canned(f, f->cat_roads, true, 2);
	say_canned(f, 0, true, SIZE_MAX);
	say_canned(f, 9999, true, 100);
	CALL(f, "canned_get", f->ops->canned_get(f->st, f->canned_a, &ca, E));
	say(f, "  '%s' '%s' %d\n", ca.title, ca.body, (int)ca.active);
	snprintf(ca.title, sizeof(ca.title), "B title");
	snprintf(ca.body, sizeof(ca.body), "تازه");
	ca.active = false;
	ca.category_id = f->cat_water;	/* never moved */
	CALL(f, "canned_update", f->ops->canned_update(f->st, &ca, E));
	CALL(f, "canned_get", f->ops->canned_get(f->st, f->canned_a, &ca, E));
	say(f, "  %lld '%s' '%s' %d\n", (long long)ca.category_id, ca.title, ca.body,
	    (int)ca.active);
	CALL(f, "canned_get missing", f->ops->canned_get(f->st, 9999, &ca, E));
	ca.id = 9999;
	CALL(f, "canned_update missing", f->ops->canned_update(f->st, &ca, E));
	/* refused last */
	canned(f, 9999, "no category", true);
}

/* The whole script over one backend: its transcript in f->log. */
static void script(struct afx *f)
{
	script_units(f);
	script_categories(f);
	script_users(f);
	script_sessions(f);
	script_citizens(f);
	script_live(f);
	script_secrets(f);
	script_assign(f);
	script_notes(f);
	script_canned(f);
	script_units_refused(f);
	script_categories_refused(f);
	script_users_refused(f);
	script_sessions_refused(f);
}

/* A database collated by ICU's English rules (capitals among the small
 * letters, punctuation first), else the cluster's default. */
static void pg_db(char *out, size_t outsz)
{
	static int n;
	char name[64], sql[256];

	snprintf(name, sizeof(name), "hamgan_t_admin_%ld_%d", (long)getpid(), ++n);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s TEMPLATE template0 LOCALE_PROVIDER icu"
		 " ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'", name);
	if (pg_test_admin(sql) == 0) {
		pg_test_uri(name, out, outsz);
		return;
	}
	assert_int_equal(pg_test_db(out, outsz), 0);
}

static void run(struct afx *f, const struct store_ops *ops)
{
	const char *tmp = getenv("TMPROOT");
	struct err err;

	memset(f, 0, sizeof(*f));
	f->ops = ops;
	f->cap = 1 << 16;
	f->log = malloc(f->cap);
	assert_non_null(f->log);
	f->log[0] = '\0';
	snprintf(f->dir, sizeof(f->dir), "%s/pgadmin.XXXXXX", tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	if (ops == &store_pg_ops)
		pg_db(f->path, sizeof(f->path));
	else
		snprintf(f->path, sizeof(f->path), "%s/s.db", f->dir);
	assert_int_equal(ops->open(&f->st, f->path, STORE_CREATE, NULL, &err), 0);
	script(f);
	ops->close(f->st);
	test_db_remove(ops == &store_pg_ops, f->path);
	rmdir(f->dir);
}

static void same_as_sqlite(void **state)
{
	struct afx sq, pq;

	(void)state;
	if (!getenv("HAMGAN_TEST_PG"))
		skip();
	run(&sq, &store_sqlite_ops);
	run(&pq, &store_pg_ops);
	/* the script did what it says on SQLite: spot checks */
	assert_non_null(strstr(sq.log, "session_revoke missing -> -"));
	assert_non_null(strstr(sq.log, "unit_insert after it -> 0"));
	assert_non_null(strstr(sq.log, "unit_get_by_code t1 -> 0"));
	if (transcripts_differ(sq.log, pq.log)) {
		fail();
	}
	assert_int_equal(sq.len, pq.len);
	free(sq.log);
	free(pq.log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_as_sqlite),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
