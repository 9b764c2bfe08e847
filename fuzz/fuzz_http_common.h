/*
 * fuzz_http_common.h - the real HTTP server in the fuzzing process (not a
 * target; included by fuzz_http.c and fuzz_api_bodies.c).
 *
 * fuzz_http_init (from LLVMFuzzerInitialize) makes a SQLite database in a
 * temporary directory with units, categories, one user of each role with a
 * session, and an Open311 API key, and starts the server on it with one
 * worker thread, every rate limit out of the way and an SMS webhook secret.
 * fuzz_http_exchange hands one end of a socketpair to the server through
 * http_server_add_socket (the path the listening socket's connections take),
 * writes the input, shuts the write side and reads the answer until the
 * server closes, then checks it: every answer it can frame starts with
 * "HTTP/1.1 " and a three-digit status, a JSON answer's body parses as
 * JSON, and a status of 500 or more other
 * than 503 (overload, storage full) and 505 (libmicrohttpd's answer to
 * HTTP/0.9 or 2.0) is a bug.
 *
 * Inputs carry placeholders the harness replaces before sending, so a
 * corpus file can sign in although the tokens are new each run:
 *	@OP@ @ST@ @MG@ @IN@ @AD@   bearer tokens of the operator, staff of
 *	                           region-12, manager of region-12, inspector,
 *	                           admin
 *	@PW@                       an operator ("pw") whose password and
 *	                           account inputs may change
 *	@SMS@                      the SMS webhook secret
 *	@KEY@                      the Open311 API key
 *	@CODE@                     the tracking code of a message the operator
 *	                           registered at start (mobile 09121234567,
 *	                           category roads)
 *	@LEN@                      the length in bytes of what follows the
 *	                           first blank line after it (a Content-Length)
 *
 * The database keeps what earlier inputs wrote (messages, sessions), so a
 * crash may need the inputs before it; the regression driver replays every
 * kept input in one process in name order.
 *
 * The jval_object_all wrapper (linked with -Wl,--wrap=jval_object_all)
 * checks every validation the handlers make: accepted values stay within
 * the field table's limits (bytes, code points, range, no control
 * characters), refused ones name a field.
 */
#ifndef HAMGAN_FUZZ_HTTP_COMMON_H
#define HAMGAN_FUZZ_HTTP_COMMON_H

#include "fuzz_common.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "base/str.h"
#include "core/actor.h"
#include "core/apikey.h"
#include "core/category.h"
#include "core/core.h"
#include "core/unit.h"
#include "core/user.h"
#include "http/jval.h"
#include "http/server.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FH_ANSWER_MAX (8u << 20)	/* bytes of answer kept for the checks */
#define FH_DEADLINE_MS 8000		/* an exchange that takes longer hangs */

static struct http_server *fh_srv;
static char fh_dir[256];
static char fh_db[300];

enum { FH_OP, FH_ST, FH_MG, FH_IN, FH_AD, FH_PW, FH_NUSERS };
static const char *const fh_names[FH_NUSERS] = { "@OP@", "@ST@", "@MG@", "@IN@", "@AD@",
						  "@PW@" };
static char fh_tokens[FH_NUSERS][SESSION_TOKEN_HEX + 1];
static char fh_key[APIKEY_HEX + 1];
static const char fh_sms_secret[] = "fuzz-sms-secret";
static char fh_code[16] = "1000000000";

static const char fh_units[] =
	"code,name,kind,parent_code\n"
	"tehran,شهرداری تهران,organisation,\n"
	"centre,مرکز ۱۸۸۸,centre,tehran\n"
	"region-12,منطقه ۱۲,region,tehran\n"
	"district-12-1,ناحیه ۱ منطقه ۱۲,district,region-12\n"
	"region-03,منطقه ۳,region,tehran\n";
static const char fh_cats[] =
	"code,name,parent_code,deadline_hours,kinds,confidential,service_code\n"
	"roads,معابر و آسفالت,,72,all,0,roads\n"
	"conduct,رفتار کارکنان,,48,complaint|criticism,1,conduct\n";

/* The first "\r\n\r\n" in s[0..n), or NULL (memmem is a GNU extension). */
static const char *fh_find(const char *s, size_t n, const char *pat, size_t plen)
{
	size_t i;

	for (i = 0; i + plen <= n; i++)
		if (memcmp(s + i, pat, plen) == 0)
			return s + i;
	return NULL;
}

static void fh_die(const char *what, const struct err *e)
{
	fprintf(stderr, "fuzz http: %s: %s\n", what, e ? e->msg : strerror(errno));
	abort();
}

