/*
 * config.c - the server's settings from defaults, an INI file (inih) and the
 * environment; one table names every setting once.  See docs/config.md.
 */
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/caps.h"
#include "base/num.h"
#include "base/str.h"
#include "core/core.h"
#include "http/server.h"

enum kind { K_STR, K_LONG };

struct setting {
	const char *key;
	const char *env;
	enum kind kind;
	size_t offset;
	size_t size;		/* K_STR: the array's size */
	long min, max;		/* K_LONG */
};

#define STR(k, e, f) { k, e, K_STR, offsetof(struct http_config, f), \
	sizeof(((struct http_config *)0)->f), 0, 0 }
#define LONG(k, e, f, lo, hi) { k, e, K_LONG, offsetof(struct http_config, f), 0, lo, hi }

static const struct setting settings[] = {
	STR("listen", "HAMGAN_LISTEN", listen),
	STR("db", "HAMGAN_DB", db),
	STR("web_root", "HAMGAN_WEB_ROOT", web_root),
	STR("sms_secret", "HAMGAN_SMS_SECRET", sms_secret),
	STR("trusted_proxy", "HAMGAN_TRUSTED_PROXY", trusted_proxy),
	LONG("threads", "HAMGAN_THREADS", threads, 1, CAP_HTTP_THREADS),
	LONG("max_connections", "HAMGAN_MAX_CONNECTIONS", max_connections, 1,
	     CAP_HTTP_CONNECTIONS),
	LONG("max_per_ip", "HAMGAN_MAX_PER_IP", max_per_ip, 0, CAP_HTTP_CONNECTIONS),
	LONG("max_body", "HAMGAN_MAX_BODY", max_body, 256, CAP_HTTP_BODY),
	LONG("idle_timeout", "HAMGAN_IDLE_TIMEOUT", idle_timeout, 1, 3600),
	LONG("header_timeout", "HAMGAN_HEADER_TIMEOUT", header_timeout, 1, 300),
	LONG("body_timeout", "HAMGAN_BODY_TIMEOUT", body_timeout, 1, 3600),
	LONG("secure_cookies", "HAMGAN_SECURE_COOKIES", secure_cookies, 0, 1),
	LONG("login_rate", "HAMGAN_LOGIN_RATE", login_rate, 1, 100000),
	LONG("track_rate", "HAMGAN_TRACK_RATE", track_rate, 1, CAP_RATE_BENCH),
	STR("map_tiles", "HAMGAN_MAP_TILES", map_tiles),
	STR("map_tiles_attribution", "HAMGAN_MAP_TILES_ATTRIBUTION", map_tiles_attribution),
	LONG("apikey_rate", "HAMGAN_APIKEY_RATE", apikey_rate, 1, 100000),
};

const char *const http_config_keys[] = {
	"listen", "db", "web_root", "sms_secret", "trusted_proxy", "threads", "max_connections",
	"max_per_ip", "max_body", "idle_timeout", "header_timeout", "body_timeout",
	"secure_cookies", "login_rate", "track_rate", "map_tiles", "map_tiles_attribution",
	"apikey_rate", NULL,
};

void http_config_defaults(struct http_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	str_copy(cfg->listen, sizeof(cfg->listen), "127.0.0.1:8080");
	str_copy(cfg->db, sizeof(cfg->db), "hamgan.db");
	str_copy(cfg->web_root, sizeof(cfg->web_root), "web");
	cfg->threads = 2;
	cfg->max_connections = CAP_HTTP_CONNECTIONS_DEFAULT;
	cfg->max_per_ip = CAP_HTTP_PER_IP;
	cfg->max_body = CAP_HTTP_BODY;
	cfg->idle_timeout = CAP_HTTP_IDLE_SECONDS;
	cfg->header_timeout = CAP_HTTP_HEAD_SECONDS;
	cfg->body_timeout = CAP_HTTP_BODY_SECONDS;
	cfg->secure_cookies = 0;
	cfg->login_rate = 10;
	cfg->track_rate = 30;
	cfg->apikey_rate = CAP_APIKEY_RATE_DEFAULT;
}

