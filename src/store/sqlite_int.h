/*
 * sqlite_int.h - internals shared by the SQLite backend's files: the store
 * struct with its prepared-statement cache and small helpers.  Nothing
 * outside src/store/sqlite*.c includes this (tests may, for hooks).
 */
#ifndef HAMGAN_STORE_SQLITE_INT_H
#define HAMGAN_STORE_SQLITE_INT_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/caps.h"
#include "store/store.h"

/* One slot per cached statement; the SQL sits beside the code using it. */
enum sq_stmt_id {
	SQ_BEGIN, SQ_COMMIT, SQ_ROLLBACK, SQ_SNAPSHOT,
	SQ_UNIT_INSERT, SQ_UNIT_SETPATH, SQ_UNIT_UPDATE, SQ_UNIT_GET, SQ_UNIT_GET_CODE,
	SQ_UNIT_LIST, SQ_UNIT_WITHIN, SQ_UNIT_FIRST_KIND, SQ_UNIT_CHILDREN,
	SQ_CAT_INSERT, SQ_CAT_UPDATE, SQ_CAT_GET, SQ_CAT_GET_CODE, SQ_CAT_GET_SERVICE,
	SQ_CAT_LIST, SQ_CAT_CHILDREN,
	SQ_USER_INSERT, SQ_USER_UPDATE, SQ_USER_GET, SQ_USER_GET_NAME, SQ_USER_LIST,
	SQ_SESSION_INSERT, SQ_SESSION_GET, SQ_SESSION_REVOKE, SQ_SESSION_REVOKE_USER,
	SQ_LOGIN_ADD, SQ_LOGIN_COUNT, SQ_LOGIN_CLEAR, SQ_LOGIN_LATEST,
	SQ_CIT_INSERT, SQ_CIT_UPDATE, SQ_CIT_GET, SQ_CIT_GET_MOBILE,
	SQ_LIVE_INSERT, SQ_LIVE_GET, SQ_LIVE_LIST,
	SQ_MSG_INSERT, SQ_MSG_FTS_INSERT, SQ_MSG_TAGS_GET, SQ_MSG_FTS_DELETE, SQ_MSG_FTS_REINDEX,
	SQ_SEARCH_UNITS, SQ_SEARCH_IDS,
	SQ_MSG_UPDATE, SQ_MSG_UPDATE_TEXT, SQ_MSG_SAVE, SQ_MSG_TEXT_GET, SQ_MSG_EXISTS, SQ_MSG_GET,
	SQ_MSG_GET_CODE, SQ_MSG_PUBLIC_GET, SQ_MSG_LATEST_ANSWERED,
	SQ_REF_INSERT, SQ_REF_LIST,
	SQ_AUDIT_TAIL, SQ_AUDIT_NAMES, SQ_AUDIT_INSERT, SQ_AUDIT_HEAD, SQ_AUDIT_HEAD_NEW,
	SQ_AUDIT_LIST,
	SQ_SMS_INSERT, SQ_SMS_NEXT, SQ_SMS_UPDATE, SQ_SMS_LIST, SQ_SMS_RELEASE,
	SQ_SAVEPOINT, SQ_RELEASE,
	/* report aggregates (sqlite_agg.c) */
	SQ_AGG_GET, SQ_AGG_PUT, SQ_AGG_DEL, SQ_AGG_SCAN,
	SQ_AGG_PAIR_ADD, SQ_AGG_PAIR_DEL, SQ_AGG_PAIR_SCAN_UNIT, SQ_AGG_PAIR_SCAN_ALL,
	SQ_AGG_CLEAR_CELLS, SQ_AGG_CLEAR_PAIRS, SQ_AGG_MSG_SCAN, SQ_AGG_AUDIT_STEPS,
	SQ_AGG_AUDIT_PAYLOAD, SQ_AGG_AUDIT_NAME,
	SQ_AGG_CLEAR_META, SQ_AGG_STALE,
	SQ_SECRET_ADD, SQ_SECRET_GET,
	/* verification codes (sqlite_verify.c) */
	SQ_VERIFY_INSERT, SQ_VERIFY_LATEST, SQ_VERIFY_UPDATE, SQ_VERIFY_COUNT_MOBILE,
	SQ_VERIFY_COUNT_ADDR, SQ_VERIFY_PRUNE,
	/* place (sqlite_geo.c, sq_msg_near) */
	SQ_GEO_PUT, SQ_GEO_SCAN, SQ_GEO_STAMP, SQ_MSG_NEAR_PLACE, SQ_MSG_NEAR_CITIZEN,
	SQ_CAT_ROUTE_GET, SQ_CAT_ROUTE_SET,
	SQ_AUDIT_LIST_MSG, SQ_SMS_LIST_MSG,	/* the timeline (issue 14) */
	SQ_SMS_PRUNE_PICK, SQ_SMS_PRUNE_DEL,	/* issue 11 */
	SQ_ASSIGN_GET, SQ_ASSIGN_SET, SQ_ASSIGN_DEL, SQ_NOTE_INSERT, SQ_NOTE_LIST,
	SQ_CANNED_INSERT, SQ_CANNED_UPDATE, SQ_CANNED_GET, SQ_CANNED_LIST,
	SQ_STMT_COUNT
};

