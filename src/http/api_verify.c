/*
 * api_verify.c - POST /api/v1/verify {mobile}: text a one-time code
 * (کد تأیید) to a citizen's mobile, which POST /api/v1/messages from the
 * public web then needs as verification_code (core/verify.h).  Answers 202
 * (the SMS is queued, not yet delivered) with how long the code is good
 * for; 429 with Retry-After when the number or the address has asked too
 * often.  Limited first per address in memory (track_rate, like the other
 * citizen forms), then in the database per number and per address.
 */
#include <cjson/cJSON.h>

#include "core/core.h"
#include "core/verify.h"
#include "http/api.h"
#include "http/http.h"
#include "http/server_int.h"

struct verify_in {
	const char *mobile;
};

static const struct jval_field verify_fields[] = {
	JV_STR(struct verify_in, mobile, true, 32, 0),
	JV_END,
};

static void verify(struct http_req *r)
{
	struct verify_in in;
	struct core *c;
	struct err e;
	int64_t retry = 0;
	cJSON *o;

	if (!api_limit(r, r->srv->rl_track, NULL))
		return;
	if (!api_body(r, verify_fields, &in))
		return;
	c = api_core(r);
	if (!c)
		return;
	err_clear(&e);
	if (verify_request(c, in.mobile, r->client_key, &retry, &e)) {
		if (e.code == ERR_LIMITED)
			http_reply_limited(r, retry > 0 ? (unsigned)retry : 60);
		else
			http_reply_err(r, &e);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "expires_in", CAP_VERIFY_TTL);
	cJSON_AddNumberToObject(o, "digits", CAP_VERIFY_DIGITS);
	http_reply_json(r, 202, o);
}

const struct http_route api_verify_routes[] = {
	{ HTTP_POST, "/api/v1/verify", verify, ROUTE_JSON | ROUTE_NOCSRF },
	{ 0, NULL, NULL, 0 },
};
