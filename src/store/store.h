/*
 * store.h - the only way the core reaches data: a table of operations each
 * backend fills (curl's vtls): SQLite (store_sqlite_ops, the embedded
 * default) and PostgreSQL (store_pg_ops, several nodes on one database); the
 * same tests (tests/unit/test_store.c) run over every backend in
 * store_backends.
 *
 * Conventions for every op: return 0 or a negative ERR_* with err filled;
 * ERR_NOTFOUND for a missing row, ERR_CONFLICT for a duplicate key or a stale
 * version, ERR_STORE for a backend failure, ERR_UNAVAILABLE when busy.
 * "Lists" hand back a malloc'd array (*out, *n) the caller free()s; an empty
 * list may be NULL.  Records are the model's (src/model).
 *
 * Transactions: begin() opens a write transaction (in SQLite BEGIN
 * IMMEDIATE, so the writer lock is taken up front and a transition never
 * fails half way on a lock upgrade), commit() ends it, rollback() undoes it
 * (safe to call when none is open).  Ops called outside a transaction run in
 * their own implicit one.  They nest: a begin inside a transaction opens a
 * savepoint, whose commit folds it into the outer transaction and whose
 * rollback undoes only it (core/batch.h).
 */
#ifndef HAMGAN_STORE_STORE_H
#define HAMGAN_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/progress.h"
#include "model/agg.h"
#include "model/apikey.h"
#include "model/attach.h"
#include "model/audit.h"
#include "model/canned.h"
#include "model/category.h"
#include "model/citizen.h"
#include "model/live.h"
#include "model/msg.h"
#include "model/note.h"
#include "model/open311.h"
#include "model/sms.h"
#include "model/unit.h"
#include "model/user.h"
#include "model/verify.h"

struct store_ops;

/* Every backend's store struct starts with this. */
struct store {
	const struct store_ops *ops;
};

enum store_open_flags {
	STORE_CREATE = 1 << 0,	/* create the database when missing */
};

/* A session row (only the token's hash is stored). */
struct store_session {
	int64_t id;
	char token_hash[65];	/* hex BLAKE2b-256 of the raw token */
	int64_t user_id;
	int64_t created_at, expires_at;
	bool revoked;
};

/*
 * A search as the store runs it: the core has split the text into words,
 * resolved the actor's scope and decoded the cursor.
 *
 * words: nwords (at most CAP_SEARCH_WORDS; 0: no text) words, each
 * normalised by src/fa (fa_query_words), in the order written.  A message
 * matches when every word does; word i matches when one of the terms
 * fa_word_terms(words, nwords, i) gives (its stem, its stem joined with the
 * word before or after) is a term of the message's index text (msg_insert's
 * search_text), compared whole, never as a prefix.  The words are data:
 * a backend never reads them as query syntax.  An empty word, one holding a
 * space, or more than CAP_SEARCH_WORDS is ERR_INVALID (field "q").
 */
struct store_search {
	const char *const *words;
	size_t nwords;
	int state, kind, channel;	/* -1 any */
	int64_t scope_unit;	/* current unit in this subtree; 0 any */
	int64_t unit_id;	/* and in this subtree; 0 any */
	int64_t category_id, citizen_id, live_session_id;
	bool public_only;	/* confidential messages left out */
	int64_t from, to;
	bool overdue;
	bool not_overdue;	/* only messages that are not overdue */
	int64_t now;		/* for overdue */
	int64_t assigned_to;	/* assigned to this user; 0 any */
	/* Order: with words, by id newest first (the index's own order;
	 * cursor_id only); else STORE_SORT_NEW by created_at newest first, or
	 * STORE_SORT_DUE (open messages only) by due_at, the earliest first. */
	int sort;
	/* With words and scan > 0: a page reads at most scan of the words'
	 * matches; when that stops it before the page is full, *scan_end (when
	 * not NULL) gets the last id read (the next page starts below it),
	 * else 0. */
	int64_t scan;
	int64_t *scan_end;
	bool has_cursor;
	int64_t cursor_at, cursor_id;	/* rows strictly after (cursor_at, cursor_id) in that order */
	size_t limit;
};

