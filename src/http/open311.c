/*
 * open311.c - Open311 GeoReport v2 under /open311/v2 (docs/open311.md).
 *
 * Every answer is built once as a cJSON tree and written either as JSON
 * (Content-Type exactly "application/json") or as XML (exactly "text/xml",
 * with encoding="utf-8" in the declaration) by one generic writer that
 * names each array's items after the spec (services/service, ...).  Errors
 * are the spec's list of {code, description} in the format asked for.
 *
 * These routes carry ROUTE_OPEN311: the server neither reads a session nor
 * checks the origin or a CSRF token for them (the api_key authenticates a
 * POST; GETs are public), the body is form-encoded (form.h), and GET answers
 * carry Access-Control-Allow-Origin: * for browser clients.
 */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/str.h"
#include "core/apikey.h"
#include "core/category.h"
#include "core/core.h"
#include "core/open311.h"
#include "core/timeline.h"
#include "core/unit.h"
#include "fa/tehran.h"
#include "http/api.h"
#include "http/form.h"
#include "http/http.h"
#include "http/server_int.h"

#define SPEC_URL "http://wiki.open311.org/GeoReport_v2"
/* When this interface last changed (discovery's changeset). */
#define CHANGESET "2026-12-01T00:00:00+03:30"

enum fmt { FMT_JSON, FMT_XML };

struct o311_req {
	struct http_req *r;
	enum fmt fmt;
	struct core *c;
};

/* ---- writing ---- */

/* The element name of the items of an array called name. */
static const char *item_name(const char *name)
{
	static const struct {
		const char *array, *item;
	} t[] = {
		{ "services", "service" }, { "service_requests", "request" },
		{ "attributes", "attribute" }, { "values", "value" },
		{ "endpoints", "endpoint" }, { "formats", "format" }, { "errors", "error" },
		{ "timeline", "entry" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (str_eq(t[i].array, name))
			return t[i].item;
	return "item";
}

static void xml_text(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&apos;"); break;
		default: buf_addc(b, *s); break;
		}
	}
}

static void xml_item(struct buf *b, const char *name, const cJSON *v)
{
	const cJSON *ch;

	buf_addf(b, "<%s>", name);
	if (cJSON_IsObject(v)) {
		for (ch = v->child; ch; ch = ch->next)
			xml_item(b, ch->string, ch);
	} else if (cJSON_IsArray(v)) {
		for (ch = v->child; ch; ch = ch->next)
			xml_item(b, item_name(name), ch);
	} else if (cJSON_IsString(v)) {
		xml_text(b, v->valuestring);
	} else if (cJSON_IsBool(v)) {
		buf_adds(b, cJSON_IsTrue(v) ? "true" : "false");
	} else if (cJSON_IsNumber(v)) {
		if (v->valuedouble == (double)(int64_t)v->valuedouble)
			buf_addf(b, "%lld", (long long)v->valuedouble);
		else
			buf_addf(b, "%.10g", v->valuedouble);
	}
	buf_addf(b, "</%s>", name);
}

