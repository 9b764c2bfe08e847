/*
 * model/verify.h - a one-time verification code as stored (hashed).
 */
#ifndef HAMGAN_MODEL_VERIFY_H
#define HAMGAN_MODEL_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

struct verify_code {
	int64_t id;
	char mobile[12];	/* 09xxxxxxxxx */
	char addr[64];		/* the client address that asked */
	char salt[33];		/* 16 random bytes, hex */
	char hash[65];		/* BLAKE2b-256 keyed by salt of "mobile:code", hex */
	int64_t created_at, expires_at;
	int tries;		/* wrong tries so far */
	bool used;		/* proved a submission */
};

#endif