/* A unit's boundary (core/geo.h): its outline in the stored form
 * (geo_outline_encode), its bounding box and size. */
struct store_boundary {
	int64_t unit_id;
	const void *blob;		/* borrowed (put) / valid during the call (scan) */
	size_t blob_len;
	const char *attribution;	/* "" when the file gave none */
	double min_lat, min_lon, max_lat, max_lon;
	int64_t vertices;
	int64_t updated_at;
};

/* Messages with a point near a place (core/nearby.c): in the box
 * [lat_min, lat_max] x [lon_min, lon_max], of category_id (0: any) or of
 * citizen_id (non-zero: the box and category are ignored), created in
 * [from, to], never confidential ones when public, only open ones (not
 * answered, closed or rejected) when open_only, never rejected ones; the
 * newest first, at most max. */
struct store_near {
	double lat_min, lat_max, lon_min, lon_max;
	int64_t category_id, citizen_id;
	int64_t from, to;
	bool open_only, public_only;
	size_t max;
};
enum { STORE_SORT_NEW = 0, STORE_SORT_DUE };

/* A list of message ids (Open311 lists, open-data export). */
struct store_msg_ids {
	int64_t from, to;	/* created_at in [from, to); 0: open */
	int64_t category_id;	/* 0 any */
	unsigned states;	/* bit (1u << state) per state taken; 0 any */
	bool public_only;	/* leave out confidential messages */
	bool newest_first;
	bool has_after;		/* oldest first only: rows after (after_at, after_id) */
	int64_t after_at, after_id;
	size_t offset, limit;
};

/*
 * A kept snapshot (snapshot_keep) holds the database's read lock, and in
 * WAL mode stops checkpoints short of the log's end:
 *	SNAP_DROP_STALE	any thread, even while the connection's own uses it:
 *			end it if it is kept, unused and no longer fresh
 *	SNAP_DROP_ALL	the connection's own thread, before reads or writes
 *			of its own: end it
 *	SNAP_DROP_CLAIM	the connection's own thread, before reads that the
 *			next snapshot on will join: end it if stale, else
 *			take it out of other threads' reach
 *	SNAP_DROP_RELEASE the connection's own thread, done for now: one it
 *			claimed and did not use goes back within their reach
 */
enum store_snap_drop { SNAP_DROP_STALE, SNAP_DROP_ALL, SNAP_DROP_CLAIM, SNAP_DROP_RELEASE };

struct store_ops {
	const char *name;	/* "sqlite" */

	/* Opens dsn and brings its schema up to date, showing each migration
	 * of an existing database on prog (NULL: nowhere). */
	int (*open)(struct store **out, const char *dsn, unsigned flags,
		    const struct progress *prog, struct err *err);
	void (*close)(struct store *st);
	/* Schema version in the database, and the one this backend writes. */
	int (*schema_version)(struct store *st, int *have, int *want, struct err *err);
	/* The backend's own consistency check of every page, table and index:
	 * *problems found (0: sound), the first ones as lines in report. */
	int (*check)(struct store *st, char *report, size_t reportsz, size_t *problems,
		     struct err *err);

	int (*begin)(struct store *st, struct err *err);
	int (*commit)(struct store *st, struct err *err);
	void (*rollback)(struct store *st);

	/* units: insert sets u->id; update changes name, kind, active */
	int (*unit_insert)(struct store *st, struct unit *u, struct err *err);
	int (*unit_update)(struct store *st, const struct unit *u, struct err *err);
	int (*unit_get)(struct store *st, int64_t id, struct unit *out, struct err *err);
	int (*unit_get_by_code)(struct store *st, const char *code, struct unit *out,
				struct err *err);
	int (*unit_list)(struct store *st, struct unit **out, size_t *n, struct err *err);
	int (*unit_within)(struct store *st, int64_t ancestor, int64_t unit, bool *yes,
			   struct err *err);
	/* *yes: unit id has child units (whether active or not) */
	int (*unit_has_children)(struct store *st, int64_t id, bool *yes, struct err *err);
	int (*unit_first_of_kind)(struct store *st, enum unit_kind kind, struct unit *out,
				  struct err *err);

