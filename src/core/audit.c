/*
 * audit.c - the hash-chained audit log: appending inside the caller's
 * transaction, verifying the chain, and the payloads' JSON (written with
 * base/jw.h, the one JSON writer).
 *
 * Hash input (docs/core.md): the tag "hamgan-audit-v1", then prev_hash, seq,
 * actor, action, msg_id, payload and at, each as a netstring "LEN:BYTES,"
 * (so no field can run into the next), hashed with BLAKE2b-256.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/jw.h"
#include "base/str.h"
#include "core/audit.h"
#include "core/core_int.h"

#define AUDIT_TAG "hamgan-audit-v1"

static void hash_field(crypto_generichash_state *h, const char *s, size_t len)
{
	char head[32];
	int n = snprintf(head, sizeof(head), "%zu:", len);

	crypto_generichash_update(h, (const unsigned char *)head, (size_t)n);
	crypto_generichash_update(h, (const unsigned char *)s, len);
	crypto_generichash_update(h, (const unsigned char *)",", 1);
}

static void hash_int(crypto_generichash_state *h, int64_t v)
{
	char num[32];
	int n = snprintf(num, sizeof(num), "%lld", (long long)v);

	hash_field(h, num, (size_t)n);
}

void audit_hash(const struct audit_entry *e, char out[AUDIT_HASH_HEX + 1])
{
	crypto_generichash_state h;
	unsigned char digest[32];

	crypto_generichash_init(&h, NULL, 0, sizeof(digest));
	hash_field(&h, AUDIT_TAG, strlen(AUDIT_TAG));
	hash_field(&h, e->prev_hash, strlen(e->prev_hash));
	hash_int(&h, e->seq);
	hash_field(&h, e->actor, strlen(e->actor));
	hash_field(&h, e->action, strlen(e->action));
	hash_int(&h, e->msg_id);
	hash_field(&h, e->payload, strlen(e->payload));
	hash_int(&h, e->at);
	crypto_generichash_final(&h, digest, sizeof(digest));
	sodium_bin2hex(out, AUDIT_HASH_HEX + 1, digest, sizeof(digest));
}

int audit_append(struct core *c, const struct actor *a, const char *action, int64_t msg_id,
		 const char *payload, struct err *err)
{
	struct audit_entry *e;
	int64_t seq;
	int rc;

	if (payload && strlen(payload) > CAP_AUDIT_PAYLOAD)
		return err_set(err, ERR_TOOBIG, "", "audit payload too large");
	e = &c->scratch->audit;
	memset(e, 0, offsetof(struct audit_entry, payload));
	e->payload[0] = '\0';
	rc = OPS(c)->audit_tail(c->st, &seq, e->prev_hash, err);
	if (rc < 0)
		goto out;
	if (!e->prev_hash[0])
		str_copy(e->prev_hash, sizeof(e->prev_hash), AUDIT_HASH_ZERO);
	e->seq = seq + 1;
	actor_label(a, e->actor, sizeof(e->actor));
	str_copy(e->action, sizeof(e->action), action);
	e->msg_id = msg_id;
	str_copy(e->payload, sizeof(e->payload), payload ? payload : "{}");
	e->at = core_now(c);
	audit_hash(e, e->hash);
	rc = OPS(c)->audit_insert(c->st, e, err);
out:
	return rc;
}

/*
 * A kept hash (or the head's, or a stored prev_hash) that the chain does
 * not reach: something from `from`, the first entry after the last kept
 * hash that matched, to `seq`, where it showed, was changed.  Which one the
 * log cannot tell, since the entries in between keep no hash (model/audit.h,
 * AUDIT_HASH_EVERY); when from is seq, that entry itself.
 */
static int broken(int64_t from, int64_t seq, const char *why, int64_t *count, int64_t *bad_seq,
		  struct err *err)
{
	*bad_seq = from;
	*count = from - 1;
	if (from == seq)
		return err_set(err, ERR_CONFLICT, "", "audit entry %lld: %s", (long long)seq, why);
	return err_set(err, ERR_CONFLICT, "", "audit entries %lld to %lld: one of them was "
		       "changed: %s", (long long)from, (long long)seq, why);
}

/* The same for a kept hash that does not match, naming where it is kept. */
static int mismatch(int64_t from, int64_t seq, const char *where, int64_t *count,
		    int64_t *bad_seq, struct err *err)
{
	char why[96];

	if (from == seq)
		return broken(from, seq, "its content does not match its hash", count, bad_seq,
			      err);
	snprintf(why, sizeof(why), "the hash kept %s%lld does not match", where, (long long)seq);
	return broken(from, seq, why, count, bad_seq, err);
}

