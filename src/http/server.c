/*
 * server.c - libmicrohttpd glue: accept, read a bounded body, dispatch to a
 * route, add the security headers, queue the answer, log one line, and stop
 * gracefully.
 *
 * libmicrohttpd runs as four daemons a worker thread, shared by the
 * threads in epoll loops of ours (loop.h: its own epoll threads stall,
 * docs/deployment.md).  The listening socket is ours: one thread accepts,
 * admits each connection to the connection table (conns.h: per-address
 * limit, deadlines for slow clients, room for prompt ones) and queues it
 * for a daemon.  Request heads with ambiguous framing are refused before
 * routing (smuggling).
 * libmicrohttpd's own URL unescaping is replaced by a no-op so this file
 * decodes the path and every query argument itself, refusing %00, bad escapes
 * and invalid UTF-8 instead of silently cutting the string at a NUL.
 */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/caps.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/str.h"
#include "http/api.h"
#include "http/conns.h"
#include "http/http.h"
#include "http/jval.h"
#include "http/loop.h"
#include "http/ratelimit.h"
#include "http/server.h"
#include "http/server_int.h"
#include "http/writer.h"

static const char csp_fmt[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
	"img-src 'self' data:%s%s; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/*
 * The policy, with the origin of the map's tile server (map_tiles) allowed
 * for images when one is configured (docs/config.md).  The URL must be
 * http(s)://HOST[:PORT]/... with {z}, {x} and {y} and nothing that could
 * break out of the header.
 */
static int build_csp(struct http_server *srv, struct err *err)
{
	const char *url = srv->cfg.map_tiles, *host;
	char origin[sizeof(srv->cfg.map_tiles)] = "";
	size_t n;

	if (url[0]) {
		host = str_starts(url, "https://") ? url + 8 : str_starts(url, "http://") ? url + 7 :
			NULL;
		n = host ? (size_t)(host - url) + strcspn(host, "/") : 0;
		if (!host || n == (size_t)(host - url) || !url[n] || !strstr(url, "{z}") ||
		    !strstr(url, "{x}") || !strstr(url, "{y}") ||
		    strcspn(url, " \t;,'\"\\<>") != strlen(url) ||
		    strcspn(host, "/@?#") != strcspn(host, "/"))
			return err_set(err, ERR_INVALID, "map_tiles", "map_tiles must be an http(s) "
				       "URL with {z}, {x} and {y}, such as "
				       "https://tiles.example.ir/{z}/{x}/{y}.png");
		memcpy(origin, url, n);
		origin[n] = '\0';
	}
	snprintf(srv->csp, sizeof(srv->csp), csp_fmt, origin[0] ? " " : "", origin);
	return 0;
}

const struct http_config *http_server_config(const struct http_server *srv)
{
	return &srv->cfg;
}

void *http_server_app(const struct http_server *srv)
{
	return srv->app;
}

/* ---- decoding ---- */

/* A path or query value: percent-decoded, no NUL, UTF-8 (base/str.h). */
static long pct_decode(const char *in, size_t len, char *out, size_t outsz)
{
	return str_pct_decode(in, len, false, out, outsz);
}

/* Copy s into dst for the log, escaping bytes that could forge a line. */
static void sanitise(char *dst, size_t dstsz, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s && o + 4 < dstsz; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c == 0x7f || c == '"' || c == '\\') {
			dst[o++] = '%';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		} else {
			dst[o++] = (char)c;
		}
	}
	dst[o] = '\0';
}

/* libmicrohttpd's unescape hook: leave everything as sent. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

/* ---- request helpers for handlers ---- */

const char *http_header(const struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(const struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *http_query(struct http_req *r, const char *name, bool *bad)
{
	const char *raw = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
	struct req_str *s;
	size_t len;

	if (!raw)
		return NULL;
	len = strlen(raw);
	if (len >= CAP_HTTP_URI) {
		if (bad)
			*bad = true;
		return NULL;
	}
	s = xmalloc(sizeof(*s) + len + 1);
	if (pct_decode(raw, len, s->s, len + 1) < 0) {
		free(s);
		if (bad)
			*bad = true;
		return NULL;
	}
	s->next = r->strs;
	r->strs = s;
	return s->s;
}

/* ---- request lifecycle ---- */

/* A socket address as text ("-" when there is none or it is not IP). */
static void addr_text(const struct sockaddr *sa, char *out, size_t outsz)
{
	str_copy(out, outsz, "-");
	if (!sa)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			  out, (socklen_t)outsz);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  out, (socklen_t)outsz);
}