/* Answer status with the tree (consumed) whose root element is root. */
static void answer(struct o311_req *q, unsigned status, const char *root, cJSON *tree)
{
	struct http_req *r = q->r;

	if (q->fmt == FMT_XML) {
		struct buf b = BUF_INIT(SIZE_MAX / 2);

		buf_adds(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
		xml_item(&b, root, tree);
		buf_addc(&b, '\n');
		http_reply_bytes(r, status, "text/xml", b.data, b.len);
		buf_release(&b);
	} else {
		char *s = cJSON_PrintUnformatted(tree);

		if (!s)
			abort();	/* cJSON fails only when out of memory */
		http_reply_bytes(r, status, "application/json", s, strlen(s));
		free(s);
	}
	cJSON_Delete(tree);
	if (r->method & (HTTP_GET | HTTP_HEAD))
		http_reply_header(r, "Access-Control-Allow-Origin", "*");
}

static void fail(struct o311_req *q, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct o311_req *q, unsigned status, const char *fmt, ...)
{
	cJSON *list = cJSON_CreateArray(), *e = cJSON_CreateObject();
	char msg[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	str_utf8_trim_partial(msg);
	cJSON_AddNumberToObject(e, "code", status);
	cJSON_AddStringToObject(e, "description", msg);
	cJSON_AddItemToArray(list, e);
	answer(q, status, "errors", list);
}

/* A core error: bad input 400, missing 404, refused 403; the rest as the
 * JSON API maps them, saying nothing of the inside. */
static void fail_err(struct o311_req *q, const struct err *e)
{
	unsigned st = http_status_of(e->code);

	if (e->code == ERR_INVALID || e->code == ERR_TOOBIG)
		st = 400;
	if (st == 500) {
		http_reply_err(q->r, e);	/* logs it */
		fail(q, 500, "internal error");
		return;
	}
	fail(q, st, "%s", e->msg[0] ? e->msg : err_name(e->code));
	if (e->code == ERR_UNAVAILABLE)
		http_reply_header(q->r, "Retry-After", "1");
}

/* ---- values ---- */

static void add_str_or_null(cJSON *o, const char *key, const char *v)
{
	if (v && *v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

/* ISO 8601 with Tehran's offset at that instant, or null for 0. */
static void add_time(cJSON *o, const char *key, int64_t t)
{
	char s[40];
	int off = 0;

	if (!t) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	if (tehran_offset(t, &off) < 0)
		off = 0;	/* no zone file: UTC, still a correct instant */
	iso_time_format(t, off, true, s, sizeof(s));
	cJSON_AddStringToObject(o, key, s);
}

/* A service's code: its service_code, or its own code when it has none. */
static const char *service_code_of(const struct category *cat)
{
	return cat->service_code[0] ? cat->service_code : cat->code;
}

static int service_find(struct core *c, const char *code, struct category *out, struct err *err)
{
	bool kids = true;
	int rc;

	if (!code || strlen(code) >= CAP_CODE)
		return err_set(err, ERR_NOTFOUND, "service_code", "no such service_code");
	rc = category_get_by_service(c, code, out, err);
	if (rc == ERR_NOTFOUND) {
		rc = category_get_by_code(c, code, out, err);
		if (rc == 0 && out->service_code[0] && !str_eq(out->service_code, code))
			rc = ERR_NOTFOUND;
	}
	if (rc == 0)
		rc = category_has_children(c, out->id, &kids, err);
	/* confidential categories (complaints about staff) are no public
	 * service: their requests could never be followed here */
	if (rc == ERR_NOTFOUND || (rc == 0 && (kids || !out->active || out->confidential)))
		return err_set(err, ERR_NOTFOUND, "service_code", "no such service_code '%s'", code);
	return rc;
}

/* ---- discovery and services ---- */

static void discovery(struct o311_req *q)
{
	const char *host = http_header(q->r, "Host");
	cJSON *d = cJSON_CreateObject(), *eps, *ep, *fm;
	char url[CAP_OPEN311_HOST + 32];
	size_t i;

	/* the Host header is the client's: only a plain host[:port] is echoed */
	for (i = 0; host && host[i] && i < CAP_OPEN311_HOST; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]",
			    host[i]))
			break;
	if (host && *host && !host[i])
		snprintf(url, sizeof(url), "%s://%s/open311/v2",
			 http_server_config(q->r->srv)->secure_cookies ? "https" : "http", host);
	else
		str_copy(url, sizeof(url), "/open311/v2");
	cJSON_AddStringToObject(d, "changeset", CHANGESET);
	cJSON_AddStringToObject(d, "contact", "مرکز ارتباط مردمی شهرداری (۱۳۷)");
	cJSON_AddStringToObject(d, "key_service", "کلید API را مدیر سامانه می‌سازد: "
				"hamgan apikey add NAME");
	eps = cJSON_AddArrayToObject(d, "endpoints");
	ep = cJSON_CreateObject();
	cJSON_AddStringToObject(ep, "specification", SPEC_URL);
	cJSON_AddStringToObject(ep, "url", url);
	cJSON_AddStringToObject(ep, "changeset", CHANGESET);
	cJSON_AddStringToObject(ep, "type", "production");
	fm = cJSON_AddArrayToObject(ep, "formats");
	cJSON_AddItemToArray(fm, cJSON_CreateString("application/json"));
	cJSON_AddItemToArray(fm, cJSON_CreateString("text/xml"));
	cJSON_AddItemToArray(eps, ep);
	answer(q, 200, "discovery", d);
}

/* Does the service ask for anything (a definition that parses to one or
 * more attributes; definitions were checked when imported)? */
static bool has_attributes(const struct service_meta *sm)
{
	struct o311_attr *attrs = NULL;
	size_t n = 0;

	if (!sm->attributes[0] || o311_attrs_parse(sm->attributes, &attrs, &n, NULL) < 0)
		n = 0;
	free(attrs);
	return n > 0;
}

static void services(struct o311_req *q)
{
	struct category *cats = NULL;
	struct service_meta *sm = xmalloc(sizeof(*sm));
	cJSON *list = cJSON_CreateArray();
	size_t n = 0, i, j;
	struct err e;
	int rc;

	err_clear(&e);
	rc = category_list(q->c, &cats, &n, &e);
	for (i = 0; rc == 0 && i < n; i++) {
		const struct category *cat = &cats[i];
		const char *group = NULL;
		char desc[128];
		bool leaf = true;
		cJSON *s;

		for (j = 0; j < n; j++) {
			if (cats[j].parent_id == cat->id)
				leaf = false;
			if (cats[j].id == cat->parent_id)
				group = cats[j].name;
		}
		if (!leaf || !cat->active || cat->confidential)
			continue;
		rc = open311_service_get(q->c, cat->id, sm, &e);
		if (rc < 0)
			break;
		s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "service_code", service_code_of(cat));
		cJSON_AddStringToObject(s, "service_name", cat->name);
		snprintf(desc, sizeof(desc), "مهلت رسیدگی: %d ساعت", cat->deadline_hours);
		cJSON_AddStringToObject(s, "description", desc);
		cJSON_AddBoolToObject(s, "metadata", has_attributes(sm));
		cJSON_AddStringToObject(s, "type", "realtime");
		add_str_or_null(s, "keywords", sm->keywords);
		add_str_or_null(s, "group", group ? group : cat->name);
		cJSON_AddItemToArray(list, s);
	}
	free(cats);
	free(sm);
	if (rc < 0) {
		cJSON_Delete(list);
		fail_err(q, &e);
		return;
	}
	answer(q, 200, "services", list);
}

static void service_definition(struct o311_req *q, const char *code)
{
	struct service_meta *sm = xmalloc(sizeof(*sm));
	struct o311_attr *attrs = NULL;
	struct category cat;
	cJSON *d, *list;
	size_t n = 0, i, j;
	struct err e;

	err_clear(&e);
	if (service_find(q->c, code, &cat, &e) < 0 ||
	    open311_service_get(q->c, cat.id, sm, &e) < 0 ||
	    o311_attrs_parse(sm->attributes, &attrs, &n, &e) < 0) {
		free(sm);
		fail_err(q, &e);
		return;
	}
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "service_code", service_code_of(&cat));
	list = cJSON_AddArrayToObject(d, "attributes");
	for (i = 0; i < n; i++) {
		const struct o311_attr *a = &attrs[i];
		cJSON *o = cJSON_CreateObject(), *vals;

		cJSON_AddBoolToObject(o, "variable", a->variable);
		cJSON_AddStringToObject(o, "code", a->code);
		cJSON_AddStringToObject(o, "datatype", o311_datatype_name(a->datatype));
		cJSON_AddBoolToObject(o, "required", a->required);
		add_str_or_null(o, "datatype_description", a->datatype_description);
		cJSON_AddNumberToObject(o, "order", a->order);
		add_str_or_null(o, "description", a->description);
		if (a->nvalues) {
			vals = cJSON_AddArrayToObject(o, "values");
			for (j = 0; j < a->nvalues; j++) {
				cJSON *v = cJSON_CreateObject();

				cJSON_AddStringToObject(v, "key", a->values[j].key);
				cJSON_AddStringToObject(v, "name", a->values[j].name);
				cJSON_AddItemToArray(vals, v);
			}
		}
		cJSON_AddItemToArray(list, o);
	}
	free(attrs);
	free(sm);
	answer(q, 200, "service_definition", d);
}

