/*
 * api_sms.c - POST /api/v1/sms/inbound: the SMS gateway's webhook.  The
 * gateway proves itself with the shared secret (setting sms_secret) in the
 * header X-Hamgan-SMS-Secret, compared in constant time (both sides hashed
 * first, so not even the length leaks).  An empty secret disables the hook.
 * Wrong secrets are throttled per client address (CAP_SMS_SECRET_FAILS a
 * minute): past that the address gets 429 before its secret is looked at,
 * while the gateway, which never fails, is not slowed at all.
 */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/sms_inbound.h"
#include "http/api.h"
#include "http/http.h"
#include "http/server_int.h"

static bool secret_ok(const char *sent, const char *want)
{
	unsigned char a[32], b[32];

	if (!sent)
		return false;
	crypto_generichash(a, sizeof(a), (const unsigned char *)sent, strlen(sent), NULL, 0);
	crypto_generichash(b, sizeof(b), (const unsigned char *)want, strlen(want), NULL, 0);
	return sodium_memcmp(a, b, sizeof(a)) == 0;
}

struct inbound_in {
	const char *from, *text;
};

static const struct jval_field inbound_fields[] = {
	JV_STR(struct inbound_in, from, true, 32, 0),
	JV_STR(struct inbound_in, text, true, CAP_MSG_BODY, 0),
	JV_END,
};

static void inbound(struct http_req *r)
{
	const char *secret = r->srv->cfg.sms_secret;
	struct inbound_in in;
	struct core *c;
	struct msg mrec, *m = &mrec;
	struct err e;
	int what = 0;
	unsigned wait;
	cJSON *o;

	if (!secret[0]) {
		http_reply_error(r, ERR_UNAVAILABLE, NULL, "the SMS webhook is not configured");
		return;
	}
	wait = ratelimit_peek(r->srv->rl_sms_fail, r->client_key, http_now_us());
	if (wait) {
		http_reply_limited(r, wait);
		return;
	}
	if (!secret_ok(http_header(r, "X-Hamgan-SMS-Secret"), secret)) {
		ratelimit_take(r->srv->rl_sms_fail, r->client_key, http_now_us());
		http_reply_error(r, ERR_AUTH, "X-Hamgan-SMS-Secret", "wrong or missing secret");
		return;
	}
	if (!api_body(r, inbound_fields, &in))
		return;
	c = api_core(r);
	if (!c)
		return;
	memset(m, 0, sizeof(*m));
	err_clear(&e);
	if (sms_inbound(c, in.from, in.text, &what, m, &e)) {
		http_reply_err(r, &e);
	} else {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "result", what == SMS_IN_VERDICT ? "verdict" : "new");
		cJSON_AddStringToObject(o, "code", m->code);
		cJSON_AddStringToObject(o, "state", msg_state_name(m->state));
		http_reply_json(r, what == SMS_IN_NEW ? 201 : 200, o);
	}
}

const struct http_route api_sms_routes[] = {
	{ HTTP_POST, "/api/v1/sms/inbound", inbound, ROUTE_JSON | ROUTE_NOCSRF },
	{ 0, NULL, NULL, 0 },
};
