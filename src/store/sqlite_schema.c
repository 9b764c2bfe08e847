/*
 * sqlite_schema.c - the SQLite schema as forward-only migrations.
 *
 * PRAGMA user_version holds the number of migrations applied.  Opening a
 * database applies the missing ones in order, each in its own transaction;
 * a database with a higher version than this program knows is refused.
 * Never edit a migration once released: add the next one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/caps.h"
#include "base/mem.h"
#include "base/tpack.h"
#include "fa/terms.h"
#include "store/audit_pack.h"
#include "store/pair_pack.h"
#include "store/sqlite_agg.h"
#include "store/sqlite_int.h"

/* hamgan_audit_pack(payload, at): an audit payload in its stored form
 * since schema 16 (audit_pack.h).  Text longer than a payload may be, or
 * holding a NUL (never written by hamgan), is kept whole behind the tag
 * byte of the text form, so nothing of an old entry is lost. */
static void audit_pack_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	unsigned char out[AUDIT_PACKED_SIZE];
	const unsigned char *t = sqlite3_value_text(argv[0]);
	size_t n = (size_t)sqlite3_value_bytes(argv[0]), len;
	unsigned char *raw;

	(void)argc;
	if (!t) {
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	if (n <= CAP_AUDIT_PAYLOAD && !memchr(t, '\0', n)) {
		len = audit_pack((const char *)t, sqlite3_value_int64(argv[1]), out);
		sqlite3_result_blob(ctx, out, (int)len, SQLITE_TRANSIENT);
		return;
	}
	raw = sqlite3_malloc64(n + 1);
	if (!raw) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	raw[0] = 0;
	memcpy(raw + 1, t, n);
	sqlite3_result_blob64(ctx, raw, n + 1, sqlite3_free);
}

/* hamgan_unhex(text): an audit hash in its stored form (sq_unhex): its
 * bytes, or the text unchanged when it is not lower-case hex. */
static void unhex_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	unsigned char bytes[AUDIT_HASH_HEX / 2];
	const char *t = (const char *)sqlite3_value_text(argv[0]);
	int n;

	(void)argc;
	if (sqlite3_value_type(argv[0]) != SQLITE_TEXT || !t) {
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	n = sq_unhex(t, (size_t)sqlite3_value_bytes(argv[0]), bytes, sizeof(bytes));
	if (n < 0)
		sqlite3_result_value(ctx, argv[0]);
	else
		sqlite3_result_blob(ctx, bytes, n, SQLITE_TRANSIENT);
}

/* hamgan_pack(text): a message's text in its stored form (sq_bind_ptext),
 * for migration 17; a value already packed or not a text is left as it
 * is. */
static void pack_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *t = (const char *)sqlite3_value_text(argv[0]);
	int len = sqlite3_value_bytes(argv[0]);
	unsigned char *packed;
	size_t n;

	(void)argc;
	if (sqlite3_value_type(argv[0]) != SQLITE_TEXT || !t || len <= 0) {
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	packed = xmalloc((size_t)len);
	n = tpack_encode(t, (size_t)len, packed);
	if (n > 0)
		sqlite3_result_blob(ctx, packed, (int)n, SQLITE_TRANSIENT);
	else
		sqlite3_result_value(ctx, argv[0]);
	free(packed);
}

/* hamgan_unpack(value): a message's text as it reads (sq_col_ptext): a
 * packed BLOB unpacked, anything else as it is; an error for a BLOB that
 * is no packed text. */
static void unpack_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *b = sqlite3_value_blob(argv[0]);
	size_t len = (size_t)sqlite3_value_bytes(argv[0]);
	char *out;
	int n;

	(void)argc;
	if (sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	n = tpack_decoded_len(b, len);
	if (n < 0) {
		sqlite3_result_error(ctx, "a stored text is damaged", -1);
		return;
	}
	out = xmalloc((size_t)n + 1);
	tpack_decode(b, len, out, (size_t)n + 1);
	sqlite3_result_text(ctx, out, n, free);
}

/* hamgan_index_text(subject, body): the search index text of a message, as
 * the core makes it on registration (fa_index_text of each), for the
 * migration that rebuilds the index. */
static void index_text_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct buf b = BUF_INIT(CAP_INDEX_TEXT);
	int i, rc = 0;

	for (i = 0; i < argc && rc == 0; i++) {
		const char *t = (const char *)sqlite3_value_text(argv[i]);

		if (t)
			rc = fa_index_text(t, (size_t)sqlite3_value_bytes(argv[i]), &b);
	}
	if (rc < 0)
		sqlite3_result_error(ctx, "cannot index the text", -1);
	else
		sqlite3_result_text(ctx, b.data, (int)b.len, SQLITE_TRANSIENT);
	buf_release(&b);
}

/* hamgan_search_tags(unit_id, category_id): the search tags that follow a
 * message's words in the index (sq_search_tags). */
static void search_tags_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct buf b = BUF_INIT(128);

	(void)argc;
	sq_search_tags(sqlite3_value_int64(argv[0]), sqlite3_value_int64(argv[1]), &b);
	if (buf_error(&b))
		sqlite3_result_error_nomem(ctx);
	else
		sqlite3_result_text(ctx, b.data, (int)b.len, SQLITE_TRANSIENT);
	buf_release(&b);
}

/* Migration 19's test of an old pair row: its day, day2 and count within
 * PAIR_PACK_BOUND (2^40, store/pair_pack.h). */
