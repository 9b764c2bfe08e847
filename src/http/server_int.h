/*
 * server_int.h - the server's insides shared by the files of src/http (not
 * for handlers): the server struct, the rate limiters, the static-file cache
 * and the authentication step the dispatcher runs before a handler.
 */
#ifndef HAMGAN_HTTP_SERVER_INT_H
#define HAMGAN_HTTP_SERVER_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"
#include "http/ratelimit.h"
#include "http/server.h"

struct conns;
struct static_cache;
struct writer;

struct http_server {
	struct loops *loops;		/* the worker threads and their daemons (loop.h) */
	bool v6;			/* listening on IPv6 */
	int listen_fd;			/* ours: see acceptor() in server.c */
	pthread_t acceptor;
	struct http_config cfg;
	void *app;			/* the caller's context (http_server_app); hamgan
				 * serve passes NULL: each worker thread opens its
				 * own core (api_core) */
	atomic_int inflight;		/* requests begun and not yet completed */
	atomic_int uploads;		/* upload bodies in memory (CAP_HTTP_UPLOADS) */
	atomic_bool draining;		/* stopping: answers say Connection: close */
	char web_root[PATH_MAX];	/* realpath of cfg.web_root, or "" */
	struct ratelimit *rl_login;
	struct ratelimit *rl_track;
	struct ratelimit *rl_apikey;	/* Open311 POSTs, per API key */
	struct ratelimit *rl_sms_fail;	/* wrong SMS webhook secrets */
	struct static_cache *cache;
	struct conns *conns;		/* open connections and their deadlines */
	struct writer *writer;		/* group commit (writer.h); NULL: every
					 * handler runs in its worker thread */
	pthread_key_t core_key;		/* each worker thread's struct core */
	pthread_mutex_t cores_mu;	/* guards cores */
	struct worker_core *cores;	/* every worker thread's core (api_common.c) */
	char csp[1024];			/* Content-Security-Policy (tile origin added) */
	/* storage full (server.c): when a write was last refused for lack of
	 * space (0: none since the last successful write), refusals not yet
	 * logged, when the last log line was written */
	_Atomic uint64_t full_at_us;
	atomic_uint full_unlogged;
	_Atomic uint64_t full_logged_us;
};

/*
 * Storage full (server.c).  server_note_full records a write refused for
 * lack of space (logged at most every CAP_LOG_SUMMARY_SECONDS, with a
 * count); a successful write clears it.  server_storage_full says whether
 * /healthz should report it: a refusal within CAP_STORE_FULL_RETRY_SECONDS
 * and no successful write since.
 */
void server_note_full(struct http_server *srv, const char *detail);
bool server_storage_full(struct http_server *srv);

/* The per-thread core's key (api_common.c). */
int api_core_key_init(struct http_server *srv);
void api_core_key_release(struct http_server *srv);
/*
 * A worker thread's kept read snapshot (core_batch_snapshot_keep): api_core
 * lets it go before handing the core out, or claims it when the route reads
 * in one (ROUTE_KEEP) and it is still fresh; api_core_done, once the
 * request's handler is over, gives a claimed one that was not used back to
 * the sweeper, which ends those left stale on threads with nothing more to
 * do (api_snapshot_sweep).
 */
void api_core_done(struct http_req *r);
void api_snapshot_sweep(void *srv);

/* A decoded query value owned by the request. */
struct req_str {
	struct req_str *next;
	char s[];
};

/* Set up and free the rate limiters and static files (static.c). */
int server_parts_init(struct http_server *srv, struct err *err);
void server_parts_release(struct http_server *srv);

/*
 * Authentication (api_auth.c).  auth_identify reads the session cookie or
 * the bearer token and fills r->auth (it may answer, e.g. 503).
 * auth_csrf_ok says whether X-Hamgan-CSRF carries the session's CSRF token.
 * auth_release frees what identify kept.
 */
void auth_identify(struct http_req *r);
bool auth_csrf_ok(const struct http_req *r);
void auth_release(struct http_req *r);

#endif
