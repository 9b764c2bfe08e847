/*
 * citizen.h - citizens, keyed by their normalised mobile number (09xxxxxxxxx).
 * A name and a national id (validated by its check digit) are optional.
 */
#ifndef HAMGAN_CORE_CITIZEN_H
#define HAMGAN_CORE_CITIZEN_H

#include <stdbool.h>
#include <stdint.h>

#include "base/caps.h"
#include "base/err.h"
#include "model/citizen.h"

struct core;
struct actor;

/*
 * Find the citizen with this mobile (any common spelling) or add one with
 * the name and national id given.  A known citizen's identity is never
 * changed here: anyone can submit a message under any mobile, so a name or
 * national id given for a known mobile is ignored (citizen_correct changes
 * it, audited).  Must run inside a core write (msg_register does this);
 * ERR_INVALID on a bad mobile or national id.
 */
int citizen_find_or_add(struct core *c, const char *mobile, const char *name,
			const char *national_id, struct citizen *out, struct err *err);

/*
 * Correct a known caller's name and/or national id (NULL or "" leaves a
 * field as it is): operators (who have the caller on the line) and the
 * system only, else ERR_DENIED; ERR_NOTFOUND for an unknown mobile.  A
 * change appends "citizen.correct" to the audit log with the keyed hash of
 * the mobile and the names of the fields changed (never the values), in
 * one transaction; no change, no entry.  *changed (may be NULL) says
 * whether anything changed; *out (may be NULL) gets the record.
 */
int citizen_correct(struct core *c, const struct actor *a, const char *mobile, const char *name,
		    const char *national_id, bool *changed, struct citizen *out, struct err *err);

/*
 * The keyed hash that stands for a mobile in the audit log: hex of
 * BLAKE2b-128(normalised mobile) keyed with a 256-bit key made by libsodium
 * the first time and kept in the database (table secrets, "mobile_hash").
 * Equal numbers give equal hashes in one database, so an inspector can find
 * the look-ups of a number (`hamgan audit mobile-hash NUMBER`); without the
 * key the hash cannot be reversed by trying every mobile.  Opens its own
 * (nested) write transaction.
 */
#define CITIZEN_MOBILE_HASH_HEX 32
int citizen_mobile_hash(struct core *c, const char *mobile,
			char out[CITIZEN_MOBILE_HASH_HEX + 1], struct err *err);
/* ERR_NOTFOUND when no such citizen; ERR_INVALID on a bad mobile. */
int citizen_get_by_mobile(struct core *c, const char *mobile, struct citizen *out,
			  struct err *err);
int citizen_get(struct core *c, int64_t id, struct citizen *out, struct err *err);

#endif
