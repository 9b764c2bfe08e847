/*
 * sqlite_open311.h - the SQLite backend's Open311 and open-data ops
 * (sqlite_open311.c) and SQ_OPEN311_OPS, their line in store_sqlite_ops.
 */
#ifndef HAMGAN_STORE_SQLITE_OPEN311_H
#define HAMGAN_STORE_SQLITE_OPEN311_H

#include "store/store.h"

int sq_apikey_insert(struct store *st, struct apikey *k, struct err *err);
int sq_apikey_get_by_hash(struct store *st, const char *hash, struct apikey *out,
			  struct err *err);
int sq_apikey_get_by_name(struct store *st, const char *name, struct apikey *out,
			  struct err *err);
int sq_apikey_list(struct store *st, struct apikey **out, size_t *n, struct err *err);
int sq_apikey_revoke(struct store *st, int64_t id, int64_t at, struct err *err);
int sq_service_get(struct store *st, int64_t category_id, struct service_meta *out,
		   struct err *err);
int sq_service_put(struct store *st, const struct service_meta *m, struct err *err);
int sq_o311_meta_put(struct store *st, const struct o311_meta *m, struct err *err);
int sq_o311_meta_get(struct store *st, int64_t msg_id, struct o311_meta *out, struct err *err);
int sq_msg_ids(struct store *st, const struct store_msg_ids *q, int64_t **out, size_t *n,
	       struct err *err);
int sq_import_key_get(struct store *st, const char *source, const char *key, int64_t *msg_id,
		      struct err *err);
int sq_import_key_put(struct store *st, const char *source, const char *key, int64_t msg_id,
		      struct err *err);

#define SQ_OPEN311_OPS \
	.apikey_insert = sq_apikey_insert, \
	.apikey_get_by_hash = sq_apikey_get_by_hash, \
	.apikey_get_by_name = sq_apikey_get_by_name, \
	.apikey_list = sq_apikey_list, \
	.apikey_revoke = sq_apikey_revoke, \
	.service_get = sq_service_get, \
	.service_put = sq_service_put, \
	.o311_meta_put = sq_o311_meta_put, \
	.o311_meta_get = sq_o311_meta_get, \
	.msg_ids = sq_msg_ids, \
	.import_key_get = sq_import_key_get, \
	.import_key_put = sq_import_key_put,

#endif