static void client_address(struct http_req *r, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	addr_text(ci ? ci->client_addr : NULL, r->client, sizeof(r->client));
}

/*
 * Behind a reverse proxy every request comes from the proxy.  When the peer
 * is the configured trusted_proxy, the client is the last address in
 * X-Forwarded-For (the one the proxy itself added; earlier ones are the
 * client's own claims), if it is a well-formed IPv4 or IPv6 address.
 */
static void forwarded_for(struct http_req *r, struct MHD_Connection *c)
{
	const char *xff, *last;
	char addr[64];
	unsigned char bin[sizeof(struct in6_addr)];
	size_t n;

	if (!r->srv->cfg.trusted_proxy[0] || !str_eq(r->client, r->srv->cfg.trusted_proxy))
		return;
	xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
	if (!xff)
		return;
	last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ')
		last++;
	n = strcspn(last, " ");
	if (n == 0 || n >= sizeof(addr))
		return;
	memcpy(addr, last, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, bin) == 1 || inet_pton(AF_INET6, addr, bin) == 1)
		str_copy(r->client, sizeof(r->client), addr);
}

static unsigned method_bit(const char *m)
{
	static const struct {
		const char *name;
		unsigned bit;
	} t[] = {
		{ "GET", HTTP_GET }, { "HEAD", HTTP_HEAD }, { "POST", HTTP_POST },
		{ "PUT", HTTP_PUT }, { "PATCH", HTTP_PATCH }, { "DELETE", HTTP_DELETE },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (str_eq(t[i].name, m))
			return t[i].bit;
	return HTTP_OTHER;
}

/* A route taking a file (ROUTE_UPLOAD) takes a body up to CAP_ATTACH_BYTES,
 * when one of the CAP_HTTP_UPLOADS slots is free; every other one up to
 * max_body. */
static size_t body_cap(struct http_req *r)
{
	r->route_rc = r->bad_path ? ERR_NOTFOUND : router_match(r, &r->route_allowed);
	if (r->route_rc != 0 || !(r->route->flags & ROUTE_UPLOAD))
		return (size_t)r->srv->cfg.max_body;
	r->upload = true;
	if (atomic_fetch_add(&r->srv->uploads, 1) < CAP_HTTP_UPLOADS)
		r->upload_slot = true;
	else
		atomic_fetch_sub(&r->srv->uploads, 1);
	return CAP_ATTACH_BYTES;
}

/*
 * A request is about 10 KiB.  Each thread keeps the last one it freed for
 * its next request: taking that size from glibc's large bins made it
 * consolidate the fast bins on every request (malloc_consolidate was 3% of
 * a tracking look-up).  A thread's spare is freed when the thread ends.
 */
static pthread_key_t spare_key;
static bool spare_ok;

static void spare_make(void)
{
	spare_ok = pthread_key_create(&spare_key, free) == 0;
}

static struct http_req *req_alloc(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct http_req *r;

	pthread_once(&once, spare_make);
	r = spare_ok ? pthread_getspecific(spare_key) : NULL;
	if (!r)
		return xcalloc(1, sizeof(*r));
	pthread_setspecific(spare_key, NULL);
	memset(r, 0, sizeof(*r));
	return r;
}

static void req_dealloc(struct http_req *r)
{
	if (spare_ok && !pthread_getspecific(spare_key) && pthread_setspecific(spare_key, r) == 0)
		return;
	free(r);
}

static struct http_req *req_new(struct http_server *srv, struct MHD_Connection *c,
				const char *url, const char *method)
{
	struct http_req *r = req_alloc();
	size_t plen = strcspn(url, "?");

	r->t0_us = http_now_us();
	r->srv = srv;
	r->conn = c;
	r->reply.fd = -1;
	buf_init(&r->reply.body, SIZE_MAX / 2);
	sanitise(r->method_name, sizeof(r->method_name), method);
	r->method = method_bit(method);
	{
		char tmp[CAP_HTTP_URI];

		str_copy(tmp, sizeof(tmp), url);
		if (plen < sizeof(tmp))
			tmp[plen] = '\0';
		sanitise(r->raw_path, sizeof(r->raw_path), tmp);
	}
	if (plen >= CAP_HTTP_URI || url[0] != '/' ||
	    pct_decode(url, plen, r->path, sizeof(r->path)) < 0) {
		r->bad_path = true;
		r->path[0] = '\0';
	}
	/* a caller's mobile in the path never reaches a log line (access or
	 * error): the desk posts it in a body; GET /api/v1/callers/{mobile}
	 * is logged without it */
	if (str_starts(r->path, "/api/v1/callers/") && !str_eq(r->path, "/api/v1/callers/correct"))
		str_copy(r->raw_path, sizeof(r->raw_path), "/api/v1/callers/*");
	r->body_cap = body_cap(r);
	buf_init(&r->body, r->body_cap);
	client_address(r, c);
	forwarded_for(r, c);
	ratelimit_key(r->client, r->client_key, sizeof(r->client_key));
	atomic_fetch_add(&srv->inflight, 1);
	return r;
}

static void req_free(struct http_req *r)
{
	struct req_str *s, *next;

	for (s = r->strs; s; s = next) {
		next = s->next;
		free(s);
	}
	auth_release(r);
	if (r->prep_free)
		r->prep_free(r->prep);
	cJSON_Delete(r->json);
	buf_release(&r->body);
	http_reply_release(&r->reply);
	if (r->upload_slot)
		atomic_fetch_sub(&r->srv->uploads, 1);
	req_dealloc(r);
}

/* ---- connections: per-address counts and deadlines (conns.h) ---- */

static struct conn *conn_slot(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct http_server *srv = cls;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fd =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);

		*socket_context = fd ? conns_find(srv->conns, fd->connect_fd) : NULL;
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		conns_closed(srv->conns, *socket_context);
		*socket_context = NULL;
		loop_closed(loop_current());
	}
}