/* ---- requests: the record ---- */

static const char *state_fa(enum msg_state s)
{
	static const char *const t[STATE_COUNT] = {
		"ثبت شده", "ارجاع شده", "در دست اقدام", "پاسخ داده شده", "بسته شده",
		"بازگشت به مرکز برای ارجاع دوباره", "رد شده", "بازگشایی شده",
	};

	return (int)s >= 0 && s < STATE_COUNT ? t[s] : "";
}

static const char *reject_fa(enum reject_reason r)
{
	static const char *const t[REJECT_COUNT] = {
		"", "ناقص", "تکراری", "خارج از وظایف شهرداری", "توهین‌آمیز",
	};

	return (int)r >= 0 && r < REJECT_COUNT ? t[r] : "";
}

/* Names of units and categories met while writing one answer. */
struct names {
	struct unit *units;
	size_t nunits;
	struct category *cats;
	size_t ncats;
};

static void names_release(struct names *nm)
{
	free(nm->units);
	free(nm->cats);
}

static const struct unit *unit_of(const struct names *nm, int64_t id)
{
	size_t i;

	for (i = 0; i < nm->nunits; i++)
		if (nm->units[i].id == id)
			return &nm->units[i];
	return NULL;
}

static const struct category *cat_of(const struct names *nm, int64_t id)
{
	size_t i;

	for (i = 0; i < nm->ncats; i++)
		if (nm->cats[i].id == id)
			return &nm->cats[i];
	return NULL;
}

