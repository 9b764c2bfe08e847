/*
 * test_sqlite.c - what only the SQLite backend has, tested against the file
 * itself: the schema migrations (an older database upgraded in place, a
 * newer one refused, the search index rebuilt, the texts and the report
 * aggregates' pair rows packed), a file that is not a
 * database, the audit table's triggers, and the FTS5 query text made from
 * a search's words, a read snapshot kept for the next look-up.  The store contract every backend keeps is
 * tests/unit/test_store.c, which speaks only store.h.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "base/caps.h"
#include "core/actor.h"
#include "core/audit.h"
#include "core/core.h"
#include "core/search.h"
#include "store/sqlite_int.h"

struct sfx {
	char dir[512], path[600];
};

static void dsn_for(struct sfx *f)
{
	const char *tmp = getenv("TMPROOT");

	snprintf(f->dir, sizeof(f->dir), "%s/sqlite.XXXXXX", tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/s.db", f->dir);
}

static void cleanup(struct sfx *f)
{
	char p[700];

	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	rmdir(f->dir);
}

/* A database at schema version `version`, made by migrating an empty file,
 * then sql run on it (rows an older program would have written). */
static void old_database(struct sfx *f, int version, const char *sql)
{
	struct err err;
	sqlite3 *db;
	char *msg = NULL;

	dsn_for(f);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sq_schema_migrate(db, version, NULL, &err), 0);
	if (sql && sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s", msg);
	sqlite3_close(db);
}

/* An older database is migrated, a newer one refused. */
static void migrations(void **state)
{
	struct sfx f;
	struct store *st = NULL;
	struct unit u;
	struct err err;
	sqlite3 *db;
	int have, want;

	(void)state;
	/* a version-1 database (made by an older program) */
	old_database(&f, 1, "INSERT INTO units (code, name, kind, path) VALUES"
		     " ('old', 'قدیمی', 0, '/1/')");
	assert_int_equal(store_sqlite_ops.open(&st, f.path, 0, NULL, &err), 0);
	assert_int_equal(store_sqlite_ops.schema_version(st, &have, &want, &err), 0);
	assert_int_equal(have, want);
	assert_int_equal(want, sq_schema_latest());
	assert_int_equal(store_sqlite_ops.unit_get_by_code(st, "old", &u, &err), 0);
	store_sqlite_ops.close(st);
	st = NULL;
	/* a database from the future */
	assert_int_equal(sqlite3_open(f.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_sqlite_ops.open(&st, f.path, 0, NULL, &err), ERR_INVALID);
	assert_non_null(strstr(err.msg, "newer"));
	assert_null(st);
	cleanup(&f);
}

/* Migration 4 (issue 9): a version-3 database's citizen hops lose the id
 * ("citizen:ID" -> "citizen"), other labels stay, and the secrets table
 * comes. */
static void migration_citizen_labels(void **state)
{
	struct sfx f;
	struct store *st = NULL;
	struct referral *hops = NULL;
	unsigned char key[8] = "12345678", again[8] = "abcdefgh";
	struct err err;
	size_t n;

	(void)state;
	old_database(&f, 3, "INSERT INTO referrals (msg_id, kind, actor, at) VALUES"
		     " (1, 3, 'citizen:42', 10), (1, 0, 'operator', 5)");
	assert_int_equal(store_sqlite_ops.open(&st, f.path, 0, NULL, &err), 0);
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

/* The ids of the messages a search for text finds, as the system. */
static size_t found(const char *path, const char *text, int64_t *ids, size_t max)
{
	struct actor sys = actor_system("test");
	struct search_query q;
	struct search_result r;
	struct core c;
	struct err err;
	size_t i, n;

	assert_int_equal(core_open(&c, path, &err), 0);
	search_query_init(&q);
	q.text = text;
	assert_int_equal(msg_search(&c, &sys, &q, &r, &err), 0);
	n = r.n;
	for (i = 0; i < n && i < max; i++)
		ids[i] = r.items[i].id;
	search_result_release(&r);
	core_close(&c);
	return n;
}

/* Migration 9 (issue 14): a version-3 database (the index holding the plain
 * normalised text) gets the index rebuilt with the search terms, so old
 * messages are found by their plural. */
static void migration_rebuilds_the_index(void **state)
{
	struct sfx f;
	int64_t ids[4];

	(void)state;
	old_database(&f, 3,
		"INSERT INTO units (id, code, name, kind, path) VALUES (1, 'c', 'مرکز', 1, '/1/');"
		"INSERT INTO messages (id, code, channel, kind, subject, body, state, unit_id,"
		" created_at) VALUES (7, '1234567890', 0, 1, 'چاله‌ها', 'در کوچه', 0, 1, 1);"
		"INSERT INTO msg_fts (rowid, text) VALUES (7, 'چالهها در کوچه');");
	assert_int_equal(found(f.path, "چاله", ids, 4), 1);
	assert_int_equal(ids[0], 7);
	cleanup(&f);
}

/* Migration 13 (issue 12): a version-12 database, its index made without
 * the comparatives' base words, gets them: «بزرگ» then finds «بزرگ‌تر» and
 * «بزرگتر» as it always found «بزرگ تر»; a word that only ends like one
 * («دفتر») is left whole. */
static void migration_indexes_comparatives(void **state)
{
	struct sfx f;
	int64_t ids[4];

	(void)state;
	old_database(&f, 12,
		"INSERT INTO units (id, code, name, kind, path) VALUES (1, 'c', 'مرکز', 1, '/1/');"
		"INSERT INTO messages (id, code, channel, kind, subject, body, state, unit_id,"
		" created_at) VALUES"
		" (1, '1000000001', 0, 1, 'چاله', 'بزرگ‌تر از قبل', 0, 1, 1),"
		" (2, '1000000002', 0, 1, 'چاله', 'بزرگتر شده', 0, 1, 2),"
		" (3, '1000000003', 0, 1, 'چاله', 'بزرگ تر شده', 0, 1, 3),"
		" (4, '1000000004', 0, 1, 'دفتر', 'دفتر منطقه', 0, 1, 4);"
		/* the index as migration 9 made it */
		"INSERT INTO msg_fts (rowid, text) VALUES (1, 'چاله بزرگتر از بزرگتراز قبل ازقبل'),"
		" (2, 'چاله بزرگتر شده بزرگترشده'), (3, 'چاله بزرگ تر بزرگتر شده ترشده'),"
		" (4, 'دفتر دفتر منطقه دفترمنطقه');");
	{
		sqlite3 *db;
		sqlite3_stmt *st;

		/* before: «بزرگ» finds only the spaced form */
		assert_int_equal(sqlite3_open(f.path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT group_concat(rowid) FROM msg_fts"
						    " WHERE msg_fts MATCH '\"بزرگ\"'", -1, &st, NULL),
				 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), "3");
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	assert_int_equal(found(f.path, "بزرگ", ids, 4), 3);
	assert_int_equal(ids[0], 3);
	assert_int_equal(ids[1], 2);
	assert_int_equal(ids[2], 1);
	assert_int_equal(found(f.path, "بزرگتر", ids, 4), 3);
	assert_int_equal(found(f.path, "دفتر", ids, 4), 1);
	assert_int_equal(found(f.path, "دف", ids, 4), 0);
	cleanup(&f);
}

/* Whether msg_fts's content table holds a text for rowid: whether the
 * index keeps a copy of what it indexed (a contentless index has no such
 * table). */
static bool fts_text(const char *path, int64_t rowid)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	bool text = false;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, "SELECT c0 FROM msg_fts_content WHERE id = ?", -1, &st,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, rowid);
		text = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return text;
}