/* The declared body of a complete head: its length, -1 chunked, 0 none. */
static int64_t declared_body(struct MHD_Connection *c)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
	int64_t n;

	if (MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding"))
		return -1;
	if (cl && num_parse(cl, 0, INT64_MAX, &n) == 0)
		return n;
	return 0;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct http_req *r = *con_cls;
	uint64_t us;

	if (!r)
		return;
	*con_cls = NULL;
	conns_request_done(srv->conns, conn_slot(c), http_now_us());
	us = http_now_us() - r->t0_us;
	log_access("%s \"%s %s\" %u %llu %lluus%s", r->client,
		r->method_name, r->raw_path, r->log_status, (unsigned long long)r->log_bytes,
		(unsigned long long)us,
		toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
	req_free(r);
	atomic_fetch_sub(&srv->inflight, 1);
}

/* ---- answering ---- */

static bool is_state_changing(unsigned method)
{
	return method & (HTTP_POST | HTTP_PUT | HTTP_PATCH | HTTP_DELETE);
}

void server_note_full(struct http_server *srv, const char *detail)
{
	uint64_t now = http_now_us(), last = atomic_load(&srv->full_logged_us);

	atomic_store(&srv->full_at_us, now);
	atomic_fetch_add(&srv->full_unlogged, 1);
	if (last && now - last < CAP_LOG_SUMMARY_SECONDS * 1000000ull)
		return;
	/* One thread wins the right to log this period's line. */
	if (!atomic_compare_exchange_strong(&srv->full_logged_us, &last, now))
		return;
	log_error("storage full: %u write(s) refused (503) since the last such line; "
		  "free disk space (%s)", atomic_exchange(&srv->full_unlogged, 0), detail);
}

bool server_storage_full(struct http_server *srv)
{
	uint64_t at = atomic_load(&srv->full_at_us);

	return at && http_now_us() - at < CAP_STORE_FULL_RETRY_SECONDS * 1000000ull;
}

/* A write went through: whatever was full has room again. */
static void note_write_ok(struct http_server *srv)
{
	if (atomic_exchange(&srv->full_at_us, 0))
		log_info("storage: writes succeed again");
}

static void add_common_headers(struct http_req *r, struct MHD_Response *resp)
{
	struct http_server *srv = r->srv;
	int i;

	MHD_add_response_header(resp, "Content-Security-Policy", srv->csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	if (srv->cfg.secure_cookies)
		MHD_add_response_header(resp, "Strict-Transport-Security",
					"max-age=31536000");
	if (r->reply.type)
		MHD_add_response_header(resp, "Content-Type", r->reply.type);
	MHD_add_response_header(resp, "Cache-Control",
				r->reply.no_store ? "no-store" : "no-cache");
	for (i = 0; i < r->reply.nheaders; i++)
		MHD_add_response_header(resp, r->reply.hname[i], r->reply.hvalue[i]);
	if (r->must_close || atomic_load(&srv->draining))
		MHD_add_response_header(resp, "Connection", "close");
}

static enum MHD_Result queue(struct http_req *r, struct MHD_Connection *c)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (!r->replied)
		http_reply_status_error(r, 500, "internal", "no answer");
	if (r->reply.fd >= 0) {
		resp = MHD_create_response_from_fd64(r->reply.fd_size, r->reply.fd);
		if (resp)
			r->reply.fd = -1;	/* libmicrohttpd closes it */
		r->log_bytes = r->reply.fd_size;
	} else {
		size_t len;
		char *data;

		http_reply_print(&r->reply);
		data = buf_detach(&r->reply.body, &len);

		resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
		if (!resp)
			free(data);
		r->log_bytes = len;
	}
	if (!resp)
		return MHD_NO;
	add_common_headers(r, resp);
	r->log_status = r->reply.status;
	if (is_state_changing(r->method) && r->reply.status < 300 && r->route)
		note_write_ok(r->srv);
	ret = MHD_queue_response(c, r->reply.status, resp);
	MHD_destroy_response(resp);
	r->queued = ret == MHD_YES;
	return ret;
}

/*
 * A browser's cross-site request never changes state: when the browser says
 * where the request comes from (Sec-Fetch-Site, Origin), it must be this
 * site.  Clients that send neither (curl, the phone system) pass here and
 * are held to a session and the CSRF token or a bearer token instead.
 */
static bool same_origin(const struct http_req *r)
{
	const char *site = http_header(r, "Sec-Fetch-Site");
	const char *origin = http_header(r, "Origin");
	const char *host = http_header(r, "Host");
	const char *o;

	if (site && !str_eq(site, "same-origin") && !str_eq(site, "none"))
		return false;
	if (!origin)
		return true;
	if (!host || str_eq(origin, "null"))
		return false;
	o = strstr(origin, "://");
	if (!o)
		return false;
	return strcasecmp(o + 3, host) == 0;
}

static bool json_content_type(const char *ct)
{
	size_t n = strlen("application/json");

	if (!ct || strncasecmp(ct, "application/json", n) != 0)
		return false;
	ct += n;
	while (*ct == ' ')
		ct++;
	return *ct == '\0' || *ct == ';';
}

static void parse_json_body(struct http_req *r)
{
	struct err e;
	const char *end = NULL;

	err_clear(&e);
	if (r->body.len == 0) {
		r->json = cJSON_CreateObject();
		return;
	}
	if (!json_content_type(http_header(r, "Content-Type"))) {
		http_reply_status_error(r, 415, "unsupported_media_type",
					"the body must be application/json");
		return;
	}
	if (jval_scan(r->body.data, r->body.len, &e)) {
		http_reply_status_error(r, 400, "bad_request", e.msg);
		return;
	}
	r->json = cJSON_ParseWithOpts(r->body.data, &end, 1);
	if (!r->json) {
		http_reply_status_error(r, 400, "bad_request", "the body is not valid JSON");
		return;
	}
	if (!cJSON_IsObject(r->json)) {
		http_reply_status_error(r, 400, "bad_request", "the body must be a JSON object");
		return;
	}
}

/*
 * Group commit (writer.h): a state-changing request is answered only once
 * its writes are on the disk.  Its handler runs in the writer's thread,
 * inside a batch with every other write waiting at that moment; the worker
 * thread suspends the connection meanwhile (park) and goes on serving
 * others, so two workers hold hundreds of waiting writes.  ROUTE_SOLO and
 * upload routes run here as before, committing on their own.
 */
static void run_route(struct http_req *r)
{
	if (r->route->flags & ROUTE_PREP) {
		r->preparing = true;
		r->route->fn(r);
		r->preparing = false;
		if (r->replied)
			return;
	}
	if (r->srv->writer && is_state_changing(r->method) &&
	    !(r->route->flags & (ROUTE_SOLO | ROUTE_UPLOAD))) {
		r->to_writer = true;
		return;
	}
	r->route->fn(r);
	if (r->finish && r->reply.status < 300)
		r->finish(r);
}

struct req_job {
	struct writer_job job;	/* first */
	struct http_req *r;
	struct loop *loop;	/* the worker thread that parked it */
};

static void job_run(struct writer_job *j, struct core *c)
{
	struct http_req *r = ((struct req_job *)j)->r;

	(void)c;	/* the handler finds it through api_core */
	r->route->fn(r);
}

static void job_done(struct writer_job *j, const struct err *lost)
{
	struct http_req *r = ((struct req_job *)j)->r;
	struct MHD_Connection *conn = r->conn;
	struct loop *loop = ((struct req_job *)j)->loop;

	/* a write that went with its batch is never reported done */
	if (lost && (!r->replied || r->reply.status < 400))
		http_reply_err(r, lost);
	free(j);
	/* from here on the worker thread owns r again (on_request); its
	 * daemon learns of the resume when it runs next: wake it */
	MHD_resume_connection(conn);
	loop_wake(loop);
}

/*
 * Queue r to the writer and suspend its connection (before the queue: the
 * writer may answer at once).  A writer that is stopping takes nothing: the
 * request is answered 503 here.  Either way on_request runs again once the
 * connection is resumed and queues the answer.  Nothing times a parked
 * connection out: conns.c gives a connection no deadline between its body
 * and its answer (and evicts only those waiting for a head), and
 * libmicrohttpd leaves suspended connections out of its idle timeout.
 */
static void park(struct http_req *r, struct MHD_Connection *c)
{
	struct req_job *rj = xcalloc(1, sizeof(*rj));

	rj->job.run = job_run;
	rj->job.done = job_done;
	rj->r = r;
	rj->loop = loop_current();
	r->parked = true;
	MHD_suspend_connection(c);
	if (!writer_submit(r->srv->writer, &rj->job)) {
		free(rj);
		http_reply_error(r, ERR_UNAVAILABLE, NULL,
				 "the server is stopping or too busy to take writes; try again");
		MHD_resume_connection(c);
		loop_wake(loop_current());
	}
}

static void dispatch(struct http_req *r)
{
	unsigned allowed = 0;
	int rc;

	if (r->bad_path) {
		http_reply_status_error(r, 400, "bad_request", "malformed path");
		return;
	}
	if (r->body_too_big) {
		http_reply_error(r, ERR_TOOBIG, NULL, "the body is larger than %zu bytes",
				 r->body_cap);
		return;
	}
	rc = r->route_rc;	/* body_cap matched the route */
	allowed = r->route_allowed;
	if (rc == ERR_NOTFOUND) {
		http_reply_error(r, ERR_NOTFOUND, NULL, "no such resource");
		return;
	}
	if (rc) {
		struct buf allow = BUF_INIT(128);
		static const char *const names[] = { "GET", "HEAD", "POST", "PUT", "PATCH",
						     "DELETE" };
		size_t i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (allowed & (1u << i))
				buf_addf(&allow, "%s%s", allow.len ? ", " : "", names[i]);
		http_reply_status_error(r, 405, "method_not_allowed", "method not allowed");
		http_reply_header(r, "Allow", allow.data);
		buf_release(&allow);
		return;
	}
	if (r->route->flags & ROUTE_OPEN311) {
		/* another site's app posting with its api_key is the point */
		run_route(r);
		return;
	}
	if (is_state_changing(r->method) && !same_origin(r)) {
		http_reply_error(r, ERR_DENIED, NULL, "cross-site request refused");
		return;
	}
	auth_identify(r);
	if (r->replied)
		return;
	if ((r->route->flags & ROUTE_AUTH) && !r->auth.signed_in) {
		http_reply_error(r, ERR_AUTH, NULL, "sign in first");
		return;
	}
	if (is_state_changing(r->method) && r->auth.signed_in && !r->auth.by_bearer &&
	    !(r->route->flags & ROUTE_NOCSRF) && !auth_csrf_ok(r)) {
		http_reply_error(r, ERR_DENIED, "X-Hamgan-CSRF",
				 "missing or wrong CSRF token (header X-Hamgan-CSRF)");
		return;
	}
	if (r->route->flags & ROUTE_JSON) {
		parse_json_body(r);
		if (r->replied)
			return;
	}
	run_route(r);
}

/* ---- strict framing ---- */

struct head_count {
	unsigned content_length, transfer_encoding, host;
	const char *te;
};

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
				    const char *value)
{
	struct head_count *h = cls;

	(void)kind;
	if (strcasecmp(key, "Content-Length") == 0) {
		h->content_length++;
	} else if (strcasecmp(key, "Transfer-Encoding") == 0) {
		h->transfer_encoding++;
		h->te = value;
	} else if (strcasecmp(key, "Host") == 0) {
		h->host++;
	}
	return MHD_YES;
}