	/* categories */
	int (*category_insert)(struct store *st, struct category *cat, struct err *err);
	int (*category_update)(struct store *st, const struct category *cat, struct err *err);
	int (*category_get)(struct store *st, int64_t id, struct category *out, struct err *err);
	int (*category_get_by_code)(struct store *st, const char *code, struct category *out,
				    struct err *err);
	int (*category_get_by_service)(struct store *st, const char *service_code,
				       struct category *out, struct err *err);
	int (*category_list)(struct store *st, struct category **out, size_t *n, struct err *err);
	int (*category_has_children)(struct store *st, int64_t id, bool *yes, struct err *err);

	/* users and sessions */
	int (*user_insert)(struct store *st, struct user *u, struct err *err);
	/* update name, role, unit_id, active, pwhash */
	int (*user_update)(struct store *st, const struct user *u, struct err *err);
	int (*user_get)(struct store *st, int64_t id, struct user *out, struct err *err);
	int (*user_get_by_name)(struct store *st, const char *username, struct user *out,
				struct err *err);
	int (*user_list)(struct store *st, struct user **out, size_t *n, struct err *err);
	int (*session_insert)(struct store *st, struct store_session *s, struct err *err);
	int (*session_get)(struct store *st, const char *token_hash, struct store_session *out,
			   struct err *err);
	int (*session_revoke)(struct store *st, const char *token_hash, struct err *err);
	int (*session_revoke_user)(struct store *st, int64_t user_id, struct err *err);
	/* failed logins under a key ("user:NAME", "addr:IP") */
	int (*login_fail_add)(struct store *st, const char *key, int64_t at, struct err *err);
	int (*login_fail_count)(struct store *st, const char *key, int64_t since, int64_t *count,
				int64_t *oldest, struct err *err);
	int (*login_fail_clear)(struct store *st, const char *key, struct err *err);
	/* the newest failure's time under key (0 when none) */
	int (*login_fail_latest)(struct store *st, const char *key, int64_t *at, struct err *err);

	/* citizens */
	int (*citizen_insert)(struct store *st, struct citizen *ci, struct err *err);
	int (*citizen_update)(struct store *st, const struct citizen *ci, struct err *err);
	int (*citizen_get)(struct store *st, int64_t id, struct citizen *out, struct err *err);
	int (*citizen_get_by_mobile)(struct store *st, const char *mobile, struct citizen *out,
				     struct err *err);

	/*
	 * messages: the record (struct msg) and its texts (struct msg_text)
	 * apart.  msg_insert writes both (the identity in text is ignored: it
	 * is the citizen row's), sets m->id and indexes search_text (the
	 * index text of the subject and body, fa_index_text: terms separated by
	 * spaces).  msg_update writes every mutable field
	 * of the record when the stored version equals m->version - 1, else
	 * ERR_CONFLICT; with text (may be NULL: the texts stay) also the
	 * answer and grade note, the texts a transition changes.  Every read of
	 * records (get, lists, search, scan, near) reads the record only, never
	 * a text column; msg_text_get reads one message's texts and its
	 * citizen's name, mobile and national id (ERR_NOTFOUND when there is
	 * no such message).
	 */
	int (*msg_insert)(struct store *st, struct msg *m, const struct msg_text *text,
			  const char *search_text, struct err *err);
	int (*msg_update)(struct store *st, const struct msg *m, const struct msg_text *text,
			  struct err *err);
	/* A bulk load's last write of a message it held in memory since its
	 * registration (core/bulk.h): every mutable field, the answer and the
	 * grade note, whatever version is stored; ERR_NOTFOUND when none. */
	int (*msg_save)(struct store *st, const struct msg *m, const struct msg_text *text,
			struct err *err);
	int (*msg_get)(struct store *st, int64_t id, struct msg *out, struct err *err);
	int (*msg_get_by_code)(struct store *st, const char *code, struct msg *out,
			       struct err *err);
	/* The citizen's view of the message with this code (struct
	 * msg_public) with its citizen's mobile, in one read: the tracking
	 * look-up's.  A damaged stored text is ERR_STORE. */
	int (*msg_public_get)(struct store *st, const char *code, struct msg_public *out,
			      struct err *err);
	int (*msg_text_get)(struct store *st, int64_t id, struct msg_text *out, struct err *err);
	/* latest answered message of the citizen (by answered_at) */
	int (*msg_latest_answered)(struct store *st, int64_t citizen_id, struct msg *out,
				   struct err *err);
	int (*msg_search)(struct store *st, const struct store_search *q, struct msg **out,
			  size_t *n, struct err *err);
	/* how many match q (cursor and limit ignored), counting at most max;
	 * with words, reading at most scan of their matches (newest first):
	 * *partial says the scan stopped there, so there may be more */
	int (*msg_count)(struct store *st, const struct store_search *q, int64_t max,
			 int64_t scan, int64_t *count, bool *partial, struct err *err);

