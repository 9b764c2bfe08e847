/*
 * pg_msg.h - the PostgreSQL backend's ops in pg_msg.c (see pg_int.h):
 * messages and their search index, referral hops, search, messages near a
 * place, the message scan and id lists; PG_MSG_OPS puts them in
 * store_pg_ops (one line in pg.c's table).
 */
#ifndef HAMGAN_STORE_PG_MSG_H
#define HAMGAN_STORE_PG_MSG_H

#include "base/buf.h"
#include "store/store.h"

int pg_msg_insert(struct store *st, struct msg *m, const struct msg_text *text,
		  const char *search_text, struct err *err);
int pg_msg_save(struct store *st, const struct msg *m, const struct msg_text *text,
		struct err *err);
int pg_msg_update(struct store *st, const struct msg *m, const struct msg_text *text,
		  struct err *err);
int pg_msg_get(struct store *st, int64_t id, struct msg *out, struct err *err);
int pg_msg_get_by_code(struct store *st, const char *code, struct msg *out, struct err *err);
int pg_msg_public_get(struct store *st, const char *code, struct msg_public *out,
		      struct err *err);
int pg_msg_text_get(struct store *st, int64_t id, struct msg_text *out, struct err *err);
int pg_msg_latest_answered(struct store *st, int64_t citizen_id, struct msg *out,
			   struct err *err);
int pg_msg_search(struct store *st, const struct store_search *q, struct msg **out, size_t *n,
		  struct err *err);
int pg_msg_count(struct store *st, const struct store_search *q, int64_t max, int64_t scan,
		 int64_t *count, bool *partial, struct err *err);
int pg_referral_insert(struct store *st, struct referral *r, struct err *err);
int pg_referral_list(struct store *st, int64_t msg_id, struct referral **out, size_t *n,
		     struct err *err);
int pg_msg_near(struct store *st, const struct store_near *q, struct msg **out, size_t *n,
		struct err *err);
int pg_msg_scan(struct store *st, int64_t after_id, size_t max, struct msg **out, size_t *n,
		struct err *err);
int pg_msg_ids(struct store *st, const struct store_msg_ids *q, int64_t **out, size_t *n,
	       struct err *err);

/*
 * The tsquery text of a search's words (store.h, struct store_search):
 * ('t1' | 't2' | 't3') per word over the terms fa_word_terms gives, the
 * words joined with &.  Every term is a quoted tsquery lexeme with its '
 * and \ doubled, so nothing in a word is read as tsquery syntax.  *none is
 * set when some word has no term the index can hold (longer than a
 * lexeme may be): nothing matches.  ERR_INVALID (field "q") for a word
 * store.h forbids, ERR_TOOBIG when out's cap is reached.  Exposed for the
 * tests.
 */
int pg_tsquery(const struct store_search *q, struct buf *out, bool *none, struct err *err);

#define PG_MSG_OPS \
	.msg_insert = pg_msg_insert, \
	.msg_update = pg_msg_update, \
	.msg_save = pg_msg_save, \
	.msg_get = pg_msg_get, \
	.msg_get_by_code = pg_msg_get_by_code, \
	.msg_public_get = pg_msg_public_get, \
	.msg_text_get = pg_msg_text_get, \
	.msg_latest_answered = pg_msg_latest_answered, \
	.msg_search = pg_msg_search, \
	.msg_count = pg_msg_count, \
	.referral_insert = pg_referral_insert, \
	.referral_list = pg_referral_list, \
	.msg_near = pg_msg_near, \
	.msg_scan = pg_msg_scan, \
	.msg_ids = pg_msg_ids,

#endif
