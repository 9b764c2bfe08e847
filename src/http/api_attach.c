/*
 * api_attach.c - photos and files on a message (core/attach.h).
 *
 * An upload is the file's raw bytes as the body (ROUTE_UPLOAD: up to
 * CAP_ATTACH_BYTES), its name in the query (?name=), whatever Content-Type
 * it claims: the bytes decide.  Staff, operators and units use the message's
 * routes with their session; a citizen adds files to their own message with
 * its tracking code and mobile in the X-Hamgan-Code and X-Hamgan-Mobile
 * headers (kept out of URLs and logs), rate limited like tracking, and
 * lists and reads them the same way.  A message
 * outside the actor's rights answers 404, as if it did not exist.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/img.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/str.h"
#include "core/attach.h"
#include "core/msg.h"
#include "core/user.h"
#include "http/api.h"
#include "http/http.h"
#include "http/server_int.h"

/* The API path of an attachment (the preview's with ?thumb=1): under the
 * message for staff, under /track for the citizen (code NULL). */
static void add_urls(cJSON *o, const char *code, const struct attachment *a)
{
	char url[128];

	if (code)
		snprintf(url, sizeof(url), "/api/v1/messages/%s/attachments/%lld", code,
			 (long long)a->id);
	else
		snprintf(url, sizeof(url), "/api/v1/track/attachments/%lld", (long long)a->id);
	cJSON_AddStringToObject(o, "url", url);
	if (a->thumb_size) {
		str_copy(url + strlen(url), sizeof(url) - strlen(url), "?thumb=1");
		cJSON_AddStringToObject(o, "preview_url", url);
	} else {
		cJSON_AddNullToObject(o, "preview_url");
	}
}

/* An attachment as JSON: who added it by role and, for staff readers
 * (code given), by name; a citizen is never named or numbered (files do not
 * link messages), and the citizen reading their own (code NULL) is not told
 * who inside handled it, as with tracking. */
static cJSON *attach_json(struct core *c, const char *code, const struct attachment *a)
{
	cJSON *o = cJSON_CreateObject();
	struct user u;
	struct err e;

	cJSON_AddNumberToObject(o, "id", (double)a->id);
	cJSON_AddStringToObject(o, "name", a->name);
	cJSON_AddStringToObject(o, "mime", a->mime);
	cJSON_AddNumberToObject(o, "size", (double)a->size);
	cJSON_AddStringToObject(o, "by_role", role_name((enum role)a->by_role));
	err_clear(&e);
	if (code && a->by_role != ROLE_CITIZEN && a->by_role != ROLE_SYSTEM &&
	    user_get_by_name(c, a->by, &u, &e) == 0)
		cJSON_AddStringToObject(o, "by_name", u.name[0] ? u.name : u.username);
	else
		cJSON_AddNullToObject(o, "by_name");
	api_add_time(o, "created_at", a->created_at);
	add_urls(o, code, a);
	return o;
}

/* Answer a core error; a message out of reach is 404 like a missing one. */
static void fail(struct http_req *r, const struct err *e)
{
	if (e->code == ERR_DENIED && !str_eq(e->field, "role"))
		http_reply_error(r, ERR_NOTFOUND, NULL, "no such message");
	else
		http_reply_err(r, e);
}

static bool file_name(struct http_req *r, const char **name)
{
	bool ok = true;

	*name = api_query_text(r, "name", CAP_ATTACH_NAME * 4, &ok);
	return ok;
}

static void add(struct http_req *r, const struct actor *a, const char *code)
{
	struct core *c = api_core(r);
	struct attachment at;
	const char *name;
	struct err e;

	if (!c || !file_name(r, &name))
		return;
	err_clear(&e);
	if (attach_add(c, a, code, name, r->body.data, r->body.len, &at, &e)) {
		fail(r, &e);
		return;
	}
	http_reply_json(r, 201, attach_json(c, a->role == ROLE_CITIZEN ? NULL : code, &at));
}

static void upload(struct http_req *r)
{
	add(r, &r->auth.actor, http_param(r, "code"));
}

/* The files of message code as actor a sees them (urls under /track for
 * a citizen). */
static void list_for(struct http_req *r, struct core *c, const struct actor *a, const char *code)
{
	struct attachment *as = NULL;
	size_t n = 0, i;
	struct err e;
	cJSON *o, *arr;

	err_clear(&e);
	if (attach_list(c, a, code, &as, &n, &e)) {
		fail(r, &e);
		return;
	}
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "items");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, attach_json(c, a->role == ROLE_CITIZEN ? NULL : code, &as[i]));
	free(as);
	http_reply_json(r, 200, o);
}

static void list(struct http_req *r)
{
	struct core *c = api_core(r);

	if (c)
		list_for(r, c, &r->auth.actor, http_param(r, "code"));
}