	int (*referral_insert)(struct store *st, struct referral *r, struct err *err);
	int (*referral_list)(struct store *st, int64_t msg_id, struct referral **out, size_t *n,
			     struct err *err);

	/* audit: the last entry's seq and hash, as the head keeps them (0
	 * and "" when empty).  audit_insert writes e and moves the head on to
	 * it, both or neither; it keeps e's hash in the entry only when
	 * audit_hash_kept(e->seq) (model/audit.h).  audit_list gives "" for a
	 * hash not kept, and for a prev_hash it does not know (not stored,
	 * and entry seq - 1 keeps no hash): the core computes them. */
	int (*audit_tail)(struct store *st, int64_t *seq, char hash[AUDIT_HASH_HEX + 1],
			  struct err *err);
	int (*audit_insert)(struct store *st, const struct audit_entry *e, struct err *err);
	int (*audit_list)(struct store *st, int64_t after, size_t max, struct audit_entry **out,
			  size_t *n, struct err *err);

	/* SMS outbox */
	int (*sms_insert)(struct store *st, struct sms *s, struct err *err);
	/* the oldest pending row with next_at <= now; ERR_NOTFOUND when none */
	int (*sms_next_due)(struct store *st, int64_t now, struct sms *out, struct err *err);
	/* write state, attempts, next_at, sent_at, last_error, claimed_at when
	 * the stored state is `from` (and, from sending, the stored claimed_at
	 * is s->claimed_at: the same claim); else ERR_CONFLICT (someone else
	 * claimed it) */
	int (*sms_update)(struct store *st, const struct sms *s, enum sms_state from,
			  struct err *err);
	/* rows sending whose lease ended (next_at <= now) go back to pending,
	 * or to failed when they have had max_attempts; last_error = error;
	 * *n of them */
	int (*sms_release_expired)(struct store *st, int64_t now, int max_attempts,
				   const char *error, size_t *n, struct err *err);
	int (*sms_list)(struct store *st, size_t max, struct sms **out, size_t *n, struct err *err);
	/* one message's audit entries (by seq; prev_hash and hash left "": a
	 * timeline does not need them) and SMS rows (by id; what a timeline
	 * shows: id, to, body, state, created_at and sent_at, the other
	 * fields zero), at most max */
	int (*audit_list_msg)(struct store *st, int64_t msg_id, size_t max,
			      struct audit_entry **out, size_t *n, struct err *err);
	int (*sms_list_msg)(struct store *st, int64_t msg_id, size_t max, struct sms **out,
			    size_t *n, struct err *err);
	/* delete, of the rows with id > after, the first max (by id) that are
	 * done with: sent before `before` (sent_at), or failed with their
	 * last try before it (claimed_at, or created_at when never claimed);
	 * pending and sending rows are never touched.  *out counts them and
	 * gives their first and last id (0 when none: nothing is left). */
	int (*sms_prune)(struct store *st, int64_t before, int64_t after, size_t max,
			 struct sms_pruned *out, struct err *err);

