/*
 * citizen.h - citizens, keyed by their normalised mobile number (09xxxxxxxxx).
 * A name and a national id (validated by its check digit) are optional.
 */
#ifndef HAMGAN_CORE_CITIZEN_H
#define HAMGAN_CORE_CITIZEN_H

#include <stdint.h>

#include "base/caps.h"
#include "base/err.h"

struct core;

struct citizen {
	int64_t id;
	char mobile[12];	/* 09xxxxxxxxx */
	char name[CAP_NAME];	/* may be empty */
	char national_id[11];	/* may be empty */
	int64_t created_at;
};

/*
 * Find the citizen with this mobile (any common spelling) or add one; a
 * non-empty name or national id given replaces the stored one.  Must run
 * inside a core write (msg_register does this); ERR_INVALID on a bad mobile
 * or national id.
 */
int citizen_find_or_add(struct core *c, const char *mobile, const char *name,
			const char *national_id, struct citizen *out, struct err *err);
/* ERR_NOTFOUND when no such citizen; ERR_INVALID on a bad mobile. */
int citizen_get_by_mobile(struct core *c, const char *mobile, struct citizen *out,
			  struct err *err);
int citizen_get(struct core *c, int64_t id, struct citizen *out, struct err *err);

#endif
