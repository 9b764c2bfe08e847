/*
 * api_common.c - what the API areas share: the per-thread core, body and
 * query validation, times, and the JSON shape of each core record.
 */
#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/jw.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/str.h"
#include "core/batch.h"
#include "core/core.h"
#include "fa/jalali.h"
#include "fa/tehran.h"
#include "http/api.h"
#include "http/jval.h"
#include "http/server_int.h"
#include "http/writer.h"

/* ---- the core of each worker thread ---- */

struct worker_core {
	struct core c;	/* first: the thread's key holds &c */
	struct http_server *srv;
	struct worker_core *next, **prev;
};

static void core_destroy(void *p)
{
	struct worker_core *w = p;

	pthread_mutex_lock(&w->srv->cores_mu);
	*w->prev = w->next;
	if (w->next)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&w->srv->cores_mu);
	core_close(&w->c);
	free(w);
}

int api_core_key_init(struct http_server *srv)
{
	srv->cores = NULL;
	if (pthread_mutex_init(&srv->cores_mu, NULL))
		return -1;
	if (pthread_key_create(&srv->core_key, core_destroy)) {
		pthread_mutex_destroy(&srv->cores_mu);
		return -1;
	}
	return 0;
}

void api_core_key_release(struct http_server *srv)
{
	/* Worker threads have exited (and closed their cores) by now. */
	pthread_key_delete(srv->core_key);
	pthread_mutex_destroy(&srv->cores_mu);
}

struct core *api_core(struct http_req *r)
{
	struct http_server *srv = r->srv;
	struct core *c = writer_thread_core();
	struct worker_core *w;
	struct err e;

	/* a write queued to the writer runs with the writer's core */
	if (c)
		return c;
	c = pthread_getspecific(srv->core_key);
	if (c) {
		/* the snapshot this thread kept from a look-up before: joined
		 * by a look-up while fresh, let go before anything else */
		core_batch_snapshot_drop(c, r->route && (r->route->flags & ROUTE_KEEP) ?
						    CORE_SNAP_CLAIM : CORE_SNAP_ALL);
		return c;
	}
	w = xcalloc(1, sizeof(*w));
	err_clear(&e);
	if (core_open(&w->c, srv->cfg.db, &e)) {
		free(w);
		log_error("cannot open the database: %s", e.msg);
		http_reply_error(r, ERR_UNAVAILABLE, NULL, "the database is unavailable");
		return NULL;
	}
	w->srv = srv;
	pthread_mutex_lock(&srv->cores_mu);
	w->next = srv->cores;
	if (w->next)
		w->next->prev = &w->next;
	w->prev = &srv->cores;
	srv->cores = w;
	pthread_mutex_unlock(&srv->cores_mu);
	pthread_setspecific(srv->core_key, &w->c);
	return &w->c;
}

void api_core_done(struct http_req *r)
{
	struct core *c = pthread_getspecific(r->srv->core_key);

	if (c)
		core_batch_snapshot_drop(c, CORE_SNAP_RELEASE);
}

void api_snapshot_sweep(void *arg)
{
	struct http_server *srv = arg;
	struct worker_core *w;

	pthread_mutex_lock(&srv->cores_mu);
	for (w = srv->cores; w; w = w->next)
		core_batch_snapshot_drop(&w->c, CORE_SNAP_STALE);
	pthread_mutex_unlock(&srv->cores_mu);
}

/* ---- validation ---- */

bool api_fail(struct http_req *r, const struct err *e)
{
	http_reply_err(r, e);
	return false;
}

bool api_body(struct http_req *r, const struct jval_field *fields, void *out)
{
	struct field_errs all;
	struct err e;

	err_clear(&e);
	all.n = 0;
	if (jval_object_all(r->json, fields, out, &e, &all)) {
		http_reply_err_fields(r, &e, &all);
		return false;
	}
	return true;
}

bool api_require_role(struct http_req *r, unsigned roles)
{
	if (r->auth.signed_in && (roles & ROLEBIT(r->auth.actor.role)))
		return true;
	if (!r->auth.signed_in)
		http_reply_error(r, ERR_AUTH, NULL, "sign in first");
	else
		http_reply_error(r, ERR_DENIED, NULL, "your role may not do this");
	return false;
}

