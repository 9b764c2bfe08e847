/*
 * test_store.c - the store contract, written once and run over every backend
 * in store_backends (SQLite, and PostgreSQL on a fresh database of the test
 * cluster HAMGAN_TEST_PG names: pg_test.h; HAMGAN_TEST_BACKEND=sqlite|
 * postgresql runs one only, as tests/run does), through store.h alone:
 * open, the schema version, the unit tree, optimistic message updates, the
 * message texts as written, the named state sets, search by words, transactions, the audit chain's rows,
 * SMS claims, sessions and failed logins, verification codes.  What only
 * SQLite has (its migrations, its file, its triggers, its query text) is
 * tests/unit/test_sqlite.c.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/caps.h"
#include "fa/terms.h"
#include "store/store.h"
#include "pg_test.h"

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
	if (f->ops == &store_pg_ops)
		pg_test_drop(f->path);
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

/* Each test body runs once per backend: every one in store_backends, or
 * the one HAMGAN_TEST_BACKEND names.  PostgreSQL is left out only when
 * nothing asked for it and no cluster is there (tests/run starts one). */
typedef void (*store_test)(struct sfx *f);

static bool backend_runs(const struct store_ops *ops)
{
	const char *only = getenv("HAMGAN_TEST_BACKEND");

	if (only && *only)
		return !strcmp(only, ops->name);
	return ops != &store_pg_ops || getenv("HAMGAN_TEST_PG");
}

static void run_all(store_test fn)
{
	const struct store_ops *const *b;
	int ran = 0;

	for (b = store_backends; *b; b++) {
		struct sfx f;
		struct err err;

		if (!backend_runs(*b))
			continue;
		ran++;
		memset(&f, 0, sizeof(f));
		f.ops = *b;
		dsn_for(&f);
		if (f.ops == &store_pg_ops)
			assert_int_equal(pg_test_db(f.path, sizeof(f.path)), 0);
		assert_int_equal(f.ops->open(&f.st, f.path, STORE_CREATE, NULL, &err), 0);
		fn(&f);
		cleanup(&f);
	}
	if (!ran)
		fail_msg("no backend named '%s'", getenv("HAMGAN_TEST_BACKEND"));
}

/* A missing database is ERR_NOTFOUND saying how to make one, and opening
 * it without STORE_CREATE makes nothing: for SQLite a file, for PostgreSQL
 * a database the server does not have. */