#define PAIRS_IN_BOUND "day BETWEEN -1099511627776 AND 1099511627776 AND day2 BETWEEN" \
	" -1099511627776 AND 1099511627776 AND n BETWEEN -1099511627776 AND 1099511627776"
_Static_assert(PAIR_PACK_BOUND == INT64_C(1099511627776), "PAIRS_IN_BOUND is PAIR_PACK_BOUND");

static const char *const migrations[] = {
	/* 1: the domain tables */
	"CREATE TABLE units ("
	" id INTEGER PRIMARY KEY,"
	" code TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL,"
	" kind INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 4),"
	" parent_id INTEGER REFERENCES units(id),"
	" active INTEGER NOT NULL DEFAULT 1,"
	" path TEXT NOT NULL DEFAULT ''"	/* '/1/5/9/': ids root..self */
	");"
	"CREATE INDEX units_path ON units(path);"
	"CREATE TABLE categories ("
	" id INTEGER PRIMARY KEY,"
	" code TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL,"
	" parent_id INTEGER REFERENCES categories(id),"
	" deadline_hours INTEGER NOT NULL CHECK (deadline_hours > 0),"
	" kinds INTEGER NOT NULL,"
	" confidential INTEGER NOT NULL DEFAULT 0,"
	" service_code TEXT NOT NULL DEFAULT '',"
	" active INTEGER NOT NULL DEFAULT 1"
	");"
	"CREATE INDEX categories_parent ON categories(parent_id);"
	"CREATE INDEX categories_service ON categories(service_code) WHERE service_code <> '';"
	"CREATE TABLE users ("
	" id INTEGER PRIMARY KEY,"
	" username TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL DEFAULT '',"
	" role INTEGER NOT NULL,"
	" unit_id INTEGER REFERENCES units(id),"
	" active INTEGER NOT NULL DEFAULT 1,"
	" created_at INTEGER NOT NULL,"
	" pwhash TEXT NOT NULL"
	");"
	"CREATE TABLE sessions ("
	" id INTEGER PRIMARY KEY,"
	" token_hash TEXT NOT NULL UNIQUE,"
	" user_id INTEGER NOT NULL REFERENCES users(id),"
	" created_at INTEGER NOT NULL,"
	" expires_at INTEGER NOT NULL,"
	" revoked INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX sessions_user ON sessions(user_id);"
	"CREATE TABLE login_failures (key TEXT NOT NULL, at INTEGER NOT NULL);"
	"CREATE INDEX login_failures_key ON login_failures(key, at);"
	"CREATE TABLE citizens ("
	" id INTEGER PRIMARY KEY,"
	" mobile TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL DEFAULT '',"
	" national_id TEXT NOT NULL DEFAULT '',"
	" created_at INTEGER NOT NULL"
	");"
	"CREATE TABLE live_sessions ("
	" id INTEGER PRIMARY KEY,"
	" unit_id INTEGER NOT NULL REFERENCES units(id),"
	" host_user_id INTEGER NOT NULL REFERENCES users(id),"
	" title TEXT NOT NULL,"
	" starts_at INTEGER NOT NULL,"
	" ends_at INTEGER NOT NULL,"
	" created_at INTEGER NOT NULL"
	");"
	"CREATE INDEX live_sessions_unit ON live_sessions(unit_id, starts_at);"
	"CREATE TABLE messages ("
	" id INTEGER PRIMARY KEY,"
	" code TEXT NOT NULL UNIQUE,"
	" channel INTEGER NOT NULL CHECK (channel BETWEEN 0 AND 4),"
	" kind INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 4),"
	" category_id INTEGER REFERENCES categories(id),"
	" subject TEXT NOT NULL,"
	" body TEXT NOT NULL,"
	" address TEXT NOT NULL DEFAULT '',"
	" has_point INTEGER NOT NULL DEFAULT 0,"
	" lat REAL NOT NULL DEFAULT 0,"
	" lon REAL NOT NULL DEFAULT 0,"
	" region_id INTEGER REFERENCES units(id),"
	" citizen_id INTEGER REFERENCES citizens(id),"
	" confidential INTEGER NOT NULL DEFAULT 0,"
	" state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 7),"
	" unit_id INTEGER NOT NULL REFERENCES units(id),"
	" priority INTEGER NOT NULL DEFAULT 0,"
	" live_session_id INTEGER REFERENCES live_sessions(id),"
	" registered_by INTEGER REFERENCES users(id),"
	" created_at INTEGER NOT NULL,"
	" first_referred_at INTEGER NOT NULL DEFAULT 0,"
	" first_referred_unit INTEGER REFERENCES units(id),"
	" referred_at INTEGER NOT NULL DEFAULT 0,"
	" due_at INTEGER NOT NULL DEFAULT 0,"
	" answered_at INTEGER NOT NULL DEFAULT 0,"
	" closed_at INTEGER NOT NULL DEFAULT 0,"
	" updated_at INTEGER NOT NULL DEFAULT 0,"
	" answer TEXT NOT NULL DEFAULT '',"
	" verdict INTEGER NOT NULL DEFAULT 0,"
	" rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),"
	" verdict_at INTEGER NOT NULL DEFAULT 0,"
	" grade INTEGER NOT NULL DEFAULT 0,"
	" grade_note TEXT NOT NULL DEFAULT '',"
	" graded_at INTEGER NOT NULL DEFAULT 0,"
	" graded_by INTEGER REFERENCES users(id),"
	" reject_reason INTEGER NOT NULL DEFAULT 0,"
	" return_reason INTEGER NOT NULL DEFAULT 0,"
	" duplicate_of INTEGER REFERENCES messages(id),"
	" return_count INTEGER NOT NULL DEFAULT 0,"
	" referral_count INTEGER NOT NULL DEFAULT 0,"
	" reopen_count INTEGER NOT NULL DEFAULT 0,"
	" version INTEGER NOT NULL DEFAULT 1"
	");"
	"CREATE INDEX messages_created ON messages(created_at, id);"
	"CREATE INDEX messages_unit ON messages(unit_id, state);"
	"CREATE INDEX messages_citizen ON messages(citizen_id, created_at);"
	"CREATE INDEX messages_answered ON messages(citizen_id, answered_at) WHERE state = 3;"
	"CREATE INDEX messages_due ON messages(due_at) WHERE state NOT IN (3, 4, 6) AND due_at > 0;"
	"CREATE INDEX messages_live ON messages(live_session_id) WHERE live_session_id IS NOT NULL;"
	"CREATE TABLE referrals ("
	" id INTEGER PRIMARY KEY,"
	" msg_id INTEGER NOT NULL REFERENCES messages(id),"
	" kind INTEGER NOT NULL,"
	" from_unit INTEGER REFERENCES units(id),"
	" to_unit INTEGER REFERENCES units(id),"
	" actor_id INTEGER REFERENCES users(id),"
	" actor TEXT NOT NULL,"
	" reason TEXT NOT NULL DEFAULT '',"
	" deadline INTEGER NOT NULL DEFAULT 0,"
	" at INTEGER NOT NULL"
	");"
	"CREATE INDEX referrals_msg ON referrals(msg_id, id);"
	"CREATE TABLE audit ("
	" seq INTEGER PRIMARY KEY,"
	" actor TEXT NOT NULL,"
	" action TEXT NOT NULL,"
	" msg_id INTEGER,"
	" payload TEXT NOT NULL,"
	" at INTEGER NOT NULL,"
	" prev_hash TEXT NOT NULL,"
	" hash TEXT NOT NULL"
	");"
	"CREATE INDEX audit_msg ON audit(msg_id) WHERE msg_id IS NOT NULL;"
	"CREATE TABLE sms_outbox ("
	" id INTEGER PRIMARY KEY,"
	" to_mobile TEXT NOT NULL,"
	" body TEXT NOT NULL,"
	" msg_id INTEGER REFERENCES messages(id),"
	" state INTEGER NOT NULL DEFAULT 0,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" created_at INTEGER NOT NULL,"
	" next_at INTEGER NOT NULL,"
	" sent_at INTEGER NOT NULL DEFAULT 0,"
	" last_error TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX sms_outbox_due ON sms_outbox(state, next_at);",

	/* 2: full-text search over normalised subject + body; the audit log
	 * refuses UPDATE and DELETE (a guard; the hash chain is the proof) */
	"CREATE VIRTUAL TABLE msg_fts USING fts5(text, tokenize = 'unicode61');"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",

	/* 3: every citizen verdict counted (a new answer clears the standing
	 * one, the counts stay; older rows start from their standing verdict),
	 * and the report aggregates (core/agg.h, sqlite_agg.c).  IF NOT EXISTS:
	 * development databases made them lazily before this migration. */
	"ALTER TABLE messages ADD COLUMN accepts INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE messages ADD COLUMN objections INTEGER NOT NULL DEFAULT 0;"
	"UPDATE messages SET accepts = (verdict = 1), objections = (verdict = 2);"
	"CREATE TABLE IF NOT EXISTS agg_cells (id INTEGER PRIMARY KEY,"
	" dim INTEGER NOT NULL, unit INTEGER NOT NULL, day INTEGER NOT NULL,"
	" key INTEGER NOT NULL,"
	" referred INTEGER NOT NULL, answered INTEGER NOT NULL, on_time INTEGER NOT NULL,"
	" handling_sum INTEGER NOT NULL, evaluated INTEGER NOT NULL,"
	" acceptable INTEGER NOT NULL, verdict_accept INTEGER NOT NULL,"
	" verdict_object INTEGER NOT NULL, returns INTEGER NOT NULL,"
	" rereferrals INTEGER NOT NULL, reopens INTEGER NOT NULL, hist BLOB);"
	"CREATE UNIQUE INDEX IF NOT EXISTS agg_cells_key ON agg_cells (dim, unit, day, key);"
	"CREATE TABLE IF NOT EXISTS agg_backlog ("
	" dim INTEGER NOT NULL, unit INTEGER NOT NULL, due_day INTEGER NOT NULL,"
	" key INTEGER NOT NULL, n INTEGER NOT NULL,"
	" PRIMARY KEY (dim, unit, due_day, key)) WITHOUT ROWID;",

	/* 4: confidential identity (docs/security.md): a referral hop no longer
	 * names a citizen by id ("citizen:ID" becomes "citizen"; the message
	 * row says whose it is), and the secrets the program makes for itself
	 * (the key of the caller-number hash in the audit log) */
	"UPDATE referrals SET actor = 'citizen' WHERE actor GLOB 'citizen:*';"
	"CREATE TABLE secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;",
	/* 5: one-time codes proving a public web submitter holds the
	 * mobile (core/verify.h); only a salted hash of each code is kept */
	"CREATE TABLE verify_codes ("
	" id INTEGER PRIMARY KEY,"
	" mobile TEXT NOT NULL,"
	" addr TEXT NOT NULL,"
	" salt TEXT NOT NULL,"
	" hash TEXT NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" expires_at INTEGER NOT NULL,"
	" tries INTEGER NOT NULL DEFAULT 0,"
	" used INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX verify_codes_mobile ON verify_codes(mobile, created_at);"
	"CREATE INDEX verify_codes_addr ON verify_codes(addr, created_at);"
	"CREATE INDEX verify_codes_created ON verify_codes(created_at);",
	/* 6: place (issue 10): units' boundaries (core/geo.h; rev grows on every
	 * put, so max(rev) tells a cached index it is stale), a category's
	 * routing rule (docs/routing.md), and the place index for nearby
	 * messages and likely duplicates */
	"CREATE TABLE unit_boundaries ("
	" unit_id INTEGER PRIMARY KEY REFERENCES units(id),"
	" outline BLOB NOT NULL,"
	" attribution TEXT NOT NULL DEFAULT '',"
	" min_lat REAL NOT NULL, min_lon REAL NOT NULL,"
	" max_lat REAL NOT NULL, max_lon REAL NOT NULL,"
	" vertices INTEGER NOT NULL,"
	" rev INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL);"
	"ALTER TABLE categories ADD COLUMN route TEXT NOT NULL DEFAULT '';"
	"CREATE INDEX messages_place ON messages(category_id, lat) WHERE has_point = 1;",
	/* 7: attachments (issue 14): photos and PDFs on a message, stripped of
	 * metadata, with a JPEG preview; in the database so every node reads
	 * them (core/attach.h) */
	"CREATE TABLE attachments ("
	" id INTEGER PRIMARY KEY,"
	" msg_id INTEGER NOT NULL REFERENCES messages(id),"
	" name TEXT NOT NULL,"
	" mime TEXT NOT NULL,"
	" by_actor TEXT NOT NULL,"
	" by_role INTEGER NOT NULL,"
	" size INTEGER NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" bytes BLOB NOT NULL,"
	" thumb BLOB"
	");"
	"CREATE INDEX attachments_msg ON attachments(msg_id, id);",
	/* 8 (issue 8): report figures by the unit that held the message, over
	 * every hop, judgement and obligation (core/agg.h).  The cells keep
	 * their counters in a blob; pairs hold the two-day figures (answered
	 * by as_of, overdue at as_of) and replace the backlog.  The tables
	 * start empty and agg_meta marks them stale: opening the database
	 * (`hamgan init --db`, `hamgan serve`) rebuilds them from the messages. */
	"DROP TABLE IF EXISTS agg_backlog;"
	"DROP TABLE IF EXISTS agg_cells;"
	"CREATE TABLE agg_cells (id INTEGER PRIMARY KEY, dim INTEGER NOT NULL,"
	" unit INTEGER NOT NULL, day INTEGER NOT NULL, key INTEGER NOT NULL,"
	" c BLOB NOT NULL, hist BLOB);"
	"CREATE UNIQUE INDEX agg_cells_key ON agg_cells (dim, unit, day, key);"
	"CREATE TABLE agg_pairs (dim INTEGER NOT NULL, unit INTEGER NOT NULL,"
	" kind INTEGER NOT NULL, day INTEGER NOT NULL, key INTEGER NOT NULL,"
	" day2 INTEGER NOT NULL, n INTEGER NOT NULL,"
	" PRIMARY KEY (dim, unit, kind, day, key, day2)) WITHOUT ROWID;"
	"CREATE TABLE agg_meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);"
	"INSERT INTO agg_meta (k, v) VALUES ('stale', 1);",
	/* 9 (issue 14), daily work: a message assigned to a person of its unit,
	 * internal notes, canned answers per category, the SMS of a message
	 * found by its id (the timeline), and the search index rebuilt with
	 * the stems and joined neighbours of fa/terms.h (hamgan_index_text,
	 * registered on every connection). */
	"CREATE TABLE msg_assign ("
	" msg_id INTEGER PRIMARY KEY REFERENCES messages(id),"
	" user_id INTEGER NOT NULL REFERENCES users(id),"
	" at INTEGER NOT NULL);"
	"CREATE INDEX msg_assign_user ON msg_assign(user_id);"
	"CREATE TABLE msg_notes ("
	" id INTEGER PRIMARY KEY,"
	" msg_id INTEGER NOT NULL REFERENCES messages(id),"
	" user_id INTEGER REFERENCES users(id),"
	" author TEXT NOT NULL,"
	" body TEXT NOT NULL,"
	" at INTEGER NOT NULL);"
	"CREATE INDEX msg_notes_msg ON msg_notes(msg_id, id);"
	"CREATE TABLE canned_answers ("
	" id INTEGER PRIMARY KEY,"
	" category_id INTEGER NOT NULL REFERENCES categories(id),"
	" title TEXT NOT NULL,"
	" body TEXT NOT NULL,"
	" active INTEGER NOT NULL DEFAULT 1,"
	" created_at INTEGER NOT NULL);"
	"CREATE INDEX canned_answers_category ON canned_answers(category_id);"
	"CREATE INDEX sms_outbox_msg ON sms_outbox(msg_id) WHERE msg_id IS NOT NULL;"
	"DELETE FROM msg_fts;"
	"INSERT INTO msg_fts (rowid, text) SELECT id, hamgan_index_text(subject, body)"
	" FROM messages;",
	/* 10: Open311 and open data (issue 10): API keys (only a hash of the key),
	 * what an Open311 client sent beside the message, a service's keywords
	 * and attribute definitions, and the rows other systems' files were
	 * imported from (so a second import adds nothing). */
	"CREATE TABLE api_keys ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE,"
	" key_hash TEXT NOT NULL UNIQUE,"
	" created_at INTEGER NOT NULL,"
	" revoked_at INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE TABLE open311_requests ("
	" msg_id INTEGER PRIMARY KEY REFERENCES messages(id),"
	" api_key_id INTEGER NOT NULL REFERENCES api_keys(id),"
	" media_url TEXT NOT NULL DEFAULT '',"
	" address_id TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE TABLE category_open311 ("
	" category_id INTEGER PRIMARY KEY REFERENCES categories(id),"
	" keywords TEXT NOT NULL DEFAULT '',"
	" attributes TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE TABLE import_keys ("
	" source TEXT NOT NULL,"
	" key TEXT NOT NULL,"
	" msg_id INTEGER NOT NULL REFERENCES messages(id),"
	" PRIMARY KEY (source, key)) WITHOUT ROWID;",
	/* 11: the SMS sender's lease (issue 11): when a row was claimed.  A row
	 * "sending" holds its lease's end in next_at; past it, the next sender
	 * puts the row back to pending (core/sms.h).  Rows left "sending" by an
	 * older release have no claim time and go back at the first claim. */
	"ALTER TABLE sms_outbox ADD COLUMN claimed_at INTEGER NOT NULL DEFAULT 0;",
	/* 12 (issue 11): the partial index of open messages by deadline with
	 * its condition as inequalities (model/msg.h, MSG_STATES_OPEN_SQL): the
	 * IN list it had made every insert and update of a message build two
	 * temporary tables to test it, half the cost of a transition's
	 * UPDATE. */
	"DROP INDEX IF EXISTS messages_due;"
	"CREATE INDEX messages_due ON messages(due_at) WHERE " MSG_STATES_OPEN_SQL("state")
	" AND due_at > 0;",
	/* 13 (issue 12): the search index rebuilt so that a comparative is
	 * also found by its base word: «بزرگتر» and «بزرگ‌تر» by «بزرگ»
	 * (fa/terms.h; hamgan_index_text, as in migration 9).  The table is
	 * made again rather than emptied: deleting every row of an FTS5 table
	 * keeps the old segments and their tombstones (on the 100,000-message
	 * demo an index 2.5 times the size, built in twice the time). */
	"DROP TABLE msg_fts;"
	"CREATE VIRTUAL TABLE msg_fts USING fts5(text, tokenize = 'unicode61');"
	"INSERT INTO msg_fts (rowid, text) SELECT id, hamgan_index_text(subject, body)"
	" FROM messages;",
	/* 14 (issue 11): the search index without a copy of its text
	 * (content=''): a search reads rowids in rowid order, never a
	 * column, and the terms can always be made again from the message
	 * with hamgan_index_text.  Rows are only ever added (a message is
	 * never deleted, and its subject and body never change after
	 * registration), which is all SQLite 3.40's contentless table
	 * allows.  The token counts (msg_fts_docsize, 10 bytes a message)
	 * stay: without them the table cannot be scanned, even to count it.
	 * On the 100,000-message demo 0.54 KB a message less. */
	"DROP TABLE msg_fts;"
	"CREATE VIRTUAL TABLE msg_fts USING fts5(text, content = '', tokenize = 'unicode61');"
	"INSERT INTO msg_fts (rowid, text) SELECT id, hamgan_index_text(subject, body)"
	" FROM messages;",
	/* 15 (issue 11): the audit log's hashes as their 32 bytes rather than
	 * 64 hex digits, and prev_hash NULL where it is the hash of the entry
	 * before (seq - 1; zeros for the first), as every entry the core
	 * appends is: the chain is hashed and checked as before from the same
	 * hex, which the store gives back (sqlite_msg.c).  Nothing is lost: a
	 * prev_hash that does not link, or a hash that is not lower-case hex
	 * (never written by hamgan, but an old file may have been changed by
	 * hand), is kept as it was, so `hamgan audit verify` finds what it
	 * found before.  The table is copied (the triggers refuse UPDATE;
	 * DROP TABLE fires none) and its index and triggers made again.
	 * About 100 bytes an entry, 0.45 KB a message on the demo. */
	"CREATE TABLE audit_new ("
	" seq INTEGER PRIMARY KEY,"
	" actor TEXT NOT NULL,"
	" action TEXT NOT NULL,"
	" msg_id INTEGER,"
	" payload TEXT NOT NULL,"
	" at INTEGER NOT NULL,"
	" prev_hash BLOB,"	/* NULL: the hash of entry seq - 1, or zeros */
	" hash BLOB NOT NULL"
	");"
	"INSERT INTO audit_new (seq, actor, action, msg_id, payload, at, prev_hash, hash)"
	" SELECT a.seq, a.actor, a.action, a.msg_id, a.payload, a.at,"
	" CASE WHEN a.prev_hash IS coalesce((SELECT p.hash FROM audit p WHERE p.seq = a.seq - 1),"
	" hex(zeroblob(32))) THEN NULL ELSE hamgan_unhex(a.prev_hash) END,"
	" hamgan_unhex(a.hash) FROM audit a ORDER BY a.seq;"
	"DROP TABLE audit;"
	"ALTER TABLE audit_new RENAME TO audit;"
	"CREATE INDEX audit_msg ON audit(msg_id) WHERE msg_id IS NOT NULL;"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
	/* 16 (issue 11): the audit log smaller again.  Actor and action are
	 * the ids of their texts in audit_names (as append-only as the log),
	 * and the payload is packed (store/audit_pack.h: member names, the
	 * model's words and digit strings as small numbers, a due time as its
	 * difference from the entry's, Persian letters one byte each), given
	 * back byte for byte, so every entry is hashed and checked from the
	 * same text as before.  Old entries are packed too, each checked as
	 * it is packed; what would not come back the same is kept as text.
	 * About 0.6 KB a message less on the demo (docs/performance.md). */
	"CREATE TABLE audit_names ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE"
	");"
	"INSERT INTO audit_names (name) SELECT actor FROM audit UNION SELECT action FROM audit;"
	"CREATE TABLE audit_new ("
	" seq INTEGER PRIMARY KEY,"
	" actor_id INTEGER NOT NULL REFERENCES audit_names(id),"
	" action_id INTEGER NOT NULL REFERENCES audit_names(id),"
	" msg_id INTEGER,"
	" payload BLOB NOT NULL,"	/* audit_pack.h */
	" at INTEGER NOT NULL,"
	" prev_hash BLOB,"
	" hash BLOB NOT NULL"
	");"
	"INSERT INTO audit_new (seq, actor_id, action_id, msg_id, payload, at, prev_hash, hash)"
	" SELECT a.seq, (SELECT n.id FROM audit_names n WHERE n.name = a.actor),"
	" (SELECT n.id FROM audit_names n WHERE n.name = a.action), a.msg_id,"
	" hamgan_audit_pack(a.payload, a.at), a.at, a.prev_hash, a.hash FROM audit a ORDER BY a.seq;"
	"DROP TABLE audit;"
	"ALTER TABLE audit_new RENAME TO audit;"
	"CREATE INDEX audit_msg ON audit(msg_id) WHERE msg_id IS NOT NULL;"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_names_no_update BEFORE UPDATE ON audit_names"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_names_no_delete BEFORE DELETE ON audit_names"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
	/* 17 (issue 11): the messages' texts packed (base/tpack.h): a text
	 * that packs shorter is kept as a BLOB of its packed form, one byte a
	 * Persian letter instead of two; any other stays the TEXT it was
	 * (sq_bind_ptext, sq_col_ptext).  Every reader goes through
	 * msg_text_get, the search index holds terms only (migration 14), so
	 * nothing read changes.  The rows shrink in place: the pages they
	 * leave free are reused by new rows, or given back by a VACUUM.  On
	 * the 100,000-message demo 0.29 KB a message less. */
	"UPDATE messages SET subject = hamgan_pack(subject), body = hamgan_pack(body),"
	" address = hamgan_pack(address), answer = hamgan_pack(answer),"
	" grade_note = hamgan_pack(grade_note);",
	/* 18 (issue 11): the search index holds each message's search tags
	 * after its words (its unit and its category; sqlite_search.c), so
	 * that a search filtered on them reads only the matches that can
	 * pass.  The index is made again, as in 13. */
	"DROP TABLE msg_fts;"
	"CREATE VIRTUAL TABLE msg_fts USING fts5(text, content = '', tokenize = 'unicode61');"
	"INSERT INTO msg_fts (rowid, text) SELECT id, hamgan_index_text(hamgan_unpack(subject),"
	" hamgan_unpack(body)) || hamgan_search_tags(unit_id, category_id) FROM messages;",
	/* 19 (issue 11): the pair rows of one (dim, unit, kind, day, key) in
	 * one row, their (day2, n) counts packed in a blob (store/pair_pack.h,
	 * sqlite_agg.c): a report reads a row a month of a scope instead of
	 * one a pair, hundreds at a million messages.  The counts are the
	 * same, so the aggregates need no recount; a row no hamgan wrote (a
	 * day or count beyond what the blob holds, PAIR_PACK_BOUND) is left
	 * out and the aggregates marked to be made again on opening. */
	"CREATE TABLE agg_pairs_new (dim INTEGER NOT NULL, unit INTEGER NOT NULL,"
	" kind INTEGER NOT NULL, day INTEGER NOT NULL, key INTEGER NOT NULL,"
	" counts BLOB NOT NULL,"
	" PRIMARY KEY (dim, unit, kind, day, key)) WITHOUT ROWID;"
	"INSERT OR REPLACE INTO agg_meta (k, v) SELECT 'stale', 1 WHERE EXISTS (SELECT 1"
	" FROM agg_pairs WHERE NOT (" PAIRS_IN_BOUND "));"
	"INSERT INTO agg_pairs_new (dim, unit, kind, day, key, counts)"
	" SELECT dim, unit, kind, day, key, hamgan_pairs_pack(day, day2, n) FROM agg_pairs"
	" WHERE " PAIRS_IN_BOUND
	" GROUP BY dim, unit, kind, day, key ORDER BY dim, unit, kind, day, key;"
	"DROP TABLE agg_pairs;"
	"ALTER TABLE agg_pairs_new RENAME TO agg_pairs;"
	"DELETE FROM agg_pairs WHERE length(counts) = 0;",
	/* 20 (issue 11): the SMS texts and the referrals' reasons packed as
	 * the messages' texts are (17, base/tpack.h: a byte a Persian letter
	 * or digit): the outbox keeps every text until its prune, and a text
	 * about a message holds its tracking code and often its answer.  The
	 * two tables are written again, not updated in place: rows made
	 * shorter in place would leave their pages half empty. */
	"CREATE TABLE sms_outbox_new ("
	" id INTEGER PRIMARY KEY,"
	" to_mobile TEXT NOT NULL,"
	" body TEXT NOT NULL,"
	" msg_id INTEGER REFERENCES messages(id),"
	" state INTEGER NOT NULL DEFAULT 0,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" created_at INTEGER NOT NULL,"
	" next_at INTEGER NOT NULL,"
	" sent_at INTEGER NOT NULL DEFAULT 0,"
	" last_error TEXT NOT NULL DEFAULT '',"
	" claimed_at INTEGER NOT NULL DEFAULT 0);"
	"INSERT INTO sms_outbox_new SELECT id, to_mobile, hamgan_pack(body), msg_id, state,"
	" attempts, created_at, next_at, sent_at, last_error, claimed_at FROM sms_outbox"
	" ORDER BY id;"
	"DROP TABLE sms_outbox;"
	"ALTER TABLE sms_outbox_new RENAME TO sms_outbox;"
	"CREATE INDEX sms_outbox_due ON sms_outbox(state, next_at);"
	"CREATE INDEX sms_outbox_msg ON sms_outbox(msg_id) WHERE msg_id IS NOT NULL;"
	"CREATE TABLE referrals_new ("
	" id INTEGER PRIMARY KEY,"
	" msg_id INTEGER NOT NULL REFERENCES messages(id),"
	" kind INTEGER NOT NULL,"
	" from_unit INTEGER REFERENCES units(id),"
	" to_unit INTEGER REFERENCES units(id),"
	" actor_id INTEGER REFERENCES users(id),"
	" actor TEXT NOT NULL,"
	" reason TEXT NOT NULL DEFAULT '',"
	" deadline INTEGER NOT NULL DEFAULT 0,"
	" at INTEGER NOT NULL);"
	"INSERT INTO referrals_new SELECT id, msg_id, kind, from_unit, to_unit, actor_id, actor,"
	" hamgan_pack(reason), deadline, at FROM referrals ORDER BY id;"
	"DROP TABLE referrals;"
	"ALTER TABLE referrals_new RENAME TO referrals;"
	"CREATE INDEX referrals_msg ON referrals(msg_id, id);",
	/* 21 (issue 11): a cell's key packed in its rowid (store/cell_pack.h)
	 * instead of four columns and a unique index on them, and its
	 * counters sparse (base/varint.h): a cell took 64 bytes, 40 of them
	 * its key twice.  The counts are the same, so the aggregates need no
	 * recount; a row no hamgan wrote (a key beyond the bounds, a damaged
	 * blob) is left out and the aggregates marked to be made again on
	 * opening, as in 19.  The rows go in in rowid order, so the new
	 * table's pages are full. */
	"INSERT OR REPLACE INTO agg_meta (k, v) SELECT 'stale', 1 WHERE EXISTS (SELECT 1"
	" FROM agg_cells WHERE hamgan_cell_id(dim, unit, day, key) IS NULL"
	" OR hamgan_cell_counters(c) IS NULL);"
	"CREATE TABLE agg_cells_new (id INTEGER PRIMARY KEY, c BLOB NOT NULL, hist BLOB);"
	"INSERT INTO agg_cells_new (id, c, hist)"
	" SELECT hamgan_cell_id(dim, unit, day, key), hamgan_cell_counters(c), hist"
	" FROM agg_cells WHERE hamgan_cell_id(dim, unit, day, key) IS NOT NULL"
	" AND hamgan_cell_counters(c) IS NOT NULL ORDER BY dim, unit, day, key;"
	"DROP TABLE agg_cells;"
	"ALTER TABLE agg_cells_new RENAME TO agg_cells;",
	/* 22 (issue 11): the search index without positions (detail=none)
	 * and without each entry's token count (columnsize=0): a search asks
	 * whether a message holds a term, never where, nor a rank (results
	 * go newest first), so neither was ever read; two thirds of the
	 * index, 0.08 KB a message.  A term of several FTS5 tokens is asked
	 * as all of them, no phrase (sqlite_search.c).  The index is made
	 * again, as in 18. */
	"DROP TABLE msg_fts;"
	"CREATE VIRTUAL TABLE msg_fts USING fts5(text, content = '', tokenize = 'unicode61',"
	" detail = none, columnsize = 0);"
	"INSERT INTO msg_fts (rowid, text) SELECT id, hamgan_index_text(hamgan_unpack(subject),"
	" hamgan_unpack(body)) || hamgan_search_tags(unit_id, category_id) FROM messages;",
	/* 23: the audit log keeps an entry's hash only on every 32nd entry
	 * (model/audit.h, AUDIT_HASH_EVERY) and on its tail, kept here in
	 * one row written with each entry; the others get a zero-length
	 * blob (docs/core.md, "Audit chain").  The entries already written
	 * keep their hashes: nothing is rewritten, the head is the last
	 * entry's.  The head only moves on (by one entry or, written once a
	 * transaction, by several: sqlite_int.h, struct sq_head) and is never
	 * deleted (a guard, as the log's triggers are). */
	"CREATE TABLE audit_head (one INTEGER PRIMARY KEY CHECK (one = 1),"
	" seq INTEGER NOT NULL, hash BLOB NOT NULL);"
	"INSERT INTO audit_head (one, seq, hash) SELECT 1, seq, hash FROM audit"
	" ORDER BY seq DESC LIMIT 1;"
	"CREATE TRIGGER audit_head_no_update BEFORE UPDATE ON audit_head"
	" WHEN NEW.seq <= OLD.seq OR NEW.one <> OLD.one"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
	/* 24 (issue 11): the alone rows of a unit without child units go
	 * (core/agg.h, agg_scope_stored): they were its subtree's rows again,
	 * byte for byte, 129 units of the demo's 153 and 8 MB of its 168.  A
	 * cell's scope is bits 35..59 of its rowid, unit + 2^24
	 * (store/cell_pack.h): below 2^24 an alone scope.  The figures are
	 * the same, read from the subtree's rows, so the aggregates need no
	 * recount.  units_parent answers whether a unit has children (the
	 * replay asks it of every unit that holds a message). */
	"CREATE INDEX units_parent ON units(parent_id);"
	"DELETE FROM agg_cells WHERE ((id >> 35) & 33554431) < 16777216"
	" AND 16777216 - ((id >> 35) & 33554431) NOT IN"
	" (SELECT parent_id FROM units WHERE parent_id IS NOT NULL);"
	"DELETE FROM agg_pairs WHERE unit < 0 AND -unit NOT IN"
	" (SELECT parent_id FROM units WHERE parent_id IS NOT NULL);",
	/* 25 (issue 11): a message's steps from the index alone
	 * (sqlite_agg.c, sq_audit_steps): audit_msg holds each entry's action
	 * and time beside the message, so a tracking look-up and a recount
	 * read one index page a message and visit the log's rows only for
	 * the steps a payload can change (verdicts, grades, reopenings),
	 * where each entry was a page of its own.  Nothing in the log changes. */
	"DROP INDEX audit_msg;"
	"CREATE INDEX audit_msg ON audit(msg_id, action_id, at)"
	" WHERE msg_id IS NOT NULL;",
};