unsigned api_limit_wait(struct http_req *r, struct ratelimit *rl, const char *key,
			enum api_limit_how how)
{
	const char *k = key ? key : r->client_key;
	uint64_t now = http_now_us();

	return how == API_LIMIT_PEEK ? ratelimit_peek(rl, k, now) : ratelimit_take(rl, k, now);
}

static bool limit_reply(struct http_req *r, unsigned wait)
{
	if (wait)
		http_reply_limited(r, wait);
	return wait == 0;
}

bool api_limit(struct http_req *r, struct ratelimit *rl, const char *key)
{
	return limit_reply(r, api_limit_wait(r, rl, key, API_LIMIT_TAKE));
}

bool api_limit_peek(struct http_req *r, struct ratelimit *rl, const char *key)
{
	return limit_reply(r, api_limit_wait(r, rl, key, API_LIMIT_PEEK));
}

const char *api_query_text(struct http_req *r, const char *name, size_t max, bool *ok)
{
	bool bad = false;
	const char *v = http_query(r, name, &bad);
	struct err e;

	err_clear(&e);
	if (bad) {
		http_reply_error(r, ERR_INVALID, name, "'%s' is not valid text", name);
		*ok = false;
		return NULL;
	}
	if (v && jval_string(name, v, max, 0, &e)) {
		http_reply_err(r, &e);
		*ok = false;
		return NULL;
	}
	return v;
}

bool api_query_bool(struct http_req *r, const char *name, bool *out, bool *present)
{
	bool ok = true;
	const char *v = api_query_text(r, name, 8, &ok);

	*present = false;
	*out = false;
	if (!ok)
		return false;
	if (!v)
		return true;
	*present = true;
	if (str_eq(v, "true") || str_eq(v, "1")) {
		*out = true;
		return true;
	}
	if (str_eq(v, "false") || str_eq(v, "0"))
		return true;
	http_reply_error(r, ERR_INVALID, name, "'%s' must be true or false", name);
	return false;
}

/* ---- time ---- */

void api_time_text(int64_t t, char *out, size_t outsz)
{
	iso_utc_format(t, out, outsz);
}

void api_add_time(cJSON *o, const char *key, int64_t t)
{
	char s[32];

	if (!t) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	api_time_text(t, s, sizeof(s));
	cJSON_AddStringToObject(o, key, s);
}

void api_jw_time(struct buf *b, const char *key, int64_t t)
{
	char s[32];

	if (!t) {
		jw_null(b, key);
		return;
	}
	api_time_text(t, s, sizeof(s));
	jw_str(b, key, s);
}

int api_parse_time(const char *s, int64_t *out)
{
	struct gdate g;
	char date[11];
	int64_t h, mi, se;
	size_t len = strlen(s);

	if (len != 10 && len != 20)
		return ERR_INVALID;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (gregorian_parse(date, &g))
		return ERR_INVALID;
	*out = gregorian_to_days(&g) * 86400;
	if (len == 10)
		return 0;
	if (s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' ||
	    num_parsen(s + 11, 2, 0, 23, &h) || num_parsen(s + 14, 2, 0, 59, &mi) ||
	    num_parsen(s + 17, 2, 0, 59, &se))
		return ERR_INVALID;
	*out += h * 3600 + mi * 60 + se;
	return 0;
}

/* ---- references by code ---- */

bool api_unit_ref(struct http_req *r, struct core *c, const char *field, const char *ref,
		  int64_t *id)
{
	struct unit u;
	struct err e;
	int64_t n;

	err_clear(&e);
	if (num_parse(ref, 1, INT64_MAX, &n) == 0) {
		if (unit_get(c, n, &u, &e) == 0) {
			*id = u.id;
			return true;
		}
	} else if (unit_get_by_code(c, ref, &u, &e) == 0) {
		*id = u.id;
		return true;
	}
	if (e.code != ERR_NOTFOUND && e.code != ERR_INVALID && e.code)
		return api_fail(r, &e);
	http_reply_error(r, ERR_INVALID, field, "no unit '%s'", ref);
	return false;
}

