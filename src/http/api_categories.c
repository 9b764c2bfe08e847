/*
 * api_categories.c - the subject tree: list (anyone: the citizen's web form
 * needs it) in Persian alphabetical order of names (fa/collate.h), add
 * and edit (admin).
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "core/category.h"
#include "fa/collate.h"
#include "http/api.h"
#include "http/http.h"

static int by_name(const void *a, const void *b)
{
	const struct category *x = a, *y = b;

	return fa_collate(x->name, y->name);
}

static void list(struct http_req *r)
{
	struct core *c = api_core(r);
	struct category *cs = NULL;
	size_t n = 0, i;
	struct err e;
	cJSON *o, *arr;

	if (!c)
		return;
	err_clear(&e);
	if (category_list(c, &cs, &n, &e)) {
		http_reply_err(r, &e);
		return;
	}
	if (n > 1)
		qsort(cs, n, sizeof(*cs), by_name);
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "items");
	for (i = 0; i < n; i++)
		if (cs[i].active || r->auth.signed_in)
			cJSON_AddItemToArray(arr, api_category_json(&cs[i]));
	free(cs);
	http_reply_json(r, 200, o);
}

struct cat_in {
	const char *code, *name, *parent, *kinds, *service_code;
	struct jv_int deadline_hours;
	struct jv_bool confidential;
};

static const struct jval_field cat_fields[] = {
	JV_STR(struct cat_in, code, true, CAP_CODE - 1, 0),
	JV_STR(struct cat_in, name, true, CAP_NAME - 1, 0),
	JV_STR(struct cat_in, parent, false, CAP_CODE - 1, 0),
	JV_STR(struct cat_in, kinds, false, 128, 0),
	JV_STR(struct cat_in, service_code, false, CAP_CODE - 1, 0),
	JV_INT(struct cat_in, deadline_hours, true, 1, CAP_DEADLINE_HOURS),
	JV_BOOL(struct cat_in, confidential, false),
	JV_END,
};

static void create(struct http_req *r)
{
	struct core *c = api_core(r);
	struct cat_in in;
	struct category cat;
	struct err e;

	if (!c || !api_require_role(r, ROLEBIT(ROLE_ADMIN)) || !api_body(r, cat_fields, &in))
		return;
	memset(&cat, 0, sizeof(cat));
	cat.kinds = CATEGORY_ALL_KINDS;
	if (in.kinds && category_kinds_parse(in.kinds, &cat.kinds)) {
		http_reply_error(r, ERR_INVALID, "kinds", "bad kinds '%s'", in.kinds);
		return;
	}
	if (in.parent && !api_category_ref(r, c, "parent", in.parent, &cat.parent_id))
		return;
	str_copy(cat.code, sizeof(cat.code), in.code);
	str_copy(cat.name, sizeof(cat.name), in.name);
	str_copy(cat.service_code, sizeof(cat.service_code), in.service_code ? in.service_code : "");
	cat.deadline_hours = (int)in.deadline_hours.v;
	cat.confidential = in.confidential.v;
	cat.active = true;
	err_clear(&e);
	if (category_add(c, &r->auth.actor, &cat, &e)) {
		http_reply_err(r, &e);
		return;
	}
	http_reply_json(r, 201, api_category_json(&cat));
}

struct cat_edit_in {
	const char *name, *kinds, *service_code;
	struct jv_int deadline_hours;
	struct jv_bool confidential, active;
};

static const struct jval_field edit_fields[] = {
	JV_STR(struct cat_edit_in, name, false, CAP_NAME - 1, 0),
	JV_STR(struct cat_edit_in, kinds, false, 128, 0),
	JV_STR(struct cat_edit_in, service_code, false, CAP_CODE - 1, 0),
	JV_INT(struct cat_edit_in, deadline_hours, false, 1, CAP_DEADLINE_HOURS),
	JV_BOOL(struct cat_edit_in, confidential, false),
	JV_BOOL(struct cat_edit_in, active, false),
	JV_END,
};

/* Edit a category (admin): every member given changes, the rest stay. */
static void update(struct http_req *r)
{
	struct core *c = api_core(r);
	struct cat_edit_in in;
	struct category cat;
	struct err e;

	if (!c || !api_require_role(r, ROLEBIT(ROLE_ADMIN)) || !api_body(r, edit_fields, &in))
		return;
	err_clear(&e);
	if (category_get_by_code(c, http_param(r, "code"), &cat, &e)) {
		http_reply_err(r, &e);
		return;
	}
	if (in.kinds && category_kinds_parse(in.kinds, &cat.kinds)) {
		http_reply_error(r, ERR_INVALID, "kinds", "bad kinds '%s'", in.kinds);
		return;
	}
	if (in.name)
		str_copy(cat.name, sizeof(cat.name), in.name);
	if (in.service_code)
		str_copy(cat.service_code, sizeof(cat.service_code), in.service_code);
	if (in.deadline_hours.set)
		cat.deadline_hours = (int)in.deadline_hours.v;
	if (in.confidential.set)
		cat.confidential = in.confidential.v;
	if (in.active.set)
		cat.active = in.active.v;
	if (category_edit(c, &r->auth.actor, &cat, &e)) {
		http_reply_err(r, &e);
		return;
	}
	http_reply_json(r, 200, api_category_json(&cat));
}

const struct http_route api_categories_routes[] = {
	{ HTTP_GET, "/api/v1/categories", list, 0 },
	{ HTTP_POST, "/api/v1/categories", create, ROUTE_AUTH | ROUTE_JSON },
	{ HTTP_PATCH, "/api/v1/categories/{code}", update, ROUTE_AUTH | ROUTE_JSON },
	{ 0, NULL, NULL, 0 },
};