/* Up to 4000 characters (request.json's maxLength of description). */
static void add_description(cJSON *o, const char *body)
{
	size_t i, chars = 0;
	char *cut;

	for (i = 0; body[i]; i++) {
		if (((unsigned char)body[i] & 0xC0) != 0x80 && ++chars > 4000)
			break;
	}
	cut = xmalloc(i + 1);
	memcpy(cut, body, i);
	cut[i] = '\0';
	cJSON_AddStringToObject(o, "description", cut);
	free(cut);
}

static int request_json(struct o311_req *q, const struct names *nm, const struct msg *m,
			bool extensions, cJSON **out, struct err *e)
{
	const struct category *cat = cat_of(nm, m->category_id);
	const struct unit *u = unit_of(nm, m->unit_id);
	struct o311_meta meta;
	struct msg_text *t;
	char notes[CAP_MSG_ANSWER + 256];
	cJSON *o;
	int rc;

	*out = NULL;
	rc = open311_meta_get(q->c, m->id, &meta, e);
	if (rc < 0)
		return rc;
	/* this request's texts alone: a list reads them one request at a time */
	t = xmalloc(sizeof(*t));
	rc = msg_text_get(q->c, m, t, e);
	if (rc < 0) {
		free(t);
		return rc;
	}
	if (m->state == STATE_REJECTED)
		snprintf(notes, sizeof(notes), "%s: %s", state_fa(m->state),
			 reject_fa(m->reject_reason));
	else if (open311_closed(m->state) && t->answer[0])
		str_copy(notes, sizeof(notes), t->answer);
	else
		str_copy(notes, sizeof(notes), state_fa(m->state));
	str_utf8_trim_partial(notes);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "service_request_id", m->code);
	cJSON_AddStringToObject(o, "status", open311_closed(m->state) ? "closed" : "open");
	cJSON_AddStringToObject(o, "status_notes", notes);
	add_str_or_null(o, "service_name", cat ? cat->name : NULL);
	cJSON_AddStringToObject(o, "service_code", cat ? service_code_of(cat) : "");
	add_description(o, t->body);
	add_str_or_null(o, "agency_responsible", u ? u->name : NULL);
	cJSON_AddNullToObject(o, "service_notice");
	add_time(o, "requested_datetime", m->created_at);
	add_time(o, "updated_datetime", m->updated_at);
	add_time(o, "expected_datetime", m->due_at);
	add_str_or_null(o, "address", t->address);
	free(t);
	add_str_or_null(o, "address_id", meta.address_id);
	cJSON_AddNullToObject(o, "zipcode");
	if (m->has_point) {
		cJSON_AddNumberToObject(o, "lat", m->lat);
		cJSON_AddNumberToObject(o, "long", m->lon);
	} else {
		cJSON_AddNullToObject(o, "lat");
		cJSON_AddNullToObject(o, "long");
	}
	add_str_or_null(o, "media_url", meta.media_url);
	if (extensions) {
		cJSON *x = cJSON_AddObjectToObject(o, "extended_attributes");
		cJSON *tl = cJSON_AddArrayToObject(x, "timeline");
		cJSON *v = cJSON_AddObjectToObject(x, "citizen_verdict");
		struct actor sys = actor_system("open311");
		struct msg_public_event *ev = NULL;
		size_t nev = 0, i;

		cJSON_AddStringToObject(x, "channel", msg_channel_name(m->channel));
		cJSON_AddStringToObject(x, "state", msg_state_name(m->state));
		/* the citizen's public steps (core/timeline.h), without the
		 * texts sent to them: anyone may read an Open311 request */
		rc = msg_public_timeline(q->c, &sys, m, false, &ev, &nev, e);
		for (i = 0; rc == 0 && i < nev; i++) {
			cJSON *it = cJSON_CreateObject();

			cJSON_AddStringToObject(it, "event", ev[i].event);
			add_time(it, "at", ev[i].at);
			cJSON_AddItemToArray(tl, it);
		}
		free(ev);
		add_str_or_null(v, "verdict", m->verdict ? verdict_name(m->verdict) : NULL);
		if (m->rating)
			cJSON_AddNumberToObject(v, "rating", m->rating);
		else
			cJSON_AddNullToObject(v, "rating");
		add_time(v, "at", m->verdict_at);
		cJSON_AddNumberToObject(v, "accepts", m->accepts);
		cJSON_AddNumberToObject(v, "objections", m->objections);
		if (rc < 0) {
			cJSON_Delete(o);
			return rc;
		}
	}
	*out = o;
	return 0;
}

