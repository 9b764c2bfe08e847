/*
 * audit_pack.h - an audit entry's payload as both stores keep it since
 * schema 16: the JSON object text the core wrote (core/audit.c), packed
 * into fewer bytes, and given back byte for byte (docs/core.md, "Audit
 * chain").
 *
 * The first byte says which form follows:
 *	0  the text as it is (what does not pack back to the same bytes);
 *	1  the members in order, each a varint head (key << 3 | type) where
 *	   key is an index into a fixed list of member names (0: the name
 *	   follows as varint length and bytes) and type says how the value
 *	   follows: an integer (zigzag varint), an integer as its difference
 *	   from the entry's time, a string of decimal digits as its number, a
 *	   word of a fixed list by its index, or a string's bytes (as they are,
 *	   in base/tpack.h's packed form, a byte a Persian letter, or that
 *	   form in a fixed Huffman code).
 * The hash chain is computed over the text, so the packing is checked when
 * it is made: audit_pack unpacks what it packed and keeps the text instead
 * unless the two are the same bytes.  The fixed lists only ever grow at
 * their end (an index, once written, names the same word for ever).
 */
#ifndef HAMGAN_STORE_AUDIT_PACK_H
#define HAMGAN_STORE_AUDIT_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/caps.h"
#include "base/err.h"
#include "model/audit.h"

/* The most bytes a packed payload takes: the text behind its tag byte. */
#define AUDIT_PACKED_SIZE (CAP_AUDIT_PAYLOAD + 1)

/* Pack payload (a NUL-terminated text of at most CAP_AUDIT_PAYLOAD bytes)
 * of an entry written at time `at` into out; returns the length. */
size_t audit_pack(const char *payload, int64_t at, unsigned char out[AUDIT_PACKED_SIZE]);

/* The text back from n bytes audit_pack wrote (at as given to it) into
 * out (outsz bytes, CAP_AUDIT_PAYLOAD + 1 is always enough): 0, or
 * ERR_INVALID for bytes it never wrote. */
int audit_unpack(const unsigned char *p, size_t n, int64_t at, char *out, size_t outsz,
		 struct err *err);

/* The value of member `key` of the JSON object text payload (a string as
 * it is, an integer in decimal) into out: false ("") when there is none. */
bool audit_payload_member(const char *payload, const char *key, char *out, size_t outsz);

/* Whether action's step is the same whatever its payload: a transition
 * that gives no verdict or grade, cannot reopen the message and never
 * leaves a closed one (register, refer, transfer, start, return, answer,
 * close, reject: core/flow.c's rules).  The step readers below do not read
 * such a payload at all, and a store need not fetch it; an action not
 * named here (a verdict, a grade, a reopening, one a later release adds)
 * is read. */
bool audit_step_fixed(const char *action);

/* A message's transition as the report aggregates read it (store op
 * audit_steps) from its entry's action and payload text: the verdict, or
 * else the grade, it gave, whether it went to the state "reopened" and
 * whether it came from "closed" (all empty for a fixed action).
 * a->at is left as it is. */
void audit_step_read(struct audit_step *a, const char *action, const char *payload);

/* The same from the n stored bytes of a payload (audit_pack's, at as given
 * to it), read member by member without making its text: the four members
 * a step needs are decoded and the others skipped undecoded.  Bytes whose
 * members cannot be walked, or whose needed values do not decode, read as
 * an empty payload. */
void audit_step_unpack(struct audit_step *a, const char *action, const unsigned char *p,
		       size_t n, int64_t at);

#endif
