/*
 * cmd_demo.c - `hamgan demo`: make a realistic demo database (src/demo/demo.h)
 * and print the logins it made.  Progress goes to standard error; the summary
 * and the logins to standard output.
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/str.h"
#include "cli/cli.h"
#include "cli/cmds.h"
#include "core/actor.h"
#include "core/core.h"
#include "demo/demo.h"
#include "demo/demo_sms.h"
#include "core/geo.h"
#include "http/geojson.h"
#include "cli/cli_db.h"
#include "base/caps.h"

const char cmd_demo_usage[] =
	"usage: hamgan demo [--db PATH] [--messages N] [--seed S] [--force]\n"
	"                   [--boundaries FILE.geojson]\n"
	"\n"
	"Create a demo database at PATH (default hamgan.db): Tehran's municipality\n"
	"with its 22 regions and their districts, the 1888 centre, a category tree,\n"
	"one account for each role (printed with their passwords at the end), and\n"
	"N messages (default 100000, 1000..10000000) from 1398-01-01 to 1400-12-29\n"
	"with their referrals, answers, verdicts and grades.  The same seed (default\n"
	"1888) gives the same data.  An existing PATH is refused unless --force,\n"
	"which replaces it.  PATH may be a postgresql:// URI of an empty database\n"
	"(one holding hamgan data is refused: --force never drops a server's\n"
	"tables).  The regions' boundaries are loaded from FILE (default\n"
	"data/tehran-regions.geojson beside the program or in the current\n"
	"directory; none when it is not found).  docs/demo.md tells what is in it.\n";

static void on_progress(void *ctx, int pct, const char *what)
{
	(void)ctx;
	fprintf(stderr, "hamgan: demo: %s %d%%\n", what, pct);
}

static bool path_exists(const char *p)
{
	struct stat sb;

	return stat(p, &sb) == 0;
}

/* Remove PATH and its WAL side files; 0 or -1 with errno. */
static int remove_db(const char *db)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char p[4096];
	size_t i;

	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		if ((size_t)snprintf(p, sizeof(p), "%s%s", db, sfx[i]) >= sizeof(p)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if (unlink(p) < 0 && errno != ENOENT)
			return -1;
	}
	return 0;
}

/* The shipped boundaries: data/ beside the program (build/hamgan and
 * build/asan/hamgan sit one or two levels below the tree), else ./data. */
static bool find_boundaries(char *out, size_t outsz)
{
	static const char *const rel[] = { "/../data/tehran-regions.geojson",
					   "/../../data/tehran-regions.geojson" };
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;
	size_t i;

	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++)
			if ((size_t)snprintf(out, outsz, "%s%s", exe, rel[i]) < outsz &&
			    path_exists(out))
				return true;
	}
	str_copy(out, outsz, "data/tehran-regions.geojson");
	return path_exists(out);
}

/* Load the regions' boundaries into the demo (the demo's own routing does
 * not use them: its figures stay the seed's). */
static int load_boundaries(struct core *c, const char *path, struct err *err)
{
	struct actor sys = actor_system("demo");
	size_t len, count;
	char *data;

	if (cli_read_file(path, CAP_GEO_FILE, &data, &len) != EXIT_OK)
		return err_set(err, ERR_IO, "boundaries", "cannot read '%s'", path);
	if (geojson_import(c, &sys, data, len, "unit", &count, err) < 0) {
		free(data);
		return err->code;
	}
	free(data);
	fprintf(stderr, "hamgan: demo: %zu boundaries from '%s'\n", count, path);
	return 0;
}

/*
 * Make room for the demo at db: a file is refused when it exists, unless
 * force, which removes it; a PostgreSQL database must hold no hamgan data
 * yet (dropping a server's tables is its administrator's call, not ours).
 */
static int prepare_target(const char *db, const char *shown, bool force)
{
	struct core c;
	struct err err;

	if (core_dsn_server(db)) {
		err_clear(&err);
		if (core_open(&c, db, &err) == 0) {
			core_close(&c);
			return cli_fail("'%s' holds hamgan data already: a demo needs an empty "
					"database", shown);
		}
		if (err.code != ERR_NOTFOUND)
			return cli_fail("%s", err.msg);
		return EXIT_OK;
	}
	if (path_exists(db)) {
		if (!force)
			return cli_fail("'%s' exists; use --force to replace it", db);
		if (remove_db(db) < 0)
			return cli_fail("cannot remove '%s': %s", db, strerror(errno));
	}
	return EXIT_OK;
}

