/*
 * api_callers.c - GET /api/v1/callers/{mobile}: what the operator's screen
 * (or the phone system, with a bearer token) shows when a call rings: the
 * caller and their messages, newest first.  Operators and inspectors; a
 * manager hosting a live session sees the unit's non-confidential ones (the
 * core decides and audits the read).
 */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "core/citizen.h"
#include "core/core.h"
#include "core/msg.h"
#include "fa/ids.h"
#include "http/api.h"
#include "http/http.h"

static void history(struct http_req *r)
{
	const char *raw = http_param(r, "mobile");
	struct core *c;
	struct msg *ms = NULL;
	struct citizen cit;
	size_t n = 0, i;
	struct err e;
	char mobile[12];
	bool manager;
	cJSON *o, *arr, *co;

	if (fa_mobile_normalize(raw, mobile)) {
		http_reply_error(r, ERR_INVALID, "mobile", "'%s' is not a mobile number", raw);
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
	 * unit's own messages already show: no citizen block unless the caller
	 * has one there, never the national id, no echo of the number.
	 */
	manager = r->auth.actor.role == ROLE_MANAGER;
	o = cJSON_CreateObject();
	if (!manager)
		cJSON_AddStringToObject(o, "mobile", mobile);
	err_clear(&e);
	if ((!manager || n > 0) && citizen_get_by_mobile(c, mobile, &cit, &e) == 0) {
		co = cJSON_AddObjectToObject(o, "citizen");
		cJSON_AddNumberToObject(co, "id", (double)cit.id);
		if (cit.name[0])
			cJSON_AddStringToObject(co, "name", cit.name);
		else
			cJSON_AddNullToObject(co, "name");
		if (cit.national_id[0] && !manager)
			cJSON_AddStringToObject(co, "national_id", cit.national_id);
		else
			cJSON_AddNullToObject(co, "national_id");
		api_add_time(co, "since", cit.created_at);
	} else {
		cJSON_AddNullToObject(o, "citizen");
	}
	arr = cJSON_AddArrayToObject(o, "messages");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, api_msg_json(&ms[i], core_now(c)));
	free(ms);
	http_reply_json(r, 200, o);
}

const struct http_route api_callers_routes[] = {
	{ HTTP_GET, "/api/v1/callers/{mobile}", history, ROUTE_AUTH },
	{ 0, NULL, NULL, 0 },
};