static void fh_cleanup(void)
{
	static const char *const ext[] = { "", "-wal", "-shm", "-journal" };
	char p[320];
	size_t i;

	http_server_stop(fh_srv);
	fh_srv = NULL;
	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", fh_db, ext[i]);
		unlink(p);
	}
	rmdir(fh_dir);
}

static void fh_seed(void)
{
	static const struct {
		const char *name;
		enum role role;
		const char *unit;
	} users[FH_NUSERS] = {
		{ "op", ROLE_OPERATOR, NULL },	{ "st12", ROLE_STAFF, "region-12" },
		{ "mg12", ROLE_MANAGER, "region-12" }, { "insp", ROLE_INSPECTOR, NULL },
		{ "adm", ROLE_ADMIN, NULL },	{ "pw", ROLE_OPERATOR, NULL },
	};
	struct actor sys = actor_system("fuzz");
	struct core c;
	struct err e;
	size_t n, i;

	if (core_open_flags(&c, fh_db, CORE_CREATE, NULL, &e) < 0)
		fh_die("open the database", &e);
	if (unit_import_csv(&c, &sys, fh_units, strlen(fh_units), &n, &e) < 0 ||
	    category_import_csv(&c, &sys, fh_cats, strlen(fh_cats), &n, &e) < 0)
		fh_die("seed units and categories", &e);
	for (i = 0; i < FH_NUSERS; i++) {
		struct user u;

		memset(&u, 0, sizeof(u));
		str_copy(u.username, sizeof(u.username), users[i].name);
		snprintf(u.name, sizeof(u.name), "کاربر %s", users[i].name);
		u.role = users[i].role;
		u.active = true;
		if (users[i].unit) {
			struct unit un;

			if (unit_get_by_code(&c, users[i].unit, &un, &e) < 0)
				fh_die("find a unit", &e);
			u.unit_id = un.id;
		}
		if (user_add(&c, &sys, &u, "correct-horse-battery", &e) < 0 ||
		    session_create(&c, u.id, fh_tokens[i], &e) < 0)
			fh_die("seed a user", &e);
	}
	if (apikey_add(&c, &sys, "fuzz", fh_key, NULL, &e) < 0)
		fh_die("add an API key", &e);
	core_close(&c);
}

/* The input with its placeholders replaced (caller frees; *outlen set). */
static char *fh_expand(const uint8_t *data, size_t size, size_t *outlen)
{
	size_t cap = size + 1, len = 0, i = 0, j;
	char *out = malloc(cap + 1);
	size_t len_at = (size_t)-1;	/* where @LEN@ goes in out */

	if (!out)
		abort();
	while (i < size) {
		const char *rep = NULL;
		size_t skip = 0, rl;

		if (data[i] == '@') {
			for (j = 0; j < FH_NUSERS && !rep; j++)
				if (size - i >= 4 && memcmp(data + i, fh_names[j], 4) == 0)
					rep = fh_tokens[j], skip = 4;
			if (!rep && size - i >= 5 && memcmp(data + i, "@SMS@", 5) == 0)
				rep = fh_sms_secret, skip = 5;
			if (!rep && size - i >= 5 && memcmp(data + i, "@KEY@", 5) == 0)
				rep = fh_key, skip = 5;
			if (!rep && size - i >= 6 && memcmp(data + i, "@CODE@", 6) == 0)
				rep = fh_code, skip = 6;
			if (!rep && size - i >= 5 && memcmp(data + i, "@LEN@", 5) == 0 &&
			    len_at == (size_t)-1) {
				rep = "", skip = 5;	/* the number goes in below */
				len_at = len;
			}
		}
		if (!rep) {
			rep = (const char *)data + i;
			rl = 1;
			skip = 1;
		} else {
			rl = strlen(rep);
		}
		if (len + rl + 1 > cap) {
			cap = 2 * (len + rl + 1);
			out = realloc(out, cap + 1);
			if (!out)
				abort();
		}
		memcpy(out + len, rep, rl);
		len += rl;
		i += skip;
	}
	out[len] = '\0';
	if (len_at != (size_t)-1) {
		const char *blank = fh_find(out + len_at, len - len_at, "\r\n\r\n", 4);
		size_t body = blank ? len - (size_t)(blank + 4 - out) : 0;
		char num[24];
		int w = snprintf(num, sizeof(num), "%zu", body);

		out = realloc(out, len + (size_t)w + 1);
		if (!out)
			abort();
		memmove(out + len_at + w, out + len_at, len - len_at + 1);
		memcpy(out + len_at, num, (size_t)w);
		len += (size_t)w;
	}
	*outlen = len;
	return out;
}

