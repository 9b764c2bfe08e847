/*
 * pg_admin.h - the PostgreSQL backend's ops in pg_admin.c (units,
 * categories, users, sessions, failed logins, citizens, live sessions,
 * secrets, routing rules, daily work; see pg_int.h), and PG_ADMIN_OPS, the
 * designated initialisers that put them in store_pg_ops (one line in pg.c's
 * table).
 */
#ifndef HAMGAN_STORE_PG_ADMIN_H
#define HAMGAN_STORE_PG_ADMIN_H

#include "store/store.h"

int pg_unit_insert(struct store *st, struct unit *u, struct err *err);
int pg_unit_update(struct store *st, const struct unit *u, struct err *err);
int pg_unit_get(struct store *st, int64_t id, struct unit *out, struct err *err);
int pg_unit_get_by_code(struct store *st, const char *code, struct unit *out, struct err *err);
int pg_unit_first_of_kind(struct store *st, enum unit_kind kind, struct unit *out, struct err *err);
int pg_unit_list(struct store *st, struct unit **out, size_t *n, struct err *err);
int pg_unit_within(struct store *st, int64_t ancestor, int64_t unit, bool *yes, struct err *err);
int pg_unit_has_children(struct store *st, int64_t id, bool *yes, struct err *err);
int pg_category_insert(struct store *st, struct category *cat, struct err *err);
int pg_category_update(struct store *st, const struct category *cat, struct err *err);
int pg_category_get(struct store *st, int64_t id, struct category *out, struct err *err);
int pg_category_get_by_code(struct store *st, const char *code, struct category *out,
			    struct err *err);
int pg_category_get_by_service(struct store *st, const char *code, struct category *out,
			       struct err *err);
int pg_category_list(struct store *st, struct category **out, size_t *n, struct err *err);
int pg_category_has_children(struct store *st, int64_t id, bool *yes, struct err *err);
int pg_category_route_get(struct store *st, int64_t cat_id, char *out, size_t outsz,
			  struct err *err);
int pg_category_route_set(struct store *st, int64_t cat_id, const char *rule, struct err *err);
int pg_user_insert(struct store *st, struct user *u, struct err *err);
int pg_user_update(struct store *st, const struct user *u, struct err *err);
int pg_user_get(struct store *st, int64_t id, struct user *out, struct err *err);
int pg_user_get_by_name(struct store *st, const char *name, struct user *out, struct err *err);
int pg_user_list(struct store *st, struct user **out, size_t *n, struct err *err);
int pg_session_insert(struct store *st, struct store_session *se, struct err *err);
int pg_session_get(struct store *st, const char *hash, struct store_session *out, struct err *err);
int pg_session_revoke(struct store *st, const char *hash, struct err *err);
int pg_session_revoke_user(struct store *st, int64_t user_id, struct err *err);
int pg_login_fail_add(struct store *st, const char *key, int64_t at, struct err *err);
int pg_login_fail_count(struct store *st, const char *key, int64_t since, int64_t *count,
			int64_t *oldest, struct err *err);
int pg_login_fail_clear(struct store *st, const char *key, struct err *err);
int pg_login_fail_latest(struct store *st, const char *key, int64_t *at, struct err *err);
int pg_citizen_insert(struct store *st, struct citizen *ci, struct err *err);
int pg_citizen_update(struct store *st, const struct citizen *ci, struct err *err);
int pg_citizen_get(struct store *st, int64_t id, struct citizen *out, struct err *err);
int pg_citizen_get_by_mobile(struct store *st, const char *mobile, struct citizen *out,
			     struct err *err);
int pg_live_insert(struct store *st, struct live_session *l, struct err *err);
int pg_live_get(struct store *st, int64_t id, struct live_session *out, struct err *err);
int pg_live_list(struct store *st, int64_t unit_id, size_t max, struct live_session **out,
		 size_t *n, struct err *err);
int pg_secret_get_or_put(struct store *st, const char *name, unsigned char *value, size_t len,
			 struct err *err);
int pg_assign_get(struct store *st, int64_t msg_id, int64_t *user_id, struct err *err);
int pg_assign_set(struct store *st, int64_t msg_id, int64_t user_id, int64_t at, struct err *err);
int pg_note_insert(struct store *st, struct msg_note *nt, struct err *err);
int pg_note_list(struct store *st, int64_t msg_id, size_t max, struct msg_note **out, size_t *n,
		 struct err *err);
int pg_canned_insert(struct store *st, struct canned *ca, struct err *err);
int pg_canned_update(struct store *st, const struct canned *ca, struct err *err);
int pg_canned_get(struct store *st, int64_t id, struct canned *out, struct err *err);
int pg_canned_list(struct store *st, int64_t category_id, bool all, size_t max, struct canned **out,
		   size_t *n, struct err *err);

#define PG_ADMIN_OPS \
	.unit_insert = pg_unit_insert, \
	.unit_update = pg_unit_update, \
	.unit_get = pg_unit_get, \
	.unit_get_by_code = pg_unit_get_by_code, \
	.unit_first_of_kind = pg_unit_first_of_kind, \
	.unit_list = pg_unit_list, \
	.unit_within = pg_unit_within, \
	.unit_has_children = pg_unit_has_children, \
	.category_insert = pg_category_insert, \
	.category_update = pg_category_update, \
	.category_get = pg_category_get, \
	.category_get_by_code = pg_category_get_by_code, \
	.category_get_by_service = pg_category_get_by_service, \
	.category_list = pg_category_list, \
	.category_has_children = pg_category_has_children, \
	.category_route_get = pg_category_route_get, \
	.category_route_set = pg_category_route_set, \
	.user_insert = pg_user_insert, \
	.user_update = pg_user_update, \
	.user_get = pg_user_get, \
	.user_get_by_name = pg_user_get_by_name, \
	.user_list = pg_user_list, \
	.session_insert = pg_session_insert, \
	.session_get = pg_session_get, \
	.session_revoke = pg_session_revoke, \
	.session_revoke_user = pg_session_revoke_user, \
	.login_fail_add = pg_login_fail_add, \
	.login_fail_count = pg_login_fail_count, \
	.login_fail_clear = pg_login_fail_clear, \
	.login_fail_latest = pg_login_fail_latest, \
	.citizen_insert = pg_citizen_insert, \
	.citizen_update = pg_citizen_update, \
	.citizen_get = pg_citizen_get, \
	.citizen_get_by_mobile = pg_citizen_get_by_mobile, \
	.live_insert = pg_live_insert, \
	.live_get = pg_live_get, \
	.live_list = pg_live_list, \
	.secret_get_or_put = pg_secret_get_or_put, \
	.assign_get = pg_assign_get, \
	.assign_set = pg_assign_set, \
	.note_insert = pg_note_insert, \
	.note_list = pg_note_list, \
	.canned_insert = pg_canned_insert, \
	.canned_update = pg_canned_update, \
	.canned_get = pg_canned_get, \
	.canned_list = pg_canned_list,

#endif