/*
 * Refuse a request head whose framing two parsers could read differently
 * (request smuggling behind a lenient proxy): more than one Content-Length
 * (libmicrohttpd would take the first), Content-Length beside
 * Transfer-Encoding, a Transfer-Encoding other than a single "chunked",
 * and HTTP/1.1 without exactly one Host.  The answer is 400 and the
 * connection is closed: after such a head nobody knows where the next
 * request would begin.  Returns true when it answered.
 */
static bool refuse_ambiguous(struct http_req *r, struct MHD_Connection *c,
			     const char *version)
{
	struct head_count h = { 0, 0, 0, NULL };
	const char *why = NULL;

	MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &h);
	if (h.content_length > 1)
		why = "more than one Content-Length header";
	else if (h.transfer_encoding && h.content_length)
		why = "Content-Length and Transfer-Encoding together";
	else if (h.transfer_encoding > 1 || (h.te && strcasecmp(h.te, "chunked") != 0))
		why = "the only Transfer-Encoding accepted is a single 'chunked'";
	else if (str_eq(version, MHD_HTTP_VERSION_1_1) && h.host != 1)
		why = "an HTTP/1.1 request needs exactly one Host header";
	if (!why)
		return false;
	r->must_close = true;
	http_reply_status_error(r, 400, "bad_request", why);
	return true;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct http_server *srv = cls;
	struct http_req *r = *con_cls;

	if (!r) {
		const char *cl;
		int64_t n;

		r = req_new(srv, c, url, method);
		*con_cls = r;
		if (refuse_ambiguous(r, c, version))
			return queue(r, c);
		conns_head_done(srv->conns, conn_slot(c), declared_body(c), http_now_us());
		/*
		 * Refuse a declared oversize body before reading any of it; the
		 * declared length is never used to allocate.  Every other answer
		 * waits for the second call (queuing on the first makes
		 * libmicrohttpd close a keep-alive connection).
		 */
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (cl && num_parse(cl, 0, INT64_MAX, &n) == 0 && (uint64_t)n > r->body_cap) {
			r->body_too_big = true;
			http_reply_error(r, ERR_TOOBIG, NULL, "the body is larger than %zu bytes",
					 r->body_cap);
			return queue(r, c);
		}
		if (r->upload && !r->upload_slot) {
			r->body_too_big = true;	/* nothing of the body is kept */
			http_reply_error(r, ERR_UNAVAILABLE, NULL,
					 "too many uploads at once; try again shortly");
			return queue(r, c);
		}
		return MHD_YES;
	}
	if (r->queued) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;

		r->body_seen += n;
		*upload_data_size = 0;
		if (!r->body_too_big && buf_add(&r->body, upload_data, n) == 0)
			return MHD_YES;
		if (!r->body_too_big) {
			r->body_too_big = true;
			buf_release(&r->body);
		}
		/*
		 * A body without a declared length went past the cap.  It is
		 * not kept; up to CAP_HTTP_DISCARD bytes past the cap are read and
		 * dropped so the client gets its 413, beyond that the connection
		 * is cut.
		 */
		return r->body_seen - r->body_cap > CAP_HTTP_DISCARD ? MHD_NO : MHD_YES;
	}
	if (r->parked) {
		/* resumed: the writer has answered, or left the answer to us */
		if (r->finish && r->reply.status < 300)
			r->finish(r);
		return queue(r, c);
	}
	conns_body_done(srv->conns, conn_slot(c));
	dispatch(r);
	api_core_done(r);
	if (r->to_writer && !r->replied) {
		park(r, c);
		return MHD_YES;
	}
	return queue(r, c);
}

