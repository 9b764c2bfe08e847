/*
 * api_notes.c - daily work on a message (issue 14): its assignee (PUT
 * /api/v1/messages/{code}/assignee), its internal notes (GET and POST
 * /api/v1/messages/{code}/notes), and canned answers per category
 * (/api/v1/canned).  The rules are the core's (core/assign.h,
 * core/canned.h); this file turns JSON into calls and back.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "base/str.h"
#include "core/assign.h"
#include "core/canned.h"
#include "core/category.h"
#include "core/core.h"
#include "core/msg.h"
#include "core/user.h"
#include "http/api.h"
#include "http/http.h"
#include "http/server_int.h"

cJSON *api_assignee_json(struct core *c, const struct actor *a, int64_t msg_id)
{
	struct user u;
	struct err e;
	cJSON *o;

	err_clear(&e);
	if (msg_assignee(c, a, msg_id, &u, &e))
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "username", u.username);
	cJSON_AddStringToObject(o, "name", u.name);
	return o;
}

/* ---- assignee ---- */

struct assign_in {
	const char *user;
};

static const struct jval_field assign_fields[] = {
	JV_STR(struct assign_in, user, false, CAP_CODE - 1, 0),
	JV_END,
};

static void assign(struct http_req *r)
{
	struct core *c = api_core(r);
	struct assign_in in;
	struct msg mrec, *m = &mrec;
	struct user u;
	struct err e;
	cJSON *o;

	if (!c || !api_body(r, assign_fields, &in))
		return;
	memset(m, 0, sizeof(*m));
	if (!api_msg_load(r, c, m, NULL))
		return;
	err_clear(&e);
	u.id = 0;
	if (in.user && *in.user && user_get_by_name(c, in.user, &u, &e)) {
		http_reply_error(r, ERR_INVALID, "user", "no user '%s'", in.user);
		return;
	}
	err_clear(&e);
	if (msg_assign(c, &r->auth.actor, m->id, u.id, &e)) {
		http_reply_err(r, &e);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "code", m->code);
	cJSON_AddItemToObject(o, "assignee", api_assignee_json(c, &r->auth.actor, m->id));
	http_reply_json(r, 200, o);
}

static void assignable(struct http_req *r)
{
	struct core *c = api_core(r);
	struct user *users = NULL;
	struct msg mrec, *m = &mrec;
	size_t n = 0, i;
	struct err e;
	cJSON *o, *arr;

	if (!c)
		return;
	memset(m, 0, sizeof(*m));
	if (!api_msg_load(r, c, m, NULL))
		goto out;
	err_clear(&e);
	if (msg_assignable(c, &r->auth.actor, m->id, &users, &n, &e)) {
		http_reply_err(r, &e);
		goto out;
	}
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "items");
	for (i = 0; i < n; i++) {
		cJSON *u = cJSON_CreateObject();

		cJSON_AddStringToObject(u, "username", users[i].username);
		cJSON_AddStringToObject(u, "name", users[i].name);
		cJSON_AddItemToArray(arr, u);
	}
	http_reply_json(r, 200, o);
out:
	free(users);
}

/* ---- notes ---- */

static cJSON *note_json(const struct msg_note *nt)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)nt->id);
	cJSON_AddStringToObject(o, "author", nt->author);
	cJSON_AddStringToObject(o, "body", nt->body);
	api_add_time(o, "at", nt->at);
	return o;
}

static void notes_list(struct http_req *r)
{
	struct core *c = api_core(r);
	struct msg_note *notes = NULL;
	struct msg mrec, *m = &mrec;
	size_t n = 0, i;
	struct err e;
	cJSON *o, *arr;

	if (!c)
		return;
	memset(m, 0, sizeof(*m));
	if (!api_msg_load(r, c, m, NULL))
		goto out;
	err_clear(&e);
	if (note_list(c, &r->auth.actor, m->id, &notes, &n, &e)) {
		http_reply_err(r, &e);
		goto out;
	}
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "items");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, note_json(&notes[i]));
	http_reply_json(r, 200, o);
out:
	free(notes);
}

struct note_in {
	const char *body;
};

static const struct jval_field note_fields[] = {
	JV_STR(struct note_in, body, true, CAP_NOTE, 0),
	JV_END,
};

static void notes_add(struct http_req *r)
{
	struct core *c = api_core(r);
	struct note_in in;
	struct msg_note nt;
	struct msg mrec, *m = &mrec;
	struct err e;

	if (!c || !api_body(r, note_fields, &in))
		return;
	memset(m, 0, sizeof(*m));
	if (!api_msg_load(r, c, m, NULL))
		return;
	err_clear(&e);
	if (note_add(c, &r->auth.actor, m->id, in.body, &nt, &e))
		http_reply_err(r, &e);
	else
		http_reply_json(r, 201, note_json(&nt));
}

/* ---- canned answers ---- */

