/*
 * http.h - what a request handler sees: the request, its reply, the route
 * table and the helpers that read input and write answers.
 *
 * The server (server.c) owns libmicrohttpd; handlers never include its
 * header.  A request arrives, the server reads the body up to its cap,
 * matches a route (router.c), refuses a cross-site state change,
 * authenticates and checks CSRF (auth_identify and auth_csrf_ok in
 * api_auth.c), parses a JSON body when the route asks for one, then calls
 * the route's handler exactly once (dispatch in server.c).  The handler answers by calling one http_reply_*
 * function (the last call wins); the server adds the security headers,
 * queues the answer and writes one access-log line when it is sent.
 *
 * Every string a handler gets from a request (path parameters, query
 * arguments, headers) has been bounded and, for path and query, percent-
 * decoded and checked to be UTF-8 without NUL; it lives as long as the
 * request.
 */
#ifndef HAMGAN_HTTP_HTTP_H
#define HAMGAN_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/err.h"
#include "core/actor.h"
#include "core/user.h"

struct cJSON;
struct field_errs;
struct http_server;
struct req_str;

enum http_method {
	HTTP_GET = 1 << 0,
	HTTP_HEAD = 1 << 1,
	HTTP_POST = 1 << 2,
	HTTP_PUT = 1 << 3,
	HTTP_PATCH = 1 << 4,
	HTTP_DELETE = 1 << 5,
	HTTP_OTHER = 1 << 6,
};

enum route_flags {
	ROUTE_JSON = 1 << 0,	/* the body is a JSON object: parsed into r->json
				 * (an empty body counts as {}) */
	ROUTE_AUTH = 1 << 1,	/* needs a signed-in user (401 otherwise) */
	ROUTE_STATIC = 1 << 2,	/* the pattern is a prefix: static files */
	ROUTE_NOCSRF = 1 << 3,	/* a state change that needs no session (login,
				 * citizen forms, webhooks): Origin still checked */
	ROUTE_UPLOAD = 1 << 4,	/* the body is a file's raw bytes, up to
				 * CAP_ATTACH_BYTES instead of max_body */
	ROUTE_OPEN311 = 1 << 5,	/* Open311 (/open311/v2): no session is read and
				 * neither Origin nor CSRF checked (the api_key
				 * authenticates); the handler reads the raw body */
	ROUTE_SOLO = 1 << 6,	/* a state-changing method the worker thread runs
				 * itself instead of queuing it to the writer
				 * (writer.h): a read posted to keep a mobile out
				 * of the URL, or a write whose argon2id would
				 * hold every other write up; its own writes
				 * commit (and fsync) alone */
	ROUTE_PREP = 1 << 7,	/* the handler is called twice for a write that
				 * goes to the writer: first in the worker thread
				 * with r->preparing set, to read and check the
				 * request and do the work that needs no write
				 * (it may answer: that ends the request), then in
				 * the writer's batch; what the first call keeps
				 * for the second goes in r->prep */
	ROUTE_KEEP = 1 << 8,	/* a read that may join the read snapshot its
				 * thread kept from the request before, while
				 * nothing has changed (a run of tracking
				 * look-ups; core_batch_snapshot_keep) */
};

struct http_req;
typedef void (*http_handler)(struct http_req *r);

/*
 * One row of a route table.  pattern is a path with {name} segments that
 * match one non-empty segment each ("/api/v1/messages/{code}/{action}").
 */
struct http_route {
	unsigned methods;	/* enum http_method bits */
	const char *pattern;
	http_handler fn;
	unsigned flags;		/* enum route_flags */
};

#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_REPLY_HEADERS 8

struct http_reply {
	unsigned status;
	const char *type;		/* Content-Type, static string */
	struct buf body;		/* the answer's bytes, owned */
	struct cJSON *json;		/* or a JSON answer not yet printed, owned:
					 * printed into body when the answer is
					 * queued, by the worker thread (a handler
					 * run by the writer leaves it to them) */
	int fd;				/* or a file to send (>= 0): owned */
	uint64_t fd_size;
	bool no_store;			/* Cache-Control: no-store (API answers) */
	int nheaders;
	char *hname[HTTP_MAX_REPLY_HEADERS];	/* owned */
	char *hvalue[HTTP_MAX_REPLY_HEADERS];	/* owned */
};

/* The signed-in actor, filled by the authentication step. */
struct http_auth {
	bool signed_in;
	bool by_bearer;			/* token in Authorization, not a cookie */
	struct actor actor;		/* the user's actor when signed in */
	char token[SESSION_TOKEN_HEX + 1];	/* the session token as sent */
};