bool api_category_ref(struct http_req *r, struct core *c, const char *field, const char *ref,
		      int64_t *id)
{
	struct category cat;
	struct err e;
	int64_t n;

	err_clear(&e);
	if (num_parse(ref, 1, INT64_MAX, &n) == 0) {
		if (category_get(c, n, &cat, &e) == 0) {
			*id = cat.id;
			return true;
		}
	} else if (category_get_by_code(c, ref, &cat, &e) == 0) {
		*id = cat.id;
		return true;
	}
	if (e.code != ERR_NOTFOUND && e.code != ERR_INVALID && e.code)
		return api_fail(r, &e);
	http_reply_error(r, ERR_INVALID, field, "no category '%s'", ref);
	return false;
}

/* ---- JSON shapes ---- */

static void add_id(cJSON *o, const char *key, int64_t id)
{
	if (id)
		cJSON_AddNumberToObject(o, key, (double)id);
	else
		cJSON_AddNullToObject(o, key);
}

static void add_str_or_null(cJSON *o, const char *key, const char *s)
{
	if (s && *s)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

cJSON *api_msg_json(const struct msg *m, const struct msg_text *t, int64_t now)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *cit;

	cJSON_AddStringToObject(o, "code", m->code);
	cJSON_AddNumberToObject(o, "id", (double)m->id);
	cJSON_AddStringToObject(o, "state", msg_state_name(m->state));
	cJSON_AddStringToObject(o, "channel", msg_channel_name(m->channel));
	cJSON_AddStringToObject(o, "kind", msg_kind_name(m->kind));
	add_id(o, "category_id", m->category_id);
	cJSON_AddStringToObject(o, "subject", t->subject);
	cJSON_AddStringToObject(o, "body", t->body);
	add_str_or_null(o, "address", t->address);
	if (m->has_point) {
		cJSON *p = cJSON_AddObjectToObject(o, "point");

		cJSON_AddNumberToObject(p, "lat", m->lat);
		cJSON_AddNumberToObject(p, "lon", m->lon);
	} else {
		cJSON_AddNullToObject(o, "point");
	}
	add_id(o, "region_id", m->region_id);
	cJSON_AddBoolToObject(o, "confidential", m->confidential);
	cJSON_AddBoolToObject(o, "identity_hidden", m->identity_hidden);
	if (m->identity_hidden || !m->citizen_id) {
		cJSON_AddNullToObject(o, "citizen");
	} else {
		cit = cJSON_AddObjectToObject(o, "citizen");
		add_str_or_null(cit, "name", t->citizen_name);
		add_str_or_null(cit, "mobile", t->citizen_mobile);
		add_str_or_null(cit, "national_id", t->citizen_national_id);
	}
	cJSON_AddBoolToObject(o, "anonymous", !m->citizen_id);
	add_id(o, "unit_id", m->unit_id);
	cJSON_AddStringToObject(o, "priority", priority_name(m->priority));
	add_id(o, "live_session_id", m->live_session_id);
	api_add_time(o, "created_at", m->created_at);
	api_add_time(o, "referred_at", m->referred_at);
	api_add_time(o, "due_at", m->due_at);
	api_add_time(o, "answered_at", m->answered_at);
	api_add_time(o, "closed_at", m->closed_at);
	api_add_time(o, "updated_at", m->updated_at);
	cJSON_AddBoolToObject(o, "overdue", msg_is_overdue(m, now));
	add_str_or_null(o, "answer", t->answer);
	if (m->verdict)
		cJSON_AddStringToObject(o, "verdict", verdict_name(m->verdict));
	else
		cJSON_AddNullToObject(o, "verdict");
	if (m->rating)
		cJSON_AddNumberToObject(o, "rating", m->rating);
	else
		cJSON_AddNullToObject(o, "rating");
	if (m->grade)
		cJSON_AddStringToObject(o, "grade", grade_name(m->grade));
	else
		cJSON_AddNullToObject(o, "grade");
	add_str_or_null(o, "grade_note", t->grade_note);
	if (m->reject_reason)
		cJSON_AddStringToObject(o, "reject_reason", reject_reason_name(m->reject_reason));
	else
		cJSON_AddNullToObject(o, "reject_reason");
	if (m->return_reason)
		cJSON_AddStringToObject(o, "return_reason", return_reason_name(m->return_reason));
	else
		cJSON_AddNullToObject(o, "return_reason");
	add_id(o, "duplicate_of", m->duplicate_of);
	cJSON_AddNumberToObject(o, "referral_count", m->referral_count);
	cJSON_AddNumberToObject(o, "return_count", m->return_count);
	cJSON_AddNumberToObject(o, "reopen_count", m->reopen_count);
	cJSON_AddNumberToObject(o, "version", (double)m->version);
	return o;
}