int audit_verify(struct core *c, int64_t *count, int64_t *bad_seq, struct err *err)
{
	char prev[AUDIT_HASH_HEX + 1], head_hash[AUDIT_HASH_HEX + 1];
	struct audit_entry *list = NULL;
	int64_t after = 0, want = 1, from = 1, head = 0;
	size_t n, i;
	int rc;

	*count = 0;
	*bad_seq = 0;
	str_copy(prev, sizeof(prev), AUDIT_HASH_ZERO);
	/* the head first: what is appended while this runs comes after it */
	rc = OPS(c)->audit_tail(c->st, &head, head_hash, err);
	if (rc < 0)
		return rc;
	for (;;) {
		rc = OPS(c)->audit_list(c->st, after, CAP_AUDIT_VERIFY_PAGE, &list, &n, err);
		if (rc < 0)
			return rc;
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			struct audit_entry *e = &list[i];

			if (e->seq != want) {
				*bad_seq = e->seq;
				rc = err_set(err, ERR_CONFLICT, "", "audit entry %lld: expected "
					     "entry %lld here (an entry is missing)",
					     (long long)e->seq, (long long)want);
				goto out;
			}
			/* a prev_hash the store knows (kept, or the kept hash of
			 * entry seq - 1) must be the one computed; one it does
			 * not know is that one */
			if (e->prev_hash[0] && !str_eq(e->prev_hash, prev)) {
				rc = broken(from, e->seq, "it does not link to the entry before it",
					    count, bad_seq, err);
				goto out;
			}
			str_copy(e->prev_hash, sizeof(e->prev_hash), prev);
			audit_hash(e, prev);
			if (e->hash[0]) {
				/* kept: every entry before it is as written */
				if (!str_eq(e->hash, prev)) {
					rc = mismatch(from, e->seq, "at entry ", count, bad_seq,
						      err);
					goto out;
				}
				from = e->seq + 1;
			} else if (audit_hash_kept(e->seq)) {
				rc = broken(from, e->seq, "the hash it keeps is gone", count,
					    bad_seq, err);
				goto out;
			}
			if (e->seq == head) {
				if (!str_eq(head_hash, prev)) {
					rc = mismatch(from, e->seq, "in the log's head for entry ",
						      count, bad_seq, err);
					goto out;
				}
				from = e->seq + 1;
			}
			want++;
			(*count)++;
		}
		after = list[n - 1].seq;
		free(list);
		list = NULL;
	}
	if (head > *count) {
		/* the head was written with an entry the log no longer has */
		*bad_seq = *count + 1;
		if (*bad_seq == head)
			return err_set(err, ERR_CONFLICT, "", "audit entry %lld is missing (the "
				       "log's head is at entry %lld)", (long long)head,
				       (long long)head);
		return err_set(err, ERR_CONFLICT, "", "audit entries %lld to %lld are missing "
			       "(the log's head is at entry %lld)", (long long)*bad_seq,
			       (long long)head, (long long)head);
	}
	if (head < *count) {
		/* entries after the head: appended while the log was read (the
		 * head has moved on since), or not by hamgan */
		rc = OPS(c)->audit_tail(c->st, &head, head_hash, err);
		if (rc < 0)
			return rc;
		if (head < *count) {
			*bad_seq = head + 1;
			*count = head;
			return err_set(err, ERR_CONFLICT, "", "audit entries %lld on: not in the "
				       "log's head (it is at entry %lld)", (long long)head + 1,
				       (long long)head);
		}
	}
	rc = 0;
out:
	free(list);
	return rc;
}

/* Drop the member ,"duplicate_of":N from a payload the core wrote; *id gets
 * N (0 when absent). */
static void drop_duplicate_of(char *payload, int64_t *id)
{
	static const char key[] = ",\"duplicate_of\":";
	char *p = strstr(payload, key), *q;
	int64_t v = 0;

	*id = 0;
	if (!p)
		return;
	for (q = p + sizeof(key) - 1; *q >= '0' && *q <= '9' && v < INT64_MAX / 10; q++)
		v = v * 10 + (*q - '0');
	*id = v;
	memmove(p, q, strlen(q) + 1);
}

/*
 * What a reader who may not see identities (an admin) may see of e: the
 * chain keeps every entry as written, so the hiding happens here.
 */
