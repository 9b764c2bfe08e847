/*
 * model/audit.h - an entry of the hash-chained audit log, and a message's
 * transition as the report aggregates read it.
 */
#ifndef HAMGAN_MODEL_AUDIT_H
#define HAMGAN_MODEL_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/caps.h"

#define AUDIT_HASH_HEX 64
/* The prev_hash of the log's first entry. */
#define AUDIT_HASH_ZERO "0000000000000000000000000000000000000000000000000000000000000000"

/*
 * The stores keep an entry's hash only on every AUDIT_HASH_EVERY-th entry
 * (seq a multiple of it) and on the tail (the table audit_head); the other
 * entries' hash column is empty (since schema 23; older entries keep
 * theirs).  Every hash is still computed over all the entries before it,
 * so nothing is weaker: a change still breaks the chain, and verify finds
 * it at the next kept hash, placing it within this many entries.  32 saves
 * 31 of every 32 hashes (about 0.14 KB a demo message) while a reader that
 * shows a hash recomputes at most 31 entries first (core/audit.c).
 */
#define AUDIT_HASH_EVERY 32

static inline bool audit_hash_kept(int64_t seq)
{
	return seq % AUDIT_HASH_EVERY == 0;
}

struct audit_entry {
	int64_t seq;
	char actor[CAP_CODE];
	char action[CAP_CODE];
	int64_t msg_id;		/* 0: not about a message */
	char payload[CAP_AUDIT_PAYLOAD + 1];	/* JSON object text */
	int64_t at;
	char prev_hash[AUDIT_HASH_HEX + 1];
	char hash[AUDIT_HASH_HEX + 1];
};

/* A message's transition as the report aggregates read it (store op
 * audit_steps): the action ("msg.answer", ...), the verdict or grade it gave
 * ("" otherwise), whether it reopened the message, and when. */
struct audit_step {
	char action[CAP_CODE];
	char value[CAP_CODE];
	bool reopened;
	bool from_closed;	/* given on a closed message (a late verdict) */
	int64_t at;
};

#endif