/* libmicrohttpd's messages (its format strings: clang checks them so) */
__attribute__((format(printf, 2, 0)))
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[CAP_LOG_LINE];

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_warn("http: %s", line);
}

/* ---- start and stop ---- */

/* Admit an accepted socket from ss and queue it for a worker thread; -1
 * when refused (the socket is closed then). */
static int admit(struct http_server *srv, int fd, const struct sockaddr_storage *ss,
		 socklen_t len)
{
	char text[64], key[64];
	struct conn *slot;

	addr_text((const struct sockaddr *)ss, text, sizeof(text));
	ratelimit_key(text, key, sizeof(key));
	slot = conns_admit(srv->conns, fd, key, http_now_us());
	if (!slot) {
		close(fd);
		return -1;
	}
	loops_add(srv->loops, fd, (const struct sockaddr *)ss, len, slot);
	return 0;
}

/*
 * The listening socket is ours, not libmicrohttpd's: its loop accepts a
 * connection or ten per turn, about a thousand a second once hundreds are
 * open (fewer under load), and while slow clients reconnect as fast as they
 * are closed, a prompt client would wait behind them in the kernel's queue.
 * This thread accepts as fast as the kernel hands connections over, admits
 * each to the connection table (the per-address and total limits, conns.h)
 * and queues it for the libmicrohttpd daemon with the fewest connections
 * (loops_add); the worker thread that runs that daemon next hands it over.
 */
