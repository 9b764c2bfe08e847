/* api_system.c - GET /healthz: the process answers and the database is
 * reachable (load balancers and the test harness poll it).  The database is
 * asked at most once a second per worker thread, so a storm of probes costs
 * no more than a constant answer.  It says "degraded" (still 200: reads
 * work) when writes were refused for lack of space lately or the database
 * file's filesystem is nearly full (SQLite; a PostgreSQL server's disk is
 * watched on that server). */
#include <cjson/cJSON.h>
#include <sys/statvfs.h>

#include "base/caps.h"
#include "base/str.h"
#include "core/core.h"
#include "http/api.h"
#include "http/http.h"
#include "http/server_int.h"

/* Whether the database's filesystem has less than CAP_STORE_LOW_MIB free
 * (asked at most once a second per thread, like the database).  A database
 * on a PostgreSQL server has no file here: its disk is the server's to
 * watch, and a write refused for space still shows as "full". */
static bool disk_low(struct http_req *r)
{
	static _Thread_local uint64_t asked_us;
	static _Thread_local bool low;
	const char *db = r->srv->cfg.db;
	uint64_t now = http_now_us();
	struct statvfs sv;

	if (asked_us && now - asked_us < 1000000u)
		return low;
	asked_us = now;
	/* a database on a server: its disk is not this node's to watch (a
	 * full one shows as refused writes, server_storage_full) */
	if (core_dsn_server(db)) {
		low = false;
		return low;
	}
	if (str_starts(db, "sqlite:"))
		db += 7;
	low = statvfs(db, &sv) == 0 &&
	      (uint64_t)sv.f_bavail * sv.f_frsize < (uint64_t)CAP_STORE_LOW_MIB * 1024 * 1024;
	return low;
}

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
	if (server_storage_full(r->srv)) {
		cJSON_AddStringToObject(o, "status", "degraded");
		cJSON_AddStringToObject(o, "storage", "full");
	} else if (disk_low(r)) {
		cJSON_AddStringToObject(o, "status", "degraded");
		cJSON_AddStringToObject(o, "storage", "low");
	} else {
		cJSON_AddStringToObject(o, "status", "ok");
	}
	http_reply_json(r, 200, o);
}

const struct http_route api_system_routes[] = {
	{ HTTP_GET | HTTP_HEAD, "/healthz", healthz, 0 },
	{ 0, NULL, NULL, 0 },
};