/* Whether a[0..len) holds a whole first answer: its head and as many body
 * bytes as its Content-Length says (none without one, to a HEAD, or with a
 * 204 or 304). */
static bool fh_answer_whole(const char *a, size_t len, bool head_req)
{
	const char *end = len ? strstr(a, "\r\n\r\n") : NULL, *p;
	size_t head, want = 0;

	if (!end)
		return false;
	head = (size_t)(end - a) + 4;
	if (head_req || strncmp(a, "HTTP/1.1 204", 12) == 0 || strncmp(a, "HTTP/1.1 304", 12) == 0)
		return true;
	for (p = a; p && p < end; p = memchr(p, '\n', (size_t)(end - p))) {
		if (*p == '\n')
			p++;
		if (strncasecmp(p, "Content-Length:", 15) == 0) {
			want = strtoul(p + 15, NULL, 10);
			break;
		}
	}
	return len >= head + want;
}

/* How long to wait, once the input is sent, for an answer to begin before
 * half-closing (a request the input leaves unfinished gets none). */
static long fh_answer_wait_ms = 100;

/* Send in[0..n) to the server over a new connection; the answer goes to
 * *ans (malloc'd, NUL-terminated, at most FH_ANSWER_MAX bytes kept).
 *
 * The write side is closed only once the first answer is whole (or none
 * came in fh_answer_wait_ms): a write request waits for its batch's commit
 * (group commit) with its connection suspended, and libmicrohttpd drops a
 * request whose client half-closed meanwhile, answer and all. */
static void fh_exchange(const char *in, size_t n, char **ans, size_t *anslen)
{
	int sv[2], fd;
	size_t off = 0, len = 0, cap = 4096;
	bool wdone = false;
	long sent_ms = 0;
	char *a = malloc(cap + 1);
	struct timespec t0, t1;
	struct err e;

	if (!a)
		abort();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		fh_die("socketpair", NULL);
	fd = sv[0];
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (http_server_add_socket(fh_srv, sv[1], &e) < 0)
		fh_die("add a connection", &e);
	if (n == 0) {
		shutdown(fd, SHUT_WR);
		wdone = true;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { fd, (short)(POLLIN | (wdone || off == n ? 0 : POLLOUT)), 0 };
		long ms;

		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms > FH_DEADLINE_MS) {
			fprintf(stderr, "fuzz http: no end of answer after %d ms (%zu bytes read)\n",
				FH_DEADLINE_MS, len);
			abort();
		}
		if (poll(&p, 1, 100) < 0 && errno != EINTR)
			fh_die("poll", NULL);
		if (!wdone && (p.revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = send(fd, in + off, n - off, MSG_NOSIGNAL);

			if (w > 0) {
				off += (size_t)w;
				if (off == n)
					sent_ms = ms;
			}
			/* the server may close before it has read it all */
			if (w < 0 && errno != EAGAIN && errno != EINTR) {
				shutdown(fd, SHUT_WR);
				wdone = true;
			}
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			char tmp[65536];
			ssize_t r = recv(fd, tmp, sizeof(tmp), 0);

			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
				break;
			if (r > 0 && len < FH_ANSWER_MAX) {
				size_t k = (size_t)r;

				if (k > FH_ANSWER_MAX - len)
					k = FH_ANSWER_MAX - len;
				if (len + k > cap) {
					while (len + k > cap)
						cap *= 2;
					a = realloc(a, cap + 1);
					if (!a)
						abort();
				}
				memcpy(a + len, tmp, k);
				len += k;
				a[len] = '\0';
			}
		}
		/* after the read, not before the next poll: an answer made
		 * whole by this read is half-closed at once, not 100 ms later */
		if (!wdone && off == n &&
		    (fh_answer_whole(a, len, n >= 5 && memcmp(in, "HEAD ", 5) == 0) || (len == 0 && ms - sent_ms > fh_answer_wait_ms))) {
			shutdown(fd, SHUT_WR);
			wdone = true;
		}
	}
	close(fd);
	a[len] = '\0';
	*ans = a;
	*anslen = len;
}

