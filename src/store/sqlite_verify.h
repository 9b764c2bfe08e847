/*
 * sqlite_verify.h - the SQLite backend's verification-code ops
 * (sqlite_verify.c), and SQ_VERIFY_OPS, the designated initialisers that put
 * them in store_sqlite_ops (one line in sqlite.c's table).
 */
#ifndef HAMGAN_STORE_SQLITE_VERIFY_H
#define HAMGAN_STORE_SQLITE_VERIFY_H

#include "store/store.h"

int sq_verify_insert(struct store *st, struct verify_code *v, struct err *err);
int sq_verify_latest(struct store *st, const char *mobile, struct verify_code *out,
		     struct err *err);
int sq_verify_update(struct store *st, const struct verify_code *v, struct err *err);
int sq_verify_count_mobile(struct store *st, const char *mobile, int64_t since, int64_t *n,
			   int64_t *oldest, struct err *err);
int sq_verify_count_addr(struct store *st, const char *addr, int64_t since, int64_t *n,
			 int64_t *oldest, struct err *err);
int sq_verify_prune(struct store *st, int64_t before, struct err *err);

#define SQ_VERIFY_OPS \
	.verify_insert = sq_verify_insert, \
	.verify_latest = sq_verify_latest, \
	.verify_update = sq_verify_update, \
	.verify_count_mobile = sq_verify_count_mobile, \
	.verify_count_addr = sq_verify_count_addr, \
	.verify_prune = sq_verify_prune,

#endif
