/*
 * api_users.c - accounts (admin only): list, add, edit (name, role, unit),
 * deactivate and re-enable, reset the password.
 */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "core/user.h"
#include "http/api.h"
#include "http/http.h"

static void list(struct http_req *r)
{
	struct core *c = api_core(r);
	struct user *us = NULL;
	size_t n = 0, i;
	struct err e;
	cJSON *o, *arr;

	if (!c || !api_require_role(r, ROLEBIT(ROLE_ADMIN)))
		return;
	err_clear(&e);
	if (user_list(c, &us, &n, &e)) {
		http_reply_err(r, &e);
		return;
	}
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "items");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, api_user_json(&us[i]));
	sodium_memzero(us, n * sizeof(*us));
	free(us);
	http_reply_json(r, 200, o);
}

struct user_in {
	const char *username, *name, *role, *unit, *password;
	struct jv_bool active;
};

static const struct jval_field add_fields[] = {
	JV_STR(struct user_in, username, true, CAP_CODE - 1, 0),
	JV_STR(struct user_in, name, true, CAP_NAME - 1, 0),
	JV_STR(struct user_in, role, true, 16, 0),
	JV_STR(struct user_in, unit, false, CAP_CODE - 1, 0),
	JV_STR(struct user_in, password, true, CAP_PASSWORD, 0),
	JV_END,
};

static void create(struct http_req *r)
{
	struct core *c = api_core(r);
	struct user_in in;
	struct user u;
	struct err e;

	if (!c || !api_require_role(r, ROLEBIT(ROLE_ADMIN)) || !api_body(r, add_fields, &in))
		return;
	memset(&u, 0, sizeof(u));
	if (role_parse(in.role, &u.role)) {
		http_reply_error(r, ERR_INVALID, "role", "unknown role '%s'", in.role);
		return;
	}
	if (in.unit && !api_unit_ref(r, c, "unit", in.unit, &u.unit_id))
		return;
	str_copy(u.username, sizeof(u.username), in.username);
	str_copy(u.name, sizeof(u.name), in.name);
	u.active = true;
	err_clear(&e);
	if (user_add(c, &r->auth.actor, &u, in.password, &e)) {
		http_reply_err(r, &e);
		return;
	}
	http_reply_json(r, 201, api_user_json(&u));
}

static const struct jval_field update_fields[] = {
	JV_STR(struct user_in, name, false, CAP_NAME - 1, 0),
	JV_STR(struct user_in, role, false, 16, 0),
	JV_STR(struct user_in, unit, false, CAP_CODE - 1, 0),
	JV_STR(struct user_in, password, false, CAP_PASSWORD, 0),
	JV_BOOL(struct user_in, active, false),
	JV_END,
};

/* Edit an account: name, role, unit ("" for none), deactivate or
 * re-enable ("active"), reset the password. */
static void update(struct http_req *r)
{
	struct core *c = api_core(r);
	const char *name = http_param(r, "username");
	struct user_changes ch;
	struct user_in in;
	struct user u;
	struct err e;

	if (!c || !api_require_role(r, ROLEBIT(ROLE_ADMIN)) || !api_body(r, update_fields, &in))
		return;
	memset(&ch, 0, sizeof(ch));
	ch.name = in.name;
	ch.active = in.active.set ? in.active.v : -1;
	if (in.role) {
		ch.set_role = true;
		if (role_parse(in.role, &ch.role)) {
			http_reply_error(r, ERR_INVALID, "role", "unknown role '%s'", in.role);
			return;
		}
	}
	if (in.unit) {
		ch.set_unit = true;
		if (in.unit[0] && !api_unit_ref(r, c, "unit", in.unit, &ch.unit_id))
			return;
	}
	err_clear(&e);
	if (user_get_by_name(c, name, &u, &e) ||
	    (in.password && user_set_password(c, &r->auth.actor, name, in.password, &e)) ||
	    ((in.name || in.role || in.unit || in.active.set) &&
	     user_edit(c, &r->auth.actor, name, &ch, NULL, &e)) ||
	    user_get_by_name(c, name, &u, &e)) {
		http_reply_err(r, &e);
		return;
	}
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	http_reply_json(r, 200, api_user_json(&u));
}

const struct http_route api_users_routes[] = {
	{ HTTP_GET, "/api/v1/users", list, ROUTE_AUTH },
	{ HTTP_POST, "/api/v1/users", create, ROUTE_AUTH | ROUTE_JSON | ROUTE_SOLO },
	{ HTTP_PATCH, "/api/v1/users/{username}", update, ROUTE_AUTH | ROUTE_JSON | ROUTE_SOLO },
	{ 0, NULL, NULL, 0 },
};