/* The stored type as a static string for the reply. */
static const char *static_mime(const char *mime)
{
	enum img_kind k;

	for (k = IMG_JPEG; k <= IMG_PDF; k++)
		if (str_eq(img_mime(k), mime))
			return img_mime(k);
	return "application/octet-stream";
}

/* One file (or its preview) of message code as actor a may read it. */
static void get_for(struct http_req *r, struct core *c, const struct actor *a, const char *code)
{
	struct attachment at;
	bool thumb = false, present, ok;
	int64_t id;
	void *data = NULL;
	size_t len = 0, i, o = 0;
	char disp[CAP_ATTACH_NAME * 3 + 64], enc[CAP_ATTACH_NAME * 3 + 1];
	struct err e;

	if (num_parse(http_param(r, "id"), 1, INT64_MAX, &id)) {
		http_reply_error(r, ERR_NOTFOUND, NULL, "no such attachment");
		return;
	}
	ok = api_query_bool(r, "thumb", &thumb, &present);
	if (!ok)
		return;
	err_clear(&e);
	if (attach_get(c, a, code, id, thumb, &at, &data, &len, &e)) {
		fail(r, &e);
		return;
	}
	http_reply_bytes(r, 200, thumb ? "image/jpeg" : static_mime(at.mime), data, len);
	free(data);
	/* the name, percent-encoded (RFC 6266/5987); a PDF is downloaded, not
	 * opened in the app's origin */
	for (i = 0; at.name[i] && o + 4 < sizeof(enc); i++) {
		unsigned char ch = (unsigned char)at.name[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_') {
			enc[o++] = (char)ch;
		} else {
			snprintf(enc + o, 4, "%%%02X", ch);
			o += 3;
		}
	}
	enc[o] = '\0';
	snprintf(disp, sizeof(disp), "%s; filename*=UTF-8''%s",
		 str_eq(at.mime, "application/pdf") && !thumb ? "attachment" : "inline",
		 o ? enc : "file");
	http_reply_header(r, "Content-Disposition", disp);
	r->reply.no_store = false;	/* never changes once stored */
}

static void get_one(struct http_req *r)
{
	struct core *c = api_core(r);

	if (c)
		get_for(r, c, &r->auth.actor, http_param(r, "code"));
}

/*
 * The citizen's message from the X-Hamgan-Code and X-Hamgan-Mobile headers,
 * rate limited like tracking; then fn as that citizen.  A wrong pair is
 * 404, like tracking.
 */
static void as_citizen(struct http_req *r, void (*fn)(struct http_req *r, struct core *c,
						      const struct actor *a, const char *code))
{
	struct core *c;
	const char *code = http_header(r, "X-Hamgan-Code");
	const char *mobile = http_header(r, "X-Hamgan-Mobile");
	struct msg mrec, *m = &mrec;
	struct actor a;
	struct err e;

	if (!api_limit(r, r->srv->rl_track, NULL))
		return;
	if (!code || !mobile) {
		http_reply_error(r, ERR_INVALID, code ? "mobile" : "code",
				 "give the headers X-Hamgan-Code and X-Hamgan-Mobile");
		return;
	}
	c = api_core(r);
	if (!c)
		return;
	memset(m, 0, sizeof(*m));
	err_clear(&e);
	if (msg_get_for_citizen(c, code, mobile, m, &e)) {
		http_reply_error(r, ERR_NOTFOUND, NULL,
				 "no message with this tracking code and mobile number");
	} else {
		a = actor_citizen(m->citizen_id);
		fn(r, c, &a, m->code);
	}
}

static void add_for(struct http_req *r, struct core *c, const struct actor *a, const char *code)
{
	(void)c;
	add(r, a, code);
}

static void citizen_upload(struct http_req *r)
{
	as_citizen(r, add_for);
}

static void citizen_list(struct http_req *r)
{
	as_citizen(r, list_for);
}

static void citizen_get(struct http_req *r)
{
	as_citizen(r, get_for);
}

const struct http_route api_attach_routes[] = {
	{ HTTP_POST, "/api/v1/messages/{code}/attachments", upload, ROUTE_AUTH | ROUTE_UPLOAD },
	{ HTTP_GET, "/api/v1/messages/{code}/attachments", list, ROUTE_AUTH },
	{ HTTP_GET, "/api/v1/messages/{code}/attachments/{id}", get_one, ROUTE_AUTH },
	{ HTTP_POST, "/api/v1/track/attachments", citizen_upload, ROUTE_NOCSRF | ROUTE_UPLOAD },
	{ HTTP_GET, "/api/v1/track/attachments", citizen_list, 0 },
	{ HTTP_GET, "/api/v1/track/attachments/{id}", citizen_get, 0 },
	{ 0, NULL, NULL, 0 },
};
