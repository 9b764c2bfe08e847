/*
 * test_pg_msg.c - the PostgreSQL backend's message ops (src/store/pg_msg.c)
 * against the SQLite backend's: the same units, categories, citizens and
 * messages go into both (SQLite through its ops, PostgreSQL's reference
 * rows through plain SQL, so these tests need no other PostgreSQL op), and
 * every read, search, count, scan, place look-up and id list must give the
 * same rows in the same order.  The search's syntax safety is tested on
 * its own: terms made of tsquery's syntax characters are data.
 *
 * Runs only with HAMGAN_TEST_PG (the base URI of a throw-away cluster,
 * scripts/pg-cluster); skips cleanly without it.
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

#include "base/buf.h"
#include "base/caps.h"
#include "fa/terms.h"
#include "store/pg_int.h"
#include "store/pg_msg.h"
#include "store/store.h"
#include "pg_test.h"

/* The two stores and the PostgreSQL side's own connection. */
struct pair {
	char dir[512], sqpath[600], uri[512];
	struct store *sq, *pg;
	PGconn *conn;
};

static struct pair P;

/* Terms that are tsquery syntax, each a whole term of some message. */
static const char *const nasty[] = {
	"it's", "back\\slash", "a:b", "x:*", "&", "|", "!", "(", ")", "<->", "<2>",
	"a&b", "a|b", "!a", "(a)", "'", "''", "\\", "\\'", "a:A", "ab:*B", "<", ">",
	"'a'|'b'", "a\tb", "چاله", "ناصرخسرو",
};
#define NNASTY (sizeof(nasty) / sizeof(nasty[0]))

/* Terms as src/fa makes them (runs of letters and digits) that the
 * generated messages draw from, a common one first: SQLite's tokenizer
 * splits a term at punctuation, so the nasty ones are compared with the
 * index's own rows instead. */
static const char *const pool[] = {
	"چاله", "درخت", "آب", "برق", "خیاب", "کوچه", "پارک", "زباله", "نور", "صدا",
	"abc", "x1", "2024",
};
#define NPOOL (sizeof(pool) / sizeof(pool[0]))

static uint64_t rnd_state = 88172645463325252ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static int64_t pick(int64_t n)
{
	return (int64_t)(rnd() % (uint64_t)n);
}

static void sql(const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	PGresult *r;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	r = PQexec(P.conn, text);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", text, PQerrorMessage(P.conn));
	PQclear(r);
}