static void *acceptor(void *arg)
{
	struct http_server *srv = arg;

	for (;;) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int fd = accept(srv->listen_fd, (struct sockaddr *)&ss, &len);

		if (fd < 0) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };

			if (atomic_load(&srv->draining))
				break;
			/* Out of descriptors: let some connections close. */
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM)
				nanosleep(&ts, NULL);
			continue;
		}
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		admit(srv, fd, &ss, len);
	}
	return NULL;
}

int http_server_add_socket(struct http_server *srv, int fd, struct err *err)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (admit(srv, fd, &ss, sizeof(*a)))
		return err_set(err, ERR_TOOBIG, NULL, "the server refused the connection");
	return 0;
}

/*
 * The kernel's queue of connections not yet accepted: wrk, a reverse proxy
 * after a restart or a crowd of browsers opens thousands at once, and a SYN
 * that finds the queue full is dropped and sent again by the client only a
 * second (then 3, 7 s) later.  As long as max_connections; the kernel caps
 * it at net.core.somaxconn (4096 by default since Linux 5.4).
 */
static int listen_backlog(const struct http_server *srv)
{
	return srv->cfg.max_connections > 511 ? (int)srv->cfg.max_connections : 511;
}

/*
 * Each connection is a descriptor, and the usual soft limit (1024) is below
 * what max_connections allows: raise the soft limit to the hard one, once,
 * and say so.  When even the hard limit leaves less than max_connections
 * plus room for the database and the files being served, say that too:
 * accept(2) then fails with EMFILE and the acceptor waits for a close.
 */
