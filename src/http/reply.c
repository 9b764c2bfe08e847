/*
 * reply.c - building answers: JSON bodies, the one error shape and the one
 * table from ERR_* codes to HTTP status.
 */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/caps.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "http/fielderr.h"
#include "http/http.h"
#include "http/server_int.h"

/*
 * ERR_INVALID is 422: the request was well-formed JSON (or a well-formed
 * query) but a value failed validation.  Malformed JSON, a wrong
 * Content-Type's cousin "not JSON at all", bad UTF-8 or bad nesting is 400,
 * answered by the server before a handler runs (see docs/api.md).
 */
static const struct {
	int code;
	unsigned status;
} status_table[] = {
	{ ERR_OK, 200 },
	{ ERR_INVALID, 422 },
	{ ERR_NOTFOUND, 404 },
	{ ERR_CONFLICT, 409 },
	{ ERR_TOOBIG, 413 },
	{ ERR_DENIED, 403 },
	{ ERR_STORE, 500 },
	{ ERR_AUTH, 401 },
	{ ERR_LIMITED, 429 },
	{ ERR_IO, 500 },
	{ ERR_UNAVAILABLE, 503 },
	{ ERR_FULL, 503 },
};

unsigned http_status_of(int code)
{
	size_t i;

	for (i = 0; i < sizeof(status_table) / sizeof(status_table[0]); i++)
		if (status_table[i].code == code)
			return status_table[i].status;
	return 500;
}

uint64_t http_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void http_reply_release(struct http_reply *rep)
{
	int i;

	buf_release(&rep->body);
	cJSON_Delete(rep->json);
	rep->json = NULL;
	if (rep->fd >= 0)
		close(rep->fd);
	rep->fd = -1;
	for (i = 0; i < rep->nheaders; i++) {
		free(rep->hname[i]);
		free(rep->hvalue[i]);
	}
	rep->nheaders = 0;
}

/* Start a fresh answer (a handler may answer more than once: last wins). */
static void reply_reset(struct http_req *r, unsigned status, const char *type)
{
	http_reply_release(&r->reply);
	buf_init(&r->reply.body, SIZE_MAX / 2);
	r->reply.status = status;
	r->reply.type = type;
	r->reply.no_store = true;
	r->replied = true;
}

void http_reply_header(struct http_req *r, const char *name, const char *value)
{
	struct http_reply *rep = &r->reply;

	if (rep->nheaders >= HTTP_MAX_REPLY_HEADERS)
		return;
	rep->hname[rep->nheaders] = xstrdup(name);
	rep->hvalue[rep->nheaders] = xstrdup(value);
	rep->nheaders++;
}

void http_reply_json(struct http_req *r, unsigned status, cJSON *body)
{
	reply_reset(r, status, "application/json; charset=utf-8");
	r->reply.json = body;
}

struct buf *http_reply_json_begin(struct http_req *r, unsigned status)
{
	reply_reset(r, status, "application/json; charset=utf-8");
	/* a look-up's answer in one block, not four reallocs from 64 bytes */
	buf_reserve(&r->reply.body, 1024);
	return &r->reply.body;
}

/* the line's end, as http_reply_print gives a printed tree */
void http_reply_json_end(struct http_req *r)
{
	buf_addc(&r->reply.body, '\n');
}

void http_reply_print(struct http_reply *rep)
{
	char *s;

	if (!rep->json)
		return;
	s = cJSON_PrintUnformatted(rep->json);
	cJSON_Delete(rep->json);
	rep->json = NULL;
	if (!s)
		abort();	/* cJSON fails only when out of memory */
	buf_adds(&rep->body, s);
	buf_addc(&rep->body, '\n');
	free(s);
}

void http_reply_bytes(struct http_req *r, unsigned status, const char *type,
		      const void *data, size_t len)
{
	reply_reset(r, status, type);
	buf_add(&r->reply.body, data, len);
}

static void reply_error_body(struct http_req *r, unsigned status, const char *code,
			     const char *field, const char *message,
			     const struct field_errs *fields)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *e = cJSON_AddObjectToObject(root, "error");

	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", message);
	if (field && *field)
		cJSON_AddStringToObject(e, "field", field);
	if (fields && fields->n) {
		cJSON *arr = cJSON_AddArrayToObject(e, "fields");
		int i;

		for (i = 0; i < fields->n; i++) {
			cJSON *f = cJSON_CreateObject();

			cJSON_AddStringToObject(f, "field", fields->e[i].field);
			cJSON_AddStringToObject(f, "message", fields->e[i].msg);
			cJSON_AddItemToArray(arr, f);
		}
	}
	http_reply_json(r, status, root);
}

void http_reply_status_error(struct http_req *r, unsigned status, const char *code,
			     const char *message)
{
	reply_error_body(r, status, code, NULL, message, NULL);
}

void http_reply_err(struct http_req *r, const struct err *err)
{
	http_reply_err_fields(r, err, NULL);
}

void http_reply_err_fields(struct http_req *r, const struct err *err,
			   const struct field_errs *fields)
{
	unsigned status = http_status_of(err->code);
	const char *msg = err->msg[0] ? err->msg : err_name(err->code);
	struct field_errs one;

	/* A full disk: nothing was written, and a client can only wait.  The
	 * log gets one summary line per period, not one per request (a full
	 * disk must not be filled further by its own error log). */
	if (err->code == ERR_FULL) {
		char v[24];

		server_note_full(r->srv, msg);
		reply_error_body(r, 503, err_name(ERR_FULL), NULL,
				 "فضای ذخیره‌سازی سامانه پر است و درخواست شما ثبت نشد. "
				 "لطفاً چند دقیقهٔ دیگر دوباره تلاش کنید.", NULL);
		snprintf(v, sizeof(v), "%d", CAP_STORE_FULL_RETRY_SECONDS);
		http_reply_header(r, "Retry-After", v);
		return;
	}
	/* Storage and I/O failures say nothing about the inside to the client;
	 * the operator finds the reason in the log. */
	if (status == 500) {
		log_error("%s %s: %s: %s", r->method_name, r->raw_path, err_name(err->code), msg);
		reply_error_body(r, 500, "internal", NULL, "internal error", NULL);
		return;
	}
	/* A refused field gets its Persian sentence for the form to show. */
	if ((!fields || !fields->n) && err->field[0] &&
	    (status == 422 || status == 409 || status == 413)) {
		one.n = 0;
		fe_from_err(&one, err);
		fields = &one;
	}
	reply_error_body(r, status, err_name(err->code), err->field, msg, fields);
	if (err->code == ERR_LIMITED)
		http_reply_header(r, "Retry-After", "60");
	else if (err->code == ERR_UNAVAILABLE)
		http_reply_header(r, "Retry-After", "1");
}

void http_reply_limited(struct http_req *r, unsigned retry_after)
{
	char v[24];

	reply_error_body(r, 429, "rate_limited", NULL, "too many requests; try again later", NULL);
	snprintf(v, sizeof(v), "%u", retry_after ? retry_after : 1);
	http_reply_header(r, "Retry-After", v);
}

void http_reply_error(struct http_req *r, int code, const char *field, const char *fmt, ...)
{
	struct err e;
	va_list ap;

	e.code = code;
	str_copy(e.field, sizeof(e.field), field ? field : "");
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	str_utf8_trim_partial(e.msg);
	http_reply_err(r, &e);
}
