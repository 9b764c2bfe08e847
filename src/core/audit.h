/*
 * audit.h - the append-only, hash-chained audit log.
 *
 * Entry n has seq n (1, 2, ...), the actor label, an action ("msg.refer",
 * "user.add", ...), the message id or 0, a JSON payload, the time, the hash
 * of entry n-1 (64 zeros for the first) and its own hash:
 *	hash = hex(BLAKE2b-256(prev_hash || canonical fields))
 * with the canonical fields as netstrings (docs/core.md, "Audit chain").
 * Every core write appends its entry inside the same transaction.  The
 * stores keep a hash only on every AUDIT_HASH_EVERY-th entry and the
 * tail's (model/audit.h); the functions here compute the others.
 */
#ifndef HAMGAN_CORE_AUDIT_H
#define HAMGAN_CORE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/err.h"
#include "model/audit.h"

struct core;
struct actor;

/*
 * Append an entry.  Must be called inside a core write transaction (the
 * transition functions do); payload is a JSON object text or NULL ("{}").
 */
int audit_append(struct core *c, const struct actor *a, const char *action, int64_t msg_id,
		 const char *payload, struct err *err);

/* The hash of e from its fields and e->prev_hash (hex into out). */
void audit_hash(const struct audit_entry *e, char out[AUDIT_HASH_HEX + 1]);

/*
 * Recompute the whole chain from the first entry, checking it against every
 * stored prev_hash, every kept hash and the head.  0 when it holds (*count
 * entries); ERR_CONFLICT when it does not: for an entry missing, *bad_seq
 * is the entry found in its place; for a change, the change lies between
 * the entry after the last kept hash that matched and the kept hash (or
 * head) that did not, at most AUDIT_HASH_EVERY entries, *bad_seq is the
 * first of them and err's message names both; for newest entries cut off
 * (the head names a later one), the first one missing.  *count is the
 * number of entries before *bad_seq.
 */
int audit_verify(struct core *c, int64_t *count, int64_t *bad_seq, struct err *err);

/*
 * Entries after seq `after`, oldest first, at most max, as actor a may see
 * them; *out malloc'd.  Roles that see identities (operator, inspector,
 * system) get every entry as written.  Others (admins) get: an old
 * "citizen:ID" actor as "citizen", the payload of citizen.* entries (caller
 * look-ups, corrections) as {}, a rejection's duplicate_of left out when
 * either message is confidential, and no hashes (hash and prev_hash empty:
 * from any hash the hidden parts could be guessed back; docs/security.md).
 * The others get every entry's full hash and prev_hash, computed from the
 * nearest kept hash at or before the first (reading back up to
 * AUDIT_HASH_EVERY - 1 entries); "" when the log, changed by hand, keeps
 * none within CAP_AUDIT_HASH_SEARCH entries.  audit_verify always checks
 * the full chain.
 */
int audit_list(struct core *c, const struct actor *a, int64_t after, size_t max,
	       struct audit_entry **out, size_t *n, struct err *err);

/* The same hiding for one entry read some other way (a message's timeline,
 * core/timeline.h): nothing changes for a role that sees identities. */
int audit_redact(struct core *c, const struct actor *a, struct audit_entry *e,
		 struct err *err);

/* A payload: one JSON object of string and integer members, written with
 * base/jw.h (payload_begin empties b and opens the object). */
void payload_begin(struct buf *b);
void payload_str(struct buf *b, const char *key, const char *value);
void payload_int(struct buf *b, const char *key, int64_t value);
void payload_end(struct buf *b);

#endif
