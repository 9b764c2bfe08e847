/*
 * api_sessions.c - direct-connection sessions (ارتباط مستقیم): list, read,
 * create (a manager for their unit, or an admin; the core decides), and the
 * messages taken in a session.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "base/str.h"
#include "core/core.h"
#include "core/live.h"
#include "core/search.h"
#include "core/user.h"
#include "http/api.h"
#include "http/http.h"

static void list(struct http_req *r)
{
	struct core *c = api_core(r);
	struct live_session *ss = NULL;
	size_t n = 0, i;
	int64_t unit = 0;
	bool ok = true;
	const char *v;
	struct err e;
	cJSON *o, *arr;

	if (!c)
		return;
	v = api_query_text(r, "unit", CAP_CODE - 1, &ok);
	if (!ok || (v && *v && !api_unit_ref(r, c, "unit", v, &unit)))
		return;
	err_clear(&e);
	if (live_list(c, unit, CAP_SEARCH_LIMIT, &ss, &n, &e)) {
		http_reply_err(r, &e);
		return;
	}
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "items");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, api_session_json(&ss[i]));
	free(ss);
	http_reply_json(r, 200, o);
}

static void get_one(struct http_req *r)
{
	struct core *c = api_core(r);
	struct live_session s;
	struct search_query q;
	struct search_result res;
	int64_t id;
	size_t i;
	struct err e;
	cJSON *o, *arr;

	if (!c)
		return;
	if (num_parse(http_param(r, "id"), 1, INT64_MAX, &id)) {
		http_reply_error(r, ERR_NOTFOUND, "id", "no such session");
		return;
	}
	err_clear(&e);
	if (live_get(c, id, &s, &e)) {
		http_reply_err(r, &e);
		return;
	}
	o = api_session_json(&s);
	search_query_init(&q);
	q.live_session_id = id;
	q.limit = CAP_SEARCH_LIMIT;
	memset(&res, 0, sizeof(res));
	if (msg_search(c, &r->auth.actor, &q, &res, &e) == 0) {
		arr = cJSON_AddArrayToObject(o, "messages");
		for (i = 0; i < res.n; i++) {
			cJSON *m = api_msg_json_row(c, &res.items[i], core_now(c), &e);

			if (!m) {
				cJSON_Delete(o);
				search_result_release(&res);
				http_reply_err(r, &e);
				return;
			}
			cJSON_AddItemToArray(arr, m);
		}
		search_result_release(&res);
	}
	http_reply_json(r, 200, o);
}

struct session_in {
	const char *unit, *title, *starts_at, *ends_at, *host;
};

static const struct jval_field session_fields[] = {
	JV_STR(struct session_in, unit, true, CAP_CODE - 1, 0),
	JV_STR(struct session_in, title, true, CAP_NAME - 1, 0),
	JV_STR(struct session_in, starts_at, true, 32, 0),
	JV_STR(struct session_in, ends_at, true, 32, 0),
	JV_STR(struct session_in, host, false, CAP_CODE - 1, 0),
	JV_END,
};

static void create(struct http_req *r)
{
	struct core *c = api_core(r);
	struct session_in in;
	struct live_session s;
	struct user u;
	struct err e;

	if (!c || !api_body(r, session_fields, &in))
		return;
	memset(&s, 0, sizeof(s));
	if (!api_unit_ref(r, c, "unit", in.unit, &s.unit_id))
		return;
	if (api_parse_time(in.starts_at, &s.starts_at)) {
		http_reply_error(r, ERR_INVALID, "starts_at", "'starts_at' must be an ISO 8601 UTC time");
		return;
	}
	if (api_parse_time(in.ends_at, &s.ends_at) || s.ends_at <= s.starts_at) {
		http_reply_error(r, ERR_INVALID, "ends_at", "'ends_at' must be a time after starts_at");
		return;
	}
	s.host_user_id = r->auth.actor.user_id;
	err_clear(&e);
	if (!in.host && r->auth.actor.role != ROLE_MANAGER) {
		http_reply_error(r, ERR_INVALID, "host", "name the host, a manager of the unit");
		return;
	}
	if (in.host) {
		if (user_get_by_name(c, in.host, &u, &e)) {
			http_reply_error(r, ERR_INVALID, "host", "no user '%s'", in.host);
			return;
		}
		s.host_user_id = u.id;
	}
	str_copy(s.title, sizeof(s.title), in.title);
	if (live_create(c, &r->auth.actor, &s, &e)) {
		http_reply_err(r, &e);
		return;
	}
	http_reply_json(r, 201, api_session_json(&s));
}

const struct http_route api_sessions_routes[] = {
	{ HTTP_GET, "/api/v1/sessions", list, ROUTE_AUTH },
	{ HTTP_POST, "/api/v1/sessions", create, ROUTE_AUTH | ROUTE_JSON },
	{ HTTP_GET, "/api/v1/sessions/{id}", get_one, ROUTE_AUTH },
	{ 0, NULL, NULL, 0 },
};
