/*
 * test_store.c - the store contract, written once and run over every backend
 * in store_backends (today SQLite): open and migrations, the unit tree,
 * optimistic message updates, the audit table's guards, SMS claims,
 * sessions and failed logins.
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

#include <sqlite3.h>

#include "store/store.h"
#include "store/sqlite_int.h"

struct sfx {
	const struct store_ops *ops;
	char dir[512], path[600];
	struct store *st;
};

static void dsn_for(struct sfx *f)
{
	const char *tmp = getenv("TMPROOT");

	snprintf(f->dir, sizeof(f->dir), "%s/store.XXXXXX", tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/s.db", f->dir);
}

static void cleanup(struct sfx *f)
{
	char p[700];

	if (f->st)
		f->ops->close(f->st);
	f->st = NULL;
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	rmdir(f->dir);
}

static void add_unit(struct sfx *f, const char *code, int64_t parent, struct unit *u)
{
	memset(u, 0, sizeof(*u));
	snprintf(u->code, sizeof(u->code), "%s", code);
	snprintf(u->name, sizeof(u->name), "واحد %s", code);
	u->kind = parent ? UNIT_REGION : UNIT_ORGANISATION;
	u->parent_id = parent;
	u->active = true;
	assert_int_equal(f->ops->unit_insert(f->st, u, NULL), 0);
}

/* Each test body runs once per backend. */
typedef void (*store_test)(struct sfx *f);

static void run_all(store_test fn)
{
	const struct store_ops *const *b;

	for (b = store_backends; *b; b++) {
		struct sfx f;
		struct err err;

		memset(&f, 0, sizeof(f));
		f.ops = *b;
		dsn_for(&f);
		assert_int_equal(f.ops->open(&f.st, f.path, STORE_CREATE, &err), 0);
		fn(&f);
		cleanup(&f);
	}
}

static void t_open_missing_refused(struct sfx *f)
{
	struct store *st = NULL;
	struct err err;
	char p[700];

	snprintf(p, sizeof(p), "%s/nope.db", f->dir);
	assert_int_equal(f->ops->open(&st, p, 0, &err), ERR_NOTFOUND);
	assert_non_null(strstr(err.msg, "hamgan init"));
	assert_int_equal(access(p, F_OK), -1);
}

static void open_missing_refused(void **state)
{
	(void)state;
	run_all(t_open_missing_refused);
}

static void t_schema(struct sfx *f)
{
	int have, want;

	assert_int_equal(f->ops->schema_version(f->st, &have, &want, NULL), 0);
	assert_int_equal(have, want);
	assert_true(want >= 2);
}

static void schema_is_current(void **state)
{
	(void)state;
	run_all(t_schema);
}