static void raise_file_limit(const struct http_config *cfg)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)cfg->max_connections + CAP_HTTP_SPARE_FDS;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t was = rl.rlim_cur;

		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
			log_info("open files: limit raised from %llu to %llu",
				 (unsigned long long)was, (unsigned long long)rl.rlim_cur);
		else
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want)
		log_warn("open files: the limit %llu is below max_connections (%ld) + %d; "
			 "raise the hard limit (LimitNOFILE= in systemd, ulimit -Hn)",
			 (unsigned long long)rl.rlim_cur, cfg->max_connections,
			 CAP_HTTP_SPARE_FDS);
}

static int listen_on(struct http_server *srv, const struct sockaddr_storage *ss,
		     socklen_t sslen, unsigned *port, struct err *err)
{
	int one = 1;
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);

	srv->listen_fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv->listen_fd < 0)
		goto fail;
	setsockopt(srv->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss->ss_family == AF_INET6)
		setsockopt(srv->listen_fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(srv->listen_fd, (const struct sockaddr *)ss, sslen) < 0 ||
	    listen(srv->listen_fd, listen_backlog(srv)) < 0 ||
	    getsockname(srv->listen_fd, (struct sockaddr *)&bound, &blen) < 0)
		goto fail;
	*port = ntohs(bound.ss_family == AF_INET6 ?
		      ((struct sockaddr_in6 *)&bound)->sin6_port :
		      ((struct sockaddr_in *)&bound)->sin_port);
	return 0;
fail:
	err_set(err, ERR_IO, "listen", "cannot listen on '%s': %s", srv->cfg.listen,
		strerror(errno));
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	srv->listen_fd = -1;
	return ERR_IO;
}

static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *sslen,
			bool *v6, struct err *err)
{
	char host[128];
	const char *colon, *hs = s;
	size_t hlen;
	int64_t port;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *close_br = strchr(s, ']');

		if (!close_br || close_br[1] != ':')
			goto bad;
		hs = s + 1;
		hlen = (size_t)(close_br - hs);
		colon = close_br + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			goto bad;
		hlen = (size_t)(colon - s);
	}
	if (hlen == 0 || hlen >= sizeof(host))
		goto bad;
	memcpy(host, hs, hlen);
	host[hlen] = '\0';
	if (num_parse(colon + 1, 0, 65535, &port))
		goto bad;
	if (s[0] == '[') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			goto bad;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		*sslen = sizeof(*a);
		*v6 = true;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			goto bad;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		*sslen = sizeof(*a);
		*v6 = false;
	}
	return 0;
bad:
	return err_set(err, ERR_INVALID, "listen",
		       "listen address '%s' must be IPV4:PORT or [IPV6]:PORT", s);
}

/*
 * One worker thread's daemon (loop.h): no threads of its own, epoll, fed
 * the sockets our acceptor takes.  libmicrohttpd's connection limit is set
 * above ours, never reached: in 0.9.75 an added connection that hits it
 * leaves a mutex locked and the server hangs at shutdown.
 */
static struct MHD_Daemon *daemon_new(void *arg)
{
	struct http_server *srv = arg;
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
		MHD_USE_NO_LISTEN_SOCKET | MHD_ALLOW_SUSPEND_RESUME;

	if (srv->v6)
		flags |= MHD_USE_IPv6;
	return MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)(2 * srv->cfg.max_connections + 64),
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CAP_HTTP_CONN_MEMORY,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)srv->cfg.idle_timeout,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
		MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
		MHD_OPTION_END);
}

