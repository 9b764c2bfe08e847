/*
 * api_auth.c - sessions over HTTP: login, logout, who am I; and the step the
 * dispatcher runs before every handler (who is asking, CSRF).
 *
 * A browser holds the session token in the cookie hamgan_session (HttpOnly,
 * SameSite=Strict, Secure behind TLS).  Every state-changing request made
 * with that cookie must also carry X-Hamgan-CSRF: the session's CSRF token,
 * which login and /auth/me return in their body.  The CSRF token is a keyed
 * BLAKE2b hash of the session token, so it needs no storage, differs per
 * session and cannot be computed without the (HttpOnly) session token; a
 * cross-site page can neither read it nor send a custom header without a
 * CORS preflight, which this server never approves.  Programs (the phone
 * system) ask login for a bearer token instead ("bearer": true) and send
 * Authorization: Bearer TOKEN; such requests carry no ambient credential and
 * need no CSRF token.  See docs/api.md.
 */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "core/core.h"
#include "core/user.h"
#include "http/api.h"
#include "http/http.h"
#include "http/server_int.h"

#define COOKIE "hamgan_session"
#define CSRF_HEX 32

static bool token_shape(const char *t)
{
	size_t i;

	for (i = 0; t[i]; i++)
		if (!((t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'f')))
			return false;
	return i == SESSION_TOKEN_HEX;
}

static void csrf_of(const char *token, char out[CSRF_HEX + 1])
{
	static const unsigned char key[] = "hamgan csrf token v1 ----------";
	unsigned char h[CSRF_HEX / 2];

	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), key,
			   sizeof(key) - 1);
	sodium_bin2hex(out, CSRF_HEX + 1, h, sizeof(h));
}

void auth_identify(struct http_req *r)
{
	const char *authz = http_header(r, "Authorization");
	const char *tok = NULL;
	struct core *c;
	struct err e;

	memset(&r->auth, 0, sizeof(r->auth));
	if (authz && strncmp(authz, "Bearer ", 7) == 0) {
		tok = authz + 7;
		r->auth.by_bearer = true;
	} else {
		tok = http_cookie(r, COOKIE);
	}
	if (!tok || !token_shape(tok))
		return;
	c = api_core(r);
	if (!c)
		return;
	err_clear(&e);
	if (session_lookup(c, tok, &r->auth.actor, &e)) {
		if (e.code != ERR_AUTH && e.code != ERR_NOTFOUND)
			http_reply_err(r, &e);
		return;
	}
	r->auth.signed_in = true;
	str_copy(r->auth.token, sizeof(r->auth.token), tok);
}

bool auth_csrf_ok(const struct http_req *r)
{
	const char *sent = http_header(r, "X-Hamgan-CSRF");
	char want[CSRF_HEX + 1];

	if (!sent || strlen(sent) != CSRF_HEX)
		return false;
	csrf_of(r->auth.token, want);
	return sodium_memcmp(sent, want, CSRF_HEX) == 0;
}

void auth_release(struct http_req *r)
{
	sodium_memzero(r->auth.token, sizeof(r->auth.token));
}

static void set_cookie(struct http_req *r, const char *token, int max_age)
{
	char v[256];

	snprintf(v, sizeof(v), COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
		 token, max_age, r->srv->cfg.secure_cookies ? "; Secure" : "");
	http_reply_header(r, "Set-Cookie", v);
}

/* {"user": {...}, "csrf_token": ...} for the signed-in actor. */
static cJSON *whoami(struct http_req *r, struct core *c, const struct actor *a,
		     const char *token, bool bearer)
{
	cJSON *o = cJSON_CreateObject();
	struct user u;
	struct err e;
	char csrf[CSRF_HEX + 1];

	err_clear(&e);
	if (user_get(c, a->user_id, &u, &e) == 0) {
		sodium_memzero(u.pwhash, sizeof(u.pwhash));
		cJSON_AddItemToObject(o, "user", api_user_json(&u));
	}
	if (bearer) {
		cJSON_AddStringToObject(o, "token", token);
	} else {
		csrf_of(token, csrf);
		cJSON_AddStringToObject(o, "csrf_token", csrf);
	}
	(void)r;
	return o;
}