enum { SQ_ACTION_NAMES = 32 };	/* struct sqlite_store's action_names */

struct sqlite_store {
	struct store base;	/* first: a struct store * points here */
	sqlite3 *db;
	sqlite3_stmt *stmt[SQ_STMT_COUNT];
	bool in_tx;
	int depth;	/* open levels: 1 = BEGIN, deeper = savepoints */
	/* bulk mode (sq_bulk): deeper levels are counted, not savepoints, and
	 * one that rolls back undoes the whole transaction (broken until the
	 * outer rollback) */
	bool bulk, broken;
	/* bulk mode: the first message whose search index entry waits for
	 * the end (sq_bulk off indexes them in one statement); 0 none */
	int64_t bulk_fts_from;
	struct sq_fts_tok *fts_tok;	/* the search's tokenizer, once used */
	/* bulk mode: units, categories and the audit tail read (sqlite_bulk.c) */
	struct sq_bulk_cache *cache;
	bool own_checkpoints;	/* sq_checkpoint called: no automatic ones */
	int wal_pages;		/* the log's size in pages at the last commit
				 * (the wal hook) */
	int ckpt_pages;		/* of which the last checkpoint copied back */
	/* search-index rows held back inside a batch (sq_fts_*, sqlite_msg.c) */
	struct sq_fts_row *fts;
	size_t nfts, fts_alloc;
	/* the audit log's head held back until the outer commit (sq_head_*,
	 * sqlite_msg.c): by level, the deepest last */
	struct sq_head *heads;
	int nheads, heads_alloc;
	/* the read snapshot kept for the next look-up (sqlite_snap.c) */
	pthread_mutex_t keep_mu;
	_Atomic int keep;	/* KEEP_NONE, KEEP_KEPT, KEEP_CLAIMED */
	bool keep_ok;		/* WAL mode: a kept snapshot holds no writer off */
	bool snap_open;		/* a snapshot's BEGIN ran and it has not ended
				 * (units and categories read are kept in the
				 * cache meanwhile, sqlite_bulk.c) */
	uint64_t snap_commits;	/* the process's commits when it began */
	int64_t snap_us;	/* when it began (CLOCK_MONOTONIC) */
	/* the audit log's action names by id, as committed (sq_audit_steps,
	 * sqlite_agg.c): audit_names is append-only, so a committed id names
	 * the same text for good; slot id % SQ_ACTION_NAMES, id 0 empty */
	struct sq_action_name {
		int64_t id;
		char name[CAP_CODE];
	} action_names[SQ_ACTION_NAMES];
};

/*
 * The search index (FTS5) writes out its pending rows at every savepoint
 * and release, so inside a batch each message became a segment of its own
 * and the merges that follow (about a fifth of a batched submission's time
 * in perf).  Inside a savepoint a message's index row is held back here,
 * tagged with the level that wrote it, and inserted at the outer commit,
 * all at once; a rolled back level drops its own.
 */
struct sq_fts_row {
	int64_t rowid;
	char *text;
	int depth;
};

/* Hold back (depth > 1) or insert a message's index row. */
int sq_fts_add(struct sqlite_store *s, int64_t rowid, const char *text, struct err *err);
/* Level depth was released: its rows belong to the level below. */
void sq_fts_release(struct sqlite_store *s, int depth);
/* Levels from depth up were rolled back (1: everything). */
void sq_fts_drop(struct sqlite_store *s, int depth);
/* Insert every row held back (before the outer COMMIT). */
int sq_fts_flush(struct sqlite_store *s, struct err *err);

/*
 * The audit log's head (audit_head, schema 23) changes with every entry;
 * written there each time, its page went into the savepoint journal of
 * every core write in a batch (SQLite copies a page the first time a
 * savepoint changes it): four more writes a submission, 6% of the
 * writer's rate.  Inside a transaction the head is held here instead, the
 * value each open level set (a level's entry replaces the deeper ones,
 * which have ended), read by sq_audit_tail and written once at the outer
 * commit; a rolled-back level drops its own.
 */
