/* api_system.c - GET /healthz: the process answers and the database is
 * reachable (load balancers and the test harness poll it).  The database is
 * asked at most once a second per worker thread, so a storm of probes costs
 * no more than a constant answer. */
#include <cjson/cJSON.h>

#include "core/core.h"
#include "http/api.h"
#include "http/http.h"

static void healthz(struct http_req *r)
{
	struct core *c = api_core(r);
	struct err e;
	int have = 0, want = 0;
	cJSON *o;

	static _Thread_local uint64_t checked_us;
	uint64_t now = http_now_us();

	if (!c)
		return;
	if (!checked_us || now - checked_us > 1000000u) {
		err_clear(&e);
		if (core_schema_version(c, &have, &want, &e)) {
			checked_us = 0;
			http_reply_error(r, ERR_UNAVAILABLE, NULL, "the database is unavailable");
			return;
		}
		checked_us = now;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", "ok");
	http_reply_json(r, 200, o);
}

const struct http_route api_system_routes[] = {
	{ HTTP_GET | HTTP_HEAD, "/healthz", healthz, 0 },
	{ 0, NULL, NULL, 0 },
};
