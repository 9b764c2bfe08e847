/*
 * static.c - the web app's files from web_root, and the server's shared
 * parts (rate limiters, gzip cache).
 *
 * Nothing outside web_root is ever served: the decoded path must be plain
 * segments (no "..", no hidden ".x" names, no backslash, no empty segment),
 * and the file's realpath must lie under web_root's realpath (so a symlink
 * pointing out is refused too).  ETag is the file's size and mtime (to the
 * nanosecond), never its inode, so that every node serving a copy of the
 * same web root (docs/scale-out.md) gives the same ETag and a browser
 * revalidating on another node still gets its 304; If-None-Match answers 304.  Text types are gzipped for clients that accept
 * it, compressed once and kept in a small in-memory cache keyed by path,
 * size and mtime (so an edited file is recompressed).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "base/caps.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "http/api.h"
#include "http/http.h"
#include "http/server_int.h"

struct cache_entry {
	char path[PATH_MAX];
	off_t size;
	struct timespec mtime;
	unsigned char *gz;
	size_t gz_len;
	uint64_t used;
};

struct static_cache {
	pthread_mutex_t mu;
	uint64_t tick;
	struct cache_entry e[CAP_STATIC_CACHE];
};

static const struct {
	const char *ext;
	const char *type;
	bool compress;
} types[] = {
	{ ".html", "text/html; charset=utf-8", true },
	{ ".css", "text/css; charset=utf-8", true },
	{ ".js", "text/javascript; charset=utf-8", true },
	{ ".mjs", "text/javascript; charset=utf-8", true },
	{ ".json", "application/json; charset=utf-8", true },
	{ ".svg", "image/svg+xml", true },
	{ ".txt", "text/plain; charset=utf-8", true },
	{ ".woff2", "font/woff2", false },
	{ ".woff", "font/woff", false },
	{ ".png", "image/png", false },
	{ ".jpg", "image/jpeg", false },
	{ ".webp", "image/webp", false },
	{ ".ico", "image/x-icon", false },
	{ ".webmanifest", "application/manifest+json", true },
};

int server_parts_init(struct http_server *srv, struct err *err)
{
	if (api_core_key_init(srv))
		return err_set(err, ERR_IO, NULL, "cannot create a thread key");
	srv->rl_login = ratelimit_new((unsigned)srv->cfg.login_rate,
				      (unsigned)srv->cfg.login_rate);
	srv->rl_track = ratelimit_new((unsigned)srv->cfg.track_rate,
				      (unsigned)srv->cfg.track_rate);
	srv->rl_apikey = ratelimit_new((unsigned)srv->cfg.apikey_rate,
				       (unsigned)srv->cfg.apikey_rate);
	srv->rl_sms_fail = ratelimit_new(CAP_SMS_SECRET_FAILS, CAP_SMS_SECRET_FAILS);
	srv->cache = xcalloc(1, sizeof(*srv->cache));
	pthread_mutex_init(&srv->cache->mu, NULL);
	if (!realpath(srv->cfg.web_root, srv->web_root)) {
		log_warn("web root '%s' not found: no static files", srv->cfg.web_root);
		srv->web_root[0] = '\0';
	}
	return 0;
}

void server_parts_release(struct http_server *srv)
{
	int i;

	if (!srv->cache)
		return;
	api_core_key_release(srv);
	ratelimit_free(srv->rl_login);
	ratelimit_free(srv->rl_track);
	ratelimit_free(srv->rl_apikey);
	ratelimit_free(srv->rl_sms_fail);
	srv->rl_apikey = NULL;
	srv->rl_login = srv->rl_track = srv->rl_sms_fail = NULL;
	for (i = 0; i < CAP_STATIC_CACHE; i++)
		free(srv->cache->e[i].gz);
	pthread_mutex_destroy(&srv->cache->mu);
	free(srv->cache);
	srv->cache = NULL;
}

/* Plain segments only: no "..", no ".hidden", no "\", no empty segment. */
static bool safe_path(const char *p)
{
	const char *s;

	if (p[0] != '/' || strchr(p, '\\') || strstr(p, "//"))
		return false;
	for (s = p; *s; s++) {
		if (s[0] == '/' && s[1] == '.')
			return false;
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	}
	return true;
}

static bool accepts_gzip(const char *hdr)
{
	char ae[256];
	const char *g;
	size_t i;

	if (!hdr)
		return false;
	for (i = 0; hdr[i] && i + 1 < sizeof(ae); i++)
		ae[i] = (char)tolower((unsigned char)hdr[i]);
	ae[i] = '\0';
	for (g = strstr(ae, "gzip"); g; g = strstr(g + 4, "gzip")) {
		const char *q = g + 4;

		while (*q == ' ')
			q++;
		if (*q == ';') {
			q++;
			while (*q == ' ')
				q++;
			if (strncmp(q, "q=0", 3) == 0 && strspn(q + 3, ".0") == strcspn(q + 3, ","))
				return false;
		}
		return true;
	}
	return false;
}

static int gzip_bytes(const unsigned char *in, size_t len, unsigned char **out, size_t *olen)
{
	z_stream z;
	size_t cap = compressBound((uLong)len) + 32;
	unsigned char *o = xmalloc(cap);

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(o);
		return -1;
	}
	z.next_in = (unsigned char *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = o;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(o);
		return -1;
	}
	*olen = z.total_out;
	*out = o;
	deflateEnd(&z);
	return 0;
}