/* Migration 14 (issue 11): a version-13 database's index, which kept a
 * copy of every message's text, is made again without it (content=''),
 * and every message is still found by the same words (a fresh database's
 * index is the same table: every store and search test runs on it). */
static void migration_drops_the_index_text(void **state)
{
	struct sfx f;
	int64_t ids[4];

	(void)state;
	old_database(&f, 13,
		"INSERT INTO units (id, code, name, kind, path) VALUES (1, 'c', 'مرکز', 1, '/1/');"
		"INSERT INTO messages (id, code, channel, kind, subject, body, state, unit_id,"
		" created_at) VALUES"
		" (1, '1000000001', 0, 1, 'چاله', 'بزرگ‌تر از قبل', 0, 1, 1),"
		" (2, '1000000002', 0, 1, 'درخت', 'افتاده در خیابان', 0, 1, 2);"
		"INSERT INTO msg_fts (rowid, text) SELECT id, hamgan_index_text(subject, body)"
		" FROM messages;");
	assert_true(fts_text(f.path, 1));	/* version 13 kept the text */
	assert_int_equal(found(f.path, "بزرگ", ids, 4), 1);	/* migrates */
	assert_int_equal(ids[0], 1);
	assert_false(fts_text(f.path, 1));
	assert_false(fts_text(f.path, 2));
	assert_int_equal(found(f.path, "خیابان", ids, 4), 1);
	assert_int_equal(ids[0], 2);
	assert_int_equal(found(f.path, "چاله‌ها", ids, 4), 1);
	assert_int_equal(found(f.path, "قبل", ids, 4), 1);
	assert_int_equal(found(f.path, "دفتر", ids, 4), 0);
	cleanup(&f);
}

/* Append entry seq to an old database's audit log as release 14 wrote it
 * (hashes as hex text), linked to prev; its hash into hash. */
