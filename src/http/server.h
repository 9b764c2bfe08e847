/*
 * server.h - the HTTP server: settings, start, graceful stop.
 *
 * Settings come from four places, each overriding the one before:
 * built-in defaults, a config file (INI, section [server]), the environment
 * (HAMGAN_*), command-line flags.  http_config_* fill a struct http_config
 * from each; cmd_serve.c applies them in that order.  See docs/config.md.
 *
 * The server runs libmicrohttpd daemons in epoll loops of its own, four a
 * worker thread and shared by the threads (loop.h, docs/deployment.md),
 * fed by an accepting thread of its own (slow clients: docs/security.md).
 * http_server_start returns once it is listening; http_server_stop stops
 * accepting, lets requests in flight finish (up to CAP_HTTP_DRAIN_SECONDS)
 * and frees everything.
 */
#ifndef HAMGAN_HTTP_SERVER_H
#define HAMGAN_HTTP_SERVER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/caps.h"
#include "base/err.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

struct http_config {
	char listen[CAP_CONFIG_LISTEN];	/* "ADDR:PORT", "[V6ADDR]:PORT"; port 0: any free */
	char db[PATH_MAX];
	char web_root[PATH_MAX];
	char sms_secret[CAP_CONFIG_SECRET];
	char trusted_proxy[CAP_CONFIG_ADDR];	/* peer whose X-Forwarded-For is believed */
	long threads;
	long max_connections;
	long max_per_ip;
	long max_body;
	long idle_timeout;
	long header_timeout;	/* seconds for a request's line and headers */
	long body_timeout;	/* seconds for a body, plus its size's share */
	long secure_cookies;	/* 0 or 1 */
	long login_rate;	/* login attempts per minute per address */
	long track_rate;	/* tracking look-ups per minute per address */
	char map_tiles[CAP_CONFIG_URL];	/* tile server URL with {z}/{x}/{y}, or "" (no tiles) */
	char map_tiles_attribution[CAP_CONFIG_CREDIT];	/* credit shown on the map for the tiles */
	long apikey_rate;	/* Open311 POSTs per minute per API key */
};

/* Fill cfg with the defaults. */
void http_config_defaults(struct http_config *cfg);
/* Apply the [server] section of an INI file.  ERR_IO when it cannot be
 * read, ERR_INVALID (err says the line and key) on a bad key or value. */
int http_config_file(struct http_config *cfg, const char *path, struct err *err);
/* Apply the HAMGAN_* environment variables that are set. */
int http_config_env(struct http_config *cfg, struct err *err);
/* Apply one setting by its key ("listen", "max_body"...). */
int http_config_set(struct http_config *cfg, const char *key, const char *value,
		    struct err *err);
/* Print "key=value" lines, the SMS secret masked. */
void http_config_print(const struct http_config *cfg, FILE *out);
/* The keys http_config_set knows, NULL-terminated (for usage text). */
extern const char *const http_config_keys[];

struct http_server;

/*
 * Start serving with cfg (copied).  app is handed to handlers as the
 * server's application context (the open core).  On success *out is the
 * running server and *port the port it listens on.
 */
int http_server_start(struct http_server **out, const struct http_config *cfg,
		      void *app, unsigned *port, struct err *err);
/* Stop accepting, drain requests in flight, stop and free. */
void http_server_stop(struct http_server *srv);

/*
 * For tests and fuzzing: serve fd, an already-connected stream socket (one
 * end of a socketpair, say), as a connection accepted from 127.0.0.1, through
 * the same admission and libmicrohttpd path as the listening socket's.  The
 * server owns fd from then on, and closes it when refused (ERR_TOOBIG: the
 * connection limits).
 */
int http_server_add_socket(struct http_server *srv, int fd, struct err *err);

/* The config and application context of a running server (for handlers). */
const struct http_config *http_server_config(const struct http_server *srv);
void *http_server_app(const struct http_server *srv);

#endif