static int redact(struct core *c, struct audit_entry *e, struct err *err)
{
	char payload[CAP_AUDIT_PAYLOAD + 1];
	int64_t dup;
	bool conf;
	int rc;

	/* No hash at all: a hash over hidden content lets it be guessed back
	 * (a citizen id, a mobile), and hiding only that entry's hash is not
	 * enough, since the next entry's hash is computed over it.  Such a
	 * reader checks the chain with audit_verify. */
	e->hash[0] = '\0';
	e->prev_hash[0] = '\0';
	/* entries written before labels lost the id: "citizen:ID" */
	if (str_starts(e->actor, "citizen:"))
		str_copy(e->actor, sizeof(e->actor), "citizen");
	/* caller look-ups and corrections sit beside the registration that
	 * follows: even a keyed hash would link a confidential message to the
	 * caller's earlier, open ones (and old entries hold the mobile) */
	if (str_starts(e->action, "citizen."))
		str_copy(e->payload, sizeof(e->payload), "{}");
	/* a duplicate link between a confidential message and another */
	if (str_eq(e->action, "msg.reject")) {
		str_copy(payload, sizeof(payload), e->payload);
		drop_duplicate_of(payload, &dup);
		if (dup) {
			rc = msg_is_confidential(c, e->msg_id, &conf, err);
			if (rc == 0 && !conf)
				rc = msg_is_confidential(c, dup, &conf, err);
			if (rc < 0)
				return rc;
			if (conf)
				str_copy(e->payload, sizeof(e->payload), payload);
		}
	}
	return 0;
}

int audit_redact(struct core *c, const struct actor *a, struct audit_entry *e,
		 struct err *err)
{
	return role_sees_identity(a->role) ? 0 : redact(c, e, err);
}

/*
 * The hashes the store does not keep (model/audit.h): an entry's prev_hash
 * is the hash of the entry before it in list (or prev, that of the entry
 * before the first; "" when not known), and its hash is computed from its
 * fields and that.  An entry whose prev_hash stays unknown keeps "" in
 * both.
 */
static void fill_hashes(struct audit_entry *list, size_t n, const char *prev)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct audit_entry *e = &list[i];

		if (!e->prev_hash[0])
			str_copy(e->prev_hash, sizeof(e->prev_hash), i ? list[i - 1].hash : prev);
		if (!e->hash[0] && e->prev_hash[0])
			audit_hash(e, e->hash);
	}
}

/*
 * The hash of entry seq - 1 into out ("" when not found): computed from the
 * nearest kept hash before it, at most AUDIT_HASH_EVERY - 1 entries back
 * in a log hamgan wrote.  A log without one there (changed by hand) is
 * searched further back, up to a bound.
 */
static int hash_before(struct core *c, int64_t seq, char out[AUDIT_HASH_HEX + 1],
		       struct err *err)
{
	struct audit_entry *list;
	int64_t span = AUDIT_HASH_EVERY, from;
	size_t n;
	int rc;

	out[0] = '\0';
	while (seq > 1) {
		from = seq - 1 - span > 0 ? seq - 1 - span : 0;
		rc = OPS(c)->audit_list(c->st, from, (size_t)(seq - 1 - from), &list, &n, err);
		if (rc < 0)
			return rc;
		fill_hashes(list, n, "");
		if (n && list[n - 1].seq == seq - 1)
			str_copy(out, AUDIT_HASH_HEX + 1, list[n - 1].hash);
		free(list);
		if (out[0] || from == 0 || span >= CAP_AUDIT_HASH_SEARCH)
			break;
		span *= 2;
	}
	return 0;
}

int audit_list(struct core *c, const struct actor *a, int64_t after, size_t max,
	       struct audit_entry **out, size_t *n, struct err *err)
{
	char prev[AUDIT_HASH_HEX + 1] = "";
	size_t i;
	int rc = OPS(c)->audit_list(c->st, after, max, out, n, err);

	if (rc < 0)
		return rc;
	if (role_sees_identity(a->role)) {
		if (*n && !(*out)[0].prev_hash[0])
			rc = hash_before(c, (*out)[0].seq, prev, err);
		if (rc == 0)
			fill_hashes(*out, *n, prev);
	} else {
		for (i = 0; i < *n && rc == 0; i++)
			rc = redact(c, &(*out)[i], err);
	}
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* ---- payload writer (base/jw.h) ---- */

void payload_begin(struct buf *b)
{
	buf_reset(b);
	jw_object(b, NULL);
}

void payload_str(struct buf *b, const char *key, const char *value)
{
	jw_str(b, key, value);
}

void payload_int(struct buf *b, const char *key, int64_t value)
{
	jw_int(b, key, value);
}

void payload_end(struct buf *b)
{
	jw_object_end(b);
}
