/*
 * api_audit.c - the audit log (inspectors and admins): verify the hash chain
 * and page through the entries.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "base/num.h"
#include "core/audit.h"
#include "http/api.h"
#include "http/http.h"

#define AUDIT_READERS (ROLEBIT(ROLE_INSPECTOR) | ROLEBIT(ROLE_ADMIN))

static void verify(struct http_req *r)
{
	struct core *c = api_core(r);
	int64_t count = 0, bad = 0;
	struct err e;
	cJSON *o;
	int rc;

	if (!c || !api_require_role(r, AUDIT_READERS))
		return;
	err_clear(&e);
	rc = audit_verify(c, &count, &bad, &e);
	if (rc && rc != ERR_CONFLICT) {
		http_reply_err(r, &e);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "ok", rc == 0);
	cJSON_AddNumberToObject(o, "entries", (double)count);
	if (rc) {
		cJSON_AddNumberToObject(o, "first_bad_seq", (double)bad);
		cJSON_AddStringToObject(o, "message", e.msg);
	}
	http_reply_json(r, 200, o);
}

static void list(struct http_req *r)
{
	struct core *c = api_core(r);
	struct audit_entry *es = NULL;
	size_t n = 0, i;
	int64_t after = 0, limit = 100;
	const char *v;
	bool ok = true;
	struct err e;
	cJSON *o, *arr;

	if (!c || !api_require_role(r, AUDIT_READERS))
		return;
	v = api_query_text(r, "after", 20, &ok);
	if (!ok || (v && num_parse(v, 0, INT64_MAX, &after))) {
		if (ok)
			http_reply_error(r, ERR_INVALID, "after", "'after' must be a sequence number");
		return;
	}
	v = api_query_text(r, "limit", 8, &ok);
	if (!ok || (v && num_parse(v, 1, 1000, &limit))) {
		if (ok)
			http_reply_error(r, ERR_INVALID, "limit", "'limit' must be 1 to 1000");
		return;
	}
	err_clear(&e);
	if (audit_list(c, &r->auth.actor, after, (size_t)limit, &es, &n, &e)) {
		http_reply_err(r, &e);
		return;
	}
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "items");
	for (i = 0; i < n; i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON *payload = cJSON_Parse(es[i].payload);

		cJSON_AddNumberToObject(x, "seq", (double)es[i].seq);
		cJSON_AddStringToObject(x, "actor", es[i].actor);
		cJSON_AddStringToObject(x, "action", es[i].action);
		if (es[i].msg_id)
			cJSON_AddNumberToObject(x, "msg_id", (double)es[i].msg_id);
		else
			cJSON_AddNullToObject(x, "msg_id");
		if (payload)
			cJSON_AddItemToObject(x, "payload", payload);
		else
			cJSON_AddStringToObject(x, "payload", es[i].payload);
		api_add_time(x, "at", es[i].at);
		if (es[i].hash[0])
			cJSON_AddStringToObject(x, "hash", es[i].hash);
		else	/* not shown to readers who do not see identities */
			cJSON_AddNullToObject(x, "hash");
		cJSON_AddItemToArray(arr, x);
	}
	if (n)
		cJSON_AddNumberToObject(o, "next_after", (double)es[n - 1].seq);
	else
		cJSON_AddNullToObject(o, "next_after");
	free(es);
	http_reply_json(r, 200, o);
}

const struct http_route api_audit_routes[] = {
	{ HTTP_GET, "/api/v1/audit/verify", verify, ROUTE_AUTH },
	{ HTTP_GET, "/api/v1/audit", list, ROUTE_AUTH },
	{ 0, NULL, NULL, 0 },
};
