/*
 * store.h - the only way the core reaches data: a table of operations each
 * backend fills (curl's vtls).  Today: SQLite (store_sqlite_ops); the same
 * tests (tests/unit/test_store.c) run over every backend in store_backends.
 *
 * Conventions for every op: return 0 or a negative ERR_* with err filled;
 * ERR_NOTFOUND for a missing row, ERR_CONFLICT for a duplicate key or a stale
 * version, ERR_STORE for a backend failure, ERR_UNAVAILABLE when busy.
 * "Lists" hand back a malloc'd array (*out, *n) the caller free()s; an empty
 * list may be NULL.  Records are the core's (the core headers).
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
#include "core/agg.h"
#include "core/apikey.h"
#include "core/audit.h"
#include "core/category.h"
#include "core/citizen.h"
#include "core/live.h"
#include "core/msg.h"
#include "core/open311.h"
#include "core/search.h"
#include "core/sms.h"
#include "core/unit.h"
#include "core/user.h"

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

/* A search as the store runs it: the core has normalised the text into an
 * FTS query, resolved the actor's scope and decoded the cursor. */
struct store_search {
	const char *fts;	/* FTS5 query text (already safe: quoted terms) or NULL */
	int state, kind, channel;	/* -1 any */
	int64_t scope_unit;	/* current unit in this subtree; 0 any */
	int64_t unit_id;	/* and in this subtree; 0 any */
	int64_t category_id, citizen_id, live_session_id;
	int64_t from, to;
	bool overdue;
	int64_t now;		/* for overdue */
	bool has_cursor;
	int64_t cursor_at, cursor_id;	/* rows strictly before (created_at, id) */
	size_t limit;
};

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

struct store_ops {
	const char *name;	/* "sqlite" */

	int (*open)(struct store **out, const char *dsn, unsigned flags, struct err *err);
	void (*close)(struct store *st);
	/* Schema version in the database, and the one this backend writes. */
	int (*schema_version)(struct store *st, int *have, int *want, struct err *err);

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

	/* citizens */
	int (*citizen_insert)(struct store *st, struct citizen *ci, struct err *err);
	int (*citizen_update)(struct store *st, const struct citizen *ci, struct err *err);
	int (*citizen_get)(struct store *st, int64_t id, struct citizen *out, struct err *err);
	int (*citizen_get_by_mobile)(struct store *st, const char *mobile, struct citizen *out,
				     struct err *err);

	/*
	 * messages: reads fill the citizen fields from the citizen row.
	 * msg_insert sets m->id and indexes search_text (the normalised subject
	 * and body).  msg_update writes every mutable field when the stored
	 * version equals m->version - 1, else ERR_CONFLICT.
	 */
	int (*msg_insert)(struct store *st, struct msg *m, const char *search_text,
			  struct err *err);
	int (*msg_update)(struct store *st, const struct msg *m, struct err *err);
	int (*msg_get)(struct store *st, int64_t id, struct msg *out, struct err *err);
	int (*msg_get_by_code)(struct store *st, const char *code, struct msg *out,
			       struct err *err);
	/* latest answered message of the citizen (by answered_at) */
	int (*msg_latest_answered)(struct store *st, int64_t citizen_id, struct msg *out,
				   struct err *err);
	int (*msg_search)(struct store *st, const struct store_search *q, struct msg **out,
			  size_t *n, struct err *err);

	int (*referral_insert)(struct store *st, struct referral *r, struct err *err);
	int (*referral_list)(struct store *st, int64_t msg_id, struct referral **out, size_t *n,
			     struct err *err);

	/* audit: the last entry's seq and hash (0 and "" when empty) */
	int (*audit_tail)(struct store *st, int64_t *seq, char hash[AUDIT_HASH_HEX + 1],
			  struct err *err);
	int (*audit_insert)(struct store *st, const struct audit_entry *e, struct err *err);
	int (*audit_list)(struct store *st, int64_t after, size_t max, struct audit_entry **out,
			  size_t *n, struct err *err);

	/* SMS outbox */
	int (*sms_insert)(struct store *st, struct sms *s, struct err *err);
	/* the oldest pending row with next_at <= now; ERR_NOTFOUND when none */
	int (*sms_next_due)(struct store *st, int64_t now, struct sms *out, struct err *err);
	/* write state, attempts, next_at, sent_at, last_error when the stored
	 * state is `from`; else ERR_CONFLICT (someone else claimed it) */
	int (*sms_update)(struct store *st, const struct sms *s, enum sms_state from,
			  struct err *err);
	int (*sms_list)(struct store *st, size_t max, struct sms **out, size_t *n, struct err *err);

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
	 * the scan and is returned.  agg_open_add adds o->n to the backlog row
	 * (a row reaching 0 goes); agg_open_scan visits the rows of dimension
	 * dim and unit (0: all) with due_from <= due_day < due_before.  agg_clear deletes every aggregate row.
	 * msg_scan reads messages with id > after_id in id order, at most max,
	 * as msg_get does (*out malloc'd).
	 */
	int (*agg_cell_get)(struct store *st, const struct agg_key *k, struct agg_row *out,
			    struct err *err);
	int (*agg_cell_put)(struct store *st, const struct agg_row *r, struct err *err);
	int (*agg_cell_scan)(struct store *st, int dim, int64_t unit, int64_t day_from,
			     int64_t day_to, int (*fn)(const struct agg_row *r, void *arg),
			     void *arg, struct err *err);
	int (*agg_open_add)(struct store *st, const struct agg_open *o, struct err *err);
	int (*agg_open_scan)(struct store *st, int dim, int64_t unit, int64_t due_from,
			     int64_t due_before, int (*fn)(const struct agg_open *o, void *arg),
			     void *arg, struct err *err);
	int (*agg_clear)(struct store *st, struct err *err);
	int (*msg_scan)(struct store *st, int64_t after_id, size_t max, struct msg **out,
			size_t *n, struct err *err);

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
};

extern const struct store_ops store_sqlite_ops;

/* Every backend compiled in, NULL-terminated (the store tests run over it). */
extern const struct store_ops *const store_backends[];

/* Pick the backend for dsn ("sqlite:PATH" or a plain path) and open it. */
int store_open(struct store **out, const char *dsn, unsigned flags, struct err *err);

#endif