/* SQLite-specific: an older database is migrated, a newer one refused. */
static void sqlite_migrations(void **state)
{
	struct sfx f;
	struct store *st = NULL;
	struct err err;
	sqlite3 *db;
	int have, want;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.ops = &store_sqlite_ops;
	dsn_for(&f);
	/* a version-1 database (made by an older program) */
	assert_int_equal(sqlite3_open(f.path, &db), SQLITE_OK);
	assert_int_equal(sq_schema_migrate(db, 1, &err), 0);
	assert_int_equal(sq_schema_version(db, &have, &err), 0);
	assert_int_equal(have, 1);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO units (code, name, kind, path) VALUES"
				      " ('old', 'قدیمی', 0, '/1/')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_sqlite_ops.open(&st, f.path, 0, &err), 0);
	assert_int_equal(store_sqlite_ops.schema_version(st, &have, &want, &err), 0);
	assert_int_equal(have, want);
	{
		struct unit u;

		assert_int_equal(store_sqlite_ops.unit_get_by_code(st, "old", &u, &err), 0);
	}
	store_sqlite_ops.close(st);
	st = NULL;
	/* a database from the future */
	assert_int_equal(sqlite3_open(f.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_sqlite_ops.open(&st, f.path, 0, &err), ERR_INVALID);
	assert_non_null(strstr(err.msg, "newer"));
	assert_null(st);
	cleanup(&f);
}

/* Migration 4 (issue 9): a version-3 database's citizen hops lose the id
 * ("citizen:ID" -> "citizen"), other labels stay, and the secrets table
 * comes. */
static void sqlite_migration_citizen_labels(void **state)
{
	struct sfx f;
	struct store *st = NULL;
	struct referral *hops = NULL;
	unsigned char key[8] = "12345678", again[8] = "abcdefgh";
	struct err err;
	sqlite3 *db;
	size_t n;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.ops = &store_sqlite_ops;
	dsn_for(&f);
	assert_int_equal(sqlite3_open(f.path, &db), SQLITE_OK);
	assert_int_equal(sq_schema_migrate(db, 3, &err), 0);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO referrals (msg_id, kind, actor, at) VALUES"
				      " (1, 3, 'citizen:42', 10), (1, 0, 'operator', 5)",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_sqlite_ops.open(&st, f.path, 0, &err), 0);
	assert_int_equal(store_sqlite_ops.referral_list(st, 1, &hops, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(hops[0].actor, "citizen");
	assert_string_equal(hops[1].actor, "operator");
	free(hops);
	/* a secret is kept the first time only */
	assert_int_equal(store_sqlite_ops.begin(st, &err), 0);
	assert_int_equal(store_sqlite_ops.secret_get_or_put(st, "k", key, sizeof(key), &err), 0);
	assert_int_equal(store_sqlite_ops.secret_get_or_put(st, "k", again, sizeof(again), &err), 0);
	assert_int_equal(store_sqlite_ops.commit(st, &err), 0);
	assert_memory_equal(again, "12345678", 8);
	store_sqlite_ops.close(st);
	cleanup(&f);
}

static void sqlite_not_a_database(void **state)
{
	struct sfx f;
	struct store *st = NULL;
	struct err err;
	FILE *fp;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.ops = &store_sqlite_ops;
	dsn_for(&f);
	fp = fopen(f.path, "w");
	fputs("this is not a database, just some text that is long enough....................."
	      "..........................................................................", fp);
	fclose(fp);
	assert_true(store_sqlite_ops.open(&st, f.path, 0, &err) < 0);
	assert_null(st);
	cleanup(&f);
}

static void t_unit_tree(struct sfx *f)
{
	struct unit root, a, b, a1, got, *list;
	size_t n;
	bool yes;

	add_unit(f, "root", 0, &root);
	add_unit(f, "a", root.id, &a);
	add_unit(f, "b", root.id, &b);
	add_unit(f, "a1", a.id, &a1);
	assert_int_equal(f->ops->unit_within(f->st, root.id, a1.id, &yes, NULL), 0);
	assert_true(yes);
	assert_int_equal(f->ops->unit_within(f->st, a.id, a1.id, &yes, NULL), 0);
	assert_true(yes);
	assert_int_equal(f->ops->unit_within(f->st, a.id, a.id, &yes, NULL), 0);
	assert_true(yes);
	assert_int_equal(f->ops->unit_within(f->st, b.id, a1.id, &yes, NULL), 0);
	assert_false(yes);
	assert_int_equal(f->ops->unit_within(f->st, a1.id, a.id, &yes, NULL), 0);
	assert_false(yes);
	assert_int_equal(f->ops->unit_within(f->st, a.id, 9999, &yes, NULL), ERR_NOTFOUND);
	assert_int_equal(f->ops->unit_get_by_code(f->st, "a1", &got, NULL), 0);
	assert_int_equal(got.parent_id, a.id);
	assert_string_equal(got.name, "واحد a1");
	assert_int_equal(f->ops->unit_insert(f->st, &got, NULL), ERR_CONFLICT);
	assert_int_equal(f->ops->unit_list(f->st, &list, &n, NULL), 0);
	assert_int_equal(n, 4);
	assert_string_equal(list[0].code, "a");
	free(list);
}

static void unit_tree(void **state)
{
	(void)state;
	run_all(t_unit_tree);
}

static void t_msg_versions(struct sfx *f)
{
	struct msg *m = calloc(1, sizeof(*m)), *g = calloc(1, sizeof(*g));
	struct msg_text *t = calloc(1, sizeof(*t)), *gt = calloc(1, sizeof(*gt));
	struct citizen ci;
	struct unit u;
	struct err err;

	add_unit(f, "root", 0, &u);
	memset(&ci, 0, sizeof(ci));
	snprintf(ci.mobile, sizeof(ci.mobile), "09121112233");
	snprintf(ci.name, sizeof(ci.name), "مریم");
	ci.created_at = 100;
	assert_int_equal(f->ops->citizen_insert(f->st, &ci, &err), 0);
	snprintf(m->code, sizeof(m->code), "1234567890");
	snprintf(t->subject, sizeof(t->subject), "موضوع");
	snprintf(t->body, sizeof(t->body), "متن");
	snprintf(t->address, sizeof(t->address), "نشانی");
	/* the identity is the citizen row's, never written with the message */
	snprintf(t->citizen_name, sizeof(t->citizen_name), "not stored");
	m->unit_id = u.id;
	m->citizen_id = ci.id;
	m->created_at = 100;
	m->version = 1;
	assert_int_equal(f->ops->msg_insert(f->st, m, t, "موضوع متن", &err), 0);
	assert_true(m->id > 0);
	assert_int_equal(f->ops->msg_insert(f->st, m, t, "x", &err), ERR_CONFLICT);
	m->state = STATE_REFERRED;
	m->version = 2;
	assert_int_equal(f->ops->msg_update(f->st, m, NULL, &err), 0);
	/* an update from a stale version is refused */
	m->state = STATE_CLOSED;
	m->version = 2;
	assert_int_equal(f->ops->msg_update(f->st, m, NULL, &err), ERR_CONFLICT);
	assert_int_equal(f->ops->msg_get_by_code(f->st, "1234567890", g, &err), 0);
	assert_int_equal(g->state, STATE_REFERRED);
	assert_int_equal(g->version, 2);
	/* the texts apart: as inserted, with the citizen's identity joined */
	assert_int_equal(f->ops->msg_text_get(f->st, g->id, gt, &err), 0);
	assert_string_equal(gt->subject, "موضوع");
	assert_string_equal(gt->body, "متن");
	assert_string_equal(gt->address, "نشانی");
	assert_string_equal(gt->answer, "");
	assert_string_equal(gt->citizen_name, "مریم");
	assert_string_equal(gt->citizen_mobile, "09121112233");
	/* an update with texts writes the answer and the grade note, only them */
	snprintf(t->subject, sizeof(t->subject), "changed");
	snprintf(t->answer, sizeof(t->answer), "پاسخ");
	snprintf(t->grade_note, sizeof(t->grade_note), "یادداشت");
	g->state = STATE_ANSWERED;
	g->version = 3;
	assert_int_equal(f->ops->msg_update(f->st, g, t, &err), 0);
	assert_int_equal(f->ops->msg_text_get(f->st, g->id, gt, &err), 0);
	assert_string_equal(gt->subject, "موضوع");
	assert_string_equal(gt->answer, "پاسخ");
	assert_string_equal(gt->grade_note, "یادداشت");
	/* an update without texts leaves them */
	g->state = STATE_CLOSED;
	g->version = 4;
	assert_int_equal(f->ops->msg_update(f->st, g, NULL, &err), 0);
	assert_int_equal(f->ops->msg_text_get(f->st, g->id, gt, &err), 0);
	assert_string_equal(gt->answer, "پاسخ");
	assert_int_equal(f->ops->msg_text_get(f->st, 424242, gt, &err), ERR_NOTFOUND);
	g->id = 424242;
	g->version = 5;
	assert_int_equal(f->ops->msg_update(f->st, g, NULL, &err), ERR_NOTFOUND);
	free(m);
	free(g);
	free(t);
	free(gt);
}

static void msg_versions(void **state)
{
	(void)state;
	run_all(t_msg_versions);
}

/* The named state sets: a message of every state with a deadline passed,
 * and the store's overdue, not-overdue and by-deadline lists agree with the
 * model's msg_state_done (no open state left out, no done state let in). */
static void search_states(struct sfx *f, bool overdue, bool not_overdue, int sort,
			  unsigned *found)
{
	struct store_search q;
	struct msg *list = NULL;
	size_t n = 0, i;
	struct err err;

	memset(&q, 0, sizeof(q));
	q.state = q.kind = q.channel = -1;
	q.overdue = overdue;
	q.not_overdue = not_overdue;
	q.sort = sort;
	q.now = 1000;
	q.limit = 100;
	assert_int_equal(f->ops->msg_search(f->st, &q, &list, &n, &err), 0);
	*found = 0;
	for (i = 0; i < n; i++)
		*found |= MSG_STATE_BIT(list[i].state);
	free(list);
}

static void t_state_sets(struct sfx *f)
{
	struct msg *m = calloc(1, sizeof(*m)), *g = calloc(1, sizeof(*g));
	struct msg_text *t = calloc(1, sizeof(*t));
	unsigned all = (1u << STATE_COUNT) - 1, found;
	struct citizen ci;
	struct unit u;
	struct err err;
	int s;

	add_unit(f, "root", 0, &u);
	memset(&ci, 0, sizeof(ci));
	snprintf(ci.mobile, sizeof(ci.mobile), "09120000000");
	ci.created_at = 100;
	assert_int_equal(f->ops->citizen_insert(f->st, &ci, &err), 0);
	for (s = 0; s < STATE_COUNT; s++) {
		memset(m, 0, sizeof(*m));
		snprintf(m->code, sizeof(m->code), "100000000%c", (char)('0' + s));
		snprintf(t->subject, sizeof(t->subject), "موضوع");
		snprintf(t->body, sizeof(t->body), "متن");
		m->unit_id = u.id;
		m->citizen_id = ci.id;
		m->state = (enum msg_state)s;
		m->created_at = 100 + s;
		m->due_at = 500;
		m->answered_at = 200 + s;
		m->version = 1;
		assert_int_equal(f->ops->msg_insert(f->st, m, t, "موضوع متن", &err), 0);
	}
	assert_int_equal(MSG_STATES_DONE & ~all, 0);
	search_states(f, true, false, STORE_SORT_NEW, &found);
	assert_int_equal(found, all & ~MSG_STATES_DONE);
	search_states(f, false, true, STORE_SORT_NEW, &found);
	assert_int_equal(found, MSG_STATES_DONE);
	search_states(f, false, false, STORE_SORT_DUE, &found);
	assert_int_equal(found, all & ~MSG_STATES_DONE);
	for (s = 0; s < STATE_COUNT; s++)
		assert_int_equal(msg_state_done((enum msg_state)s),
				 (MSG_STATES_DONE & MSG_STATE_BIT(s)) != 0);
	/* the latest answered message is the one in state answered */
	assert_int_equal(f->ops->msg_latest_answered(f->st, ci.id, g, &err), 0);
	assert_int_equal(g->state, STATE_ANSWERED);
	free(m);
	free(g);
	free(t);
}

static void state_sets(void **state)
{
	(void)state;
	run_all(t_state_sets);
}

static void t_transactions(struct sfx *f)
{
	struct unit u, got;

	assert_int_equal(f->ops->begin(f->st, NULL), 0);
	add_unit(f, "gone", 0, &u);
	f->ops->rollback(f->st);
	assert_int_equal(f->ops->unit_get_by_code(f->st, "gone", &got, NULL), ERR_NOTFOUND);
	assert_int_equal(f->ops->begin(f->st, NULL), 0);
	add_unit(f, "kept", 0, &u);
	assert_int_equal(f->ops->commit(f->st, NULL), 0);
	assert_int_equal(f->ops->unit_get_by_code(f->st, "kept", &got, NULL), 0);
	f->ops->rollback(f->st);	/* harmless with none open */
}

static void transactions(void **state)
{
	(void)state;
	run_all(t_transactions);
}

static void t_audit_guard(struct sfx *f)
{
	struct audit_entry *e = calloc(1, sizeof(*e)), *list;
	char hash[AUDIT_HASH_HEX + 1];
	int64_t seq;
	size_t n;
	sqlite3 *db;

	assert_int_equal(f->ops->audit_tail(f->st, &seq, hash, NULL), 0);
	assert_int_equal(seq, 0);
	e->seq = 1;
	snprintf(e->actor, sizeof(e->actor), "t");
	snprintf(e->action, sizeof(e->action), "x");
	snprintf(e->payload, sizeof(e->payload), "{}");
	snprintf(e->prev_hash, sizeof(e->prev_hash), "00");
	snprintf(e->hash, sizeof(e->hash), "ab");
	assert_int_equal(f->ops->audit_insert(f->st, e, NULL), 0);
	assert_int_equal(f->ops->audit_insert(f->st, e, NULL), ERR_CONFLICT);
	assert_int_equal(f->ops->audit_tail(f->st, &seq, hash, NULL), 0);
	assert_int_equal(seq, 1);
	assert_string_equal(hash, "ab");
	assert_int_equal(f->ops->audit_list(f->st, 0, 10, &list, &n, NULL), 0);
	assert_int_equal(n, 1);
	free(list);
	free(e);
	if (f->ops != &store_sqlite_ops)
		return;
	/* the triggers refuse UPDATE and DELETE */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE audit SET actor = 'evil'", NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void audit_guard(void **state)
{
	(void)state;
	run_all(t_audit_guard);
}

static void t_sms_claim(struct sfx *f)
{
	struct sms s, got, again;
	struct err err;

	memset(&s, 0, sizeof(s));
	snprintf(s.to, sizeof(s.to), "09121234567");
	snprintf(s.body, sizeof(s.body), "سلام");
	s.created_at = 10;
	s.next_at = 50;
	assert_int_equal(f->ops->sms_insert(f->st, &s, &err), 0);
	assert_int_equal(f->ops->sms_next_due(f->st, 49, &got, &err), ERR_NOTFOUND);
	assert_int_equal(f->ops->sms_next_due(f->st, 50, &got, &err), 0);
	assert_string_equal(got.body, "سلام");
	again = got;
	got.state = SMS_SENDING;
	got.attempts = 1;
	assert_int_equal(f->ops->sms_update(f->st, &got, SMS_PENDING, &err), 0);
	/* a second claimer that read the same row loses */
	again.state = SMS_SENDING;
	assert_int_equal(f->ops->sms_update(f->st, &again, SMS_PENDING, &err), ERR_CONFLICT);
	assert_int_equal(f->ops->sms_next_due(f->st, 1000, &got, &err), ERR_NOTFOUND);
}

static void sms_claim_once(void **state)
{
	(void)state;
	run_all(t_sms_claim);
}

static void t_sessions_and_failures(struct sfx *f)
{
	struct store_session s, got;
	struct user u;
	int64_t count, oldest;

	memset(&u, 0, sizeof(u));
	snprintf(u.username, sizeof(u.username), "ali");
	snprintf(u.pwhash, sizeof(u.pwhash), "x");
	u.role = ROLE_OPERATOR;
	u.active = true;
	assert_int_equal(f->ops->user_insert(f->st, &u, NULL), 0);
	memset(&s, 0, sizeof(s));
	snprintf(s.token_hash, sizeof(s.token_hash), "%064d", 7);
	s.user_id = u.id;
	s.expires_at = 99;
	assert_int_equal(f->ops->session_insert(f->st, &s, NULL), 0);
	assert_int_equal(f->ops->session_get(f->st, s.token_hash, &got, NULL), 0);
	assert_int_equal(got.user_id, u.id);
	assert_false(got.revoked);
	assert_int_equal(f->ops->session_revoke(f->st, s.token_hash, NULL), 0);
	assert_int_equal(f->ops->session_get(f->st, s.token_hash, &got, NULL), 0);
	assert_true(got.revoked);
	assert_int_equal(f->ops->session_revoke(f->st, "nope", NULL), ERR_NOTFOUND);

	assert_int_equal(f->ops->login_fail_add(f->st, "user:ali", 100, NULL), 0);
	assert_int_equal(f->ops->login_fail_add(f->st, "user:ali", 200, NULL), 0);
	assert_int_equal(f->ops->login_fail_add(f->st, "user:bob", 200, NULL), 0);
	assert_int_equal(f->ops->login_fail_count(f->st, "user:ali", 150, &count, &oldest, NULL), 0);
	assert_int_equal(count, 1);
	assert_int_equal(oldest, 200);
	assert_int_equal(f->ops->login_fail_latest(f->st, "user:ali", &oldest, NULL), 0);
	assert_int_equal(oldest, 200);
	assert_int_equal(f->ops->login_fail_clear(f->st, "user:ali", NULL), 0);
	assert_int_equal(f->ops->login_fail_count(f->st, "user:ali", 0, &count, &oldest, NULL), 0);
	assert_int_equal(count, 0);
	assert_int_equal(f->ops->login_fail_latest(f->st, "user:ali", &oldest, NULL), 0);
	assert_int_equal(oldest, 0);
}

static void sessions_and_failures(void **state)
{
	(void)state;
	run_all(t_sessions_and_failures);
}

static void t_verify_codes(struct sfx *f)
{
	struct verify_code v, got;
	int64_t n, oldest;
	int i;

	assert_int_equal(f->ops->verify_latest(f->st, "09121234567", &got, NULL), ERR_NOTFOUND);
	for (i = 0; i < 3; i++) {
		memset(&v, 0, sizeof(v));
		snprintf(v.mobile, sizeof(v.mobile), "09121234567");
		snprintf(v.addr, sizeof(v.addr), "10.0.0.%d", i % 2);
		snprintf(v.salt, sizeof(v.salt), "%032d", i);
		snprintf(v.hash, sizeof(v.hash), "%064d", i);
		v.created_at = 100 + i;
		v.expires_at = 400 + i;
		assert_int_equal(f->ops->verify_insert(f->st, &v, NULL), 0);
		assert_true(v.id > 0);
	}
	assert_int_equal(f->ops->verify_latest(f->st, "09121234567", &got, NULL), 0);
	assert_int_equal(got.id, v.id);
	assert_string_equal(got.hash, v.hash);
	assert_string_equal(got.addr, "10.0.0.0");
	assert_int_equal(got.expires_at, 402);
	got.tries = 2;
	got.used = true;
	assert_int_equal(f->ops->verify_update(f->st, &got, NULL), 0);
	assert_int_equal(f->ops->verify_latest(f->st, "09121234567", &got, NULL), 0);
	assert_int_equal(got.tries, 2);
	assert_true(got.used);
	assert_int_equal(f->ops->verify_count_mobile(f->st, "09121234567", 101, &n, &oldest, NULL),
			 0);
	assert_int_equal(n, 2);
	assert_int_equal(oldest, 101);
	assert_int_equal(f->ops->verify_count_addr(f->st, "10.0.0.1", 0, &n, &oldest, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(f->ops->verify_prune(f->st, 102, NULL), 0);
	assert_int_equal(f->ops->verify_count_mobile(f->st, "09121234567", 0, &n, &oldest, NULL), 0);
	assert_int_equal(n, 1);
	got.id = 999;
	assert_int_equal(f->ops->verify_update(f->st, &got, NULL), ERR_NOTFOUND);
}

static void verify_codes(void **state)
{
	(void)state;
	run_all(t_verify_codes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_missing_refused),
		cmocka_unit_test(schema_is_current),
		cmocka_unit_test(sqlite_migrations),
		cmocka_unit_test(sqlite_migration_citizen_labels),
		cmocka_unit_test(sqlite_not_a_database),
		cmocka_unit_test(unit_tree),
		cmocka_unit_test(msg_versions),
		cmocka_unit_test(state_sets),
		cmocka_unit_test(transactions),
		cmocka_unit_test(audit_guard),
		cmocka_unit_test(sms_claim_once),
		cmocka_unit_test(sessions_and_failures),
		cmocka_unit_test(verify_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