/* Answer the list of messages as service_requests. */
static void answer_requests(struct o311_req *q, const struct msg *ms, size_t n, bool extensions)
{
	struct names nm;
	cJSON *list = cJSON_CreateArray(), *o;
	struct err e;
	size_t i;
	int rc;

	memset(&nm, 0, sizeof(nm));
	err_clear(&e);
	rc = unit_list(q->c, &nm.units, &nm.nunits, &e);
	if (rc == 0)
		rc = category_list(q->c, &nm.cats, &nm.ncats, &e);
	for (i = 0; rc == 0 && i < n; i++) {
		rc = request_json(q, &nm, &ms[i], extensions, &o, &e);
		if (rc == 0)
			cJSON_AddItemToArray(list, o);
	}
	names_release(&nm);
	if (rc < 0) {
		cJSON_Delete(list);
		fail_err(q, &e);
		return;
	}
	answer(q, 200, "service_requests", list);
}

/* ---- GET requests ---- */

/* A query argument checked as one line of text (absent: NULL). */
static bool query_text(struct o311_req *q, const char *name, size_t max, const char **out)
{
	bool bad = false;
	const char *v = http_query(q->r, name, &bad);
	size_t i;

	*out = NULL;
	if (!bad && v && strlen(v) > max)
		bad = true;
	for (i = 0; !bad && v && v[i]; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			bad = true;
	if (bad) {
		fail(q, 400, "'%s' is not valid", name);
		return false;
	}
	*out = v;
	return true;
}

static bool query_time(struct o311_req *q, const char *name, int64_t *out, bool *given)
{
	const char *v;
	int64_t local;
	bool has_off;
	int off;

	*given = false;
	if (!query_text(q, name, 40, &v))
		return false;
	if (!v)
		return true;
	if (iso_time_parse(v, &local, &has_off, &off) < 0) {
		fail(q, 400, "%s must be an ISO 8601 date-time such as 2026-03-20T08:30:00+03:30",
		     name);
		return false;
	}
	if (has_off) {
		*out = local - off;
	} else if (tehran_offset(local - 12600, &off) == 0) {
		/* no zone written: Tehran's wall clock */
		*out = local - off;
	} else {
		*out = local - 12600;
	}
	*given = true;
	return true;
}

static bool query_bool(struct o311_req *q, const char *name, bool *out)
{
	const char *v;

	*out = false;
	if (!query_text(q, name, 8, &v))
		return false;
	if (!v || str_eq(v, "false") || str_eq(v, "0"))
		return true;
	if (str_eq(v, "true") || str_eq(v, "1")) {
		*out = true;
		return true;
	}
	fail(q, 400, "%s is true or false", name);
	return false;
}

static bool query_int(struct o311_req *q, const char *name, int64_t min, int64_t max,
		      int64_t dflt, int64_t *out)
{
	const char *v;

	*out = dflt;
	if (!query_text(q, name, 20, &v))
		return false;
	if (v && num_parse(v, min, max, out) < 0) {
		fail(q, 400, "%s must be a whole number %lld..%lld", name, (long long)min,
		     (long long)max);
		return false;
	}
	return true;
}

/* service_request_id=A,B,C: those found, in that order; others left out. */
static void requests_by_ids(struct o311_req *q, const char *ids, bool extensions)
{
	struct msg *ms = xcalloc(CAP_OPEN311_IDS, sizeof(*ms));
	size_t n = 0, len;
	const char *p = ids;
	char code[64];
	struct err e;
	int rc;

	for (;;) {
		len = strcspn(p, ",");
		if (len == 0 || len >= sizeof(code)) {
			fail(q, 400, "service_request_id is a comma-separated list of ids");
			goto out;
		}
		if (n == CAP_OPEN311_IDS) {
			fail(q, 400, "at most %d service_request_id values at once", CAP_OPEN311_IDS);
			goto out;
		}
		memcpy(code, p, len);
		code[len] = '\0';
		err_clear(&e);
		rc = open311_get(q->c, code, &ms[n], NULL, &e);
		if (rc == 0)
			n++;
		else if (rc != ERR_NOTFOUND) {
			fail_err(q, &e);
			goto out;
		}
		if (!p[len])
			break;
		p += len + 1;
	}
	answer_requests(q, ms, n, extensions);
out:
	free(ms);
}

static void requests_get(struct o311_req *q)
{
	const int64_t window = (int64_t)CAP_OPEN311_DAYS * DAY;
	struct o311_query oq;
	struct category cat;
	struct msg *ms = NULL;
	const char *ids, *code, *status;
	int64_t start = 0, end = 0, page, size;
	bool has_start, has_end, ext;
	size_t n = 0;
	struct err e;

	if (!query_bool(q, "extensions", &ext) || !query_text(q, "service_request_id", 1024, &ids))
		return;
	if (ids) {
		requests_by_ids(q, ids, ext);
		return;
	}
	memset(&oq, 0, sizeof(oq));
	oq.status = -1;
	if (!query_text(q, "service_code", CAP_CODE, &code) || !query_text(q, "status", 16, &status) ||
	    !query_time(q, "start_date", &start, &has_start) ||
	    !query_time(q, "end_date", &end, &has_end) ||
	    !query_int(q, "page", 1, 1000000, 1, &page) ||
	    !query_int(q, "page_size", 1, CAP_OPEN311_PAGE_SIZE, 50, &size))
		return;
	if (status) {
		if (str_eq(status, "open"))
			oq.status = 0;
		else if (str_eq(status, "closed"))
			oq.status = 1;
		else if (!str_eq(status, "open,closed") && !str_eq(status, "closed,open")) {
			fail(q, 400, "status is open, closed or open,closed");
			return;
		}
	}
	if (!has_end)
		end = has_start ? start + window : core_now(q->c) + 1;
	if (!has_start)
		start = end - window;
	if (start > end) {
		fail(q, 400, "start_date is after end_date");
		return;
	}
	if (end - start > window) {
		fail(q, 400, "start_date and end_date may be at most %d days apart",
		     CAP_OPEN311_DAYS);
		return;
	}
	if ((page - 1) * size > CAP_OPEN311_OFFSET) {
		fail(q, 400, "page is too deep: narrow the dates instead");
		return;
	}
	err_clear(&e);
	if (code) {
		if (service_find(q->c, code, &cat, &e) < 0) {
			fail_err(q, &e);
			return;
		}
		oq.category_id = cat.id;
	}
	oq.from = start;
	oq.to = end + 1;	/* end_date is inclusive */
	oq.offset = (size_t)((page - 1) * size);
	oq.limit = (size_t)size;
	if (open311_list(q->c, &oq, &ms, &n, &e) < 0) {
		fail_err(q, &e);
		return;
	}
	answer_requests(q, ms, n, ext);
	free(ms);
}

static void request_get(struct o311_req *q, const char *id)
{
	struct msg mrec, *m = &mrec;
	bool ext;
	struct err e;

	err_clear(&e);
	if (query_bool(q, "extensions", &ext)) {
		if (open311_get(q->c, id, m, NULL, &e) < 0)
			fail_err(q, &e);
		else
			answer_requests(q, m, 1, ext);
	}
}

/* ---- POST requests ---- */

static bool form_content_type(const char *ct)
{
	size_t n = strlen("application/x-www-form-urlencoded");

	if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", n) != 0)
		return false;
	ct += n;
	while (*ct == ' ')
		ct++;
	return *ct == '\0' || *ct == ';';
}

/* One scalar field: from the form, else (api_key only) the query. */
static bool field(struct o311_req *q, const struct form *f, const char *name, const char **out)
{
	bool dup = false;

	*out = form_get(f, name, &dup);
	if (dup) {
		fail(q, 400, "'%s' was sent more than once", name);
		return false;
	}
	if (*out && !**out)
		*out = NULL;
	return true;
}

/* attribute[code] and attribute[code][] pairs into in (at most max). */
static bool collect_attrs(struct o311_req *q, const struct form *f, struct o311_attr_in *in,
			  size_t max, size_t *n, char (*codes)[CAP_CODE])
{
	size_t i, len;

	*n = 0;
	for (i = 0; i < f->n; i++) {
		const char *name = f->pairs[i].name, *close;

		if (!str_starts(name, "attribute["))
			continue;
		name += strlen("attribute[");
		close = strchr(name, ']');
		len = close ? (size_t)(close - name) : 0;
		if (!close || len == 0 || len >= CAP_CODE ||
		    !(close[1] == '\0' || str_eq(close + 1, "[]"))) {
			fail(q, 400, "'%.80s' is not attribute[CODE]", f->pairs[i].name);
			return false;
		}
		if (*n == max) {
			fail(q, 400, "too many attribute values");
			return false;
		}
		memcpy(codes[*n], name, len);
		codes[*n][len] = '\0';
		in[*n].code = codes[*n];
		in[*n].value = f->pairs[i].value;
		(*n)++;
	}
	return true;
}

static void requests_post(struct o311_req *q)
{
	struct http_req *r = q->r;
	struct o311_attr_in attrs[CAP_FORM_FIELDS];
	char (*codes)[CAP_CODE] = xcalloc(CAP_FORM_FIELDS, CAP_CODE);
	struct msg *out = xmalloc(sizeof(*out));
	const char *key, *code, *lat, *lon, *addr, *addr_id, *desc, *media, *phone, *first, *last;
	struct o311_submit in;
	struct apikey k;
	struct category cat;
	struct form f;
	char name[CAP_NAME], notice[256];
	unsigned wait;
	cJSON *list, *o;
	struct err e;

	memset(&f, 0, sizeof(f));
	memset(&in, 0, sizeof(in));
	err_clear(&e);
	if (r->body.len && !form_content_type(http_header(r, "Content-Type"))) {
		fail(q, 400, "the body must be application/x-www-form-urlencoded");
		goto out;
	}
	if (form_parse(&f, r->body.data, r->body.len, &e) < 0) {
		fail(q, 400, "%s", e.msg);
		goto out;
	}
	if (!field(q, &f, "api_key", &key))
		goto out;
	if (!key && !query_text(q, "api_key", 128, &key))
		goto out;
	if (!key || apikey_check(q->c, key, &k, &e) < 0) {
		if (e.code && e.code != ERR_DENIED)
			fail_err(q, &e);
		else
			fail(q, 403, "api_key is missing or not valid");
		goto out;
	}
	{
		char rk[32];

		snprintf(rk, sizeof(rk), "key:%lld", (long long)k.id);
		wait = api_limit_wait(r, r->srv->rl_apikey, rk, API_LIMIT_TAKE);
	}
	if (wait) {
		char v[24];

		fail(q, 429, "too many requests with this api_key; try again later");
		snprintf(v, sizeof(v), "%u", wait);
		http_reply_header(r, "Retry-After", v);
		goto out;
	}
	if (!field(q, &f, "service_code", &code) || !field(q, &f, "lat", &lat) ||
	    !field(q, &f, "long", &lon) || !field(q, &f, "address_string", &addr) ||
	    !field(q, &f, "address_id", &addr_id) || !field(q, &f, "description", &desc) ||
	    !field(q, &f, "media_url", &media) || !field(q, &f, "phone", &phone) ||
	    !field(q, &f, "first_name", &first) || !field(q, &f, "last_name", &last))
		goto out;
	if (!code) {
		fail(q, 400, "service_code was not provided");
		goto out;
	}
	if (service_find(q->c, code, &cat, &e) < 0) {
		fail_err(q, &e);
		goto out;
	}
	if (!lat != !lon) {
		fail(q, 400, "give both lat and long, or neither");
		goto out;
	}
	if (!lat && !addr && !addr_id) {
		fail(q, 400, "a location is required: lat and long, address_string or address_id");
		goto out;
	}
	if (lat && (num_parse_decimal(lat, -90, 90, &in.m.lat) < 0 ||
		    num_parse_decimal(lon, -180, 180, &in.m.lon) < 0)) {
		fail(q, 400, "lat and long are WGS84 degrees (-90..90, -180..180)");
		goto out;
	}
	in.m.has_point = lat != NULL;
	if (!collect_attrs(q, &f, attrs, CAP_FORM_FIELDS, &in.nattrs, codes))
		goto out;
	snprintf(name, sizeof(name), "%s%s%s", first ? first : "", first && last ? " " : "",
		 last ? last : "");
	str_utf8_trim_partial(name);
	in.m.subject = cat.name;
	in.m.body = desc;
	in.m.address = addr;
	/* no phone: anonymous (a name alone could not be followed up) */
	in.m.anonymous = phone == NULL;
	in.m.mobile = phone;
	in.m.citizen_name = phone ? name : NULL;
	in.category_id = cat.id;
	in.api_key_id = k.id;
	in.media_url = media;
	in.address_id = addr_id;
	in.attrs = attrs;
	if (open311_submit(q->c, &in, out, &e) < 0) {
		fail_err(q, &e);
		goto out;
	}
	list = cJSON_CreateArray();
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "service_request_id", out->code);
	snprintf(notice, sizeof(notice), "درخواست ثبت شد؛ کد پیگیری %s. مهلت رسیدگی پس از ارجاع "
		 "%d ساعت است.", out->code, cat.deadline_hours);
	cJSON_AddStringToObject(o, "service_notice", notice);
	cJSON_AddNullToObject(o, "account_id");
	cJSON_AddItemToArray(list, o);
	answer(q, 200, "service_requests", list);
out:
	form_release(&f);
	free(codes);
	free(out);
}

