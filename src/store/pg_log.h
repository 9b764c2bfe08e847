/*
 * pg_log.h - the PostgreSQL backend's ops for the audit log, the SMS
 * outbox and verification codes (pg_log.c), the report aggregates
 * (pg_agg.c), and attachments, boundaries and Open311 (pg_open311.c), each
 * the twin of its SQLite op (sqlite_msg.c, sqlite_verify.c, sqlite_agg.c,
 * sqlite_attach.c, sqlite_geo.c, sqlite_open311.c); store.h has the
 * contracts.  PG_LOG_OPS puts them in store_pg_ops (pg.c).
 */
#ifndef HAMGAN_STORE_PG_LOG_H
#define HAMGAN_STORE_PG_LOG_H

#include "store/pg_int.h"
#include "store/store.h"

/* The statements of these three files, in pg_int.h's PG_LOG range. */
enum pg_log_stmt {
	PL_AUDIT_TAIL = PG_LOG_FIRST, PL_AUDIT_NAMES, PL_AUDIT_INSERT, PL_AUDIT_LIST, PL_AUDIT_LIST_MSG,
	PL_AUDIT_STEPS,
	PL_SMS_INSERT, PL_SMS_NEXT, PL_SMS_UPDATE, PL_SMS_RELEASE, PL_SMS_LIST, PL_SMS_LIST_MSG,
	PL_SMS_PRUNE_PICK, PL_SMS_PRUNE_DEL,
	PL_VERIFY_INSERT, PL_VERIFY_LATEST, PL_VERIFY_UPDATE, PL_VERIFY_COUNT_MOBILE,
	PL_VERIFY_COUNT_ADDR, PL_VERIFY_PRUNE,
	PL_AGG_GET, PL_AGG_PUT, PL_AGG_DEL, PL_AGG_SCAN_UNIT, PL_AGG_SCAN_ALL, PL_AGG_SCAN_ALL_NEXT,
	PL_AGG_PAIR_ADD, PL_AGG_PAIR_DEL, PL_AGG_PAIR_SCAN_UNIT, PL_AGG_PAIR_SCAN_ALL,
	PL_AGG_PAIR_SCAN_ALL_NEXT, PL_AGG_CLEAR_CELLS,
	PL_AGG_CLEAR_PAIRS, PL_AGG_CLEAR_META, PL_AGG_STALE,
	PL_ATTACH_INSERT, PL_ATTACH_LIST, PL_ATTACH_GET_BYTES, PL_ATTACH_GET_THUMB,
	PL_GEO_PUT, PL_GEO_SCAN, PL_GEO_STAMP,
	PL_KEY_INSERT, PL_KEY_BY_HASH, PL_KEY_BY_NAME, PL_KEY_LIST, PL_KEY_REVOKE,
	PL_SERVICE_GET, PL_SERVICE_PUT, PL_O311_PUT, PL_O311_GET, PL_IMPORT_GET, PL_IMPORT_PUT,
	PL_STMT_END
};

_Static_assert(PL_STMT_END - 1 <= PG_LOG_LAST, "pg_log statements overflow PG_LOG's range");

/* A text parameter, NULL sent as "" as SQLite's sq_bind_text binds it. */
void pl_p_text(struct pg_params *p, const char *v);
/* LIMIT's parameter: a size_t count, SIZE_MAX meaning no limit. */
int64_t pl_limit(size_t max);

/*
 * pg_run and its kin for these files, returning the ERR_* of a failure
 * even when err is NULL (a duplicate key is ERR_CONFLICT for a caller that
 * passes no err too).  pl_run: 0 and *res (PQclear it); pl_exec: 0 and, when
 * changes is not NULL, the rows the statement touched; pl_list and pl_one
 * as pg_list_rows and pg_one_row.
 */
int pl_run(struct store *st, enum pg_log_stmt id, const char *sql, const struct pg_params *p,
	   const char *what, struct err *err, PGresult **res);
