/*
 * model/user.h - a staff account.
 */
#ifndef HAMGAN_MODEL_USER_H
#define HAMGAN_MODEL_USER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/caps.h"
#include "model/role.h"

#define PWHASH_MAX 128		/* crypto_pwhash_STRBYTES */
#define SESSION_TOKEN_HEX 64	/* 32 random bytes in hex */

struct user {
	int64_t id;
	char username[CAP_CODE];	/* [a-z0-9._-] */
	char name[CAP_NAME];
	enum role role;			/* operator, staff, manager, inspector, admin */
	int64_t unit_id;		/* required for staff and manager */
	bool active;
	int64_t created_at;
	char pwhash[PWHASH_MAX];	/* filled by reads; callers never need it */
};

#endif