/* ---- routing ---- */

/* Split "name.json" / "name.xml" into name and format; false otherwise. */
static bool split_format(const char *seg, char *name, size_t namesz, enum fmt *fmt)
{
	const char *dot = strrchr(seg, '.');
	size_t len;

	if (!dot)
		return false;
	if (str_eq(dot, ".json"))
		*fmt = FMT_JSON;
	else if (str_eq(dot, ".xml"))
		*fmt = FMT_XML;
	else
		return false;
	len = (size_t)(dot - seg);
	if (len == 0 || len >= namesz)
		return false;
	memcpy(name, seg, len);
	name[len] = '\0';
	return true;
}

static void not_allowed(struct o311_req *q, const char *allow)
{
	fail(q, 405, "method not allowed");
	http_reply_header(q->r, "Allow", allow);
}

static void handle(struct http_req *r)
{
	struct o311_req q = { r, FMT_JSON, NULL };
	const char *segs[4] = { NULL, NULL, NULL, NULL };
	char path[CAP_HTTP_URI], name[256];
	char *p, *save = NULL;
	size_t ns = 0;
	bool get = (r->method & (HTTP_GET | HTTP_HEAD)) != 0, post = r->method == HTTP_POST;

	if (str_eq(r->method_name, "OPTIONS")) {
		/* a CORS preflight (a browser client sending a header of its
		 * own): GETs may be read from anywhere, nothing else */
		http_reply_bytes(r, 204, NULL, "", 0);
		http_reply_header(r, "Access-Control-Allow-Origin", "*");
		http_reply_header(r, "Access-Control-Allow-Methods", "GET, HEAD");
		http_reply_header(r, "Access-Control-Allow-Headers", "Accept, Accept-Language");
		http_reply_header(r, "Access-Control-Max-Age", "86400");
		return;
	}
	str_copy(path, sizeof(path), r->path + strlen("/open311/"));
	for (p = path; ns < 4 && p; ns++) {
		segs[ns] = p;
		save = strchr(p, '/');
		if (save)
			*save++ = '\0';
		p = save;
	}
	/* the format of the last segment, for errors too */
	if (ns && !split_format(segs[ns - 1], name, sizeof(name), &q.fmt)) {
		q.fmt = FMT_JSON;
		fail(&q, 404, "no such resource: Open311 paths end in .json or .xml");
		return;
	}
	if (p || ns < 2 || !str_eq(segs[0], "v2")) {
		fail(&q, 404, "no such resource (GeoReport v2 is under /open311/v2)");
		return;
	}
	q.c = api_core(r);
	if (!q.c) {
		fail(&q, 503, "the database is unavailable");
		return;
	}
	if (ns == 2 && (str_eq(name, "discovery") || str_eq(name, "services"))) {
		if (!get)
			not_allowed(&q, "GET, HEAD");
		else if (str_eq(name, "discovery"))
			discovery(&q);
		else
			services(&q);
		return;
	}
	if (ns == 2 && str_eq(name, "requests")) {
		if (post)
			requests_post(&q);
		else if (get)
			requests_get(&q);
		else
			not_allowed(&q, "GET, HEAD, POST");
		return;
	}
	if (ns == 3 && (str_eq(segs[1], "services") || str_eq(segs[1], "requests") ||
			str_eq(segs[1], "tokens"))) {
		if (!get)
			not_allowed(&q, "GET, HEAD");
		else if (str_eq(segs[1], "services"))
			service_definition(&q, name);
		else if (str_eq(segs[1], "requests"))
			request_get(&q, name);
		else
			/* creation is never deferred: the POST answers with the id */
			fail(&q, 404, "no such token: requests are created at once and the POST "
			     "answer carries service_request_id");
		return;
	}
	fail(&q, 404, "no such resource");
}

#define ANY (HTTP_GET | HTTP_HEAD | HTTP_POST | HTTP_PUT | HTTP_PATCH | HTTP_DELETE | HTTP_OTHER)

const struct http_route open311_routes[] = {
	{ ANY, "/open311/{a}", handle, ROUTE_OPEN311 },
	{ ANY, "/open311/{a}/{b}", handle, ROUTE_OPEN311 },
	{ ANY, "/open311/{a}/{b}/{c}", handle, ROUTE_OPEN311 },
	{ ANY, "/open311/{a}/{b}/{c}/{d}", handle, ROUTE_OPEN311 },
	{ 0, NULL, NULL, 0 },
};