struct sq_head {
	int64_t seq;
	char hash[AUDIT_HASH_HEX + 1];
	int depth;
};

/* Level depth was released: its head belongs to the level below. */
void sq_head_release(struct sqlite_store *s, int depth);
/* Levels from depth up were rolled back (0: everything). */
void sq_head_drop(struct sqlite_store *s, int depth);
/* Write the head held back (before the outer COMMIT). */
int sq_head_flush(struct sqlite_store *s, struct err *err);

static inline struct sqlite_store *sq(struct store *st)
{
	return (struct sqlite_store *)st;
}

/* The cached statement id, prepared from sql on first use, reset and with
 * bindings cleared.  NULL with err filled on failure. */
sqlite3_stmt *sq_stmt(struct sqlite_store *s, enum sq_stmt_id id, const char *sql,
		      struct err *err);
/* Map an SQLite result code to an ERR_* (filling err with what). */
int sq_fail(struct sqlite_store *s, int rc, const char *what, struct err *err);
/* Step a write statement to SQLITE_DONE, then reset it. */
int sq_exec_stmt(struct sqlite_store *s, sqlite3_stmt *stmt, const char *what,
		 struct err *err);
/* Step a read expected to give one row: 0 with the row ready (caller resets),
 * ERR_NOTFOUND (reset done), or an error (reset done). */
int sq_step_row(struct sqlite_store *s, sqlite3_stmt *stmt, const char *what,
		struct err *err);

void sq_bind_text(sqlite3_stmt *stmt, int i, const char *v);
/* Binds NULL for 0 (an absent foreign key). */
void sq_bind_id(sqlite3_stmt *stmt, int i, int64_t v);
void sq_bind_int(sqlite3_stmt *stmt, int i, int64_t v);
void sq_col_text(sqlite3_stmt *stmt, int i, char *dst, size_t dstsz);

/* An audit hash as stored (schema 15): its bytes when hex is lower-case hex
 * of an even length up to 2 * max (every hash the core makes), into out;
 * the number of bytes, or -1 when hex is anything else (kept as text then,
 * so what is read back is always what was written). */
int sq_unhex(const char *hex, size_t len, unsigned char *out, size_t max);
/* Bind an audit hash in its stored form (sq_unhex). */
void sq_bind_hash(sqlite3_stmt *stmt, int i, const char *hex);
/* Read an audit hash column back to its hex text (a blob in lower-case hex,
 * a text as it is). */
void sq_col_hash(sqlite3_stmt *stmt, int i, char *dst, size_t dstsz);
/* Read an audit payload column (schema 16: audit_pack.h) of an entry of
 * time at back to its text; "" when it does not unpack (sqlite_msg.c). */
void sq_col_audit_payload(sqlite3_stmt *stmt, int i, int64_t at, char *dst, size_t dstsz);

/* A message's text as stored (schema 17; base/tpack.h): a BLOB holding
 * its packed form when that is shorter, else the TEXT as it is. */
void sq_bind_ptext(sqlite3_stmt *stmt, int i, const char *v);
/* Read such a column back into dst (truncated at a whole character as
 * sq_col_text): 0, or ERR_STORE for a BLOB that is no packed text (a
 * damaged file), dst then empty. */
int sq_col_ptext(sqlite3_stmt *stmt, int i, char *dst, size_t dstsz);

/* Grow a malloc'd list by one element of size sz; returns the new slot. */
void *sq_list_push(void **list, size_t *n, size_t *cap, size_t sz);
/* Step stmt (bound; NULL after a failed prepare gives ERR_STORE) to its
 * end, reading each row with read into a malloc'd array of sz-byte records
 * (*out, *n), then reset it.  On failure nothing is handed back. */
int sq_list_rows(struct sqlite_store *s, sqlite3_stmt *stmt,
		 void (*read)(sqlite3_stmt *stmt, void *rec), size_t sz, void **out, size_t *n,
		 const char *what, struct err *err);
/* The same for a record its reader writes whole (every field, each string
 * ended), which is therefore not cleared first: an audit entry has 16 KiB
 * of room for a payload of a few dozen bytes, and clearing it was about a
 * tenth of a tracking look-up's work. */
int sq_list_rows_whole(struct sqlite_store *s, sqlite3_stmt *stmt,
		       void (*read)(sqlite3_stmt *stmt, void *rec), size_t sz, void **out,
		       size_t *n, const char *what, struct err *err);