struct http_req {
	struct http_server *srv;
	void *conn;			/* struct MHD_Connection */
	unsigned method;		/* enum http_method bit */
	char method_name[16];
	char path[CAP_HTTP_URI];	/* percent-decoded path, no query */
	char raw_path[CAP_HTTP_URI];	/* as sent (for the log), sanitised */
	bool bad_path;			/* the path failed decoding */
	const struct http_route *route;
	int nparams;
	const char *pname[HTTP_MAX_PARAMS];
	char pvalue[HTTP_MAX_PARAMS][256];
	struct buf body;
	size_t body_cap;		/* max_body, or CAP_ATTACH_BYTES (ROUTE_UPLOAD) */
	bool upload;			/* the route takes a file (ROUTE_UPLOAD) */
	bool upload_slot;		/* holds one of CAP_HTTP_UPLOADS */
	bool body_too_big;
	uint64_t body_seen;		/* bytes received, kept or not */
	struct cJSON *json;		/* parsed body for ROUTE_JSON routes */
	char client[64];		/* the peer's address as text */
	char client_key[64];		/* what every per-address limit counts:
					 * the address, an IPv6 one's /64
					 * (ratelimit_key) */
	struct http_auth auth;
	struct http_reply reply;
	bool replied;
	bool queued;
	bool must_close;		/* answer with Connection: close */
	bool to_writer;			/* dispatch: the writer runs the handler */
	bool parked;			/* queued to the writer, the connection
					 * suspended until its batch is durable */
	bool preparing;			/* ROUTE_PREP: the worker's first call */
	void *prep;			/* ROUTE_PREP: what the first call keeps for
					 * the second, freed with prep_free */
	void (*prep_free)(void *prep);
	void (*finish)(struct http_req *r);	/* set by a handler the writer
					 * ran: called by the worker thread once
					 * the batch is durable, before the answer
					 * goes out, to make the answer there
					 * (reads only, with the worker's own
					 * connection) when the writer's call left
					 * a status below 300 */
	int route_rc;			/* router_match's result, made once */
	unsigned route_allowed;		/* and its allowed methods */
	uint64_t t0_us;
	unsigned log_status;
	uint64_t log_bytes;
	struct req_str *strs;		/* decoded query values, freed at the end */
};

/* ---- reading the request ---- */

/* A path parameter of the matched route, or NULL. */
const char *http_param(const struct http_req *r, const char *name);
/*
 * A query argument, percent-decoded into the request's storage (valid until
 * the request ends).  NULL when absent.  Returns NULL and sets *bad when the
 * value is not UTF-8, holds NUL or is longer than CAP_HTTP_URI.
 */
const char *http_query(struct http_req *r, const char *name, bool *bad);
/* A request header (case-insensitive name), or NULL. */
const char *http_header(const struct http_req *r, const char *name);
/* A cookie's value, or NULL. */
const char *http_cookie(const struct http_req *r, const char *name);

/* ---- answering ---- */

/* Answer status with body (a cJSON tree, consumed; NULL for no body). */
void http_reply_json(struct http_req *r, unsigned status, struct cJSON *body);
/* Answer status with JSON text written by hand (base/jw.h) into the buffer
 * this returns, then http_reply_json_end: for the hottest answers, where
 * building and printing a cJSON tree was a tenth of the server's time. */
struct buf *http_reply_json_begin(struct http_req *r, unsigned status);
void http_reply_json_end(struct http_req *r);
/* Answer with raw bytes of the given Content-Type (copied). */
void http_reply_bytes(struct http_req *r, unsigned status, const char *type,
		      const void *data, size_t len);
/*
 * Answer the error {"error":{"code":..,"message":..,"field":..,"fields":[..]}}
 * with the status mapped from err->code (see http_status_of).  "fields"
 * lists {"field","message"} in Persian: every entry of fields when given,
 * else the one field err names (422, 409, 413), worded by fielderr.h.
 */
void http_reply_err(struct http_req *r, const struct err *err);
void http_reply_err_fields(struct http_req *r, const struct err *err,
			   const struct field_errs *fields);
/* The same from a code, field (may be NULL) and message. */
void http_reply_error(struct http_req *r, int code, const char *field,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Answer with an explicit status and error code string (415, 405, 431...). */
void http_reply_status_error(struct http_req *r, unsigned status, const char *code,
			     const char *message);
/* Answer 429 with Retry-After: retry_after seconds. */
void http_reply_limited(struct http_req *r, unsigned retry_after);
/* Add a header to the answer (copied); ignored past HTTP_MAX_REPLY_HEADERS. */
void http_reply_header(struct http_req *r, const char *name, const char *value);

/* The HTTP status of an ERR_* code: one table for the whole API. */
unsigned http_status_of(int code);

/* Free everything a reply owns; it is empty again. */
void http_reply_release(struct http_reply *rep);
/* Print a JSON answer left unprinted (rep->json) into rep->body. */
void http_reply_print(struct http_reply *rep);

/* ---- routes ---- */

/*
 * Find the route for method and path; fill r->route and its parameters.
 * Returns 0, ERR_NOTFOUND (no pattern matches) or ERR_DENIED (a pattern
 * matches but not the method; *allowed gets the methods that would).
 */
int router_match(struct http_req *r, unsigned *allowed);

/* Milliseconds since the epoch and monotonic microseconds. */
uint64_t http_now_us(void);

#endif
