/*
 * core_int.h - helpers shared by the core's files (not a public header).
 */
#ifndef HAMGAN_CORE_CORE_INT_H
#define HAMGAN_CORE_CORE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "core/actor.h"
#include "core/core.h"
#include "core/audit.h"
#include "core/msg.h"
#include "store/store.h"

/*
 * Work space too big for the stack, allocated once per core so a write does
 * not churn the heap.  Who uses which: msg_register and the transitions that
 * change a text (answer, grade) text - register is done with it before it
 * refers the new message (route_refer), and referring needs no texts;
 * audit_append audit.  No function holding one calls another that uses the
 * same one.
 */
struct core_scratch {
	struct msg_text text;
	struct audit_entry audit;
	/* user_login's stand-in hash for unknown usernames (user.c) */
	char dummy_pwhash[128];
};

/* The store's op table: OPS(c)->unit_get(c->st, ...). */
#define OPS(c) ((c)->st->ops)

/* A write: begin, then commit or roll back. */
int core_begin(struct core *c, struct err *err);
int core_commit(struct core *c, struct err *err);
void core_rollback(struct core *c);
/* The end of a write whose work returned rc: commit when rc is 0, else
 * roll back; the result (rc, or the commit's error). */
int core_end(struct core *c, int rc, struct err *err);

/*
 * An all-or-nothing CSV import (units, categories): check the header
 * (ncols names), then in one transaction call row() for each record with
 * exactly ncols fields, append one audit entry `action` with the row count
 * and commit.  A row's error is reported with its line number; on any error
 * nothing is written and *count is 0.
 */
struct csv;
typedef int csv_row_fn(struct core *c, const struct csv *r, struct err *e);
int csv_import(struct core *c, const struct actor *a, const char *data, size_t len,
	       const char *const *header, size_t ncols, const char *action, csv_row_fn *row,
	       size_t *count, struct err *err);

/* Check text: valid UTF-8 without control characters other than tab and
 * newline (when multiline), at most max bytes; required means non-empty. */
int text_check(const char *field, const char *s, size_t max, bool required, bool multiline,
	       struct err *err);

/* Staff/manager: is unit in the actor's subtree.  Other roles: false. */
int actor_unit_scope(struct core *c, const struct actor *a, int64_t unit, bool *yes,
		     struct err *err);

/* Can the actor read m at all: 0, or ERR_NOTFOUND worded as for a message
 * that does not exist (a unit learns nothing about codes outside it). */
int msg_may_read(struct core *c, const struct actor *a, const struct msg *m, struct err *err);
/* Blank the citizen's identity when m is confidential (whoever reads). */
void msg_hide_identity(struct msg *m);
/* Blank it whatever m is (public views: Open311, open data). */
void msg_hide_identity_all(struct msg *m);
/* Does this role see a confidential identity (operator, inspector, system)? */
bool role_sees_identity(enum role r);
/* For a reader who does not see identities: clear m's duplicate link when m
 * or the message it names is confidential (the link would tie the two to
 * one citizen).  0 or a store error. */
int msg_hide_links(struct core *c, const struct actor *a, struct msg *m, struct err *err);
/* Is message id confidential (false when there is no such message)? */
int msg_is_confidential(struct core *c, int64_t id, bool *yes, struct err *err);

/* Routing by rule and place (route.c, docs/routing.md).  route_channel:
 * the channels a message is routed on by itself (web, SMS, Open311).
 * route_refer: inside msg_register's transaction, refer m (the message
 * just registered, updated in place) as "system:place" to the unit its
 * category's rule or its place pl names; nothing when none does. */
struct place;
bool route_channel(enum msg_channel ch);
int route_refer(struct core *c, struct msg *m, const struct place *pl, struct err *err);
/* Secrets handed out once (session tokens, API keys): 32 random bytes in
 * hex; only the hex BLAKE2b-256 of the raw bytes is stored.
 * core_token_to_hash: ERR_INVALID unless token is 64 hex digits. */
void core_token_hash(const unsigned char raw[32], char out[65]);
int core_token_to_hash(const char *token, char hash[65]);

#endif