static cJSON *canned_json(struct core *c, const struct canned *ca)
{
	cJSON *o = cJSON_CreateObject();
	struct category cat;

	cJSON_AddNumberToObject(o, "id", (double)ca->id);
	if (category_get(c, ca->category_id, &cat, NULL) == 0)
		cJSON_AddStringToObject(o, "category", cat.code);
	else
		cJSON_AddNullToObject(o, "category");
	cJSON_AddStringToObject(o, "title", ca->title);
	cJSON_AddStringToObject(o, "body", ca->body);
	cJSON_AddBoolToObject(o, "active", ca->active);
	return o;
}

static void canned_get_list(struct http_req *r)
{
	struct core *c = api_core(r);
	struct canned *items = NULL;
	int64_t cat = 0;
	size_t n = 0, i;
	bool ok = true, all = false, present;
	const char *v;
	struct err e;
	cJSON *o, *arr;

	if (!c)
		return;
	v = api_query_text(r, "category", CAP_CODE - 1, &ok);
	if (!ok || (v && *v && !api_category_ref(r, c, "category", v, &cat)))
		return;
	if (!api_query_bool(r, "all", &all, &present))
		return;
	err_clear(&e);
	if (canned_list(c, &r->auth.actor, cat, all, &items, &n, &e)) {
		http_reply_err(r, &e);
		return;
	}
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "items");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, canned_json(c, &items[i]));
	free(items);
	http_reply_json(r, 200, o);
}

struct canned_in {
	const char *category, *title, *body;
	struct jv_bool active;
};

static const struct jval_field canned_add_fields[] = {
	JV_STR(struct canned_in, category, true, CAP_CODE - 1, 0),
	JV_STR(struct canned_in, title, true, CAP_CANNED_TITLE, 0),
	JV_STR(struct canned_in, body, true, CAP_MSG_ANSWER, 0),
	JV_END,
};

static const struct jval_field canned_edit_fields[] = {
	JV_STR(struct canned_in, title, false, CAP_CANNED_TITLE, 0),
	JV_STR(struct canned_in, body, false, CAP_MSG_ANSWER, 0),
	JV_BOOL(struct canned_in, active, false),
	JV_END,
};

static void canned_create(struct http_req *r)
{
	struct core *c = api_core(r);
	struct canned_in in;
	struct canned ca;
	struct err e;

	if (!c || !api_body(r, canned_add_fields, &in))
		return;
	memset(&ca, 0, sizeof(ca));
	if (!api_category_ref(r, c, "category", in.category, &ca.category_id))
		return;
	str_copy(ca.title, sizeof(ca.title), in.title);
	str_copy(ca.body, sizeof(ca.body), in.body);
	err_clear(&e);
	if (canned_add(c, &r->auth.actor, &ca, &e))
		http_reply_err(r, &e);
	else
		http_reply_json(r, 201, canned_json(c, &ca));
}

static void canned_update(struct http_req *r)
{
	struct core *c = api_core(r);
	struct canned_in in;
	struct canned ca;
	int64_t id;
	struct err e;

	if (!c || !api_body(r, canned_edit_fields, &in))
		return;
	if (num_parse(http_param(r, "id"), 1, INT64_MAX, &id)) {
		http_reply_error(r, ERR_NOTFOUND, "id", "no canned answer '%s'", http_param(r, "id"));
		return;
	}
	err_clear(&e);
	/* the answer as it is, then the members given */
	if (canned_get(c, &r->auth.actor, id, &ca, &e)) {
		http_reply_err(r, &e);
		return;
	}
	if (in.title)
		str_copy(ca.title, sizeof(ca.title), in.title);
	if (in.body)
		str_copy(ca.body, sizeof(ca.body), in.body);
	if (in.active.set)
		ca.active = in.active.v;
	if (canned_edit(c, &r->auth.actor, &ca, &e))
		http_reply_err(r, &e);
	else
		http_reply_json(r, 200, canned_json(c, &ca));
}

const struct http_route api_notes_routes[] = {
	{ HTTP_PUT, "/api/v1/messages/{code}/assignee", assign, ROUTE_AUTH | ROUTE_JSON },
	{ HTTP_GET, "/api/v1/messages/{code}/assignable", assignable, ROUTE_AUTH },
	{ HTTP_GET, "/api/v1/messages/{code}/notes", notes_list, ROUTE_AUTH },
	{ HTTP_POST, "/api/v1/messages/{code}/notes", notes_add, ROUTE_AUTH | ROUTE_JSON },
	{ HTTP_GET, "/api/v1/canned", canned_get_list, ROUTE_AUTH },
	{ HTTP_POST, "/api/v1/canned", canned_create, ROUTE_AUTH | ROUTE_JSON },
	{ HTTP_PATCH, "/api/v1/canned/{id}", canned_update, ROUTE_AUTH | ROUTE_JSON },
	{ 0, NULL, NULL, 0 },
};
