/*
 * api_callers.c - the caller on the line: what the operator's screen (or
 * the phone system, with a bearer token) shows when a call rings (the
 * caller and their messages, newest first), and the operator's correction
 * of a caller's name or national id.  The core decides who may (operators
 * and inspectors read, a manager hosting a live session sees the unit's
 * non-confidential messages, operators correct) and audits both with a
 * keyed hash of the number, never the number.
 *
 * POST /api/v1/callers {mobile} is the desk's form: the number stays out of
 * the URL and so out of every access log.  GET /api/v1/callers/{mobile}
 * answers the same for the phone systems that use it; the server logs its
 * path with a star for the number (server.c).
 */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "core/citizen.h"
#include "core/core.h"
#include "core/msg.h"
#include "fa/ids.h"
#include "http/api.h"
#include "http/http.h"

static cJSON *citizen_json(const struct citizen *cit)
{
	cJSON *co = cJSON_CreateObject();

	cJSON_AddNumberToObject(co, "id", (double)cit->id);
	if (cit->name[0])
		cJSON_AddStringToObject(co, "name", cit->name);
	else
		cJSON_AddNullToObject(co, "name");
	if (cit->national_id[0])
		cJSON_AddStringToObject(co, "national_id", cit->national_id);
	else
		cJSON_AddNullToObject(co, "national_id");
	api_add_time(co, "since", cit->created_at);
	return co;
}

static void history(struct http_req *r, const char *raw)
{
	struct core *c;
	struct msg *ms = NULL;
	struct citizen cit;
	size_t n = 0, i;
	struct err e;
	char mobile[12];
	bool manager;
	cJSON *o, *arr;

	if (fa_mobile_normalize(raw, mobile)) {
		http_reply_error(r, ERR_INVALID, "mobile", "not a mobile number");
		return;
	}
	c = api_core(r);
	if (!c)
		return;
	err_clear(&e);
	if (msg_history_by_mobile(c, &r->auth.actor, mobile, CAP_HISTORY, &ms, &n, &e)) {
		http_reply_err(r, &e);
		return;
	}
	/*
	 * A manager (a live session's host) learns of a mobile only what the
	 * unit's own open (not confidential) messages already show: never the
	 * citizen's record (its id ties it to every message of the citizen,
	 * the confidential ones too), no echo of the number.
	 */
	manager = r->auth.actor.role == ROLE_MANAGER;
	o = cJSON_CreateObject();
	if (!manager)
		cJSON_AddStringToObject(o, "mobile", mobile);
	err_clear(&e);
	if (!manager && citizen_get_by_mobile(c, mobile, &cit, &e) == 0) {
		cJSON_AddItemToObject(o, "citizen", citizen_json(&cit));
	} else {
		cJSON_AddNullToObject(o, "citizen");
	}
	arr = cJSON_AddArrayToObject(o, "messages");
	for (i = 0; i < n; i++) {
		cJSON *m = api_msg_json_row(c, &ms[i], core_now(c), &e);

		if (!m) {
			cJSON_Delete(o);
			free(ms);
			http_reply_err(r, &e);
			return;
		}
		cJSON_AddItemToArray(arr, m);
	}
	free(ms);
	http_reply_json(r, 200, o);
}

static void history_get(struct http_req *r)
{
	history(r, http_param(r, "mobile"));
}

struct caller_in {
	const char *mobile, *name, *national_id;
};

static const struct jval_field lookup_fields[] = {
	JV_STR(struct caller_in, mobile, true, 32, 0),
	JV_END,
};

static void history_post(struct http_req *r)
{
	struct caller_in in;

	if (api_body(r, lookup_fields, &in))
		history(r, in.mobile);
}

static const struct jval_field correct_fields[] = {
	JV_STR(struct caller_in, mobile, true, 32, 0),
	JV_STR(struct caller_in, name, false, CAP_NAME - 1, 0),
	JV_STR(struct caller_in, national_id, false, 16, 0),
	JV_END,
};

static void correct(struct http_req *r)
{
	struct caller_in in;
	struct citizen cit;
	struct core *c;
	struct err e;
	bool changed;
	cJSON *o;

	if (!api_body(r, correct_fields, &in))
		return;
	if (!in.name && !in.national_id) {
		http_reply_error(r, ERR_INVALID, "name", "give the name, the national id or both");
		return;
	}
	c = api_core(r);
	if (!c)
		return;
	err_clear(&e);
	if (citizen_correct(c, &r->auth.actor, in.mobile, in.name, in.national_id, &changed, &cit,
			    &e)) {
		http_reply_err(r, &e);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "mobile", cit.mobile);
	cJSON_AddItemToObject(o, "citizen", citizen_json(&cit));
	cJSON_AddBoolToObject(o, "changed", changed);
	http_reply_json(r, 200, o);
}

const struct http_route api_callers_routes[] = {
	{ HTTP_POST, "/api/v1/callers/correct", correct, ROUTE_AUTH | ROUTE_JSON },
	{ HTTP_POST, "/api/v1/callers", history_post, ROUTE_AUTH | ROUTE_JSON | ROUTE_SOLO },
	{ HTTP_GET, "/api/v1/callers/{mobile}", history_get, ROUTE_AUTH },
	{ 0, NULL, NULL, 0 },
};