/*
 * Answer with the gzipped bytes of file fd (path, st), compressing on a
 * cache miss.  Returns false (nothing answered) when compression fails.
 */
static bool reply_gzip(struct http_req *r, const char *path, const struct stat *st,
		       int fd, const char *type)
{
	struct static_cache *c = r->srv->cache;
	struct cache_entry *e = NULL, *victim = NULL;
	unsigned char *raw = NULL, *gz = NULL;
	size_t gz_len = 0, got = 0;
	int i;

	pthread_mutex_lock(&c->mu);
	for (i = 0; i < CAP_STATIC_CACHE; i++) {
		struct cache_entry *x = &c->e[i];

		if (x->gz && str_eq(x->path, path) && x->size == st->st_size &&
		    x->mtime.tv_sec == st->st_mtim.tv_sec &&
		    x->mtime.tv_nsec == st->st_mtim.tv_nsec) {
			e = x;
			break;
		}
		if (!victim || x->used < victim->used)
			victim = x;
	}
	if (e) {
		e->used = ++c->tick;
		http_reply_bytes(r, 200, type, e->gz, e->gz_len);
		pthread_mutex_unlock(&c->mu);
		return true;
	}
	pthread_mutex_unlock(&c->mu);

	raw = xmalloc((size_t)st->st_size + 1);
	while (got < (size_t)st->st_size) {
		ssize_t n = pread(fd, raw + got, (size_t)st->st_size - got, (off_t)got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != (size_t)st->st_size || gzip_bytes(raw, got, &gz, &gz_len)) {
		free(raw);
		return false;
	}
	free(raw);
	http_reply_bytes(r, 200, type, gz, gz_len);
	pthread_mutex_lock(&c->mu);
	free(victim->gz);
	str_copy(victim->path, sizeof(victim->path), path);
	victim->size = st->st_size;
	victim->mtime = st->st_mtim;
	victim->gz = gz;
	victim->gz_len = gz_len;
	victim->used = ++c->tick;
	pthread_mutex_unlock(&c->mu);
	return true;
}

static bool etag_matches(const char *inm, const char *etag)
{
	const char *p;
	size_t n = strlen(etag);

	if (!inm)
		return false;
	if (str_eq(inm, "*"))
		return true;
	for (p = strstr(inm, etag); p; p = strstr(p + 1, etag)) {
		char after = p[n];

		if ((p == inm || p[-1] == ' ' || p[-1] == ',' || p[-1] == '/') &&
		    (after == '\0' || after == ',' || after == ' '))
			return true;
	}
	return false;
}

static void serve_static(struct http_req *r)
{
	const char *rel = r->path;
	char want[PATH_MAX], real[PATH_MAX], etag[96];
	const char *type = NULL, *dot;
	bool compress = false, gz;
	struct stat st;
	size_t i, rootlen = strlen(r->srv->web_root);
	int fd;

	if (!rootlen || !safe_path(rel)) {
		http_reply_error(r, ERR_NOTFOUND, NULL, "no such file");
		return;
	}
	if (str_eq(rel, "/"))
		rel = "/index.html";
	if ((size_t)snprintf(want, sizeof(want), "%s%s", r->srv->web_root, rel) >= sizeof(want) ||
	    !realpath(want, real) || strncmp(real, r->srv->web_root, rootlen) != 0 ||
	    real[rootlen] != '/') {
		http_reply_error(r, ERR_NOTFOUND, NULL, "no such file");
		return;
	}
	dot = strrchr(real, '.');
	for (i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcasecmp(dot, types[i].ext) == 0) {
			type = types[i].type;
			compress = types[i].compress;
		}
	}
	if (!type) {
		http_reply_error(r, ERR_NOTFOUND, NULL, "no such file");
		return;
	}
	fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > CAP_STATIC_FILE) {
		if (fd >= 0)
			close(fd);
		http_reply_error(r, ERR_NOTFOUND, NULL, "no such file");
		return;
	}
	gz = compress && accepts_gzip(http_header(r, "Accept-Encoding"));
	snprintf(etag, sizeof(etag), "\"%llx-%llx-%lx%s\"", (unsigned long long)st.st_size,
		 (unsigned long long)st.st_mtim.tv_sec, (unsigned long)st.st_mtim.tv_nsec,
		 gz ? "-gz" : "");
	if (etag_matches(http_header(r, "If-None-Match"), etag)) {
		close(fd);
		http_reply_bytes(r, 304, NULL, "", 0);
	} else if (gz && reply_gzip(r, real, &st, fd, type)) {
		close(fd);
		http_reply_header(r, "Content-Encoding", "gzip");
	} else {
		http_reply_bytes(r, 200, type, "", 0);
		r->reply.fd = fd;
		r->reply.fd_size = (uint64_t)st.st_size;
	}
	r->reply.no_store = false;
	http_reply_header(r, "ETag", etag);
	if (compress)
		http_reply_header(r, "Vary", "Accept-Encoding");
}

const struct http_route static_routes[] = {
	{ HTTP_GET | HTTP_HEAD, "/", serve_static, ROUTE_STATIC },
	{ 0, NULL, NULL, 0 },
};
