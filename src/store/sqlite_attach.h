/*
 * sqlite_attach.h - the SQLite attachment ops (sqlite_attach.c) and
 * SQ_ATTACH_OPS, the designated initialisers that put them in
 * store_sqlite_ops.  Uploads are rare, so the statements are prepared per
 * call rather than cached.
 */
#ifndef HAMGAN_STORE_SQLITE_ATTACH_H
#define HAMGAN_STORE_SQLITE_ATTACH_H

#include "store/store.h"

int sq_attach_insert(struct store *st, struct attachment *a, const void *data, size_t len,
		     const void *thumb, size_t thumb_len, struct err *err);
int sq_attach_list(struct store *st, int64_t msg_id, struct attachment **out, size_t *n,
		   struct err *err);
int sq_attach_get(struct store *st, int64_t id, int thumb, struct attachment *out, void **data,
		  size_t *len, struct err *err);

#define SQ_ATTACH_OPS \
	.attach_insert = sq_attach_insert, \
	.attach_list = sq_attach_list, \
	.attach_get = sq_attach_get,

#endif