static void print_result(const char *db, const struct demo_opts *o, const struct demo_result *r,
			 double secs)
{
	int i;

	printf("demo database '%s' made in %.1f s (seed %llu)\n", db, secs,
	       (unsigned long long)o->seed);
	printf("  units %ld, categories %ld, users %ld, direct-connection sessions %ld\n",
	       r->units, r->categories, r->users, r->sessions);
	printf("  messages %ld: rejected %ld, referrals %ld (returned %ld, transferred %ld),\n"
	       "  answers %ld, reopened %ld, verdicts %ld, grades %ld, closed %ld, open at the end %ld\n",
	       r->registered, r->rejected, r->referred, r->returned, r->transferred, r->answered,
	       r->reopened, r->verdicts, r->grades, r->closed, r->open_at_end);
	printf("  texts sent %ld, of which %ld older than %d days pruned (docs/deployment.md)\n",
	       r->sms_sent, r->sms_pruned, DEMO_SMS_KEEP_DAYS);
	printf("\nlogins (the passwords are shown only now):\n");
	printf("  %-10s  %-9s  %-16s  %s\n", "username", "role", "unit", "password");
	for (i = 0; i < r->nlogins; i++) {
		const struct demo_login *l = &r->logins[i];

		printf("  %-10s  %-9s  %-16s  %s\n", l->username, role_name(l->role),
		       *l->unit_code ? l->unit_code : "-", l->password);
	}
	printf("\nstart the server with: hamgan serve --db %s\n", db);
}

int cmd_demo(int argc, char **argv)
{
	const char *boundaries = NULL;
	char found[4096];
	const char *db = "hamgan.db", *messages = NULL, *seed = NULL;
	char shown[CAP_DSN_SHOWN];
	bool force = false;
	struct demo_opts o;
	struct demo_result *res;
	struct core c;
	struct err err;
	struct timespec t0, t1;
	int i, rc;

	memset(&o, 0, sizeof(o));
	o.seed = 1888;
	o.messages = DEMO_DEFAULT_MESSAGES;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		int m;

		if (cli_is_help(a)) {
			fputs(cmd_demo_usage, stdout);
			return EXIT_OK;
		}
		if (str_eq(a, "--force")) {
			force = true;
			continue;
		}
		m = cli_opt_value(argc, argv, &i, "--db", &db);
		if (m == 0)
			m = cli_opt_value(argc, argv, &i, "--messages", &messages);
		if (m == 0)
			m = cli_opt_value(argc, argv, &i, "--seed", &seed);
		if (m == 0)
			m = cli_opt_value(argc, argv, &i, "--boundaries", &boundaries);
		if (m == 0)
			return cli_usage_error("hamgan demo", "unknown option '%s'", a);
		if (m < 0)
			return cli_usage_error("hamgan demo", "option '%s' needs a value", a);
	}
	if (!*db)
		return cli_usage_error("hamgan demo", "'--db' needs a path");
	if (messages) {
		int64_t v;

		if (num_parse(messages, DEMO_MIN_MESSAGES, DEMO_MAX_MESSAGES, &v) < 0)
			return cli_usage_error("hamgan demo", "'--messages' must be %d..%d, not '%s'",
					       DEMO_MIN_MESSAGES, DEMO_MAX_MESSAGES, messages);
		o.messages = (long)v;
	}
	if (seed) {
		int64_t v;

		if (num_parse(seed, 0, INT64_MAX, &v) < 0)
			return cli_usage_error("hamgan demo", "'--seed' must be a number 0..%lld, "
					       "not '%s'", (long long)INT64_MAX, seed);
		o.seed = (uint64_t)v;
	}
	core_dsn_safe(db, shown, sizeof(shown));
	rc = prepare_target(db, shown, force);
	if (rc != EXIT_OK)
		return rc;
	err_clear(&err);
	if (core_open_flags(&c, db, CORE_CREATE, NULL, &err) < 0)
		return cli_fail("cannot create '%s': %s", shown, err.msg);
	o.progress = on_progress;
	/* Millions of short-lived allocations: keep freed memory instead of
	 * handing it back to the kernel each time (brk shrinking was most of
	 * the run time). */
	mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
	mallopt(M_TOP_PAD, 64 * 1024 * 1024);
	res = xcalloc(1, sizeof(*res));
	if (!res) {
		core_close(&c);
		return cli_fail("out of memory");
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = demo_generate(&c, &o, res, &err);
	if (rc == 0 && !boundaries && find_boundaries(found, sizeof(found)))
		boundaries = found;
	if (rc == 0 && boundaries)
		rc = load_boundaries(&c, boundaries, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	core_close(&c);
	if (rc < 0) {
		free(res);
		/* a half-made demo is no use to anyone: do not leave it behind
		 * (a server's database is left to its administrator to drop) */
		if (!core_dsn_server(db))
			remove_db(db);
		return cli_fail("cannot make the demo in '%s': %s", shown, err.msg);
	}
	print_result(shown, &o, res,
		     (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	free(res);
	return EXIT_OK;
}
