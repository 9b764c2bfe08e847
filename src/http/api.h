/*
 * api.h - the route tables of each API area (one api_*.c each) and helpers
 * the areas share (api_common.c): the thread's core, the actor, reading a
 * validated body, and the JSON shapes of the core's records.
 *
 * router.c tries the tables in API_ROUTE_TABLES order, static files last;
 * the citizens' tracking look-up, the busiest route, is first (each table
 * before it cost the look-up a pass over its patterns).  No two tables
 * claim the same path.
 */
#ifndef HAMGAN_HTTP_API_H
#define HAMGAN_HTTP_API_H

#include <stdbool.h>
#include <stdint.h>

#include "core/actor.h"
#include "core/category.h"
#include "core/live.h"
#include "core/msg.h"
#include "core/unit.h"
#include "core/user.h"
#include "http/http.h"
#include "http/jval.h"

struct cJSON;
struct core;

extern const struct http_route api_system_routes[];
extern const struct http_route api_auth_routes[];
extern const struct http_route api_attach_routes[];
extern const struct http_route api_messages_routes[];
extern const struct http_route api_notes_routes[];
extern const struct http_route api_callers_routes[];
extern const struct http_route api_track_routes[];
extern const struct http_route api_sms_routes[];
extern const struct http_route api_units_routes[];
extern const struct http_route api_categories_routes[];
extern const struct http_route api_users_routes[];
extern const struct http_route api_sessions_routes[];
extern const struct http_route api_audit_routes[];
extern const struct http_route api_reports_routes[];
extern const struct http_route api_verify_routes[];
extern const struct http_route api_places_routes[];
extern const struct http_route open311_routes[];
extern const struct http_route static_routes[];

#define API_ROUTE_TABLES \
	api_track_routes, api_places_routes, \
	api_auth_routes, api_attach_routes, api_notes_routes, api_messages_routes, \
	api_callers_routes, \
	api_sms_routes, api_units_routes, api_categories_routes, api_users_routes, \
	api_sessions_routes, api_audit_routes, api_reports_routes, api_verify_routes, \
	open311_routes, static_routes,

/*
 * The core of the calling thread (one per worker thread: a struct core is
 * not thread-safe), opened on first use.  NULL after answering 503 when the
 * database cannot be opened.
 */
struct core *api_core(struct http_req *r);

/* Validate r->json against fields into out; on failure answer 422 and
 * return false. */
bool api_body(struct http_req *r, const struct jval_field *fields, void *out);

/* Answer err (mapped by http_status_of) and return false: `return api_fail(r, &e);` */
bool api_fail(struct http_req *r, const struct err *e);

/* True when the signed-in actor has one of the roles (bits 1 << ROLE_X);
 * else answers 403 and returns false. */
bool api_require_role(struct http_req *r, unsigned roles);

/*
 * The one way the handlers use a rate limiter (http/ratelimit.h): rl is one
 * of struct http_server's bucket tables (rl_login, rl_track, ...), key the bucket's name, or r->client_key
 * (the address, an IPv6 client's /64) when key is NULL.
 *
 * api_limit_wait takes a token (API_LIMIT_TAKE) or only looks whether one
 * is there (API_LIMIT_PEEK) and returns 0 when allowed, else the seconds to
 * wait; it answers nothing, for a handler with an error format of its own
 * (Open311).  A limit that counts failures only peeks before the try and
 * takes when the try failed (the SMS webhook's wrong secrets).
 *
 * api_limit and api_limit_peek do the same and, past the limit, answer 429
 * with Retry-After (the seconds until the next token) and return false;
 * true: go on.
 */
struct ratelimit;
enum api_limit_how { API_LIMIT_TAKE, API_LIMIT_PEEK };
unsigned api_limit_wait(struct http_req *r, struct ratelimit *rl, const char *key,
			enum api_limit_how how);
bool api_limit(struct http_req *r, struct ratelimit *rl, const char *key);
bool api_limit_peek(struct http_req *r, struct ratelimit *rl, const char *key);
#define ROLEBIT(x) (1u << (x))

/* ISO 8601 UTC text of t ("2026-03-20T08:30:00Z") into out (>= 21 bytes). */
void api_time_text(int64_t t, char *out, size_t outsz);
/* Add key: ISO time, or null when t is 0. */
void api_add_time(struct cJSON *o, const char *key, int64_t t);
/* The same written with jw (base/jw.h). */
void api_jw_time(struct buf *b, const char *key, int64_t t);
/* Parse "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SSZ"; 0 or ERR_INVALID. */
int api_parse_time(const char *s, int64_t *out);

/* Resolve a unit / category by code (or decimal id); answers 422 naming
 * field and returns false when unknown. */
bool api_unit_ref(struct http_req *r, struct core *c, const char *field, const char *ref,
		  int64_t *id);
bool api_category_ref(struct http_req *r, struct core *c, const char *field, const char *ref,
		      int64_t *id);

/* JSON shapes.  A message as the actor was allowed to read it: the record
 * and its texts (identity already blanked by the core when hidden).
 * api_msg_json_row is a row of a list: it reads that row's texts alone
 * (msg_text_get), so a page never holds more than one message's texts;
 * NULL with err filled when they cannot be read. */
struct cJSON *api_msg_json(const struct msg *m, const struct msg_text *text, int64_t now);
struct cJSON *api_msg_json_row(struct core *c, const struct msg *m, int64_t now,
			       struct err *err);
struct cJSON *api_unit_json(const struct unit *u);
struct cJSON *api_category_json(const struct category *c);
struct cJSON *api_user_json(const struct user *u);
struct cJSON *api_session_json(const struct live_session *s);
/* A hop, with actor_name: the person's name when the actor is a user. */
struct cJSON *api_referral_json(struct core *c, const struct referral *h);
/* A message's timeline (api_timeline.c): every event for staff, with its
 * details, hop and SMS; the public steps for the citizen's tracking view. */
struct msg_event;
struct msg_public_event;
struct cJSON *api_timeline_json(struct core *c, const struct msg_event *ev, size_t n);
void api_public_timeline_jw(struct buf *b, const char *key, const struct msg_public_event *ev,
			    size_t n);
/* The message named by the path's {code} as the actor may see it, with its
 * texts when text is not NULL; on failure answers (404, 403, ...) and
 * returns false (api_messages.c). */
struct http_req;
struct msg;
bool api_msg_load(struct http_req *r, struct core *c, struct msg *m, struct msg_text *text);
/* The same for a handler that needs only the message's id (its code is the
 * path's {code}, as given: ten ASCII digits). */
bool api_msg_id(struct http_req *r, struct core *c, int64_t *id);
/* {username, name} of the message's assignee, or null (api_notes.c). */
struct actor;
struct cJSON *api_assignee_json(struct core *c, const struct actor *a, int64_t msg_id);

/* A query argument as a boolean ("true"/"1"/"false"/"0"); false and 422 on
 * anything else (*present tells whether it was given). */
bool api_query_bool(struct http_req *r, const char *name, bool *out, bool *present);
/* A query argument checked as text up to max bytes; NULL when absent;
 * *ok false after answering 422. */
const char *api_query_text(struct http_req *r, const char *name, size_t max, bool *ok);

#endif