int pl_exec(struct store *st, enum pg_log_stmt id, const char *sql, const struct pg_params *p,
	    const char *what, int64_t *changes, struct err *err);
int pl_list(struct store *st, enum pg_log_stmt id, const char *sql, const struct pg_params *p,
	    const char *what, void (*read)(const PGresult *res, int r, void *rec), size_t sz,
	    void **out, size_t *n, struct err *err);
int pl_one(struct store *st, enum pg_log_stmt id, const char *sql, const struct pg_params *p,
	   const char *what, void (*read)(const PGresult *res, int r, void *rec), void *rec,
	   struct err *err);

/* pg_log.c: audit, SMS outbox, verification codes */
/* An audit payload column c (schema 16: audit_pack.h) of an entry of time
 * at as its text; "" when it does not unpack. */
void pl_audit_payload(const PGresult *res, int r, int c, int64_t at, char *dst, size_t dstsz);
int pl_audit_tail(struct store *st, int64_t *seq, char hash[AUDIT_HASH_HEX + 1],
		  struct err *err);
int pl_audit_insert(struct store *st, const struct audit_entry *e, struct err *err);
int pl_sms_prune(struct store *st, int64_t before, int64_t after, size_t max,
		 struct sms_pruned *out, struct err *err);
int pl_audit_list(struct store *st, int64_t after, size_t max, struct audit_entry **out,
		  size_t *n, struct err *err);
int pl_audit_list_msg(struct store *st, int64_t msg_id, size_t max, struct audit_entry **out,
		      size_t *n, struct err *err);
int pl_sms_insert(struct store *st, struct sms *s, struct err *err);
int pl_sms_next_due(struct store *st, int64_t now, struct sms *out, struct err *err);
int pl_sms_update(struct store *st, const struct sms *s, enum sms_state from, struct err *err);
int pl_sms_release_expired(struct store *st, int64_t now, int max_attempts, const char *error,
			   size_t *n, struct err *err);
int pl_sms_list(struct store *st, size_t max, struct sms **out, size_t *n, struct err *err);
int pl_sms_list_msg(struct store *st, int64_t msg_id, size_t max, struct sms **out, size_t *n,
		    struct err *err);
int pl_verify_insert(struct store *st, struct verify_code *v, struct err *err);
int pl_verify_latest(struct store *st, const char *mobile, struct verify_code *out,
		     struct err *err);
int pl_verify_update(struct store *st, const struct verify_code *v, struct err *err);
int pl_verify_count_mobile(struct store *st, const char *mobile, int64_t since, int64_t *n,
			   int64_t *oldest, struct err *err);
int pl_verify_count_addr(struct store *st, const char *addr, int64_t since, int64_t *n,
			 int64_t *oldest, struct err *err);
int pl_verify_prune(struct store *st, int64_t before, struct err *err);

/* pg_agg.c: report aggregates and the audit steps they are rebuilt from */
int pl_agg_cell_get(struct store *st, const struct agg_key *k, struct agg_row *out,
		    struct err *err);
int pl_agg_cell_put(struct store *st, const struct agg_row *r, struct err *err);
int pl_agg_cell_scan(struct store *st, int dim, int64_t unit, int64_t day_from, int64_t day_to,
		     int (*fn)(const struct agg_row *r, void *arg), void *arg, struct err *err);
int pl_agg_pair_add(struct store *st, const struct agg_pair *p, struct err *err);
int pl_agg_pair_scan(struct store *st, int dim, int64_t unit, int kind, int64_t day_from,
		     int64_t day_to, int64_t day2_after,
		     int (*fn)(const struct agg_pair *p, void *arg), void *arg, struct err *err);
int pl_audit_steps(struct store *st, int64_t msg_id, struct audit_step **out, size_t *n,
		   struct err *err);
int pl_agg_clear(struct store *st, struct err *err);
int pl_agg_stale(struct store *st, bool *stale, struct err *err);

/* pg_open311.c: attachments, boundaries, API keys, Open311 rows, import keys */
int pl_attach_insert(struct store *st, struct attachment *a, const void *data, size_t len,
		     const void *thumb, size_t thumb_len, struct err *err);