/* The operator registers one message at start: its code is @CODE@. */
static void fh_first_message(void)
{
	static const char body[] =
		"{\"kind\":\"complaint\",\"subject\":\"چاله\",\"body\":\"چاله‌ای بزرگ\","
		"\"mobile\":\"09121234567\",\"category\":\"roads\"}";
	char req[1024], *ans, *code;
	size_t alen;
	int n = snprintf(req, sizeof(req),
			 "POST /api/v1/messages HTTP/1.1\r\nHost: localhost\r\n"
			 "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\n\r\n%s",
			 fh_tokens[FH_OP], strlen(body), body);

	fh_answer_wait_ms = FH_DEADLINE_MS / 2;
	fh_exchange(req, (size_t)n, &ans, &alen);
	fh_answer_wait_ms = 100;
	code = strstr(ans, "\"code\":\"");
	if (strncmp(ans, "HTTP/1.1 201 ", 13) != 0 || !code) {
		fprintf(stderr, "fuzz http: the first message was refused:\n%s\n", ans);
		abort();
	}
	str_copy(fh_code, sizeof(fh_code), code + 8);
	fh_code[strcspn(fh_code, "\"")] = '\0';
	free(ans);
}

static void fh_init(void)
{
	const char *root = getenv("HAMGAN_ROOT");
	const char *tmp = getenv("TMPDIR");
	struct http_config cfg;
	struct err e;
	unsigned port;

	signal(SIGPIPE, SIG_IGN);
	setenv("HAMGAN_PWHASH_FAST", "1", 1);
	snprintf(fh_dir, sizeof(fh_dir), "%s/hamgan-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fh_dir))
		fh_die("make a temporary directory", NULL);
	snprintf(fh_db, sizeof(fh_db), "%s/fuzz.db", fh_dir);
	fh_seed();
	http_config_defaults(&cfg);
	str_copy(cfg.listen, sizeof(cfg.listen), "127.0.0.1:0");
	str_copy(cfg.db, sizeof(cfg.db), fh_db);
	snprintf(cfg.web_root, sizeof(cfg.web_root), "%s/web", root && *root ? root : ".");
	str_copy(cfg.sms_secret, sizeof(cfg.sms_secret), fh_sms_secret);
	cfg.threads = 1;
	cfg.login_rate = 100000;
	cfg.track_rate = 100000;
	cfg.apikey_rate = 100000;
	if (http_server_start(&fh_srv, &cfg, NULL, &port, &e) < 0)
		fh_die("start the server", &e);
	atexit(fh_cleanup);
	fh_first_message();
}

/* The value of header name in the head h[0..hlen), or NULL. */
static const char *fh_header(const char *h, size_t hlen, const char *name, size_t *vlen)
{
	size_t nl = strlen(name), i = 0;

	while (i < hlen) {
		const char *eol = memchr(h + i, '\n', hlen - i);
		size_t ll = eol ? (size_t)(eol - (h + i)) : hlen - i;

		if (ll > nl && strncasecmp(h + i, name, nl) == 0 && h[i + nl] == ':') {
			const char *v = h + i + nl + 1;
			const char *end = h + i + ll;

			while (v < end && *v == ' ')
				v++;
			while (end > v && (end[-1] == '\r' || end[-1] == ' '))
				end--;
			*vlen = (size_t)(end - v);
			return v;
		}
		i += ll + 1;
	}
	return NULL;
}

/*
 * Check the answers in a[0..len): each starts with "HTTP/1.1 NNN " and no
 * status is 500 or more but 503 and 505.  Answers are framed by
 * Content-Length; one without, or one saying "Connection: close", ends the
 * walk; without all (the requests hold a HEAD, whose answer has a
 * Content-Length but no body) only the first is checked.  Returns how many were
 * checked; *first gets the first status (0 when none).
 */
static size_t fh_check(const char *a, size_t len, bool all, int *first)
{
	size_t pos = 0, count = 0;

	*first = 0;
	while (pos < len) {
		const char *s = a + pos, *end;
		size_t rest = len - pos, hlen, vlen;
		const char *cl;
		int status;
		int64_t body = -1;

		if (rest < 13 || memcmp(s, "HTTP/1.1 ", 9) != 0)
		{
			fprintf(stderr, "fuzz http: answer %zu at byte %zu of %zu:\n", count + 1,
				pos, len);
			fwrite(a, 1, len < 2000 ? len : 2000, stderr);
			fputc('\n', stderr);
		}
		FUZZ_ASSERT(rest >= 13 && memcmp(s, "HTTP/1.1 ", 9) == 0);
		FUZZ_ASSERT(s[9] >= '1' && s[9] <= '5' && s[10] >= '0' && s[10] <= '9' &&
			    s[11] >= '0' && s[11] <= '9' && s[12] == ' ');
		status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
		/* 503 is overload or a full disk; 505 is libmicrohttpd's own
		 * answer to a version other than HTTP/1.x (right by RFC 9110) */
		if (status >= 500 && status != 503 && status != 505) {
			fprintf(stderr, "fuzz http: answer %zu has status %d:\n%.*s\n", count + 1,
				status, (int)(rest < 2000 ? rest : 2000), s);
			abort();
		}
		if (!count)
			*first = status;
		count++;
		if (!all)
			break;
		end = fh_find(s, rest, "\r\n\r\n", 4);
		if (!end)
			break;
		hlen = (size_t)(end - s) + 4;
		cl = fh_header(s, hlen, "Content-Length", &vlen);
		if (cl && vlen < 12) {
			char num[12];
			size_t k;

			memcpy(num, cl, vlen);
			num[vlen] = '\0';
			body = 0;
			for (k = 0; k < vlen && num[k] >= '0' && num[k] <= '9'; k++)
				body = body * 10 + (num[k] - '0');
			if (k != vlen)
				body = -1;
		}
		/* after "Connection: close" the connection ends: libmicrohttpd
		 * 0.9.75 writes the head of some of its own 400s twice (a bad
		 * Content-Length), bytes no client reads as an answer */
		cl = fh_header(s, hlen, "Connection", &vlen);
		if (cl && vlen == 5 && strncasecmp(cl, "close", 5) == 0)
			break;
		if (body < 0 || (uint64_t)body > rest - hlen)
			break;
		/* a JSON answer is JSON (a HEAD's has no body: all is false) */
		cl = fh_header(s, hlen, "Content-Type", &vlen);
		if (all && body > 0 && cl && vlen >= 16 && strncmp(cl, "application/json", 16) == 0) {
			cJSON *j = cJSON_ParseWithLength(s + hlen, (size_t)body);

			if (!j)
				fprintf(stderr, "fuzz http: answer %zu is not JSON:\n%.*s\n", count,
					(int)body, s + hlen);
			FUZZ_ASSERT(j != NULL);
			cJSON_Delete(j);
		}
		pos += hlen + (size_t)body;
	}
	return count;
}

/* ---- every validation a handler makes, checked (--wrap=jval_object_all) ---- */

int __real_jval_object_all(const struct cJSON *obj, const struct jval_field *fields, void *out,
			   struct err *err, struct field_errs *all);
int __wrap_jval_object_all(const struct cJSON *obj, const struct jval_field *fields, void *out,
			   struct err *err, struct field_errs *all);

static void fh_check_string(const struct jval_field *f, const char *s)
{
	size_t n = strlen(s), i;

	FUZZ_ASSERT(n <= f->max_bytes);
	FUZZ_ASSERT(str_utf8_valid(s, n));
	FUZZ_ASSERT(!f->max_chars || str_utf8_len(s, n) <= f->max_chars);
	FUZZ_ASSERT(!f->required || n > 0);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		FUZZ_ASSERT((c >= 0x20 && c != 0x7f) || c == '\t' || c == '\n' || c == '\r');
	}
	FUZZ_ASSERT(!f->check || f->check(s) == 0);
}