/* Schema (sqlite_schema.c): migrate db up to `target` (0: the latest),
 * each migration of an existing database shown on prog (NULL: nowhere). */
int sq_schema_migrate(sqlite3 *db, int target, const struct progress *prog, struct err *err);
int sq_schema_latest(void);
int sq_schema_version(sqlite3 *db, int *have, struct err *err);

/* Message, referral, audit, SMS and search ops (sqlite_msg.c). */
int sq_msg_insert(struct store *st, struct msg *m, const struct msg_text *text,
		  const char *search_text, struct err *err);
int sq_msg_update(struct store *st, const struct msg *m, const struct msg_text *text,
		  struct err *err);
int sq_msg_save(struct store *st, const struct msg *m, const struct msg_text *text,
		struct err *err);
int sq_msg_text_get(struct store *st, int64_t id, struct msg_text *out, struct err *err);
int sq_msg_get(struct store *st, int64_t id, struct msg *out, struct err *err);
int sq_msg_get_by_code(struct store *st, const char *code, struct msg *out, struct err *err);
int sq_msg_public_get(struct store *st, const char *code, struct msg_public *out,
		      struct err *err);
int sq_msg_latest_answered(struct store *st, int64_t citizen_id, struct msg *out,
			   struct err *err);
int sq_msg_search(struct store *st, const struct store_search *q, struct msg **out, size_t *n,
		  struct err *err);
/* FTS5's unicode61 tokenizer on db (NULL when FTS5 gives none), which
 * sq_fts_query splits each term with; one a connection, opened on its
 * first search (sq_fts_tok) and closed with it. */
struct sq_fts_tok;
struct sq_fts_tok *sq_fts_tok_open(sqlite3 *db);
void sq_fts_tok_close(struct sq_fts_tok *tok);
/* The FTS5 query for q's words (sqlite_search.c), appended to out (cap
 * CAP_SEARCH_QUERY), each term split as tok splits it: "" with no words.
 * ERR_INVALID for words store.h refuses, ERR_TOOBIG past out's cap,
 * ERR_STORE when there is no tokenizer or it fails. */
int sq_fts_query(struct sq_fts_tok *tok, const struct store_search *q, struct buf *out,
		 struct err *err);
/* A message's search tags (sqlite_search.c): its unit and its category
 * (when not 0), appended to out as index text. */
void sq_search_tags(int64_t unit_id, int64_t category_id, struct buf *out);
/* A message's tags as they are before an update (sq_tags_read), and its
 * index entry made again when the update changed them (sq_tags_keep);
 * nothing while the entry is still to be written (sq_fts_add pending, bulk
 * mode), which reads the row when it is. */
struct sq_tags {
	int64_t unit_id, category_id;
	bool indexed;	/* the entry is in the index now */
};
int sq_tags_read(struct sqlite_store *s, int64_t id, struct sq_tags *out, struct err *err);
int sq_tags_keep(struct sqlite_store *s, const struct msg *m, const struct sq_tags *old,
		 struct err *err);
/* The FTS5 query of the tags every message that passes q's filters on
 * unit and category holds, appended to out: "" when q has no narrow one. */
int sq_fts_tags(struct sqlite_store *s, const struct store_search *q, struct buf *out,
		struct err *err);
int sq_msg_count(struct store *st, const struct store_search *q, int64_t max, int64_t scan,
		 int64_t *count, bool *partial, struct err *err);
int sq_referral_insert(struct store *st, struct referral *r, struct err *err);
int sq_referral_list(struct store *st, int64_t msg_id, struct referral **out, size_t *n,
		     struct err *err);
/* The ops of units and categories (sqlite.c) and their caching front
 * (sqlite_bulk.c: the ops table's entries; in bulk mode and inside a read
 * snapshot).  sq_bulk_cache_forget forgets what was remembered (a
 * rollback, a snapshot's end), sq_bulk_cache_reset also frees it (bulk
 * mode's end, the store's close). */
int sq_unit_insert(struct store *st, struct unit *u, struct err *err);
int sq_unit_update(struct store *st, const struct unit *u, struct err *err);
int sq_unit_get(struct store *st, int64_t id, struct unit *out, struct err *err);
int sq_unit_first_of_kind(struct store *st, enum unit_kind kind, struct unit *out,
			  struct err *err);
int sq_unit_within(struct store *st, int64_t ancestor, int64_t unit, bool *yes,
		   struct err *err);
