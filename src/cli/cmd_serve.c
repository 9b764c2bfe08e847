/*
 * cmd_serve.c - `hamgan serve`: load the settings (defaults < config file <
 * environment < flags), start the HTTP server, print the address it listens
 * on, and stop gracefully on SIGTERM or SIGINT.
 *
 * Signals are blocked before any thread starts and taken with sigwait() in
 * the main thread, so no work ever runs in a signal handler.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/caps.h"
#include "base/str.h"
#include "cli/cli.h"
#include "cli/cmds.h"
#include "core/core.h"
#include "http/server.h"

const char cmd_serve_usage[] =
	"usage: hamgan serve [--config FILE] [--db PATH|URI] [--listen ADDR:PORT]\n"
	"                    [--web-root DIR] [--threads N] [--set KEY=VALUE]...\n"
	"                    [--print-config]\n"
	"\n"
	"Serve the JSON API under /api/v1, Open311 GeoReport v2 under /open311/v2\n"
	"and the web app from the web root.\n"
	"Settings, each overriding the one before: defaults, the [server] section\n"
	"of --config FILE, HAMGAN_* environment variables, flags.  --set takes any\n"
	"setting by name (listen, db, web_root, sms_secret, trusted_proxy, threads,\n"
	"max_connections, max_per_ip, max_body, idle_timeout, header_timeout,\n"
	"body_timeout, secure_cookies, login_rate, track_rate, apikey_rate, map_tiles,\n"
	"map_tiles_attribution); see docs/config.md.  Port 0 picks a free port.\n"
	"--db postgresql://... serves a PostgreSQL database; several nodes may serve\n"
	"one (docs/scale-out.md).\n"
	"Prints \"listening on http://ADDR:PORT\" once ready; SIGTERM or SIGINT\n"
	"stops accepting, finishes requests in flight and exits 0.\n"
	"--print-config prints the settings in effect (secrets masked) and exits.\n"
	"A non-empty sms_secret shorter than 32 characters is refused (exit 1).\n";

struct flag {
	const char *opt;
	const char *key;
};

static const struct flag flags[] = {
	{ "--db", "db" },
	{ "--listen", "listen" },
	{ "--web-root", "web_root" },
	{ "--threads", "threads" },
};

static void print_address(const char *listen, unsigned port)
{
	char host[128];
	const char *colon = strrchr(listen, ':');
	size_t n = colon ? (size_t)(colon - listen) : 0;

	if (n >= sizeof(host))
		n = sizeof(host) - 1;
	memcpy(host, listen, n);
	host[n] = '\0';
	printf("listening on http://%s:%u\n", host, port);
	fflush(stdout);
}

int cmd_serve(int argc, char **argv)
{
	struct http_config cfg;
	struct http_server *srv = NULL;
	struct err err;
	const char *config = NULL, *v;
	const char *sets[64];
	const char *flagv[sizeof(flags) / sizeof(flags[0])] = { NULL };
	int nsets = 0, i, rc, sig;
	bool print_config = false;
	size_t k;
	unsigned port = 0;
	sigset_t set;

	err_clear(&err);
	for (i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(cmd_serve_usage, stdout);
			return EXIT_OK;
		}
		if (str_eq(argv[i], "--print-config")) {
			print_config = true;
			continue;
		}
		rc = cli_opt_value(argc, argv, &i, "--config", &config);
		if (rc < 0)
			return cli_usage_error("hamgan serve", "'--config' needs a value");
		if (rc)
			continue;
		rc = cli_opt_value(argc, argv, &i, "--set", &v);
		if (rc < 0)
			return cli_usage_error("hamgan serve", "'--set' needs KEY=VALUE");
		if (rc) {
			if (nsets >= (int)(sizeof(sets) / sizeof(sets[0])) || !strchr(v, '='))
				return cli_usage_error("hamgan serve", "bad '--set %s'", v);
			sets[nsets++] = v;
			continue;
		}
		for (k = 0; k < sizeof(flags) / sizeof(flags[0]); k++) {
			rc = cli_opt_value(argc, argv, &i, flags[k].opt, &flagv[k]);
			if (rc)
				break;
		}
		if (rc < 0)
			return cli_usage_error("hamgan serve", "'%s' needs a value", argv[i]);
		if (!rc)
			return cli_usage_error("hamgan serve", "unknown argument '%s'", argv[i]);
	}

	http_config_defaults(&cfg);
	if (config && http_config_file(&cfg, config, &err))
		return cli_fail("%s", err.msg);
	if (http_config_env(&cfg, &err))
		return cli_fail("%s", err.msg);
	for (i = 0; i < nsets; i++) {
		char key[64];
		const char *eq = strchr(sets[i], '=');
		size_t n = (size_t)(eq - sets[i]);

		if (n >= sizeof(key))
			return cli_usage_error("hamgan serve", "bad '--set %s'", sets[i]);
		memcpy(key, sets[i], n);
		key[n] = '\0';
		if (http_config_set(&cfg, key, eq + 1, &err))
			return cli_usage_error("hamgan serve", "%s", err.msg);
	}
	for (k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
		if (flagv[k] && http_config_set(&cfg, flags[k].key, flagv[k], &err))
			return cli_usage_error("hamgan serve", "%s", err.msg);

	if (cfg.sms_secret[0] && strlen(cfg.sms_secret) < CAP_SMS_SECRET_MIN)
		return cli_fail("'sms_secret' has %zu characters: it must have at least %d "
				"(e.g. the output of 'openssl rand -hex 32'), or be empty to turn "
				"the SMS webhook off", strlen(cfg.sms_secret), CAP_SMS_SECRET_MIN);
	if (print_config) {
		http_config_print(&cfg, stdout);
		return EXIT_OK;
	}

	/* Fail fast on a missing or unreadable database (each worker thread
	 * opens its own connection later). */
	{
		struct core c;
		char shown[CAP_DSN_SHOWN];

		if (core_open(&c, cfg.db, &err)) {
			/* a URI's password stays out of the terminal and the logs */
			core_dsn_safe(cfg.db, shown, sizeof(shown));
			if (err.code == ERR_NOTFOUND)
				return cli_fail("database '%s' not found: run 'hamgan init --db %s'",
						shown, shown);
			return cli_fail("%s", err.msg);
		}
		core_close(&c);
	}

	/* Block the stop signals in every thread; the main thread waits. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (http_server_start(&srv, &cfg, NULL, &port, &err))
		return cli_fail("%s", err.msg);
	print_address(cfg.listen, port);
	do {
		rc = sigwait(&set, &sig);
	} while (rc != 0);
	fprintf(stderr, "hamgan: info: signal %d: stopping\n", sig);
	http_server_stop(srv);
	fprintf(stderr, "hamgan: info: stopped\n");
	return EXIT_OK;
}