struct login_in {
	const char *username;
	const char *password;
	struct jv_bool bearer;
};

static const struct jval_field login_fields[] = {
	JV_STR(struct login_in, username, true, CAP_CODE - 1, 0),
	JV_STR(struct login_in, password, true, CAP_PASSWORD, 0),
	JV_BOOL(struct login_in, bearer, false),
	JV_END,
};

static void login(struct http_req *r)
{
	struct login_in in;
	struct core *c;
	struct actor who;
	struct err e;
	char token[SESSION_TOKEN_HEX + 1];
	int64_t retry = 0;
	cJSON *o;

	if (!api_limit(r, r->srv->rl_login, NULL))
		return;
	if (!api_body(r, login_fields, &in))
		return;
	c = api_core(r);
	if (!c)
		return;
	err_clear(&e);
	if (user_login(c, in.username, in.password, r->client_key, token, &who, &retry, &e)) {
		if (e.code == ERR_LIMITED) {
			http_reply_limited(r, retry > 0 ? (unsigned)retry : 60);
		} else if (e.code == ERR_AUTH || e.code == ERR_INVALID || e.code == ERR_NOTFOUND) {
			/* one answer whatever was wrong */
			http_reply_error(r, ERR_AUTH, NULL, "wrong username or password");
		} else {
			http_reply_err(r, &e);
		}
		return;
	}
	o = whoami(r, c, &who, token, in.bearer.v);
	http_reply_json(r, 200, o);
	if (!in.bearer.v)
		set_cookie(r, token, c->cfg.session_ttl_sec);
	sodium_memzero(token, sizeof(token));
}

static void logout(struct http_req *r)
{
	struct core *c = api_core(r);
	struct err e;

	if (!c)
		return;
	err_clear(&e);
	if (session_revoke(c, r->auth.token, &e) && e.code != ERR_NOTFOUND) {
		http_reply_err(r, &e);
		return;
	}
	http_reply_json(r, 200, cJSON_CreateObject());
	if (!r->auth.by_bearer)
		set_cookie(r, "", 0);
}

static void me(struct http_req *r)
{
	struct core *c = api_core(r);

	if (!c)
		return;
	http_reply_json(r, 200, whoami(r, c, &r->auth.actor, r->auth.token, false));
}

struct password_in {
	const char *current_password, *password;
};

static const struct jval_field password_fields[] = {
	JV_STR(struct password_in, current_password, true, CAP_PASSWORD, 0),
	JV_STR(struct password_in, password, true, CAP_PASSWORD, 0),
	JV_END,
};

/* Change one's own password: every session ends, this one is replaced (a
 * new cookie or, for a bearer client, a new token) and the answer is /me's. */
static void change_password(struct http_req *r)
{
	struct core *c = api_core(r);
	struct password_in in;
	char token[SESSION_TOKEN_HEX + 1];
	struct err e;

	if (!c || !api_body(r, password_fields, &in))
		return;
	err_clear(&e);
	if (user_change_own_password(c, &r->auth.actor, in.current_password, in.password, token,
				     &e)) {
		http_reply_err(r, &e);
		return;
	}
	http_reply_json(r, 200, whoami(r, c, &r->auth.actor, token, r->auth.by_bearer));
	if (!r->auth.by_bearer)
		set_cookie(r, token, c->cfg.session_ttl_sec);
	sodium_memzero(token, sizeof(token));
}

const struct http_route api_auth_routes[] = {
	{ HTTP_POST, "/api/v1/auth/login", login, ROUTE_JSON | ROUTE_NOCSRF | ROUTE_SOLO },
	{ HTTP_POST, "/api/v1/auth/logout", logout, ROUTE_AUTH },
	{ HTTP_GET, "/api/v1/auth/me", me, ROUTE_AUTH },
	{ HTTP_POST, "/api/v1/auth/password", change_password, ROUTE_AUTH | ROUTE_JSON | ROUTE_SOLO },
	{ 0, NULL, NULL, 0 },
};