int __wrap_jval_object_all(const struct cJSON *obj, const struct jval_field *fields, void *out,
			   struct err *err, struct field_errs *all)
{
	int rc = __real_jval_object_all(obj, fields, out, err, all);
	const struct jval_field *f;

	if (rc) {
		FUZZ_ASSERT(rc == ERR_INVALID);
		FUZZ_ASSERT(!err || err->msg[0]);
		return rc;
	}
	for (f = fields; f->type != JV_T_END; f++) {
		const char *base = (const char *)out + f->offset;

		switch (f->type) {
		case JV_T_STR: {
			const char *s;

			memcpy(&s, base, sizeof(s));
			FUZZ_ASSERT(s || !f->required);
			if (s)
				fh_check_string(f, s);
			break;
		}
		case JV_T_INT: {
			const struct jv_int *v = (const struct jv_int *)(const void *)base;

			FUZZ_ASSERT(v->set || !f->required);
			FUZZ_ASSERT(!v->set || (v->v >= f->min && v->v <= f->max));
			break;
		}
		case JV_T_NUM: {
			const struct jv_num *v = (const struct jv_num *)(const void *)base;

			FUZZ_ASSERT(v->set || !f->required);
			FUZZ_ASSERT(!v->set || (isfinite(v->v) && v->v >= (double)f->min &&
						v->v <= (double)f->max));
			break;
		}
		case JV_T_BOOL:
		case JV_T_END:
			break;
		}
	}
	return rc;
}

#endif
