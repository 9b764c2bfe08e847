/*
 * apikey.h - the keys Open311 clients (other cities' apps, FixMyStreet-like
 * services) present as api_key when they file a request.
 *
 * A key is 32 random bytes shown once, in hex, when it is made; only its
 * BLAKE2b-256 hash is stored, so a copy of the database holds no usable key.
 * A revoked key stays listed (its requests still name it) but no longer
 * works.  Adding and revoking are audited; only admins and the system may.
 */
#ifndef HAMGAN_CORE_APIKEY_H
#define HAMGAN_CORE_APIKEY_H

#include <stddef.h>
#include <stdint.h>

#include "base/caps.h"
#include "base/err.h"
#include "model/apikey.h"

struct core;
struct actor;

/* Make a key named name: key gets the key itself (the only time it exists
 * outside the client), *out (may be NULL) the stored row.  ERR_CONFLICT for
 * a name in use, ERR_INVALID for a bad name, ERR_DENIED unless admin/system. */
int apikey_add(struct core *c, const struct actor *a, const char *name,
	       char key[APIKEY_HEX + 1], struct apikey *out, struct err *err);
/* Every key, oldest first (*out malloc'd). */
int apikey_list(struct core *c, const struct actor *a, struct apikey **out, size_t *n,
		struct err *err);
/* Revoke by name: ERR_NOTFOUND, ERR_CONFLICT when already revoked. */
int apikey_revoke(struct core *c, const struct actor *a, const char *name, struct err *err);
/* The working key whose text is key: 0 with *out, or ERR_DENIED (unknown,
 * malformed or revoked: one answer for all three). */
int apikey_check(struct core *c, const char *key, struct apikey *out, struct err *err);

#endif
