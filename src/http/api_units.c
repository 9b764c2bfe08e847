/*
 * api_units.c - the organisation's units: list (any signed-in user), add
 * and rename (admin; the core checks the role).
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "core/unit.h"
#include "http/api.h"
#include "http/http.h"

static void list(struct http_req *r)
{
	struct core *c = api_core(r);
	struct unit *us = NULL;
	size_t n = 0, i;
	struct err e;
	cJSON *o, *arr;

	if (!c)
		return;
	err_clear(&e);
	if (unit_list(c, &us, &n, &e)) {
		http_reply_err(r, &e);
		return;
	}
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "items");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, api_unit_json(&us[i]));
	free(us);
	http_reply_json(r, 200, o);
}

static void get_one(struct http_req *r)
{
	struct core *c = api_core(r);
	struct unit u;
	struct err e;

	if (!c)
		return;
	err_clear(&e);
	if (unit_get_by_code(c, http_param(r, "code"), &u, &e)) {
		http_reply_err(r, &e);
		return;
	}
	http_reply_json(r, 200, api_unit_json(&u));
}

struct unit_in {
	const char *code, *name, *kind, *parent;
};

static const struct jval_field unit_fields[] = {
	JV_STR(struct unit_in, code, true, CAP_CODE - 1, 0),
	JV_STR(struct unit_in, name, true, CAP_NAME - 1, 0),
	JV_STR(struct unit_in, kind, true, 32, 0),
	JV_STR(struct unit_in, parent, false, CAP_CODE - 1, 0),
	JV_END,
};

static void create(struct http_req *r)
{
	struct core *c = api_core(r);
	struct unit_in in;
	struct unit u;
	struct err e;

	if (!c || !api_require_role(r, ROLEBIT(ROLE_ADMIN)) || !api_body(r, unit_fields, &in))
		return;
	memset(&u, 0, sizeof(u));
	if (unit_kind_parse(in.kind, &u.kind)) {
		http_reply_error(r, ERR_INVALID, "kind", "unknown unit kind '%s'", in.kind);
		return;
	}
	if (in.parent && !api_unit_ref(r, c, "parent", in.parent, &u.parent_id))
		return;
	str_copy(u.code, sizeof(u.code), in.code);
	str_copy(u.name, sizeof(u.name), in.name);
	u.active = true;
	err_clear(&e);
	if (unit_add(c, &r->auth.actor, &u, &e)) {
		http_reply_err(r, &e);
		return;
	}
	http_reply_json(r, 201, api_unit_json(&u));
}

struct rename_in {
	const char *name, *kind;
};

static const struct jval_field rename_fields[] = {
	JV_STR(struct rename_in, name, false, CAP_NAME - 1, 0),
	JV_STR(struct rename_in, kind, false, 32, 0),
	JV_END,
};

/* CSV field with quotes doubled. */
static void csv_field(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

/*
 * Update a unit's name or kind.  The core has no unit_update yet; its CSV
 * import updates a known code's name and kind (same rights, same checks,
 * audited), so one row is imported.
 */
static void update(struct http_req *r)
{
	struct core *c = api_core(r);
	struct rename_in in;
	struct unit u, parent;
	struct err e;
	struct buf csv = BUF_INIT(4096);
	size_t count = 0;
	enum unit_kind k;

	if (!c || !api_require_role(r, ROLEBIT(ROLE_ADMIN)) || !api_body(r, rename_fields, &in))
		return;
	err_clear(&e);
	if (unit_get_by_code(c, http_param(r, "code"), &u, &e)) {
		http_reply_err(r, &e);
		return;
	}
	if (in.kind && unit_kind_parse(in.kind, &k)) {
		http_reply_error(r, ERR_INVALID, "kind", "unknown unit kind '%s'", in.kind);
		return;
	}
	parent.code[0] = '\0';
	if (u.parent_id && unit_get(c, u.parent_id, &parent, &e)) {
		http_reply_err(r, &e);
		return;
	}
	buf_adds(&csv, "code,name,kind,parent_code\n");
	csv_field(&csv, u.code);
	buf_addc(&csv, ',');
	csv_field(&csv, in.name ? in.name : u.name);
	buf_addc(&csv, ',');
	csv_field(&csv, in.kind ? in.kind : unit_kind_name(u.kind));
	buf_addc(&csv, ',');
	csv_field(&csv, parent.code);
	buf_addc(&csv, '\n');
	if (buf_error(&csv) || unit_import_csv(c, &r->auth.actor, csv.data, csv.len, &count, &e) ||
	    unit_get(c, u.id, &u, &e)) {
		buf_release(&csv);
		if (!e.code)
			err_set(&e, ERR_TOOBIG, NULL, "update too long");
		http_reply_err(r, &e);
		return;
	}
	buf_release(&csv);
	http_reply_json(r, 200, api_unit_json(&u));
}

const struct http_route api_units_routes[] = {
	{ HTTP_GET, "/api/v1/units", list, ROUTE_AUTH },
	{ HTTP_POST, "/api/v1/units", create, ROUTE_AUTH | ROUTE_JSON },
	{ HTTP_GET, "/api/v1/units/{code}", get_one, ROUTE_AUTH },
	{ HTTP_PATCH, "/api/v1/units/{code}", update, ROUTE_AUTH | ROUTE_JSON },
	{ 0, NULL, NULL, 0 },
};