cJSON *api_msg_json_row(struct core *c, const struct msg *m, int64_t now, struct err *err)
{
	struct msg_text *t = xmalloc(sizeof(*t));
	cJSON *o = NULL;

	if (msg_text_get(c, m, t, err) == 0)
		o = api_msg_json(m, t, now);
	free(t);
	return o;
}

cJSON *api_unit_json(const struct unit *u)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)u->id);
	cJSON_AddStringToObject(o, "code", u->code);
	cJSON_AddStringToObject(o, "name", u->name);
	cJSON_AddStringToObject(o, "kind", unit_kind_name(u->kind));
	add_id(o, "parent_id", u->parent_id);
	cJSON_AddBoolToObject(o, "active", u->active);
	return o;
}

cJSON *api_category_json(const struct category *c)
{
	cJSON *o = cJSON_CreateObject();
	char kinds[128];

	category_kinds_format(c->kinds, kinds, sizeof(kinds));
	cJSON_AddNumberToObject(o, "id", (double)c->id);
	cJSON_AddStringToObject(o, "code", c->code);
	cJSON_AddStringToObject(o, "name", c->name);
	add_id(o, "parent_id", c->parent_id);
	cJSON_AddNumberToObject(o, "deadline_hours", c->deadline_hours);
	cJSON_AddStringToObject(o, "kinds", kinds);
	cJSON_AddBoolToObject(o, "confidential", c->confidential);
	add_str_or_null(o, "service_code", c->service_code);
	cJSON_AddBoolToObject(o, "active", c->active);
	return o;
}

cJSON *api_user_json(const struct user *u)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)u->id);
	cJSON_AddStringToObject(o, "username", u->username);
	cJSON_AddStringToObject(o, "name", u->name);
	cJSON_AddStringToObject(o, "role", role_name(u->role));
	add_id(o, "unit_id", u->unit_id);
	cJSON_AddBoolToObject(o, "active", u->active);
	api_add_time(o, "created_at", u->created_at);
	return o;
}

cJSON *api_session_json(const struct live_session *s)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)s->id);
	add_id(o, "unit_id", s->unit_id);
	add_id(o, "host_user_id", s->host_user_id);
	cJSON_AddStringToObject(o, "title", s->title);
	api_add_time(o, "starts_at", s->starts_at);
	api_add_time(o, "ends_at", s->ends_at);
	api_add_time(o, "created_at", s->created_at);
	return o;
}

cJSON *api_referral_json(struct core *c, const struct referral *h)
{
	cJSON *o = cJSON_CreateObject();
	struct user u;
	struct err e;

	cJSON_AddStringToObject(o, "kind", hop_kind_name(h->kind));
	add_id(o, "from_unit", h->from_unit);
	add_id(o, "to_unit", h->to_unit);
	/* a citizen's hop (an objection) is «شهروند», never who */
	if (!h->actor_id && str_eq(h->actor, "citizen")) {
		cJSON_AddStringToObject(o, "actor", "شهروند");
		cJSON_AddStringToObject(o, "actor_name", "شهروند");
	} else {
		cJSON_AddStringToObject(o, "actor", h->actor);
		/* people read names, not usernames (the hop's user by id;
		 * "system:..." has none) */
		err_clear(&e);
		if (h->actor_id && user_get(c, h->actor_id, &u, &e) == 0 && u.name[0])
			cJSON_AddStringToObject(o, "actor_name", u.name);
		else
			cJSON_AddNullToObject(o, "actor_name");
	}
	add_str_or_null(o, "reason", h->reason);
	api_add_time(o, "deadline", h->deadline);
	api_add_time(o, "at", h->at);
	return o;
}