static void t_open_missing_refused(struct sfx *f)
{
	struct store *st = NULL;
	struct err err;
	char p[700];

	if (f->ops == &store_pg_ops) {
		pg_test_uri("hamgan_t_nope", p, sizeof(p));
		assert_int_equal(f->ops->open(&st, p, 0, NULL, &err), ERR_NOTFOUND);
		assert_null(st);
		assert_string_equal(err.field, "db");
		assert_non_null(strstr(err.msg, "'hamgan_t_nope' does not exist"));
		assert_non_null(strstr(err.msg, "createdb hamgan_t_nope"));
		assert_non_null(strstr(err.msg, "hamgan init"));
		/* and with STORE_CREATE: init cannot make a database either */
		assert_int_equal(f->ops->open(&st, p, STORE_CREATE, NULL, &err), ERR_NOTFOUND);
		assert_null(st);
		/* a database that exists but holds nothing of hamgan's */
		assert_int_equal(pg_test_db(p, sizeof(p)), 0);
		assert_int_equal(f->ops->open(&st, p, 0, NULL, &err), ERR_NOTFOUND);
		assert_non_null(strstr(err.msg, "hamgan init"));
		pg_test_drop(p);
		return;
	}
	snprintf(p, sizeof(p), "%s/nope.db", f->dir);
	assert_int_equal(f->ops->open(&st, p, 0, NULL, &err), ERR_NOTFOUND);
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
	/* whether a unit has children (core/agg.h: its alone rows are
	 * stored only then) */
	assert_int_equal(f->ops->unit_has_children(f->st, root.id, &yes, NULL), 0);
	assert_true(yes);
	assert_int_equal(f->ops->unit_has_children(f->st, a.id, &yes, NULL), 0);
	assert_true(yes);
	assert_int_equal(f->ops->unit_has_children(f->st, b.id, &yes, NULL), 0);
	assert_false(yes);
	assert_int_equal(f->ops->unit_has_children(f->st, a1.id, &yes, NULL), 0);
	assert_false(yes);
	assert_int_equal(f->ops->unit_has_children(f->st, 9999, &yes, NULL), 0);
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
	m->kind = KIND_SUGGESTION;
	m->created_at = 100;
	m->due_at = 5000;
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
	/* the citizen's view by code: its fields, texts and mobile in one read */
	{
		struct msg_public *p = malloc(sizeof(*p));

		assert_non_null(p);
		memset(p, 0x5a, sizeof(*p));
		assert_int_equal(f->ops->msg_public_get(f->st, "1234567890", p, &err), 0);
		assert_int_equal(p->id, g->id);
		assert_string_equal(p->code, "1234567890");
		assert_int_equal(p->kind, KIND_SUGGESTION);
		assert_int_equal(p->state, STATE_REFERRED);
		assert_int_equal(p->category_id, m->category_id);
		assert_int_equal(p->unit_id, m->unit_id);
		assert_int_equal(p->citizen_id, ci.id);
		assert_int_equal(p->created_at, 100);
		assert_int_equal(p->due_at, 5000);
		assert_int_equal(p->answered_at, 0);
		assert_int_equal(p->verdict, VERDICT_NONE);
		assert_int_equal(p->rating, 0);
		assert_int_equal(p->reject_reason, m->reject_reason);
		assert_string_equal(p->mobile, "09121112233");
		assert_string_equal(p->subject, "موضوع");
		assert_string_equal(p->body, "متن");
		assert_string_equal(p->answer, "");
		assert_int_equal(f->ops->msg_public_get(f->st, "1234567899", p, &err),
				 ERR_NOTFOUND);
		free(p);
	}
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

/* Fill dst (size bytes) with whole copies of the UTF-8 character ch, up to
 * the last byte. */
static void fill_with(char *dst, size_t size, const char *ch)
{
	size_t n = strlen(ch), k = 0;

	while (k + n < size) {
		memcpy(dst + k, ch, n);
		k += n;
	}
	dst[k] = '\0';
}

/* Every text column comes back as written, whatever it holds and however
 * the backend keeps it (SQLite packs Persian; base/tpack.h): empty, up to
 * each cap, Latin, Cyrillic, emoji, mixed, and through an update. */
static void t_msg_texts(struct sfx *f)
{
	static const char *const samples[] = {
		"",
		"چاله‌های خیابان ولیعصر، روبه‌روی پلاک ۱۲ «خطرناک» است؟",
		"Pothole on 5th Avenue near the corner of W 34th St",
		"Café Müller, Straße 9 — naïve façade",
		"Яма на дороге у дома 7",
		"😀 🚧 درخت افتاده 🌳 🙏",
		"道路に穴があります",
		"a",
		"س",
	};
	struct msg *m = calloc(1, sizeof(*m));
	struct msg_text *t = calloc(1, sizeof(*t)), *gt = calloc(1, sizeof(*gt));
	const size_t ns = sizeof(samples) / sizeof(samples[0]);
	struct unit u;
	struct err err;
	size_t i;

	add_unit(f, "root", 0, &u);
	for (i = 0; i < ns + 3; i++) {
		memset(m, 0, sizeof(*m));
		memset(t, 0, sizeof(*t));
		if (i < ns) {
			const char *x = samples[i], *y = samples[(i + 1) % ns];

			snprintf(t->subject, sizeof(t->subject), "%s", x);
			snprintf(t->body, sizeof(t->body), "%s", y);
			snprintf(t->address, sizeof(t->address), "%s", x);
		} else {
			/* each column full to its cap: two-byte letters, a
			 * three-byte ZWNJ, four-byte emoji */
			static const char *const fill[] = { "ب", "\xe2\x80\x8c", "😀" };

			fill_with(t->subject, sizeof(t->subject), fill[i % 3]);
			fill_with(t->body, sizeof(t->body), fill[(i + 1) % 3]);
			fill_with(t->address, sizeof(t->address), fill[(i + 2) % 3]);
		}
		snprintf(m->code, sizeof(m->code), "20000000%02zu", i);
		m->unit_id = u.id;
		m->created_at = 100;
		m->version = 1;
		assert_int_equal(f->ops->msg_insert(f->st, m, t, "x", &err), 0);
		assert_int_equal(f->ops->msg_text_get(f->st, m->id, gt, &err), 0);
		assert_string_equal(gt->subject, t->subject);
		assert_string_equal(gt->body, t->body);
		assert_string_equal(gt->address, t->address);
		assert_string_equal(gt->answer, "");
		assert_string_equal(gt->grade_note, "");
		/* the answer and the grade note, then another answer over them */
		if (i < ns) {
			snprintf(t->answer, sizeof(t->answer), "%s", samples[(i + 2) % ns]);
			snprintf(t->grade_note, sizeof(t->grade_note), "%s", samples[(i + 3) % ns]);
		} else {
			fill_with(t->answer, sizeof(t->answer), i % 2 ? "ی" : "😀");
			fill_with(t->grade_note, sizeof(t->grade_note), i % 2 ? "😀" : "ی");
		}
		m->version = 2;
		assert_int_equal(f->ops->msg_update(f->st, m, t, &err), 0);
		assert_int_equal(f->ops->msg_text_get(f->st, m->id, gt, &err), 0);
		assert_string_equal(gt->answer, t->answer);
		assert_string_equal(gt->grade_note, t->grade_note);
		assert_string_equal(gt->subject, t->subject);
		snprintf(t->answer, sizeof(t->answer), "Done.");
		t->grade_note[0] = '\0';
		m->version = 3;
		assert_int_equal(f->ops->msg_update(f->st, m, t, &err), 0);
		assert_int_equal(f->ops->msg_text_get(f->st, m->id, gt, &err), 0);
		assert_string_equal(gt->answer, "Done.");
		assert_string_equal(gt->grade_note, "");
		assert_string_equal(gt->body, t->body);
	}
	free(m);
	free(t);
	free(gt);
}

static void msg_texts(void **state)
{
	(void)state;
	run_all(t_msg_texts);
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

/* A message in unit with subject and body, indexed as the core indexes it
 * (fa_index_text of the subject, then of the body), created at `at`. */
static int64_t add_msg(struct sfx *f, int64_t unit, int at, enum msg_state state,
		       const char *subject, const char *body)
{
	struct msg *m = calloc(1, sizeof(*m));
	struct msg_text *t = calloc(1, sizeof(*t));
	struct buf idx = BUF_INIT(CAP_INDEX_TEXT);
	struct err err;
	int64_t id;

	snprintf(m->code, sizeof(m->code), "20000%05d", at);
	snprintf(t->subject, sizeof(t->subject), "%s", subject);
	snprintf(t->body, sizeof(t->body), "%s", body);
	m->unit_id = unit;
	m->state = state;
	m->created_at = at;
	m->version = 1;
	assert_int_equal(fa_index_text(subject, strlen(subject), &idx), 0);
	assert_int_equal(fa_index_text(body, strlen(body), &idx), 0);
	assert_int_equal(f->ops->msg_insert(f->st, m, t, idx.data, &err), 0);
	id = m->id;
	buf_release(&idx);
	free(t);
	free(m);
	return id;
}

/* The ids (newest first, as a text search orders them, at most 8) that
 * words find, with the state filter (-1 any); msg_count must agree. */
static size_t words_find(struct sfx *f, const char *const *words, size_t n, int state,
			 int64_t ids[8])
{
	struct store_search q;
	struct msg *list = NULL;
	size_t got = 0, i;
	int64_t count = -1;
	bool partial = true;
	struct err err;

	memset(&q, 0, sizeof(q));
	q.words = words;
	q.nwords = n;
	q.state = state;
	q.kind = q.channel = -1;
	q.limit = 8;
	assert_int_equal(f->ops->msg_search(f->st, &q, &list, &got, &err), 0);
	for (i = 0; i < got; i++) {
		ids[i] = list[i].id;
		if (i)
			assert_true(ids[i] < ids[i - 1]);
	}
	free(list);
	assert_int_equal(f->ops->msg_count(f->st, &q, 100, 1000, &count, &partial, &err), 0);
	assert_int_equal(count, (int64_t)got);
	assert_false(partial);
	return got;
}

#define FIND(f, state, ids, ...) \
	words_find(f, (const char *const[]){ __VA_ARGS__ }, \
		   sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *), state, ids)

/* Search by words (store.h, struct store_search): every word must match,
 * each through its stem or its stem joined with a neighbour, whole terms
 * only; words are data, never query syntax; filters narrow; a text search
 * reads a bounded share of the matches. */
static void t_search_words(struct sfx *f)
{
	static const char *const bad_empty[] = { "چاله", "" };
	static const char *const bad_space[] = { "چاله خیابان" };
	const char *many[CAP_SEARCH_WORDS + 1];
	struct store_search q;
	struct msg *list = NULL;
	struct unit u;
	struct err err;
	int64_t a, b, c, d, ids[8], end = -1, count;
	size_t n, i;
	bool partial;

	add_unit(f, "root", 0, &u);
	a = add_msg(f, u.id, 1, STATE_REGISTERED, "چاله‌های خیابان", "کوچهٔ ناصر خسرو");
	b = add_msg(f, u.id, 2, STATE_CLOSED, "درخت", "خیابان ناصرخسرو، بزرگ تر از قبل");
	c = add_msg(f, u.id, 3, STATE_REGISTERED, "روشنایی", "چراغ \"خاموش\" OR NEAR است");
	d = add_msg(f, u.id, 4, STATE_REGISTERED, "چاله", "شاخه‌ها بزرگتر شده");
	/* one word: its stem, any written form */
	assert_int_equal(FIND(f, -1, ids, "چاله"), 2);
	assert_int_equal(ids[0], d);
	assert_int_equal(ids[1], a);
	assert_int_equal(FIND(f, -1, ids, "چالهها"), 2);
	assert_int_equal(FIND(f, -1, ids, "خیابانها"), 2);
	/* whole terms, never a prefix */
	assert_int_equal(FIND(f, -1, ids, "چال"), 0);
	assert_int_equal(FIND(f, -1, ids, "خاموشی"), 0);
	/* joined and split neighbours find each other */
	assert_int_equal(FIND(f, -1, ids, "ناصر", "خسرو"), 2);
	assert_int_equal(FIND(f, -1, ids, "ناصرخسرو"), 2);
	assert_int_equal(FIND(f, -1, ids, "بزرگ", "تر"), 2);
	assert_int_equal(FIND(f, -1, ids, "بزرگتر"), 2);
	/* every word must match */
	assert_int_equal(FIND(f, -1, ids, "چاله", "درخت"), 0);
	assert_int_equal(FIND(f, -1, ids, "خیابان", "چاله"), 1);
	assert_int_equal(ids[0], a);
	/* words are data: quotes and operators are only text (a quote is
	 * punctuation to a tokenizer, or part of the word: never syntax) */
	assert_true(FIND(f, -1, ids, "\"خاموش\"") <= 1);
	assert_int_equal(FIND(f, -1, ids, "خاموش", "or", "near"), 1);
	assert_int_equal(ids[0], c);
	assert_int_equal(FIND(f, -1, ids, "or"), 1);
	assert_int_equal(FIND(f, -1, ids, "خاموش", "OR", "چاله"), 0);
	assert_int_equal(FIND(f, -1, ids, "near(", "*", "^چاله", "-"), 0);
	/* with a filter */
	assert_int_equal(FIND(f, STATE_CLOSED, ids, "ناصرخسرو"), 1);
	assert_int_equal(ids[0], b);
	/* no words: every message, newest first */
	assert_int_equal(words_find(f, NULL, 0, -1, ids), 4);
	assert_int_equal(ids[0], d);
	/* what store.h refuses */
	memset(&q, 0, sizeof(q));
	q.state = q.kind = q.channel = -1;
	q.limit = 8;
	for (i = 0; i <= CAP_SEARCH_WORDS; i++)
		many[i] = "چاله";
	q.words = many;
	q.nwords = CAP_SEARCH_WORDS;
	assert_int_equal(f->ops->msg_search(f->st, &q, &list, &n, &err), 0);
	assert_int_equal(n, 2);
	free(list);
	q.nwords = CAP_SEARCH_WORDS + 1;
	assert_int_equal(f->ops->msg_search(f->st, &q, &list, &n, &err), ERR_INVALID);
	assert_string_equal(err.field, "q");
	assert_int_equal(f->ops->msg_count(f->st, &q, 100, 100, &count, &partial, &err),
			 ERR_INVALID);
	q.words = bad_empty;
	q.nwords = 2;
	assert_int_equal(f->ops->msg_search(f->st, &q, &list, &n, &err), ERR_INVALID);
	q.words = bad_space;
	q.nwords = 1;
	assert_int_equal(f->ops->msg_search(f->st, &q, &list, &n, &err), ERR_INVALID);
	/* a page reads at most scan of the words' matches: with a filter no
	 * match meets, it stops there and says where to read on */
	q.words = many;
	q.nwords = 1;
	q.state = STATE_ANSWERED;
	q.scan = 1;
	q.scan_end = &end;
	assert_int_equal(f->ops->msg_search(f->st, &q, &list, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(end, d);
	assert_int_equal(f->ops->msg_count(f->st, &q, 100, 1, &count, &partial, &err), 0);
	assert_int_equal(count, 0);
	assert_true(partial);
	q.state = -1;
	q.scan = 10;
	assert_int_equal(f->ops->msg_search(f->st, &q, &list, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(end, 0);
	free(list);
}

static void search_words(void **state)
{
	(void)state;
	run_all(t_search_words);
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

/* sms_prune deletes only rows done with before the cut-off, at most max a
 * call, walking by id from `after`; pending and sending rows stay however
 * old they are. */
static void t_sms_prune(struct sfx *f)
{
	static const struct { int state; int64_t created, claimed, sent; } rows[] = {
		{ SMS_SENT, 10, 11, 12 },	/* 1: sent long ago */
		{ SMS_PENDING, 10, 0, 0 },	/* 2: waiting */
		{ SMS_FAILED, 10, 0, 0 },	/* 3: failed, never claimed */
		{ SMS_SENDING, 10, 11, 0 },	/* 4: its sender died */
		{ SMS_FAILED, 10, 500, 0 },	/* 5: failed, last tried late */
		{ SMS_SENT, 10, 11, 500 },	/* 6: sent late */
		{ SMS_SENT, 20, 21, 22 },	/* 7: sent long ago */
	};
	struct sms_pruned p;
	struct sms s, *list = NULL;
	struct err err;
	size_t i, n;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&s, 0, sizeof(s));
		snprintf(s.to, sizeof(s.to), "09121234567");
		snprintf(s.body, sizeof(s.body), "سلام");
		s.created_at = rows[i].created;
		s.next_at = rows[i].created;
		assert_int_equal(f->ops->sms_insert(f->st, &s, &err), 0);
		s.state = rows[i].state;
		s.claimed_at = rows[i].claimed;
		s.sent_at = rows[i].sent;
		if (s.state != SMS_PENDING)
			assert_int_equal(f->ops->sms_update(f->st, &s, SMS_PENDING, &err), 0);
	}
	/* one at a time: 1, then 3 (2 is pending) */
	assert_int_equal(f->ops->sms_prune(f->st, 100, 0, 1, &p, &err), 0);
	assert_true(p.sent == 1 && p.failed == 0 && p.first_id == 1 && p.last_id == 1);
	assert_int_equal(f->ops->sms_prune(f->st, 100, 1, 1, &p, &err), 0);
	assert_true(p.sent == 0 && p.failed == 1 && p.first_id == 3 && p.last_id == 3);
	/* the rest from 3 on: only 7 (5 and 6 are after the cut-off) */
	assert_int_equal(f->ops->sms_prune(f->st, 100, 3, 10, &p, &err), 0);
	assert_true(p.sent == 1 && p.failed == 0 && p.first_id == 7 && p.last_id == 7);
	assert_int_equal(f->ops->sms_prune(f->st, 100, 7, 10, &p, &err), 0);
	assert_true(p.sent == 0 && p.failed == 0 && p.last_id == 0);
	/* what is left: 2 pending, 4 sending, 5 and 6 recent */
	assert_int_equal(f->ops->sms_list(f->st, 10, &list, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_int_equal(list[0].id, 6);
	assert_int_equal(list[1].id, 5);
	assert_int_equal(list[2].id, 4);
	assert_int_equal(list[3].id, 2);
	free(list);
	/* a later cut-off takes 5 and 6, never 2 or 4 */
	assert_int_equal(f->ops->sms_prune(f->st, 1000, 0, 10, &p, &err), 0);
	assert_true(p.sent == 1 && p.failed == 1 && p.first_id == 5 && p.last_id == 6);
}

static void sms_prune_done_rows(void **state)
{
	(void)state;
	run_all(t_sms_prune);
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
		cmocka_unit_test(unit_tree),
		cmocka_unit_test(msg_versions),
		cmocka_unit_test(msg_texts),
		cmocka_unit_test(state_sets),
		cmocka_unit_test(search_words),
		cmocka_unit_test(transactions),
		cmocka_unit_test(audit_guard),
		cmocka_unit_test(sms_claim_once),
		cmocka_unit_test(sms_prune_done_rows),
		cmocka_unit_test(sessions_and_failures),
		cmocka_unit_test(verify_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