	/* daily work (issue 14; core/assign.h, core/canned.h): assign_get
	 * ERR_NOTFOUND when unassigned, assign_set with user 0 unassigns;
	 * notes oldest first; canned_list by title, category 0 for every one,
	 * inactive ones only with all; canned_update ERR_NOTFOUND when absent */
	int (*assign_get)(struct store *st, int64_t msg_id, int64_t *user_id, struct err *err);
	int (*assign_set)(struct store *st, int64_t msg_id, int64_t user_id, int64_t at,
			  struct err *err);
	int (*note_insert)(struct store *st, struct msg_note *nt, struct err *err);
	int (*note_list)(struct store *st, int64_t msg_id, size_t max, struct msg_note **out,
			 size_t *n, struct err *err);
	int (*canned_insert)(struct store *st, struct canned *ca, struct err *err);
	int (*canned_update)(struct store *st, const struct canned *ca, struct err *err);
	int (*canned_get)(struct store *st, int64_t id, struct canned *out, struct err *err);
	int (*canned_list)(struct store *st, int64_t category_id, bool all, size_t max,
			   struct canned **out, size_t *n, struct err *err);

	/* direct-connection sessions */
	int (*live_insert)(struct store *st, struct live_session *s, struct err *err);
	int (*live_get)(struct store *st, int64_t id, struct live_session *out, struct err *err);
	int (*live_list)(struct store *st, int64_t unit_id, size_t max, struct live_session **out,
			 size_t *n, struct err *err);

	/*
	 * Report aggregates (issue 5; core/agg.h says what they hold; the SQLite
	 * ops are src/store/sqlite_agg.c).  agg_cell_get: ERR_NOTFOUND when
	 * absent, out->hist malloc'd.  agg_cell_put inserts or replaces (a row
	 * with every counter 0 and an empty histogram is deleted).
	 * agg_cell_scan calls fn for each cell of dimension dim and unit (0:
	 * every unit) with day in [day_from, day_to], ordered by unit, day, key;
	 * the row is valid during the call only; a non-zero return from fn stops
	 * the scan and is returned.  agg_pair_add adds p->n to the pair row (a
	 * row reaching 0 goes); agg_pair_scan visits the pair rows of dimension
	 * dim, unit (0: all) and kind with day in [day_from, day_to] and day2 >
	 * day2_after (INT64_MIN: any; an overdue count passes its moment, so
	 * the rows closed by then are skipped inside the store).  agg_clear
	 * deletes every aggregate row.  audit_steps lists the audit entries of
	 * the changes to the message ("msg.*" but the reads, msg.identity_read:
	 * its registration and one per transition), oldest first (*out
	 * malloc'd).
	 * msg_scan reads messages with id > after_id in id order, at most max,
	 * as msg_get does (*out malloc'd).
	 */
	int (*agg_cell_get)(struct store *st, const struct agg_key *k, struct agg_row *out,
			    struct err *err);
	int (*agg_cell_put)(struct store *st, const struct agg_row *r, struct err *err);
	int (*agg_cell_scan)(struct store *st, int dim, int64_t unit, int64_t day_from,
			     int64_t day_to, int (*fn)(const struct agg_row *r, void *arg),
			     void *arg, struct err *err);
	int (*agg_pair_add)(struct store *st, const struct agg_pair *p, struct err *err);
	int (*agg_pair_scan)(struct store *st, int dim, int64_t unit, int kind, int64_t day_from,
			     int64_t day_to, int64_t day2_after,
			     int (*fn)(const struct agg_pair *p, void *arg), void *arg,
			     struct err *err);
	int (*audit_steps)(struct store *st, int64_t msg_id, struct audit_step **out, size_t *n,
			   struct err *err);
	int (*agg_clear)(struct store *st, struct err *err);
	/* *stale: a migration left the aggregates to be rebuilt (agg_clear
	 * clears the mark) */
	int (*agg_stale)(struct store *st, bool *stale, struct err *err);
	int (*msg_scan)(struct store *st, int64_t after_id, size_t max, struct msg **out,
			size_t *n, struct err *err);