int http_server_start(struct http_server **out, const struct http_config *cfg, void *app,
		      unsigned *port, struct err *err)
{
	struct http_server *srv;
	struct sockaddr_storage ss;
	socklen_t sslen = 0;
	bool v6 = false;
	int rc;

	*out = NULL;
	if (sodium_init() < 0)
		return err_set(err, ERR_IO, NULL, "libsodium cannot start");
	rc = parse_listen(cfg->listen, &ss, &sslen, &v6, err);
	if (rc)
		return rc;
	raise_file_limit(cfg);
	srv = xcalloc(1, sizeof(*srv));
	srv->v6 = v6;
	srv->listen_fd = -1;
	srv->cfg = *cfg;
	srv->app = app;
	atomic_init(&srv->inflight, 0);
	atomic_init(&srv->draining, false);
	rc = build_csp(srv, err);
	if (rc) {
		free(srv);
		return rc;
	}
	atomic_init(&srv->uploads, 0);
	rc = server_parts_init(srv, err);
	if (rc)
		goto fail;
	{
		struct conns_limits lim = {
			.max = (size_t)cfg->max_connections,
			.per_key = (unsigned)cfg->max_per_ip,
			.reserve = (unsigned)(cfg->max_connections / CAP_HTTP_RESERVE_DIV),
			.head_us = (uint64_t)cfg->header_timeout * 1000000u,
			.body_us = (uint64_t)cfg->body_timeout * 1000000u,
			.body_rate = CAP_HTTP_BODY_MIN_RATE,
			.max_body = (uint64_t)cfg->max_body,
			.sweep_ms = CAP_HTTP_SWEEP_MS,
			.also = api_snapshot_sweep,
			.also_arg = srv,
		};

		srv->conns = conns_new(&lim);
	}
	{
		struct err we;

		/* without a writer (the database cannot be opened now) every
		 * handler runs in its worker thread, which answers 503 until
		 * the database is there */
		err_clear(&we);
		if (writer_start(&srv->writer, cfg->db, &we))
			log_warn("http: no group commit (the writer cannot open the "
				 "database: %s)", we.msg);
	}
	rc = loops_start(&srv->loops, (unsigned)cfg->threads,
			 (unsigned)cfg->threads * CAP_HTTP_SHARDS_PER_THREAD, daemon_new, srv,
			 srv->conns, err);
	if (rc)
		goto fail;
	rc = listen_on(srv, &ss, sslen, port, err);
	if (rc)
		goto fail;
	if (pthread_create(&srv->acceptor, NULL, acceptor, srv) != 0) {
		rc = err_set(err, ERR_IO, NULL, "cannot start the accepting thread");
		goto fail;
	}
	*out = srv;
	return 0;
fail:
	loops_stop(srv->loops);
	writer_free(srv->writer);
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	conns_free(srv->conns);
	server_parts_release(srv);
	free(srv);
	return rc;
}

void http_server_stop(struct http_server *srv)
{
	uint64_t deadline;

	if (!srv)
		return;
	/* Stop accepting: shutdown wakes the thread blocked in accept. */
	atomic_store(&srv->draining, true);
	shutdown(srv->listen_fd, SHUT_RDWR);
	pthread_join(srv->acceptor, NULL);
	close(srv->listen_fd);
	deadline = http_now_us() + (uint64_t)CAP_HTTP_DRAIN_SECONDS * 1000000u;
	while (atomic_load(&srv->inflight) > 0 && http_now_us() < deadline) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	/*
	 * Every write still queued is run and answered (writer_stop), later
	 * ones are refused with 503; then a moment for the resumed
	 * connections to send their answers before the daemon closes them.
	 */
	writer_stop(srv->writer);
	deadline = http_now_us() + 1000000u;
	while (atomic_load(&srv->inflight) > 0 && http_now_us() < deadline) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	loops_stop(srv->loops);
	if (srv->writer) {
		struct writer_stats ws;

		writer_stats(srv->writer, &ws);
		log_info("writer: %llu writes in %llu batches (%.1f a batch, the largest %u), "
			 "%llu lost, %llu checkpoints", (unsigned long long)ws.jobs,
			 (unsigned long long)ws.batches,
			 ws.batches ? (double)ws.jobs / (double)ws.batches : 0.0, ws.max_batch,
			 (unsigned long long)ws.lost, (unsigned long long)ws.checkpoints);
	}
	writer_free(srv->writer);
	conns_free(srv->conns);
	server_parts_release(srv);
	free(srv);
}
