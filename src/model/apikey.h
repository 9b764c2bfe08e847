/*
 * model/apikey.h - an Open311 client's key as stored (its hash).
 */
#ifndef HAMGAN_MODEL_APIKEY_H
#define HAMGAN_MODEL_APIKEY_H

#include <stdint.h>

#include "base/caps.h"

#define APIKEY_HEX 64	/* 32 random bytes in hex */

struct apikey {
	int64_t id;
	char name[CAP_CODE];	/* who it was given to: a code ([a-z0-9._-]) */
	char key_hash[APIKEY_HEX + 1];	/* hex BLAKE2b-256 of the key */
	int64_t created_at;
	int64_t revoked_at;	/* 0 while it works */
};

#endif