static void old_audit(sqlite3 *db, int64_t seq, const char *prev, const char *actor,
		      char hash[AUDIT_HASH_HEX + 1])
{
	struct audit_entry *e = calloc(1, sizeof(*e));
	sqlite3_stmt *st;

	e->seq = seq;
	snprintf(e->actor, sizeof(e->actor), "%s", actor);
	snprintf(e->action, sizeof(e->action), "msg.refer");
	e->msg_id = 7;
	snprintf(e->payload, sizeof(e->payload), "{\"code\":\"1234567890\"}");
	e->at = 1000 + seq;
	snprintf(e->prev_hash, sizeof(e->prev_hash), "%s", prev);
	audit_hash(e, hash);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO audit (seq, actor, action, msg_id,"
					    " payload, at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?,"
					    " ?, ?)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, e->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, e->action, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, e->msg_id);
	sqlite3_bind_text(st, 5, e->payload, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, e->at);
	sqlite3_bind_text(st, 7, prev, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, hash, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	free(e);
}

/* The audit log of path as the store reads it, and what verify says. */
static size_t audit_read(const char *path, struct audit_entry **list, int64_t *bad)
{
	struct store *st = NULL;
	struct core c;
	struct err err;
	int64_t count;
	size_t n;

	assert_int_equal(core_open(&c, path, &err), 0);
	*bad = 0;
	audit_verify(&c, &count, bad, &err);
	core_close(&c);
	assert_int_equal(store_sqlite_ops.open(&st, path, 0, NULL, &err), 0);
	assert_int_equal(store_sqlite_ops.audit_list(st, 0, 100, list, &n, &err), 0);
	store_sqlite_ops.close(st);
	return n;
}

/* Runs sql on the file at path from outside the program. */
static void sql_exec(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static long long sql_count(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Migration 15 (issue 11): a version-14 audit log (hashes as hex text)
 * becomes hashes of 32 bytes with prev_hash NULL where it links, and reads
 * back exactly as it was written, entry for entry: a chain that verified
 * still does, and one that was broken by hand is still broken at the same
 * entry (a prev_hash that does not link, a hash that is not hex: kept as
 * they were).  New entries (test_core's audit tests, on a new database)
 * are stored the same way. */
static void migration_compacts_the_audit_log(void **state)
{
	static const char zeros[] =
		"0000000000000000000000000000000000000000000000000000000000000000";
	char h[6][AUDIT_HASH_HEX + 1];
	struct audit_entry *after;
	struct sfx good, bad;
	int64_t bad_after;
	size_t n, i;
	sqlite3 *db;

	(void)state;
	/* a sound chain of three */
	old_database(&good, 14, NULL);
	assert_int_equal(sqlite3_open(good.path, &db), SQLITE_OK);
	old_audit(db, 1, zeros, "operator", h[0]);
	old_audit(db, 2, h[0], "staff-region-12", h[1]);
	old_audit(db, 3, h[1], "system", h[2]);
	sqlite3_close(db);
	/* a chain changed by hand: entry 3 does not link to 2, entry 4's
	 * hash text is not hex (so 5 does not link either) */
	old_database(&bad, 14, NULL);
	assert_int_equal(sqlite3_open(bad.path, &db), SQLITE_OK);
	old_audit(db, 1, zeros, "operator", h[3]);
	old_audit(db, 2, h[3], "operator", h[4]);
	old_audit(db, 3, "ab", "evil", h[5]);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO audit (seq, actor, action, payload, at,"
				      " prev_hash, hash) VALUES (4, 'x', 'y', '{}', 1, 'none',"
				      " 'NOT-HEX'), (5, 'x', 'y', '{}', 1, 'NOT-HEX', 'AB')",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	n = audit_read(good.path, &after, &bad_after);	/* migrates */
	assert_int_equal(n, 3);
	assert_int_equal(bad_after, 0);
	assert_string_equal(after[0].prev_hash, zeros);
	for (i = 0; i < 3; i++) {
		assert_string_equal(after[i].hash, h[i]);
		if (i > 0)
			assert_string_equal(after[i].prev_hash, h[i - 1]);
	}
	free(after);
	assert_int_equal(sql_count(good.path, "SELECT count(*) FROM audit WHERE prev_hash IS NULL"
					      " AND length(hash) = 32"), 3);

	n = audit_read(bad.path, &after, &bad_after);
	assert_int_equal(n, 5);
	assert_int_equal(bad_after, 3);
	assert_string_equal(after[1].hash, h[4]);
	assert_string_equal(after[2].prev_hash, "ab");
	assert_string_equal(after[2].hash, h[5]);
	assert_string_equal(after[3].prev_hash, "none");
	assert_string_equal(after[3].hash, "NOT-HEX");
	assert_string_equal(after[4].prev_hash, "NOT-HEX");
	assert_string_equal(after[4].hash, "AB");
	free(after);
	/* what does not link is stored: entry 3's prev_hash and 4's; 5's is
	 * 4's hash (a text) and is read from there */
	assert_int_equal(sql_count(bad.path, "SELECT count(*) FROM audit WHERE prev_hash IS NOT NULL"),
			 2);
	cleanup(&good);
	cleanup(&bad);
}

/* Migration 17 (issue 11): a version-15 database's message texts are
 * packed where that is shorter (base/tpack.h), left as text where not,
 * and every one reads back as it was written; the search finds what it
 * found.  A packed text damaged by hand is an error, never other text. */
static void migration_packs_the_texts(void **state)
{
	struct msg_text *t = calloc(1, sizeof(*t));
	struct store *st = NULL;
	struct sfx f;
	struct err err;
	int64_t ids[4];

	(void)state;
	old_database(&f, 15,
		"INSERT INTO units (id, code, name, kind, path) VALUES (1, 'c', 'مرکز', 1, '/1/');"
		"INSERT INTO messages (id, code, channel, kind, subject, body, address, answer,"
		" grade_note, state, unit_id, created_at) VALUES"
		" (1, '1000000001', 0, 1, 'چاله', 'چاله‌های بزرگ در کوچهٔ ۱۲', 'تهران، پلاک ۷',"
		" 'پاسخ داده شد «ترمیم»', '', 3, 1, 1),"
		" (2, '1000000002', 0, 1, 'Pothole', 'A pothole on 5th Avenue 😀', '', '', 'ok',"
		" 0, 1, 2),"
		" (3, '1000000003', 0, 1, '😀😀', 'Яма', 'é', '', '', 0, 1, 3);"
		"INSERT INTO msg_fts (rowid, text) SELECT id, hamgan_index_text(subject, body)"
		" FROM messages;");
	assert_int_equal(sql_count(f.path, "SELECT count(*) FROM messages WHERE typeof(body) = 'blob'"),
			 0);
	assert_int_equal(found(f.path, "چاله", ids, 4), 1);	/* migrates */
	assert_int_equal(ids[0], 1);
	assert_int_equal(found(f.path, "pothole", ids, 4), 1);
	assert_int_equal(ids[0], 2);
	/* packed: the Persian texts and the one Latin-1 letter; the rest as
	 * they were, the empty texts empty */
	assert_int_equal(sql_count(f.path, "SELECT count(*) FROM messages WHERE id = 1 AND"
				   " typeof(subject) = 'blob' AND typeof(body) = 'blob' AND"
				   " typeof(address) = 'blob' AND typeof(answer) = 'blob' AND"
				   " grade_note = ''"), 1);
	assert_int_equal(sql_count(f.path, "SELECT length(body) FROM messages WHERE id = 1"),
			 25);	/* a byte a character */
	assert_int_equal(sql_count(f.path, "SELECT count(*) FROM messages WHERE id > 1 AND"
				   " typeof(subject) = 'text' AND typeof(body) = 'text' AND"
				   " typeof(answer) = 'text' AND typeof(grade_note) = 'text'"), 2);
	assert_int_equal(sql_count(f.path, "SELECT typeof(address) = 'blob' FROM messages"
				   " WHERE id = 3"), 1);
	assert_int_equal(store_sqlite_ops.open(&st, f.path, 0, NULL, &err), 0);
	assert_int_equal(store_sqlite_ops.msg_text_get(st, 1, t, &err), 0);
	assert_string_equal(t->subject, "چاله");
	assert_string_equal(t->body, "چاله‌های بزرگ در کوچهٔ ۱۲");
	assert_string_equal(t->address, "تهران، پلاک ۷");
	assert_string_equal(t->answer, "پاسخ داده شد «ترمیم»");
	assert_string_equal(t->grade_note, "");
	assert_int_equal(store_sqlite_ops.msg_text_get(st, 2, t, &err), 0);
	assert_string_equal(t->subject, "Pothole");
	assert_string_equal(t->body, "A pothole on 5th Avenue 😀");
	assert_string_equal(t->grade_note, "ok");
	assert_int_equal(store_sqlite_ops.msg_text_get(st, 3, t, &err), 0);
	assert_string_equal(t->subject, "😀😀");
	assert_string_equal(t->body, "Яма");
	assert_string_equal(t->address, "é");
	store_sqlite_ops.close(st);
	/* an escape cut short, written from outside the program */
	sql_exec(f.path, "UPDATE messages SET body = x'9280ff' WHERE id = 1");
	assert_int_equal(store_sqlite_ops.open(&st, f.path, 0, NULL, &err), 0);
	assert_int_equal(store_sqlite_ops.msg_text_get(st, 1, t, &err), ERR_STORE);
	assert_non_null(strstr(err.msg, "message 1"));
	assert_string_equal(t->subject, "");
	assert_int_equal(store_sqlite_ops.msg_text_get(st, 2, t, &err), 0);
	{
		struct msg_public *p = malloc(sizeof(*p));

		/* the citizen's view by code: the same refusal, nothing kept */
		assert_non_null(p);
		assert_int_equal(store_sqlite_ops.msg_public_get(st, "1000000001", p, &err),
				 ERR_STORE);
		assert_non_null(strstr(err.msg, "message 1"));
		assert_string_equal(p->subject, "");
		assert_int_equal(p->id, 0);
		assert_int_equal(store_sqlite_ops.msg_public_get(st, "1000000002", p, &err), 0);
		assert_string_equal(p->body, "A pothole on 5th Avenue 😀");
		free(p);
	}
	store_sqlite_ops.close(st);
	cleanup(&f);
	free(t);
}

/* Schema 20 packs the SMS texts and the referrals' reasons as 17 packed the
 * messages' texts: they read back the same, new ones are written packed,
 * and a text that no longer unpacks reads empty. */
static void migration_packs_the_sms(void **state)
{
	static const char code_text[] = "کد تأیید همگان: 12345\nاعتبار: ۵ دقیقه";
	struct referral *refs = NULL, r;
	struct sms *list = NULL, one;
	struct store *st = NULL;
	struct sfx f;
	struct err err;
	size_t n = 0;

	(void)state;
	old_database(&f, 19,
		"INSERT INTO units (id, code, name, kind, path) VALUES (1, 'c', 'مرکز', 1, '/1/'),"
		" (2, 'r', 'منطقه ۱۲', 2, '/1/2/');"
		"INSERT INTO messages (id, code, channel, kind, subject, body, state, unit_id,"
		" created_at) VALUES (1, '1000000001', 0, 1, 'چاله', 'چاله', 2, 2, 1);"
		"INSERT INTO sms_outbox (id, to_mobile, body, msg_id, created_at, next_at) VALUES"
		" (1, '09121234567', 'همگان: پیام شما ثبت شد. کد رهگیری: ۱۰۰۰۰۰۰۰۰۱', 1, 1, 1),"
		" (2, '09121234567', 'hamgan: 1000000001', 1, 2, 2),"
		" (3, '09121234567', 'کد تأیید همگان: 12345' || char(10) || 'اعتبار: ۵ دقیقه',"
		" NULL, 3, 3);"
		"INSERT INTO referrals (id, msg_id, kind, from_unit, to_unit, actor, reason, at)"
		" VALUES (1, 1, 0, 1, 2, 'operator', 'در حوزهٔ منطقه ۱۲', 1),"
		" (2, 1, 0, 1, 2, 'operator', '', 2);");
	assert_int_equal(store_sqlite_ops.open(&st, f.path, 0, NULL, &err), 0);
	/* the Persian ones packed, a byte a letter; the ASCII one and the
	 * empty reason as they were */
	assert_int_equal(sql_count(f.path, "SELECT count(*) FROM sms_outbox WHERE"
				   " typeof(body) = 'blob'"), 2);
	assert_int_equal(sql_count(f.path, "SELECT length(body) FROM sms_outbox WHERE id = 1"),
			 45);	/* a byte a character, against 80 in UTF-8 */
	assert_int_equal(sql_count(f.path, "SELECT typeof(body) = 'text' FROM sms_outbox"
				   " WHERE id = 2"), 1);
	assert_int_equal(sql_count(f.path, "SELECT count(*) FROM referrals WHERE"
				   " typeof(reason) = 'blob'"), 1);
	assert_int_equal(store_sqlite_ops.sms_list_msg(st, 1, 10, &list, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].body, "همگان: پیام شما ثبت شد. کد رهگیری: ۱۰۰۰۰۰۰۰۰۱");
	assert_string_equal(list[1].body, "hamgan: 1000000001");
	free(list);
	assert_int_equal(store_sqlite_ops.sms_next_due(st, 10, &one, &err), 0);
	assert_int_equal(one.id, 1);
	assert_int_equal(store_sqlite_ops.sms_list(st, 10, &list, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].body, code_text);	/* newest first */
	free(list);
	assert_int_equal(store_sqlite_ops.referral_list(st, 1, &refs, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(refs[0].reason, "در حوزهٔ منطقه ۱۲");
	assert_string_equal(refs[1].reason, "");
	free(refs);
	/* new ones are written packed */
	memset(&one, 0, sizeof(one));
	snprintf(one.to, sizeof(one.to), "%s", "09121234567");
	snprintf(one.body, sizeof(one.body), "%s", "همگان: پاسخ پیام ۱۰۰۰۰۰۰۰۰۱: انجام شد.");
	one.msg_id = 1;
	one.created_at = one.next_at = 4;
	assert_int_equal(store_sqlite_ops.sms_insert(st, &one, &err), 0);
	memset(&r, 0, sizeof(r));
	r.msg_id = 1;
	r.from_unit = 2;
	r.to_unit = 1;
	snprintf(r.actor, sizeof(r.actor), "%s", "staff");
	snprintf(r.reason, sizeof(r.reason), "%s", "خارج از حوزه");
	r.at = 5;
	assert_int_equal(store_sqlite_ops.referral_insert(st, &r, &err), 0);
	store_sqlite_ops.close(st);
	assert_int_equal(sql_count(f.path, "SELECT typeof(body) = 'blob' FROM sms_outbox"
				   " WHERE id = 4"), 1);
	assert_int_equal(sql_count(f.path, "SELECT typeof(reason) = 'blob' FROM referrals"
				   " WHERE id = 3"), 1);
	/* an escape cut short, written from outside the program, reads empty */
	sql_exec(f.path, "UPDATE sms_outbox SET body = x'9280ff' WHERE id = 1");
	assert_int_equal(store_sqlite_ops.open(&st, f.path, 0, NULL, &err), 0);
	assert_int_equal(store_sqlite_ops.sms_list_msg(st, 1, 10, &list, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].body, "");
	assert_string_equal(list[2].body, "همگان: پاسخ پیام ۱۰۰۰۰۰۰۰۰۱: انجام شد.");
	free(list);
	store_sqlite_ops.close(st);
	cleanup(&f);
}

/* The pairs a scan of the store hands over, as "unit day key day2 n;". */
struct pair_text {
	char s[2048];
	size_t len;
};

static int pair_line(const struct agg_pair *p, void *arg)
{
	struct pair_text *t = arg;

	t->len += (size_t)snprintf(t->s + t->len, sizeof(t->s) - t->len, "%lld %lld %lld %lld %lld;",
				   (long long)p->unit, (long long)p->day, (long long)p->key,
				   (long long)p->day2, (long long)p->n);
	assert_true(t->len < sizeof(t->s));
	return 0;
}

static void scan_pairs(struct store *st, int dim, int kind, int64_t after, struct pair_text *t)
{
	struct err err;

	t->len = 0;
	t->s[0] = '\0';
	assert_int_equal(store_sqlite_ops.agg_pair_scan(st, dim, 0, kind, INT64_MIN, INT64_MAX,
							after, pair_line, t, &err), 0);
}

/* Schema 19 packs the pair rows of a (dim, unit, kind, day, key) into one
 * row: the same pairs come out of a scan, in the same order, and adding to
 * them goes on as before. */
static void migration_packs_the_pairs(void **state)
{
	struct store *st = NULL;
	struct pair_text t;
	struct agg_pair p;
	struct sfx f;
	struct err err;

	(void)state;
	/* rows in no order; two kinds, two units, two keys, a day2 before
	 * its day, an open obligation */
	old_database(&f, 18,
		"INSERT INTO agg_pairs (dim, unit, kind, day, key, day2, n) VALUES"
		" (3, 7, 1, 20000, 0, 99999999, 4), (3, 7, 1, 20000, 0, 20040, 2),"
		" (3, 7, 0, 20000, 0, 20003, 1), (3, 7, 0, 20000, 0, 20001, 5),"
		" (3, 7, 0, 20000, 2, 20001, 1), (3, -7, 0, 20000, 0, 20001, 5),"
		" (3, 7, 0, 20030, 0, 20029, 1), (3, 7, 1, 20000, 0, 20035, 1),"
		" (0, 7, 0, 20001, 0, 20001, 9);");
	assert_int_equal(store_sqlite_ops.open(&st, f.path, 0, NULL, &err), 0);
	/* unit 7 has no child units: migration 24 took its alone row (-7) */
	assert_int_equal(sql_count(f.path, "SELECT count(*) FROM agg_pairs"), 5);
	assert_int_equal(sql_count(f.path, "SELECT count(*) FROM agg_pairs WHERE dim = 3"
				   " AND unit = 7 AND kind = 1 AND length(counts) > 0"), 1);
	scan_pairs(st, 3, 0, INT64_MIN, &t);
	assert_string_equal(t.s, "7 20000 0 20001 5;7 20000 0 20003 1;"
			    "7 20000 2 20001 1;7 20030 0 20029 1;");
	scan_pairs(st, 3, 1, INT64_MIN, &t);
	assert_string_equal(t.s, "7 20000 0 20035 1;7 20000 0 20040 2;7 20000 0 99999999 4;");
	/* the closed by a day are left out */
	scan_pairs(st, 3, 1, 20035, &t);
	assert_string_equal(t.s, "7 20000 0 20040 2;7 20000 0 99999999 4;");
	scan_pairs(st, 0, 0, INT64_MIN, &t);
	assert_string_equal(t.s, "7 20001 0 20001 9;");
	/* an open obligation ends: -1 open, +1 on its day; a row's last
	 * pair taken away takes the row */
	memset(&p, 0, sizeof(p));
	p.dim = 3;
	p.unit = 7;
	p.kind = 1;
	p.day = 20000;
	p.day2 = 99999999;
	p.n = -1;
	assert_int_equal(store_sqlite_ops.agg_pair_add(st, &p, &err), 0);
	p.day2 = 20036;
	p.n = 1;
	assert_int_equal(store_sqlite_ops.agg_pair_add(st, &p, &err), 0);
	scan_pairs(st, 3, 1, INT64_MIN, &t);
	assert_string_equal(t.s, "7 20000 0 20035 1;7 20000 0 20036 1;7 20000 0 20040 2;"
			    "7 20000 0 99999999 3;");
	p.dim = 0;
	p.kind = 0;
	p.day = p.day2 = 20001;
	p.n = -9;
	assert_int_equal(store_sqlite_ops.agg_pair_add(st, &p, &err), 0);
	scan_pairs(st, 0, 0, INT64_MIN, &t);
	assert_string_equal(t.s, "");
	assert_int_equal(sql_count(f.path, "SELECT count(*) FROM agg_pairs WHERE dim = 0"), 0);
	store_sqlite_ops.close(st);
	/* a damaged row, written from outside the program: a scan and an
	 * addition say so, and nothing changes */
	sql_exec(f.path, "UPDATE agg_pairs SET counts = x'0282' WHERE kind = 1");
	assert_int_equal(store_sqlite_ops.open(&st, f.path, 0, NULL, &err), 0);
	err_clear(&err);
	assert_int_equal(store_sqlite_ops.agg_pair_scan(st, 3, 0, 1, INT64_MIN, INT64_MAX,
							INT64_MIN, pair_line, &t, &err), ERR_STORE);
	assert_non_null(strstr(err.msg, "report --rebuild"));
	p.dim = 3;
	p.kind = 1;
	p.day = 20000;
	p.n = 1;
	assert_true(store_sqlite_ops.agg_pair_add(st, &p, &err) < 0);
	assert_non_null(strstr(err.msg, "damaged"));
	store_sqlite_ops.close(st);
	assert_int_equal(sql_count(f.path, "SELECT hex(counts) = '0282' FROM agg_pairs"
				   " WHERE kind = 1"), 1);
	cleanup(&f);
	/* a row no hamgan wrote, beyond what a blob holds: left out, and the
	 * aggregates marked to be made again */
	old_database(&f, 18,
		"INSERT INTO agg_pairs (dim, unit, kind, day, key, day2, n) VALUES"
		" (3, 7, 0, 20000, 0, 20001, 5), (3, 7, 0, 20000, 0, -9223372036854775808, 1);"
		"DELETE FROM agg_meta;");
	assert_int_equal(store_sqlite_ops.open(&st, f.path, 0, NULL, &err), 0);
	scan_pairs(st, 3, 0, INT64_MIN, &t);
	assert_string_equal(t.s, "7 20000 0 20001 5;");
	store_sqlite_ops.close(st);
	assert_int_equal(sql_count(f.path, "SELECT v FROM agg_meta WHERE k = 'stale'"), 1);
	cleanup(&f);
}

/* Migration 22 (issue 11): a version-21 database's index, with positions
 * and token counts, is made again without them (detail=none,
 * columnsize=0); the same words find the same messages, filters by unit
 * and category (the search tags) too, and a word FTS5 splits in two (an
 * emoji inside it) is still found. */
static void migration_drops_the_positions(void **state)
{
	struct sfx f;
	int64_t ids[4];
	sqlite3 *db;
	sqlite3_stmt *st;

	(void)state;
	old_database(&f, 21,
		"INSERT INTO units (id, code, name, kind, path) VALUES (1, 'c', 'مرکز', 1, '/1/');"
		"INSERT INTO messages (id, code, channel, kind, subject, body, state, unit_id,"
		" created_at) VALUES"
		" (1, '1000000001', 0, 1, 'چاله', 'بزرگ‌تر از قبل', 0, 1, 1),"
		" (2, '1000000002', 0, 1, 'چاله خیابان', 'سلام\xf0\x9f\x98\x80خوب', 0, 1, 2),"
		" (3, '1000000003', 0, 1, 'دفتر', 'دفتر منطقه', 0, 1, 3);"
		"INSERT INTO msg_fts (rowid, text) SELECT id, hamgan_index_text(subject, body)"
		" || hamgan_search_tags(unit_id, category_id) FROM messages;");
	assert_int_equal(found(f.path, "چاله", ids, 4), 2);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 1);
	assert_int_equal(found(f.path, "بزرگ", ids, 4), 1);
	assert_int_equal(ids[0], 1);
	assert_int_equal(found(f.path, "سلام\xf0\x9f\x98\x80خوب", ids, 4), 1);
	assert_int_equal(ids[0], 2);
	assert_int_equal(found(f.path, "دفتر منطقه", ids, 4), 1);
	assert_int_equal(ids[0], 3);
	assert_int_equal(found(f.path, "منطقه چاله", ids, 4), 0);
	assert_int_equal(sqlite3_open(f.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE"
					    " (name = 'msg_fts' AND sql LIKE '%detail = none%')"
					    " OR name = 'msg_fts_docsize'", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
	cleanup(&f);
}

static void not_a_database(void **state)
{
	struct sfx f;
	struct store *st = NULL;
	struct err err;
	FILE *fp;

	(void)state;
	dsn_for(&f);
	fp = fopen(f.path, "w");
	assert_non_null(fp);
	fputs("this is not a database, just some text that is long enough....................."
	      "..........................................................................", fp);
	fclose(fp);
	assert_true(store_sqlite_ops.open(&st, f.path, 0, NULL, &err) < 0);
	assert_null(st);
	cleanup(&f);
}

/* The audit table's triggers refuse UPDATE and DELETE, even from outside
 * the program. */
static void audit_triggers(void **state)
{
	struct sfx f;
	struct store *st = NULL;
	struct audit_entry *e = calloc(1, sizeof(*e));
	struct err err;
	sqlite3 *db;

	(void)state;
	dsn_for(&f);
	assert_int_equal(store_sqlite_ops.open(&st, f.path, STORE_CREATE, NULL, &err), 0);
	e->seq = 1;
	snprintf(e->actor, sizeof(e->actor), "t");
	snprintf(e->action, sizeof(e->action), "x");
	snprintf(e->payload, sizeof(e->payload), "{}");
	snprintf(e->prev_hash, sizeof(e->prev_hash), "00");
	snprintf(e->hash, sizeof(e->hash), "ab");
	assert_int_equal(store_sqlite_ops.audit_insert(st, e, &err), 0);
	store_sqlite_ops.close(st);
	free(e);
	assert_int_equal(sqlite3_open(f.path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE audit SET actor_id = actor_id", NULL, NULL,
					  NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
	/* the names the entries' ids stand for, as append-only (schema 16) */
	assert_int_not_equal(sqlite3_exec(db, "UPDATE audit_names SET name = 'evil'", NULL, NULL,
					  NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit_names", NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO audit_names (name) VALUES ('new')", NULL,
				      NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	cleanup(&f);
}

static void add_step(struct store *st, struct audit_entry *e, int64_t seq, const char *action)
{
	struct err err;

	memset(e, 0, sizeof(*e));
	e->seq = seq;
	e->msg_id = 7;
	e->at = 100 + seq;
	snprintf(e->actor, sizeof(e->actor), "t");
	snprintf(e->action, sizeof(e->action), "%s", action);
	snprintf(e->payload, sizeof(e->payload), "{}");
	snprintf(e->prev_hash, sizeof(e->prev_hash), "00");
	snprintf(e->hash, sizeof(e->hash), "ab");
	assert_int_equal(store_sqlite_ops.audit_insert(st, e, &err), 0);
}

/* A message's steps name their actions from the connection's slots: a
 * name is kept once read committed, never one read inside a write
 * transaction, which a rollback can take back and give its id to another
 * name. */
static void action_names_kept_once_committed(void **state)
{
	struct sfx f;
	struct store *st = NULL;
	struct audit_entry *e = calloc(1, sizeof(*e));
	struct audit_step *steps = NULL;
	size_t n = 0;
	struct err err;

	(void)state;
	assert_non_null(e);
	dsn_for(&f);
	assert_int_equal(store_sqlite_ops.open(&st, f.path, STORE_CREATE, NULL, &err), 0);
	add_step(st, e, 1, "msg.register");
	assert_int_equal(store_sqlite_ops.audit_steps(st, 7, &steps, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(steps[0].action, "msg.register");
	free(steps);
	/* a new action read inside the transaction that added it */
	assert_int_equal(store_sqlite_ops.begin(st, &err), 0);
	add_step(st, e, 2, "msg.gone");
	assert_int_equal(store_sqlite_ops.audit_steps(st, 7, &steps, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(steps[1].action, "msg.gone");
	free(steps);
	store_sqlite_ops.rollback(st);
	/* its id goes to the next new name, which is what the steps say */
	add_step(st, e, 2, "msg.answer");
	assert_int_equal(store_sqlite_ops.audit_steps(st, 7, &steps, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(steps[0].action, "msg.register");
	assert_string_equal(steps[1].action, "msg.answer");
	free(steps);
	/* the same again, now from the slots */
	assert_int_equal(store_sqlite_ops.audit_steps(st, 7, &steps, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(steps[1].action, "msg.answer");
	free(steps);
	store_sqlite_ops.close(st);
	/* the id was the rolled-back name's: the case above did happen */
	assert_int_equal(sql_count(f.path, "SELECT count(*) FROM audit_names"), 3);
	assert_int_equal(sql_count(f.path, "SELECT id FROM audit_names WHERE name = 'msg.answer'"),
			 3);
	free(e);
	cleanup(&f);
}

/* The FTS5 query text for words (sqlite_search.c), valid until the next. */
static struct buf fts_buf = BUF_INIT(CAP_SEARCH_QUERY);

static const char *fts_of(const char *const *words, size_t n, int want)
{
	struct buf *b = &fts_buf;
	struct store_search q;
	struct err err;
	struct sq_fts_tok *tok;
	sqlite3 *db;

	memset(&q, 0, sizeof(q));
	q.words = words;
	q.nwords = n;
	buf_release(b);
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	tok = sq_fts_tok_open(db);
	assert_non_null(tok);
	assert_int_equal(sq_fts_query(tok, &q, b, &err), want);
	sq_fts_tok_close(tok);
	if (want == 0 && b->len) {
		/* FTS5 takes it from an index like msg_fts (no positions) */
		sqlite3_stmt *st = NULL;

		assert_int_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(text,"
					      " content = '', detail = none, columnsize = 0);"
					      "INSERT INTO t (rowid, text) VALUES (1, 'x y');",
					      NULL, NULL, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?",
						    -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_text(st, 1, b->data, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return b->data;
}

static void fts_query_text(void **state)
{
	static const char *const two[] = { "ناصر", "خسرو" };
	static const char *const three[] = { "چالههای", "خیابان", "x\"y" };
	static const char *const syntax[] = { "near(", "or", "*", "^a" };
	static const char *const empty[] = { "a", "" };
	static const char *const spaced[] = { "a b" };
	static const char *const emoji[] = { "سلام\xf0\x9f\x98\x80خوب", "\xf0\x9f\x98\x80" };
	const char *many[CAP_SEARCH_WORDS + 1];
	size_t i;

	(void)state;
	assert_string_equal(fts_of(NULL, 0, 0), "");
	/* each word's stem, or joined with a neighbour; every word */
	assert_string_equal(fts_of(two, 2, 0),
			    "(\"ناصر\" OR \"ناصرخسرو\") AND (\"خسرو\" OR \"ناصرخسرو\")");
	/* quotes doubled inside the quoted terms; a term FTS5 splits in two
	 * (at the quote) asked as both tokens, no phrase */
	assert_string_equal(fts_of(three, 3, 0),
			    "(\"چاله\" OR \"چالههایخیاب\") AND (\"خیاب\" OR \"چالههایخیاب\""
			    " OR (\"خیابانx\" AND \"y\")) AND ((\"x\" AND \"y\") OR"
			    " (\"خیابانx\" AND \"y\"))");
	/* fa keeps an emoji inside a word, FTS5 splits there; a word of no
	 * token at all stays one quoted term */
	assert_string_equal(fts_of(emoji, 1, 0), "((\"سلام\" AND \"خوب\"))");
	assert_string_equal(fts_of(emoji + 1, 1, 0), "(\"\xf0\x9f\x98\x80\")");
	/* FTS5 operators are just quoted text */
	assert_string_equal(fts_of(syntax, 1, 0), "(\"near(\")");
	assert_string_equal(fts_of(syntax + 2, 2, 0),
			    "(\"*\" OR \"*^a\") AND (\"^a\" OR \"*^a\")");
	/* what store.h refuses */
	fts_of(empty, 2, ERR_INVALID);
	fts_of(spaced, 1, ERR_INVALID);
	for (i = 0; i <= CAP_SEARCH_WORDS; i++)
		many[i] = "a";
	fts_of(many, CAP_SEARCH_WORDS, 0);
	fts_of(many, CAP_SEARCH_WORDS + 1, ERR_INVALID);
	buf_release(&fts_buf);
}

/* ---- a read snapshot kept for the next look-up (sqlite_snap.c) ---- */

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Rows in probe as the store's connection reads them now (in its open
 * snapshot, if any). */
static int probe_rows(struct store *st)
{
	sqlite3_stmt *q;
	int n;

	assert_int_equal(sqlite3_prepare_v2(((struct sqlite_store *)st)->db,
					    "SELECT count(*) FROM probe", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return n;
}

static bool snapshot_open(struct store *st)
{
	return !sqlite3_get_autocommit(((struct sqlite_store *)st)->db);
}

static void *drop_stale(void *st)
{
	store_sqlite_ops.snapshot_drop(st, SNAP_DROP_STALE);
	return NULL;
}

static void drop_stale_elsewhere(struct store *st)
{
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, drop_stale, st), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
}

static void after_keep_time(void)
{
	struct timespec ts = { 0, (CAP_SNAPSHOT_KEEP_US + 1000) * 1000L };

	nanosleep(&ts, NULL);
}

/* A snapshot kept, then claimed by its thread while fresh. */
static void claim_fresh(struct store *a)
{
	const struct store_ops *o = &store_sqlite_ops;
	struct err err;
	int i;

	for (i = 0; i < 50; i++) {
		int64_t t0 = mono_us();

		assert_int_equal(o->snapshot(a, true, &err), 0);
		probe_rows(a);
		assert_int_equal(o->snapshot_keep(a, &err), 0);
		o->snapshot_drop(a, SNAP_DROP_CLAIM);
		if (mono_us() - t0 < CAP_SNAPSHOT_KEEP_US)
			break;
		o->snapshot_drop(a, SNAP_DROP_ALL);
	}
	assert_true(i < 50);
	assert_true(snapshot_open(a));
}

/*
 * A kept snapshot is taken up again by the next snapshot on while fresh,
 * and only then: a commit through a store of this process (the server's
 * writer) ends it at once, another process's commit (here a connection of
 * SQLite's own, outside the store) shows once CAP_SNAPSHOT_KEEP_US has
 * passed.  Another thread ends it once stale unless its thread claimed it.
 */
static void kept_snapshot(void **state)
{
	const struct store_ops *o = &store_sqlite_ops;
	struct store *a = NULL, *b = NULL;
	struct sfx f;
	struct err err;
	sqlite3 *other;
	int i, n, quick_reuse = 0, quick_commit = 0;

	(void)state;
	dsn_for(&f);
	assert_int_equal(o->open(&a, f.path, STORE_CREATE, NULL, &err), 0);
	assert_int_equal(o->open(&b, f.path, 0, NULL, &err), 0);
	assert_int_equal(sqlite3_open(f.path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "PRAGMA synchronous = OFF;"
				      " CREATE TABLE probe (x)", NULL, NULL, NULL), SQLITE_OK);

	for (i = 0; i < 50; i++) {
		int64_t t0 = mono_us();

		/* another process's commit: unseen while the snapshot is fresh */
		assert_int_equal(o->snapshot(a, true, &err), 0);
		n = probe_rows(a);
		assert_int_equal(o->snapshot_keep(a, &err), 0);
		assert_int_equal(sqlite3_exec(other, "INSERT INTO probe VALUES (1)", NULL, NULL,
					      NULL), SQLITE_OK);
		assert_int_equal(o->snapshot(a, true, &err), 0);
		if (probe_rows(a) == n && mono_us() - t0 < CAP_SNAPSHOT_KEEP_US)
			quick_reuse++;
		else
			assert_true(mono_us() - t0 >= CAP_SNAPSHOT_KEEP_US ||
				    probe_rows(a) == n);
		assert_int_equal(o->snapshot_keep(a, &err), 0);
		/* ... and seen once it is not */
		after_keep_time();
		assert_int_equal(o->snapshot(a, true, &err), 0);
		assert_int_equal(probe_rows(a), n + 1);
		assert_int_equal(o->snapshot_keep(a, &err), 0);

		/* this process's commit: seen at once */
		t0 = mono_us();
		assert_int_equal(o->snapshot(a, true, &err), 0);
		n = probe_rows(a);
		assert_int_equal(o->snapshot_keep(a, &err), 0);
		assert_int_equal(sqlite3_exec(((struct sqlite_store *)b)->db,
					      "INSERT INTO probe VALUES (2)", NULL, NULL, NULL),
				 SQLITE_OK);
		assert_int_equal(o->snapshot(a, true, &err), 0);
		assert_int_equal(probe_rows(a), n + 1);
		if (mono_us() - t0 < CAP_SNAPSHOT_KEEP_US)
			quick_commit++;
		assert_int_equal(o->snapshot(a, false, &err), 0);
		assert_false(snapshot_open(a));
	}
	/* the rounds quick enough to tell a kept snapshot from a new one */
	assert_true(quick_reuse > 0);
	assert_true(quick_commit > 0);

	/* another thread ends a stale one; its own thread's drop ends any */
	assert_int_equal(o->snapshot(a, true, &err), 0);
	probe_rows(a);
	assert_int_equal(o->snapshot_keep(a, &err), 0);
	after_keep_time();
	assert_true(snapshot_open(a));
	drop_stale_elsewhere(a);
	assert_false(snapshot_open(a));
	assert_int_equal(o->snapshot(a, true, &err), 0);
	probe_rows(a);
	assert_int_equal(o->snapshot_keep(a, &err), 0);
	o->snapshot_drop(a, SNAP_DROP_ALL);
	assert_false(snapshot_open(a));
	/* a claimed one is out of other threads' reach, stale or not, until
	 * its thread gives it back unused */
	claim_fresh(a);
	after_keep_time();
	drop_stale_elsewhere(a);
	assert_true(snapshot_open(a));
	o->snapshot_drop(a, SNAP_DROP_RELEASE);
	drop_stale_elsewhere(a);
	assert_false(snapshot_open(a));
	/* a claimed stale one is ended by the next snapshot on, which
	 * begins afresh */
	claim_fresh(a);
	after_keep_time();
	assert_int_equal(sqlite3_exec(other, "INSERT INTO probe VALUES (3)", NULL, NULL, NULL),
			 SQLITE_OK);
	n = probe_rows(a);
	assert_int_equal(o->snapshot(a, true, &err), 0);
	assert_int_equal(probe_rows(a), n + 1);
	assert_int_equal(o->snapshot_keep(a, &err), 0);
	/* closing with a snapshot kept ends it */
	o->close(a);
	o->close(b);
	assert_int_equal(sqlite3_exec(other, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(other);
	cleanup(&f);
}

/* The category's name as a look-up reads it: twice, the second time from
 * what the snapshot keeps once its read transaction has begun. */
static void name_is(struct store *st, int64_t id, const char *want)
{
	struct category got;
	struct err err;
	int i;

	for (i = 0; i < 2; i++) {
		assert_int_equal(store_sqlite_ops.category_get(st, id, &got, &err), 0);
		assert_string_equal(got.name, want);
	}
}

/* A category read inside a snapshot is kept for the snapshot's next
 * reads (sqlite_bulk.c) and never outlives it: a new snapshot reads the
 * name another connection or process wrote meanwhile. */
static void catalogue_within_a_snapshot(void **state)
{
	const struct store_ops *o = &store_sqlite_ops;
	struct store *a = NULL, *b = NULL;
	struct category cat;
	struct sfx f;
	struct err err;
	sqlite3 *other;

	(void)state;
	dsn_for(&f);
	assert_int_equal(o->open(&a, f.path, STORE_CREATE, NULL, &err), 0);
	assert_int_equal(o->open(&b, f.path, 0, NULL, &err), 0);
	memset(&cat, 0, sizeof(cat));
	snprintf(cat.code, sizeof(cat.code), "roads");
	snprintf(cat.name, sizeof(cat.name), "معابر");
	cat.deadline_hours = 72;
	cat.kinds = CATEGORY_ALL_KINDS;
	cat.active = true;
	assert_int_equal(o->begin(b, &err), 0);
	assert_int_equal(o->category_insert(b, &cat, &err), 0);
	assert_int_equal(o->commit(b, &err), 0);

	assert_int_equal(o->snapshot(a, true, &err), 0);
	name_is(a, cat.id, "معابر");
	/* this process renames it: the open snapshot still reads the old
	 * name, the next one the new */
	snprintf(cat.name, sizeof(cat.name), "معابر و آسفالت");
	assert_int_equal(o->begin(b, &err), 0);
	assert_int_equal(o->category_update(b, &cat, &err), 0);
	assert_int_equal(o->commit(b, &err), 0);
	name_is(a, cat.id, "معابر");
	assert_int_equal(o->snapshot_keep(a, &err), 0);
	assert_int_equal(o->snapshot(a, true, &err), 0);
	name_is(a, cat.id, "معابر و آسفالت");
	assert_int_equal(o->snapshot_keep(a, &err), 0);
	/* another process renames it: seen once the kept snapshot is stale */
	assert_int_equal(sqlite3_open(f.path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "UPDATE categories SET name = 'پیاده‌رو'", NULL, NULL,
				      NULL), SQLITE_OK);
	sqlite3_close(other);
	after_keep_time();
	assert_int_equal(o->snapshot(a, true, &err), 0);
	name_is(a, cat.id, "پیاده‌رو");
	assert_int_equal(o->snapshot(a, false, &err), 0);
	/* outside a snapshot every read goes to the database */
	assert_int_equal(o->begin(b, &err), 0);
	snprintf(cat.name, sizeof(cat.name), "روشنایی");
	assert_int_equal(o->category_update(b, &cat, &err), 0);
	assert_int_equal(o->commit(b, &err), 0);
	name_is(a, cat.id, "روشنایی");
	o->close(a);
	o->close(b);
	cleanup(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migrations),
		cmocka_unit_test(migration_citizen_labels),
		cmocka_unit_test(migration_rebuilds_the_index),
		cmocka_unit_test(migration_indexes_comparatives),
		cmocka_unit_test(migration_drops_the_index_text),
		cmocka_unit_test(migration_compacts_the_audit_log),
		cmocka_unit_test(migration_packs_the_texts),
		cmocka_unit_test(migration_packs_the_pairs),
		cmocka_unit_test(migration_packs_the_sms),
		cmocka_unit_test(migration_drops_the_positions),
		cmocka_unit_test(not_a_database),
		cmocka_unit_test(audit_triggers),
		cmocka_unit_test(action_names_kept_once_committed),
		cmocka_unit_test(fts_query_text),
		cmocka_unit_test(kept_snapshot),
		cmocka_unit_test(catalogue_within_a_snapshot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