#define MIGRATION_COUNT ((int)(sizeof(migrations) / sizeof(migrations[0])))

int sq_schema_latest(void)
{
	return MIGRATION_COUNT;
}

int sq_schema_version(sqlite3 *db, int *have, struct err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		int code = (rc == SQLITE_NOTADB) ? ERR_INVALID : ERR_STORE;

		err_set(err, code, "", "cannot read the schema version: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return code;
	}
	*have = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int pragma_int(sqlite3 *db, const char *pragma)
{
	sqlite3_stmt *st = NULL;
	int v = 0;

	if (sqlite3_prepare_v2(db, pragma, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void foreign_keys(sqlite3 *db, int on)
{
	sqlite3_exec(db, on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF", NULL, NULL,
		     NULL);
}

int sq_schema_migrate(sqlite3 *db, int target, const struct progress *prog, struct err *err)
{
	char pragma[64];
	char *msg = NULL;
	int have, v, rc, fk;

	if (target <= 0 || target > MIGRATION_COUNT)
		target = MIGRATION_COUNT;
	rc = sq_schema_version(db, &have, err);
	if (rc < 0)
		return rc;
	if (sqlite3_create_function(db, "hamgan_index_text", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
				    NULL, index_text_fn, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "hamgan_unhex", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
				    NULL, unhex_fn, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "hamgan_audit_pack", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
				    NULL, audit_pack_fn, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "hamgan_pack", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
				    NULL, pack_fn, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "hamgan_unpack", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
				    NULL, unpack_fn, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "hamgan_search_tags", 2,
				    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, search_tags_fn, NULL,
				    NULL) != SQLITE_OK ||
	    sq_agg_functions(db) < 0)
		return err_set(err, ERR_STORE, "", "cannot register the migrations' functions");
	if (have > MIGRATION_COUNT)
		return err_set(err, ERR_INVALID, "", "database schema version %d is newer than this "
			       "program knows (%d): use a newer hamgan", have, MIGRATION_COUNT);
	if (have >= target)
		return 0;
	/* foreign keys off while the migrations run, as SQLite's way of
	 * writing a table again asks: its rows are copied as they are, and a
	 * row an older program or a hand let through does not stop the
	 * upgrade (the pragma is a no-op inside a transaction, so here); the
	 * connection's setting comes back after them */
	fk = pragma_int(db, "PRAGMA foreign_keys");
	foreign_keys(db, 0);
	for (v = have; v < target; v++) {
		store_show_migration(prog, have, v + 1, target);
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
		rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db, migrations[v], NULL, NULL, &msg);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db, pragma, NULL, NULL, &msg);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db, "COMMIT", NULL, NULL, &msg);
		if (rc != SQLITE_OK) {
			err_set(err, rc == SQLITE_BUSY ? ERR_UNAVAILABLE : ERR_STORE, "",
				"schema migration %d failed: %s", v + 1,
				msg ? msg : sqlite3_errmsg(db));
			sqlite3_free(msg);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			foreign_keys(db, fk);
			return err ? err->code : ERR_STORE;
		}
	}
	foreign_keys(db, fk);
	store_show_migration(prog, have, target + 1, target);
	return 0;
}