	/* A secret the program keeps for itself (len bytes): stores value
	 * under name unless one is stored already, then fills value with the
	 * stored one.  Call inside a write transaction. */
	int (*secret_get_or_put)(struct store *st, const char *name, unsigned char *value,
				 size_t len, struct err *err);
	/*
	 * Verification codes (core/verify.h).  verify_latest: the newest code of
	 * a number whatever its state (ERR_NOTFOUND when none); verify_update
	 * writes tries and used; the counts give how many codes were made for a
	 * number, or asked from an address, since a time, and the oldest's
	 * created_at; verify_prune deletes codes made before a time.
	 */
	int (*verify_insert)(struct store *st, struct verify_code *v, struct err *err);
	int (*verify_latest)(struct store *st, const char *mobile, struct verify_code *out,
			     struct err *err);
	int (*verify_update)(struct store *st, const struct verify_code *v, struct err *err);
	int (*verify_count_mobile)(struct store *st, const char *mobile, int64_t since,
				   int64_t *n, int64_t *oldest, struct err *err);
	int (*verify_count_addr)(struct store *st, const char *addr, int64_t since, int64_t *n,
				 int64_t *oldest, struct err *err);
	int (*verify_prune)(struct store *st, int64_t before, struct err *err);
	/*
	 * Boundaries (core/geo.h; sqlite_geo.c).  boundary_put inserts or
	 * replaces the unit's row; boundary_scan calls fn for each row ordered
	 * by unit code (a non-zero return stops and is returned);
	 * boundary_stamp gives a number that changes on every put.  msg_near:
	 * struct store_near; *out malloc'd as msg_get reads.
	 */
	int (*boundary_put)(struct store *st, const struct store_boundary *b, struct err *err);
	int (*boundary_scan)(struct store *st, int (*fn)(const struct store_boundary *b, void *arg),
			     void *arg, struct err *err);
	int (*boundary_stamp)(struct store *st, int64_t *stamp, struct err *err);
	int (*msg_near)(struct store *st, const struct store_near *q, struct msg **out, size_t *n,
			struct err *err);
	/* a category's routing rule ("" none; docs/routing.md) */
	int (*category_route_get)(struct store *st, int64_t cat_id, char *out, size_t outsz,
				  struct err *err);
	int (*category_route_set)(struct store *st, int64_t cat_id, const char *rule,
				  struct err *err);
	/*
	 * Attachments (core/attach.h; sqlite_attach.c).  attach_insert stores
	 * the bytes and the preview (may be NULL) and sets a->id, a->size and
	 * a->thumb_size; attach_list gives a message's rows without bytes in id
	 * order; attach_get gives one row and its bytes or preview (*data
	 * malloc'd), ERR_NOTFOUND when absent.
	 */
	int (*attach_insert)(struct store *st, struct attachment *a, const void *data,
			     size_t len, const void *thumb, size_t thumb_len, struct err *err);
	int (*attach_list)(struct store *st, int64_t msg_id, struct attachment **out,
			   size_t *n, struct err *err);
	int (*attach_get)(struct store *st, int64_t id, int thumb, struct attachment *out,
			  void **data, size_t *len, struct err *err);
	/*
	 * Open311 and open data (issue 10; sqlite_open311.c).  apikey_*: rows
	 * of api_keys (get_by_hash: ERR_NOTFOUND; revoke sets revoked_at).
	 * service_get: ERR_NOTFOUND when a category has no extras;
	 * service_put inserts or replaces.  o311_meta_*: the open311 row of a
	 * message.  msg_ids lists message ids by the filter (newest first when
	 * q->newest_first, else oldest first; *out malloc'd).  import_key_get:
	 * the message a source's key made, ERR_NOTFOUND when none;
	 * import_key_put: ERR_CONFLICT when the key is known.
	 */
	int (*apikey_insert)(struct store *st, struct apikey *k, struct err *err);
	int (*apikey_get_by_hash)(struct store *st, const char *hash, struct apikey *out,
				  struct err *err);
	int (*apikey_get_by_name)(struct store *st, const char *name, struct apikey *out,
				  struct err *err);
	int (*apikey_list)(struct store *st, struct apikey **out, size_t *n, struct err *err);
	int (*apikey_revoke)(struct store *st, int64_t id, int64_t at, struct err *err);
	int (*service_get)(struct store *st, int64_t category_id, struct service_meta *out,
			   struct err *err);
	int (*service_put)(struct store *st, const struct service_meta *m, struct err *err);
	int (*o311_meta_put)(struct store *st, const struct o311_meta *m, struct err *err);
	int (*o311_meta_get)(struct store *st, int64_t msg_id, struct o311_meta *out,
			     struct err *err);
	int (*msg_ids)(struct store *st, const struct store_msg_ids *q, int64_t **out, size_t *n,
		       struct err *err);
	int (*import_key_get)(struct store *st, const char *source, const char *key,
			      int64_t *msg_id, struct err *err);
	int (*import_key_put)(struct store *st, const char *source, const char *key,
			      int64_t msg_id, struct err *err);