int sq_unit_has_children(struct store *st, int64_t id, bool *yes, struct err *err);
int sq_category_insert(struct store *st, struct category *cat, struct err *err);
int sq_category_update(struct store *st, const struct category *cat, struct err *err);
int sq_category_get(struct store *st, int64_t id, struct category *out, struct err *err);
int sq_category_has_children(struct store *st, int64_t id, bool *yes, struct err *err);
int sq_bulk_unit_insert(struct store *st, struct unit *u, struct err *err);
int sq_bulk_unit_update(struct store *st, const struct unit *u, struct err *err);
int sq_bulk_unit_get(struct store *st, int64_t id, struct unit *out, struct err *err);
int sq_bulk_unit_first_of_kind(struct store *st, enum unit_kind kind, struct unit *out,
			       struct err *err);
int sq_bulk_unit_within(struct store *st, int64_t ancestor, int64_t unit, bool *yes,
			struct err *err);
int sq_bulk_unit_has_children(struct store *st, int64_t id, bool *yes, struct err *err);
int sq_bulk_category_insert(struct store *st, struct category *cat, struct err *err);
int sq_bulk_category_update(struct store *st, const struct category *cat, struct err *err);
int sq_bulk_category_get(struct store *st, int64_t id, struct category *out, struct err *err);
int sq_bulk_category_has_children(struct store *st, int64_t id, bool *yes, struct err *err);
int sq_bulk_audit_tail(struct store *st, int64_t *seq, char hash[AUDIT_HASH_HEX + 1],
		       struct err *err);
int sq_bulk_audit_insert(struct store *st, const struct audit_entry *e, struct err *err);
void sq_bulk_cache_reset(struct sqlite_store *s);
void sq_bulk_cache_forget(struct sqlite_store *s);

int sq_audit_tail(struct store *st, int64_t *seq, char hash[AUDIT_HASH_HEX + 1], struct err *err);
int sq_audit_insert(struct store *st, const struct audit_entry *e, struct err *err);
int sq_audit_list(struct store *st, int64_t after, size_t max, struct audit_entry **out,
		  size_t *n, struct err *err);
int sq_sms_insert(struct store *st, struct sms *s, struct err *err);
int sq_sms_next_due(struct store *st, int64_t now, struct sms *out, struct err *err);
int sq_sms_update(struct store *st, const struct sms *s, enum sms_state from, struct err *err);
int sq_sms_release_expired(struct store *st, int64_t now, int max_attempts, const char *error,
			   size_t *n, struct err *err);
int sq_sms_list(struct store *st, size_t max, struct sms **out, size_t *n, struct err *err);
/* Daily work: assignee, notes, canned answers (sqlite_daily.c). */
int sq_assign_get(struct store *st, int64_t msg_id, int64_t *user_id, struct err *err);
int sq_assign_set(struct store *st, int64_t msg_id, int64_t user_id, int64_t at,
		  struct err *err);
int sq_note_insert(struct store *st, struct msg_note *nt, struct err *err);
int sq_note_list(struct store *st, int64_t msg_id, size_t max, struct msg_note **out,
		 size_t *n, struct err *err);
int sq_canned_insert(struct store *st, struct canned *ca, struct err *err);
int sq_canned_update(struct store *st, const struct canned *ca, struct err *err);
int sq_canned_get(struct store *st, int64_t id, struct canned *out, struct err *err);
int sq_canned_list(struct store *st, int64_t category_id, bool all, size_t max,
		   struct canned **out, size_t *n, struct err *err);
int sq_audit_list_msg(struct store *st, int64_t msg_id, size_t max, struct audit_entry **out,
		      size_t *n, struct err *err);
int sq_sms_prune(struct store *st, int64_t before, int64_t after, size_t max,
		 struct sms_pruned *out, struct err *err);
int sq_sms_list_msg(struct store *st, int64_t msg_id, size_t max, struct sms **out, size_t *n,
		    struct err *err);

/* Place ops (sqlite_geo.c; sq_msg_near in sqlite_msg.c). */
int sq_boundary_put(struct store *st, const struct store_boundary *b, struct err *err);
int sq_boundary_scan(struct store *st, int (*fn)(const struct store_boundary *b, void *arg),
		     void *arg, struct err *err);
int sq_boundary_stamp(struct store *st, int64_t *stamp, struct err *err);
int sq_msg_near(struct store *st, const struct store_near *q, struct msg **out, size_t *n,
		struct err *err);
int sq_category_route_get(struct store *st, int64_t cat_id, char *out, size_t outsz,
			  struct err *err);
int sq_category_route_set(struct store *st, int64_t cat_id, const char *rule, struct err *err);

#endif
