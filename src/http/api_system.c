/* api_system.c - GET /healthz: the process answers and the database is
 * reachable (load balancers and the test harness poll it). */
#include <cjson/cJSON.h>

#include "http/api.h"
#include "http/http.h"

static void healthz(struct http_req *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "status", "ok");
	http_reply_json(r, 200, o);
}

const struct http_route api_system_routes[] = {
	{ HTTP_GET | HTTP_HEAD, "/healthz", healthz, 0 },
	{ 0, NULL, NULL, 0 },
};