static int apply(struct http_config *cfg, const struct setting *s, const char *value,
		 struct err *err)
{
	char *base = (char *)cfg;
	int64_t n;

	if (s->kind == K_STR) {
		if (strlen(value) >= s->size)
			return err_set(err, ERR_INVALID, s->key, "'%s' is too long", s->key);
		str_copy(base + s->offset, s->size, value);
		return 0;
	}
	if (str_eq(value, "true") || str_eq(value, "yes") || str_eq(value, "on"))
		value = "1";
	else if (str_eq(value, "false") || str_eq(value, "no") || str_eq(value, "off"))
		value = "0";
	if (num_parse(value, s->min, s->max, &n))
		return err_set(err, ERR_INVALID, s->key,
			       "'%s' must be a whole number from %ld to %ld", s->key,
			       s->min, s->max);
	*(long *)(void *)(base + s->offset) = (long)n;
	return 0;
}

int http_config_set(struct http_config *cfg, const char *key, const char *value,
		    struct err *err)
{
	size_t i;

	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		if (str_eq(settings[i].key, key))
			return apply(cfg, &settings[i], value, err);
	return err_set(err, ERR_INVALID, key, "unknown setting '%s'", key);
}

int http_config_env(struct http_config *cfg, struct err *err)
{
	size_t i;
	const char *v;
	int rc;

	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		v = getenv(settings[i].env);
		if (!v)
			continue;
		rc = apply(cfg, &settings[i], v, err);
		if (rc) {
			char msg[ERR_MSG_MAX];

			str_copy(msg, sizeof(msg), err ? err->msg : "invalid");
			return err_set(err, rc, settings[i].key, "%s: %s", settings[i].env, msg);
		}
	}
	return 0;
}

struct ini_ctx {
	struct http_config *cfg;
	struct err *err;
	int rc;
};

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
	struct ini_ctx *c = user;
	int rc;

	if (c->rc)
		return 0;
	if (!str_eq(section, "server")) {
		c->rc = err_set(c->err, ERR_INVALID, name, "unknown section '%s'", section);
		return 0;
	}
	if (strlen(value) > CAP_CONFIG_VALUE) {
		c->rc = err_set(c->err, ERR_TOOBIG, name, "value of '%s' is too long", name);
		return 0;
	}
	rc = http_config_set(c->cfg, name, value, c->err);
	if (rc) {
		c->rc = rc;
		return 0;
	}
	return 1;
}

int http_config_file(struct http_config *cfg, const char *path, struct err *err)
{
	struct ini_ctx c = { cfg, err, 0 };
	int line;

	line = ini_parse(path, on_ini, &c);
	if (line < 0)
		return err_set(err, ERR_IO, "config", "cannot read config file '%s'", path);
	if (c.rc) {
		char msg[ERR_MSG_MAX], field[ERR_FIELD_MAX];

		str_copy(msg, sizeof(msg), err ? err->msg : "invalid");
		str_copy(field, sizeof(field), err ? err->field : "");
		return err_set(err, c.rc, field, "%s line %d: %s", path, line, msg);
	}
	if (line > 0)
		return err_set(err, ERR_INVALID, "config", "%s line %d: cannot parse", path,
			       line);
	return 0;
}

/* the database as it may be shown: a URI's password masked */
static void print_db(FILE *out, const char *db)
{
	char shown[CAP_DSN_SHOWN];

	core_dsn_safe(db, shown, sizeof(shown));
	fprintf(out, "db=%s\n", shown);
}

void http_config_print(const struct http_config *cfg, FILE *out)
{
	const char *base = (const char *)cfg;
	size_t i;

	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		const struct setting *s = &settings[i];

		if (s->kind == K_LONG)
			fprintf(out, "%s=%ld\n", s->key, *(const long *)(const void *)(base + s->offset));
		else if (str_eq(s->key, "sms_secret"))
			fprintf(out, "%s=%s\n", s->key, base[s->offset] ? "(set)" : "");
		else if (str_eq(s->key, "db"))
			print_db(out, base + s->offset);
		else
			fprintf(out, "%s=%s\n", s->key, base + s->offset);
	}
}
