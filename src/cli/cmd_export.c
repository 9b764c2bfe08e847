/*
 * cmd_export.c - `hamgan export 311-csv`: hamgan's messages in NYC's 311
 * open-data layout, anonymised, for a transparency portal
 * (core/opendata.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/opendata.h"
#include "cli/cli.h"
#include "cli/cli_db.h"
#include "cli/cmds.h"
#include "fa/period.h"
#include "fa/tehran.h"

const char cmd_export_usage[] =
	"usage: hamgan export <311-csv> [<args>]\n"
	"\n"
	"  311-csv --period PERIOD [--output FILE] [--tz ZONE] [--db PATH]\n"
	"      the messages created in the Jalali PERIOD (1403, 1403-07,\n"
	"      1403-01..1403-06, ...) in NYC Open Data's 311 layout, with the\n"
	"      header 'hamgan import 311-csv' reads, to FILE or standard output.\n"
	"      No names, mobiles or national ids; for confidential messages no\n"
	"      text and no place either.  Times local in ZONE (default\n"
	"      Asia/Tehran).\n";

static const char csv_usage[] =
	"usage: hamgan export 311-csv --period PERIOD [--output FILE] [--tz ZONE] [--db PATH]\n";

static int write_file(void *ctx, const char *data, size_t len)
{
	return fwrite(data, 1, len, ctx) == len ? 0 : -1;
}

static int export_311(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *zone = "Asia/Tehran", *period = NULL, *output = NULL;
	const char *pos[1];
	const struct cli_opt opts[] = {
		{ "--db", &db, NULL }, { "--tz", &zone, NULL }, { "--period", &period, NULL },
		{ "--output", &output, NULL }, { NULL, NULL, NULL },
	};
	struct actor sys = actor_system("export");
	struct jperiod p;
	struct tz *tz = NULL;
	struct core c;
	struct err err;
	FILE *out = stdout;
	size_t count = 0;
	int rc, npos;

	rc = cli_parse("hamgan export 311-csv", argc, argv, opts, pos, 0, 0, &npos);
	if (rc != EXIT_OK)
		return rc;
	if (!period)
		return cli_usage_error("hamgan export 311-csv", "--period is required");
	err_clear(&err);
	if (jperiod_parse(period, &p, &err) < 0)
		return cli_usage_error("hamgan export 311-csv", "%s", err.msg);
	if (tz_load(zone, &tz) < 0)
		return cli_usage_error("hamgan export 311-csv", "'%s' is not a time zone of the "
				       "system's tz database", zone);
	rc = cli_core_open(&c, db, false);
	if (rc != EXIT_OK) {
		tz_free(tz);
		return rc;
	}
	if (output) {
		out = fopen(output, "w");
		if (!out) {
			rc = cli_fail("cannot write '%s': %s", output, strerror(errno));
			goto done;
		}
	}
	if (od_export_311(&c, &sys, p.start, p.end, tz, write_file, out, &count, &err) < 0)
		rc = cli_fail("%s", err.msg);
	if (fflush(out) != 0 && rc == EXIT_OK)
		rc = cli_fail("cannot write the export: %s", strerror(errno));
	if (output) {
		if (fclose(out) != 0 && rc == EXIT_OK)
			rc = cli_fail("cannot write '%s': %s", output, strerror(errno));
		if (rc != EXIT_OK)
			unlink(output);
		else
			fprintf(stderr, "exported %zu messages to '%s'\n", count, output);
	}
done:
	core_close(&c);
	tz_free(tz);
	return rc;
}

static const struct cli_cmd export_cmds[] = {
	{ "311-csv", export_311, "messages in NYC's open-data layout", csv_usage },
	{ NULL, NULL, NULL, NULL },
};

int cmd_export(int argc, char **argv)
{
	return cli_dispatch("hamgan export", export_cmds, argc - 1, argv + 1);
}