/* One text value of a query with one text parameter. */
static void sql_value(const char *text, const char *param, char *out, size_t outsz)
{
	const char *v[1] = { param };
	PGresult *r = PQexecParams(P.conn, text, param ? 1 : 0, NULL, v, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", text, PQerrorMessage(P.conn));
	snprintf(out, outsz, "%s", PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
}

static void add_unit(const char *code, int64_t parent, const char *path)
{
	struct unit u;

	memset(&u, 0, sizeof(u));
	snprintf(u.code, sizeof(u.code), "%s", code);
	snprintf(u.name, sizeof(u.name), "واحد %s", code);
	u.kind = parent ? UNIT_REGION : UNIT_ORGANISATION;
	u.parent_id = parent;
	u.active = true;
	assert_int_equal(store_sqlite_ops.unit_insert(P.sq, &u, NULL), 0);
	if (parent)
		sql("INSERT INTO units (id, code, name, kind, parent_id, path) VALUES"
		    " (%lld, '%s', 'u', %d, %lld, '%s')", (long long)u.id, code, u.kind,
		    (long long)parent, path);
	else
		sql("INSERT INTO units (id, code, name, kind, path) VALUES"
		    " (%lld, '%s', 'u', %d, '%s')", (long long)u.id, code, u.kind, path);
}

static void add_refs(void)
{
	struct category c;
	struct citizen ci;
	struct user us;
	struct live_session ls;
	int i;

	add_unit("root", 0, "/1/");
	add_unit("a", 1, "/1/2/");
	add_unit("b", 1, "/1/3/");
	add_unit("a1", 2, "/1/2/4/");
	for (i = 1; i <= 2; i++) {
		memset(&c, 0, sizeof(c));
		snprintf(c.code, sizeof(c.code), "c%d", i);
		snprintf(c.name, sizeof(c.name), "دسته %d", i);
		c.deadline_hours = 24;
		c.kinds = CATEGORY_ALL_KINDS;
		c.active = true;
		assert_int_equal(store_sqlite_ops.category_insert(P.sq, &c, NULL), 0);
		assert_int_equal(c.id, i);
		sql("INSERT INTO categories (id, code, name, deadline_hours, kinds) VALUES"
		    " (%d, 'c%d', 'c', 24, %u)", i, i, CATEGORY_ALL_KINDS);
		memset(&ci, 0, sizeof(ci));
		snprintf(ci.mobile, sizeof(ci.mobile), "%s", i == 1 ? "09120000001" : "09120000002");
		snprintf(ci.name, sizeof(ci.name), "%s", i == 1 ? "مریم" : "");
		snprintf(ci.national_id, sizeof(ci.national_id), "%s", i == 1 ? "0012345679" : "");
		ci.created_at = 100;
		assert_int_equal(store_sqlite_ops.citizen_insert(P.sq, &ci, NULL), 0);
		assert_int_equal(ci.id, i);
		sql("INSERT INTO citizens (id, mobile, name, national_id, created_at) VALUES"
		    " (%d, '%s', '%s', '%s', 100)", i, ci.mobile, ci.name, ci.national_id);
	}
	memset(&us, 0, sizeof(us));
	snprintf(us.username, sizeof(us.username), "clerk");
	us.role = ROLE_STAFF;
	us.unit_id = 2;
	us.active = true;
	us.created_at = 1;
	snprintf(us.pwhash, sizeof(us.pwhash), "x");
	assert_int_equal(store_sqlite_ops.user_insert(P.sq, &us, NULL), 0);
	sql("INSERT INTO users (id, username, role, unit_id, created_at, pwhash) VALUES"
	    " (%lld, 'clerk', %d, 2, 1, 'x')", (long long)us.id, ROLE_STAFF);
	memset(&ls, 0, sizeof(ls));
	ls.unit_id = 2;
	ls.host_user_id = us.id;
	snprintf(ls.title, sizeof(ls.title), "دیدار");
	ls.starts_at = 1;
	ls.ends_at = 2;
	ls.created_at = 1;
	assert_int_equal(store_sqlite_ops.live_insert(P.sq, &ls, NULL), 0);
	sql("INSERT INTO live_sessions (id, unit_id, host_user_id, title, starts_at, ends_at,"
	    " created_at) VALUES (%lld, 2, %lld, 't', 1, 2, 1)", (long long)ls.id,
	    (long long)us.id);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPROOT");
	struct err err;

	(void)state;
	memset(&P, 0, sizeof(P));
	if (pg_test_db(P.uri, sizeof(P.uri)) < 0)
		return 0;	/* skipped: no test cluster */
	snprintf(P.dir, sizeof(P.dir), "%s/pgmsg.XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(P.dir))
		return -1;
	snprintf(P.sqpath, sizeof(P.sqpath), "%s/s.db", P.dir);
	if (store_sqlite_ops.open(&P.sq, P.sqpath, STORE_CREATE, NULL, &err) < 0 ||
	    store_pg_ops.open(&P.pg, P.uri, STORE_CREATE, NULL, &err) < 0) {
		fprintf(stderr, "open: %s\n", err.msg);
		return -1;
	}
	P.conn = PQconnectdb(P.uri);
	if (PQstatus(P.conn) != CONNECTION_OK)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	char p[700];

	(void)state;
	if (!P.pg)
		return 0;
	PQfinish(P.conn);
	store_pg_ops.close(P.pg);
	store_sqlite_ops.close(P.sq);
	pg_test_drop(P.uri);
	unlink(P.sqpath);
	snprintf(p, sizeof(p), "%s-wal", P.sqpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", P.sqpath);
	unlink(p);
	rmdir(P.dir);
	return 0;
}

#define SKIP_WITHOUT_PG() do { if (!P.pg) skip(); } while (0)

static void fill_msg(struct msg *m, int64_t i)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->code, sizeof(m->code), "T%06lld", (long long)i);
	m->channel = (enum msg_channel)pick(5);
	m->kind = (enum msg_kind)pick(5);
	m->category_id = pick(3);
	m->has_point = pick(2);
	if (m->has_point) {
		m->lat = 35.6 + (double)pick(1000) / 7919.0;
		m->lon = 51.3 + (double)pick(1000) / 6007.0;
	}
	m->citizen_id = pick(3);
	m->confidential = pick(4) == 0;
	m->state = (enum msg_state)pick(STATE_COUNT);
	m->unit_id = 1 + pick(4);
	m->live_session_id = pick(8) == 0;
	m->created_at = 1000 + pick(200) * 10;	/* ties on purpose */
	m->due_at = pick(3) ? m->created_at + pick(400) * 10 : 0;
	m->answered_at = m->state == STATE_ANSWERED ? m->created_at + pick(100) : 0;
	m->version = 1;
}

/* The message updates changes (its unit and category): none of the nasty
 * terms' (search_syntax_safe wants a holder of each). */
#define UPDATED_ID 100

/* Insert into both; the index text: a few terms of the pool (with doubled
 * spaces now and then), and message i's own nasty term.  Message
 * UPDATED_ID's is its subject's and body's, as msg_insert asks (store.h):
 * SQLite makes its entry again from them when its unit or category
 * changes. */
static int64_t add_both(int64_t i, const struct msg_text *tx)
{
	struct buf idx = BUF_INIT(4096);
	struct msg a, b;
	int64_t k, nt = 1 + pick(4);

	fill_msg(&a, i);
	for (k = 0; k < nt; k++) {
		buf_adds(&idx, pool[k == 0 && pick(2) ? 0 : pick(NPOOL)]);
		buf_adds(&idx, pick(5) ? " " : "  ");
	}
	if (i + 1 == UPDATED_ID) {
		buf_reset(&idx);
		assert_int_equal(fa_index_text(tx->subject, strlen(tx->subject), &idx), 0);
		assert_int_equal(fa_index_text(tx->body, strlen(tx->body), &idx), 0);
	} else if (i < (int64_t)NNASTY) {
		buf_adds(&idx, nasty[i]);
	}
	b = a;
	assert_int_equal(store_sqlite_ops.msg_insert(P.sq, &a, tx, idx.data, NULL), 0);
	assert_int_equal(store_pg_ops.msg_insert(P.pg, &b, tx, idx.data, NULL), 0);
	assert_int_equal(a.id, b.id);
	if (pick(5) == 0) {
		assert_int_equal(store_sqlite_ops.assign_set(P.sq, a.id, 1, 5, NULL), 0);
		sql("INSERT INTO msg_assign (msg_id, user_id, at) VALUES (%lld, 1, 5)",
		    (long long)a.id);
	}
	buf_release(&idx);
	return a.id;
}

static int64_t nmsg;

static void load(void)
{
	static struct msg_text tx;
	int64_t i;

	if (nmsg)
		return;
	add_refs();
	snprintf(tx.subject, sizeof(tx.subject), "چالهٔ بزرگ");
	snprintf(tx.body, sizeof(tx.body), "در خیابان 'ناصر خسرو' \\ & | !");
	snprintf(tx.address, sizeof(tx.address), "تهران");
	for (i = 0; i < 400; i++)
		add_both(i, &tx);
	nmsg = i;
}

static void same_msgs(const struct msg *a, size_t na, const struct msg *b, size_t nb)
{
	size_t i;

	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		assert_int_equal(a[i].id, b[i].id);
		assert_memory_equal(&a[i], &b[i], sizeof(a[i]));
	}
}

/* ---- records ---- */

static void records(void **state)
{
	struct msg a, b;
	struct msg_text ta, tb;
	struct err err;
	int64_t id;

	(void)state;
	SKIP_WITHOUT_PG();
	load();
	for (id = 1; id <= nmsg; id += 7) {
		assert_int_equal(store_sqlite_ops.msg_get(P.sq, id, &a, NULL), 0);
		assert_int_equal(store_pg_ops.msg_get(P.pg, id, &b, NULL), 0);
		assert_memory_equal(&a, &b, sizeof(a));
		assert_int_equal(store_pg_ops.msg_get_by_code(P.pg, a.code, &b, NULL), 0);
		assert_memory_equal(&a, &b, sizeof(a));
		assert_int_equal(store_sqlite_ops.msg_text_get(P.sq, id, &ta, NULL), 0);
		assert_int_equal(store_pg_ops.msg_text_get(P.pg, id, &tb, NULL), 0);
		assert_memory_equal(&ta, &tb, sizeof(ta));
	}
	assert_int_equal(store_pg_ops.msg_get(P.pg, nmsg + 5, &b, &err), ERR_NOTFOUND);
	assert_int_equal(store_pg_ops.msg_get_by_code(P.pg, "nope", &b, &err), ERR_NOTFOUND);
	assert_int_equal(store_pg_ops.msg_text_get(P.pg, nmsg + 5, &tb, &err), ERR_NOTFOUND);
	for (id = 0; id <= 3; id++) {
		int ra = store_sqlite_ops.msg_latest_answered(P.sq, id, &a, NULL);
		int rb = store_pg_ops.msg_latest_answered(P.pg, id, &b, NULL);

		assert_int_equal(ra, rb);
		if (ra == 0)
			assert_memory_equal(&a, &b, sizeof(a));
	}
}

/* Optimistic updates, and the texts a transition writes (answer and grade
 * note, never the registration's). */
static void updates(void **state)
{
	struct msg a, b;
	struct msg_text ta, tb;
	struct err err;
	char v[64], idv[32];

	(void)state;
	SKIP_WITHOUT_PG();
	load();
	assert_int_equal(store_pg_ops.msg_get(P.pg, UPDATED_ID, &b, NULL), 0);
	assert_int_equal(store_sqlite_ops.msg_get(P.sq, UPDATED_ID, &a, NULL), 0);
	b.version++;
	b.state = STATE_ANSWERED;
	b.answered_at = 9999;
	b.unit_id = 4;
	b.category_id = 0;
	b.rating = 4;
	a = b;
	memset(&ta, 0, sizeof(ta));
	snprintf(ta.subject, sizeof(ta.subject), "not written");
	snprintf(ta.answer, sizeof(ta.answer), "پاسخ 'داده' شد \\");
	snprintf(ta.grade_note, sizeof(ta.grade_note), "خوب");
	assert_int_equal(store_sqlite_ops.msg_update(P.sq, &a, &ta, NULL), 0);
	assert_int_equal(store_pg_ops.msg_update(P.pg, &b, &ta, NULL), 0);
	/* the same version again: stale */
	assert_int_equal(store_pg_ops.msg_update(P.pg, &b, NULL, &err), ERR_CONFLICT);
	assert_int_equal(store_sqlite_ops.msg_update(P.sq, &a, NULL, NULL), ERR_CONFLICT);
	b.id = nmsg + 9;
	assert_int_equal(store_pg_ops.msg_update(P.pg, &b, NULL, &err),
			 store_sqlite_ops.msg_update(P.sq, &b, NULL, NULL));
	assert_int_equal(store_sqlite_ops.msg_get(P.sq, UPDATED_ID, &a, NULL), 0);
	assert_int_equal(store_pg_ops.msg_get(P.pg, UPDATED_ID, &b, NULL), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(b.unit_id, 4);
	assert_int_equal(b.category_id, 0);
	assert_int_equal(store_sqlite_ops.msg_text_get(P.sq, UPDATED_ID, &ta, NULL), 0);
	assert_int_equal(store_pg_ops.msg_text_get(P.pg, UPDATED_ID, &tb, NULL), 0);
	assert_memory_equal(&ta, &tb, sizeof(ta));
	assert_string_equal(tb.answer, "پاسخ 'داده' شد \\");
	assert_string_equal(tb.subject, "چالهٔ بزرگ");
	/* without texts, the texts stay */
	b.version++;
	b.state = STATE_CLOSED;
	a = b;
	assert_int_equal(store_pg_ops.msg_update(P.pg, &b, NULL, NULL), 0);
	assert_int_equal(store_sqlite_ops.msg_update(P.sq, &a, NULL, NULL), 0);
	assert_int_equal(store_pg_ops.msg_text_get(P.pg, UPDATED_ID, &tb, NULL), 0);
	assert_string_equal(tb.grade_note, "خوب");
	/* a bad unit is refused and changes nothing */
	b.version++;
	b.unit_id = 999;
	assert_int_equal(store_pg_ops.msg_update(P.pg, &b, NULL, &err), ERR_INVALID);
	snprintf(idv, sizeof(idv), "%d", UPDATED_ID);
	sql_value("SELECT unit_id FROM messages WHERE id = $1::bigint", idv, v, sizeof(v));
	assert_string_equal(v, "4");
}

static void referrals(void **state)
{
	struct referral r, *la, *lb;
	size_t na, nb, i;
	struct err err;

	(void)state;
	SKIP_WITHOUT_PG();
	load();
	for (i = 0; i < 3; i++) {
		memset(&r, 0, sizeof(r));
		r.msg_id = 5;
		r.kind = (enum hop_kind)i;
		r.from_unit = i ? 2 : 0;
		r.to_unit = 3;
		r.actor_id = i == 1 ? 1 : 0;
		snprintf(r.actor, sizeof(r.actor), "clerk");
		snprintf(r.reason, sizeof(r.reason), "دلیل %zu", i);
		r.deadline = 500 + (int64_t)i;
		r.at = 400;
		assert_int_equal(store_sqlite_ops.referral_insert(P.sq, &r, NULL), 0);
		assert_int_equal(store_pg_ops.referral_insert(P.pg, &r, NULL), 0);
		assert_int_equal(r.id, (int64_t)i + 1);
	}
	r.msg_id = nmsg + 50;
	assert_int_equal(store_pg_ops.referral_insert(P.pg, &r, &err), ERR_INVALID);
	assert_int_equal(store_sqlite_ops.referral_list(P.sq, 5, &la, &na, NULL), 0);
	assert_int_equal(store_pg_ops.referral_list(P.pg, 5, &lb, &nb, NULL), 0);
	assert_int_equal(na, 3);
	assert_int_equal(nb, 3);
	for (i = 0; i < na; i++)
		assert_memory_equal(&la[i], &lb[i], sizeof(la[i]));
	free(la);
	free(lb);
	assert_int_equal(store_pg_ops.referral_list(P.pg, 6, &lb, &nb, NULL), 0);
	assert_int_equal(nb, 0);
	free(lb);
}

/* ---- search ---- */

/* Page through q on both stores and compare each page, its scan_end and
 * the cursor the core would make from it. */
static void compare_pages(struct store_search *q)
{
	struct msg *la, *lb;
	size_t na, nb;
	int64_t ea, eb;
	struct err err;
	int pages = 0;

	q->has_cursor = false;
	for (;;) {
		q->scan_end = &ea;
		if (store_sqlite_ops.msg_search(P.sq, q, &la, &na, &err) < 0)
			fail_msg("sqlite: %s", err.msg);
		q->scan_end = &eb;
		if (store_pg_ops.msg_search(P.pg, q, &lb, &nb, &err) < 0)
			fail_msg("postgresql: %s", err.msg);
		same_msgs(la, na, lb, nb);
		assert_int_equal(ea, eb);
		free(lb);
		if (++pages > 200 || (na < q->limit && !ea)) {
			free(la);
			break;
		}
		q->has_cursor = true;
		if (na == q->limit) {
			q->cursor_id = la[na - 1].id;
			q->cursor_at = q->sort == STORE_SORT_DUE ? la[na - 1].due_at :
				       la[na - 1].created_at;
		} else {
			q->cursor_id = ea;
		}
		free(la);
	}
}

static void compare_count(const struct store_search *q, int64_t max, int64_t scan)
{
	int64_t ca, cb;
	bool pa, pb;
	struct err err;

	if (store_sqlite_ops.msg_count(P.sq, q, max, scan, &ca, &pa, &err) < 0)
		fail_msg("sqlite count: %s", err.msg);
	if (store_pg_ops.msg_count(P.pg, q, max, scan, &cb, &pb, &err) < 0)
		fail_msg("postgresql count: %s", err.msg);
	assert_int_equal(ca, cb);
	assert_int_equal(pa, pb);
}

static void random_query(struct store_search *q, const char **words)
{
	size_t i;

	memset(q, 0, sizeof(*q));
	q->state = pick(4) ? -1 : (int)pick(STATE_COUNT);
	q->kind = pick(4) ? -1 : (int)pick(5);
	q->channel = pick(5) ? -1 : (int)pick(5);
	q->scope_unit = pick(4) ? 0 : 1 + pick(4);
	q->unit_id = pick(5) ? 0 : 1 + pick(4);
	q->category_id = pick(5) ? 0 : 1 + pick(2);
	q->citizen_id = pick(5) ? 0 : 1 + pick(2);
	q->live_session_id = pick(8) ? 0 : 1;
	q->public_only = pick(3) == 0;
	q->from = pick(4) ? 0 : 1000 + pick(100) * 10;
	q->to = pick(4) ? 0 : 1500 + pick(100) * 10;
	q->now = 1000 + pick(300) * 10;
	q->overdue = pick(6) == 0;
	q->not_overdue = !q->overdue && pick(6) == 0;
	q->assigned_to = pick(6) ? 0 : 1;
	q->sort = pick(3) ? STORE_SORT_NEW : STORE_SORT_DUE;
	q->nwords = pick(3) ? (size_t)pick(3) : 0;
	for (i = 0; i < q->nwords; i++)
		words[i] = pool[pick(3) ? 0 : pick(NPOOL)];
	q->words = words;
	q->scan = q->nwords && pick(2) ? 1 + pick(60) : 0;
	q->limit = 1 + (size_t)pick(25);
}

static void search_mirrors_sqlite(void **state)
{
	const char *words[4];
	struct store_search q;
	int i;

	(void)state;
	SKIP_WITHOUT_PG();
	load();
	for (i = 0; i < 400; i++) {
		random_query(&q, words);
		compare_pages(&q);
		compare_count(&q, 1 + pick(300), 1 + pick(300));
		compare_count(&q, 1000, 100000);
	}
}

/* The messages whose index row holds term, newest first, read without
 * any tsquery. */
static size_t holders(const char *term, int64_t *ids, size_t max)
{
	const char *v[1] = { term };
	PGresult *r = PQexecParams(P.conn, "SELECT id FROM msg_fts"
				   " WHERE $1 = ANY (tsvector_to_array(tsv)) ORDER BY id DESC",
				   1, NULL, v, NULL, NULL, 0);
	size_t n, i;

	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	n = (size_t)PQntuples(r);
	assert_true(n <= max);
	for (i = 0; i < n; i++)
		ids[i] = strtoll(PQgetvalue(r, (int)i, 0), NULL, 10);
	PQclear(r);
	return n;
}

/* Every nasty term finds exactly the messages whose index holds it (one
 * of them the message made with it), never a syntax error; a prefix of a
 * term finds nothing. */
static void search_syntax_safe(void **state)
{
	const char *w[2];
	struct store_search q;
	struct msg *lb;
	int64_t want[500], cnt, end;
	size_t nb, nw, i, k;
	struct err err;
	bool partial;

	(void)state;
	SKIP_WITHOUT_PG();
	load();
	for (i = 0; i < NNASTY; i++) {
		memset(&q, 0, sizeof(q));
		q.state = q.kind = q.channel = -1;
		q.limit = 500;
		w[0] = nasty[i];
		q.words = w;
		q.nwords = 1;
		if (fa_stem_len(nasty[i], strlen(nasty[i])) != strlen(nasty[i]))
			fail_msg("'%s' is not its own stem", nasty[i]);
		if (store_pg_ops.msg_search(P.pg, &q, &lb, &nb, &err) < 0)
			fail_msg("'%s': %s", nasty[i], err.msg);
		nw = holders(nasty[i], want, 500);
		assert_true(nw >= 1);
		assert_int_equal(nb, nw);
		for (k = 0; k < nb; k++)
			assert_int_equal(lb[k].id, want[k]);
		free(lb);
		assert_int_equal(store_pg_ops.msg_count(P.pg, &q, 1000, 100000, &cnt, &partial,
							&err), 0);
		assert_int_equal(cnt, (int64_t)nw);
		/* bounded by a scan of one match a window */
		q.scan = 1;
		q.limit = 5;
		q.scan_end = &end;
		if (store_pg_ops.msg_search(P.pg, &q, &lb, &nb, &err) < 0)
			fail_msg("'%s' scanned: %s", nasty[i], err.msg);
		assert_int_equal(nb, 1);
		assert_int_equal(lb[0].id, want[0]);
		/* the scan is spent: the next page starts below it */
		assert_int_equal(end, want[0]);
		free(lb);
		/* two words: the joined terms are quoted too */
		w[1] = nasty[(i + 1) % NNASTY];
		q.nwords = 2;
		q.scan = 0;
		if (store_pg_ops.msg_search(P.pg, &q, &lb, &nb, &err) < 0)
			fail_msg("'%s' '%s': %s", w[0], w[1], err.msg);
		free(lb);
	}
	/* a prefix is no match, nor a lexeme with tsquery's prefix mark */
	memset(&q, 0, sizeof(q));
	q.state = q.kind = q.channel = -1;
	q.limit = 5;
	q.words = w;
	q.nwords = 1;
	w[0] = "bac";
	assert_int_equal(store_pg_ops.msg_search(P.pg, &q, &lb, &nb, NULL), 0);
	assert_int_equal(nb, 0);
	free(lb);
	w[0] = "ناصرخس";
	assert_int_equal(store_pg_ops.msg_search(P.pg, &q, &lb, &nb, NULL), 0);
	assert_int_equal(nb, 0);
	free(lb);
}

/* Insert m into both stores (they stay alike for the other tests). */
static void insert_both(struct msg *m, const struct msg_text *tx, const char *idx)
{
	struct msg copy = *m;

	assert_int_equal(store_sqlite_ops.msg_insert(P.sq, &copy, tx, idx, NULL), 0);
	assert_int_equal(store_pg_ops.msg_insert(P.pg, m, tx, idx, NULL), 0);
	assert_int_equal(copy.id, m->id);
}

/* The index holds the terms exactly as fa made them: no parser, no
 * stemming, no stop words, Persian untouched. */
static void index_is_the_terms(void **state)
{
	const char *text = "چاله‌های خیابان ناصر خسرو و the running a:b it's";
	struct buf idx = BUF_INIT(4096);
	struct msg m;
	struct msg_text tx;
	char got[2048], want[2048], id[32];
	PGresult *r;
	const char *v[1], *w[1];
	struct store_search q;
	struct msg *l;
	size_t n, k;
	int64_t cnt;
	bool partial;

	(void)state;
	SKIP_WITHOUT_PG();
	load();
	assert_int_equal(fa_index_text(text, strlen(text), &idx), 0);
	memset(&tx, 0, sizeof(tx));
	fill_msg(&m, 9000);
	m.unit_id = 1;
	m.category_id = 0;
	m.live_session_id = 0;
	insert_both(&m, &tx, idx.data);
	snprintf(id, sizeof(id), "%lld", (long long)m.id);
	sql_value("SELECT string_agg(l, ' ' ORDER BY l COLLATE \"C\")"
		  " FROM msg_fts, unnest(tsvector_to_array(tsv)) l WHERE id = $1::bigint", id,
		  got, sizeof(got));
	v[0] = idx.data;
	r = PQexecParams(P.conn, "SELECT string_agg(l, ' ' ORDER BY l COLLATE \"C\") FROM"
			 " (SELECT DISTINCT l FROM unnest(string_to_array($1, ' ')) l"
			 " WHERE l <> '') d", 1, NULL, v, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	snprintf(want, sizeof(want), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	assert_string_equal(got, want);
	assert_non_null(strstr(got, "the"));
	assert_non_null(strstr(got, "running"));
	assert_non_null(strstr(got, "ناصرخسرو"));
	/* an empty index text is an empty index row */
	fill_msg(&m, 9001);
	m.unit_id = 1;
	m.category_id = 0;
	m.live_session_id = 0;
	insert_both(&m, &tx, "");
	snprintf(id, sizeof(id), "%lld", (long long)m.id);
	sql_value("SELECT length(tsv) FROM msg_fts WHERE id = $1::bigint", id, got, sizeof(got));
	assert_string_equal(got, "0");
	/* a term longer than a lexeme may be is left out, the rest kept */
	buf_reset(&idx);
	for (k = 0; k < CAP_PG_LEXEME + 1; k++)
		buf_addc(&idx, 'q');
	buf_adds(&idx, " abc");
	fill_msg(&m, 9002);
	m.unit_id = 1;
	m.category_id = 0;
	m.live_session_id = 0;
	insert_both(&m, &tx, idx.data);
	snprintf(id, sizeof(id), "%lld", (long long)m.id);
	sql_value("SELECT tsv::text FROM msg_fts WHERE id = $1::bigint", id, got, sizeof(got));
	assert_string_equal(got, "'abc'");
	memset(&q, 0, sizeof(q));
	q.state = q.kind = q.channel = -1;
	q.limit = 5;
	w[0] = idx.data;
	idx.data[CAP_PG_LEXEME + 1] = '\0';
	q.words = w;
	q.nwords = 1;
	assert_int_equal(store_pg_ops.msg_search(P.pg, &q, &l, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_pg_ops.msg_count(P.pg, &q, 10, 10, &cnt, &partial, NULL), 0);
	assert_int_equal(cnt, 0);
	buf_release(&idx);
}

/* The tsquery text quotes every term; what store.h refuses is refused,
 * by search and count alike, as SQLite does. */
static void words_refused(void **state)
{
	static const char *const bad_empty[] = { "چاله", "" };
	static const char *const bad_space[] = { "چاله خیابان" };
	const char *many[CAP_SEARCH_WORDS + 1];
	const char *w[1] = { "a'b\\c" };
	struct buf out = BUF_INIT(CAP_SEARCH_QUERY);
	struct store_search q;
	struct msg *l;
	size_t n, i;
	int64_t c;
	bool partial, none;
	struct err err;

	(void)state;
	memset(&q, 0, sizeof(q));
	q.state = q.kind = q.channel = -1;
	q.limit = 5;
	q.words = w;
	q.nwords = 1;
	assert_int_equal(pg_tsquery(&q, &out, &none, NULL), 0);
	assert_string_equal(out.data, "('a''b\\\\c')");
	assert_false(none);
	buf_release(&out);
	SKIP_WITHOUT_PG();
	load();
	q.words = bad_empty;
	q.nwords = 2;
	assert_int_equal(store_pg_ops.msg_search(P.pg, &q, &l, &n, &err), ERR_INVALID);
	assert_string_equal(err.field, "q");
	assert_int_equal(store_pg_ops.msg_count(P.pg, &q, 10, 10, &c, &partial, &err),
			 ERR_INVALID);
	q.words = bad_space;
	q.nwords = 1;
	assert_int_equal(store_pg_ops.msg_search(P.pg, &q, &l, &n, &err), ERR_INVALID);
	assert_string_equal(err.field, "q");
	for (i = 0; i <= CAP_SEARCH_WORDS; i++)
		many[i] = "چاله";
	q.words = many;
	q.nwords = CAP_SEARCH_WORDS + 1;
	assert_int_equal(store_pg_ops.msg_search(P.pg, &q, &l, &n, &err), ERR_INVALID);
	assert_string_equal(err.field, "q");
	q.nwords = CAP_SEARCH_WORDS;
	compare_pages(&q);
}

/* ---- place, scan, id lists ---- */

static void near_scan_ids(void **state)
{
	struct store_near nq;
	struct store_msg_ids iq;
	struct msg *la, *lb;
	int64_t *ia, *ib;
	size_t na, nb;
	int i;

	(void)state;
	SKIP_WITHOUT_PG();
	load();
	for (i = 0; i < 200; i++) {
		memset(&nq, 0, sizeof(nq));
		nq.lat_min = 35.6 + (double)pick(60) / 1000;
		nq.lat_max = nq.lat_min + (double)pick(80) / 1000;
		nq.lon_min = 51.3 + (double)pick(80) / 1000;
		nq.lon_max = nq.lon_min + (double)pick(120) / 1000;
		nq.category_id = pick(3);
		nq.citizen_id = pick(3) ? 0 : 1 + pick(2);
		nq.from = 1000 + pick(100) * 10;
		nq.to = nq.from + pick(200) * 10;
		nq.open_only = pick(2);
		nq.public_only = pick(2);
		nq.max = 1 + (size_t)pick(30);
		assert_int_equal(store_sqlite_ops.msg_near(P.sq, &nq, &la, &na, NULL), 0);
		assert_int_equal(store_pg_ops.msg_near(P.pg, &nq, &lb, &nb, NULL), 0);
		same_msgs(la, na, lb, nb);
		free(la);
		free(lb);

		memset(&iq, 0, sizeof(iq));
		iq.from = pick(3) ? 0 : 1000 + pick(100) * 10;
		iq.to = pick(3) ? 0 : 1500 + pick(100) * 10;
		iq.category_id = pick(2) ? 0 : 1 + pick(2);
		iq.states = pick(2) ? 0 : (unsigned)pick(1 << STATE_COUNT);
		iq.public_only = pick(2);
		iq.newest_first = pick(2);
		iq.has_after = pick(2);
		iq.after_at = 1000 + pick(200) * 10;
		iq.after_id = pick(nmsg);
		iq.offset = (size_t)pick(10);
		iq.limit = 1 + (size_t)pick(50);
		assert_int_equal(store_sqlite_ops.msg_ids(P.sq, &iq, &ia, &na, NULL), 0);
		assert_int_equal(store_pg_ops.msg_ids(P.pg, &iq, &ib, &nb, NULL), 0);
		assert_int_equal(na, nb);
		if (na)
			assert_memory_equal(ia, ib, na * sizeof(*ia));
		free(ia);
		free(ib);
	}
	for (i = 0; i < (int)nmsg + 10; i += 37) {
		assert_int_equal(store_sqlite_ops.msg_scan(P.sq, i, 50, &la, &na, NULL), 0);
		assert_int_equal(store_pg_ops.msg_scan(P.pg, i, 50, &lb, &nb, NULL), 0);
		same_msgs(la, na, lb, nb);
		free(la);
		free(lb);
	}
}

/* The server ends the store's connection (a restart, a failover, an
 * administrator): the next read outside a transaction connects again and
 * answers, whether it is a prepared statement (msg_get) or a search made
 * for its values (msg_search, msg_ids). */
static void kill_store_conn(void)
{
	sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
	    " WHERE datname = current_database() AND pid <> pg_backend_pid()");
	/* the backend is gone once no other session of the database is left */
	for (int i = 0; i < 200; i++) {
		char n[16];

		sql_value("SELECT count(*) FROM pg_stat_activity WHERE datname ="
			  " current_database() AND pid <> pg_backend_pid()", NULL, n, sizeof(n));
		if (!strcmp(n, "0"))
			return;
		usleep(10000);
	}
	fail_msg("the store's connection outlived pg_terminate_backend");
}

static void reconnects(void **state)
{
	const char *words[1] = { pool[0] };
	struct store_search q;
	struct store_msg_ids iq;
	struct msg *la, *lb, m;
	int64_t *ia, *ib;
	size_t na, nb;
	struct err err;

	(void)state;
	SKIP_WITHOUT_PG();
	load();
	memset(&q, 0, sizeof(q));
	q.state = q.kind = q.channel = -1;
	q.words = words;
	q.nwords = 1;
	q.limit = 20;
	assert_int_equal(store_pg_ops.msg_search(P.pg, &q, &la, &na, &err), 0);
	assert_true(na > 0);
	kill_store_conn();
	assert_int_equal(store_pg_ops.msg_search(P.pg, &q, &lb, &nb, &err), 0);
	same_msgs(la, na, lb, nb);
	free(la);
	free(lb);

	memset(&iq, 0, sizeof(iq));
	iq.limit = 50;
	assert_int_equal(store_sqlite_ops.msg_ids(P.sq, &iq, &ia, &na, &err), 0);
	kill_store_conn();
	assert_int_equal(store_pg_ops.msg_ids(P.pg, &iq, &ib, &nb, &err), 0);
	assert_int_equal(na, nb);
	assert_memory_equal(ia, ib, na * sizeof(*ia));
	free(ia);
	free(ib);

	kill_store_conn();
	assert_int_equal(store_pg_ops.msg_get(P.pg, 1, &m, &err), 0);
	assert_int_equal(m.id, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(records),
		cmocka_unit_test(updates),
		cmocka_unit_test(referrals),
		cmocka_unit_test(index_is_the_terms),
		cmocka_unit_test(search_syntax_safe),
		cmocka_unit_test(words_refused),
		cmocka_unit_test(search_mirrors_sqlite),
		cmocka_unit_test(near_scan_ids),
		cmocka_unit_test(reconnects),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