	/* Optional (may be NULL): bulk-loading mode on/off for the demo
	 * generator - faster, not durable until switched off.  Never on in
	 * normal operation. */
	int (*bulk)(struct store *st, bool on, struct err *err);
	/* In bulk mode msg_insert ignores search_text (the caller may pass
	 * NULL): the store indexes the messages' subject and body itself
	 * when bulk mode ends. */
	bool bulk_indexes_at_end;

	/* Optional (may be NULL): how many transaction levels are open (0:
	 * none; a write that failed badly enough, e.g. disk full, may have
	 * ended the outer one, which a batch must notice). */
	int (*tx_depth)(struct store *st);
	/* Optional (may be NULL): the connection that does nearly every write
	 * (the server's writer) takes the checkpoints over: the first call
	 * turns automatic checkpoints off on this connection; each call copies
	 * the log back into the database (passive: never waits for readers)
	 * when at least min_pages pages were written to it since the last
	 * one, 0 meaning any.  1 when it ran one, 0 when there was nothing
	 * to do. */
	int (*checkpoint)(struct store *st, unsigned min_pages, struct err *err);
	/* Optional (may be NULL), with checkpoint: on a connection that does
	 * not write (the server's checkpointer, beside its writer), copy the
	 * log back into the database now (passive); *left is what of the log
	 * it could not copy, the pages written meanwhile.  1 when it ran, 0
	 * when there is no log or another checkpoint was running. */
	int (*checkpoint_copy)(struct store *st, int *left, struct err *err);
	/* Optional (may be NULL): the log's size in pages at this connection's
	 * last commit (small again after the first commit that follows a
	 * checkpoint that copied all of it: the log starts again from its
	 * beginning), -1 when the database has no log. */
	int (*log_pages)(struct store *st);
	/* Optional (may be NULL): on opens a read transaction, so the reads
	 * until off see one state of the database and take the database's
	 * read lock once instead of once per statement; no writes between.
	 * Off ends it (safe when none is open). */
	int (*snapshot)(struct store *st, bool on, struct err *err);
	/* Optional (may be NULL: snapshot off does): end the snapshot open
	 * now, but the store may keep it open for this connection's next
	 * snapshot on while it is fresh: begun under CAP_SNAPSHOT_KEEP_US ago
	 * and no commit by this process since, so the reads see everything
	 * this process committed before them and another process's commits
	 * at most that late (docs/core.md). */
	int (*snapshot_keep)(struct store *st, struct err *err);
	/* Optional (may be NULL): let a kept snapshot go (store_snap_drop). */
	void (*snapshot_drop)(struct store *st, enum store_snap_drop how);
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

/* Every backend compiled in, NULL-terminated (the store tests run over it). */
extern const struct store_ops *const store_backends[];

/* The backend a dsn names: PostgreSQL for a "postgresql://" or
 * "postgres://" URI, else SQLite ("sqlite:PATH" or a plain path). */
const struct store_ops *store_backend_for(const char *dsn);

/* Pick the backend for dsn and open it (prog: as store_ops.open). */
int store_open(struct store **out, const char *dsn, unsigned flags,
	       const struct progress *prog, struct err *err);

/* For the backends: shows on prog that migration `next` of the ones from
 * schema version `from` to `to` starts (next = to + 1: all done); nothing
 * for a new database (from 0). */
void store_show_migration(const struct progress *prog, int from, int next, int to);

/* The words of q as store.h allows them (struct store_search): 0, or
 * ERR_INVALID (field "q") for too many, an empty one or one with a space.
 * Every backend checks them so before it writes its query. */
int store_search_words_check(const struct store_search *q, struct err *err);

/* dsn as it may be shown in a message or a log: a URI's password (in its
 * user part, or a password= parameter) replaced by "***". */
void store_dsn_safe(const char *dsn, char *out, size_t outsz);

#endif