int pl_attach_list(struct store *st, int64_t msg_id, struct attachment **out, size_t *n,
		   struct err *err);
int pl_attach_get(struct store *st, int64_t id, int thumb, struct attachment *out, void **data,
		  size_t *len, struct err *err);
int pl_boundary_put(struct store *st, const struct store_boundary *b, struct err *err);
int pl_boundary_scan(struct store *st, int (*fn)(const struct store_boundary *b, void *arg),
		     void *arg, struct err *err);
int pl_boundary_stamp(struct store *st, int64_t *stamp, struct err *err);
int pl_apikey_insert(struct store *st, struct apikey *k, struct err *err);
int pl_apikey_get_by_hash(struct store *st, const char *hash, struct apikey *out,
			  struct err *err);
int pl_apikey_get_by_name(struct store *st, const char *name, struct apikey *out,
			  struct err *err);
int pl_apikey_list(struct store *st, struct apikey **out, size_t *n, struct err *err);
int pl_apikey_revoke(struct store *st, int64_t id, int64_t at, struct err *err);
int pl_service_get(struct store *st, int64_t category_id, struct service_meta *out,
		   struct err *err);
int pl_service_put(struct store *st, const struct service_meta *m, struct err *err);
int pl_o311_meta_put(struct store *st, const struct o311_meta *m, struct err *err);
int pl_o311_meta_get(struct store *st, int64_t msg_id, struct o311_meta *out, struct err *err);
int pl_import_key_get(struct store *st, const char *source, const char *key, int64_t *msg_id,
		      struct err *err);
int pl_import_key_put(struct store *st, const char *source, const char *key, int64_t msg_id,
		      struct err *err);

#define PG_LOG_OPS \
	.audit_tail = pl_audit_tail, \
	.audit_insert = pl_audit_insert, \
	.audit_list = pl_audit_list, \
	.audit_list_msg = pl_audit_list_msg, \
	.audit_steps = pl_audit_steps, \
	.sms_insert = pl_sms_insert, \
	.sms_next_due = pl_sms_next_due, \
	.sms_update = pl_sms_update, \
	.sms_release_expired = pl_sms_release_expired, \
	.sms_list = pl_sms_list, \
	.sms_prune = pl_sms_prune, \
	.sms_list_msg = pl_sms_list_msg, \
	.verify_insert = pl_verify_insert, \
	.verify_latest = pl_verify_latest, \
	.verify_update = pl_verify_update, \
	.verify_count_mobile = pl_verify_count_mobile, \
	.verify_count_addr = pl_verify_count_addr, \
	.verify_prune = pl_verify_prune, \
	.agg_cell_get = pl_agg_cell_get, \
	.agg_cell_put = pl_agg_cell_put, \
	.agg_cell_scan = pl_agg_cell_scan, \
	.agg_pair_add = pl_agg_pair_add, \
	.agg_pair_scan = pl_agg_pair_scan, \
	.agg_clear = pl_agg_clear, \
	.agg_stale = pl_agg_stale, \
	.attach_insert = pl_attach_insert, \
	.attach_list = pl_attach_list, \
	.attach_get = pl_attach_get, \
	.boundary_put = pl_boundary_put, \
	.boundary_scan = pl_boundary_scan, \
	.boundary_stamp = pl_boundary_stamp, \
	.apikey_insert = pl_apikey_insert, \
	.apikey_get_by_hash = pl_apikey_get_by_hash, \
	.apikey_get_by_name = pl_apikey_get_by_name, \
	.apikey_list = pl_apikey_list, \
	.apikey_revoke = pl_apikey_revoke, \
	.service_get = pl_service_get, \
	.service_put = pl_service_put, \
	.o311_meta_put = pl_o311_meta_put, \
	.o311_meta_get = pl_o311_meta_get, \
	.import_key_get = pl_import_key_get, \
	.import_key_put = pl_import_key_put,

#endif
