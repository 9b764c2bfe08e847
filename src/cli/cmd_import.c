/*
 * cmd_import.c - `hamgan import 311-csv`: history from another 311 system
 * (core/opendata.h).  A progress bar on standard error when it is a
 * terminal; each skipped row and dropped close time is reported with its
 * line either way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/caps.h"
#include "core/opendata.h"
#include "cli/cli.h"
#include "cli/cli_db.h"
#include "cli/cmds.h"
#include "fa/tehran.h"

const char cmd_import_usage[] =
	"usage: hamgan import <311-csv> [<args>]\n"
	"\n"
	"  311-csv FILE [--tz ZONE] [--db PATH]\n"
	"      service requests in NYC Open Data's 311 layout (unique_key,\n"
	"      created_date, closed_date, agency, agency_name, complaint_type,\n"
	"      descriptor, resolution_description, incident_address, latitude,\n"
	"      longitude, open_data_channel_type; other columns are ignored).  Times\n"
	"      are local in ZONE (default Asia/Tehran), ISO 8601 or '12/25/2013\n"
	"      12:00:00 AM'.  Each agency becomes a unit (its acronym in lower\n"
	"      case), each complaint type a category; each row a message referred\n"
	"      to its agency at created_date, answered and closed at closed_date.\n"
	"      Unreadable rows are reported by line and skipped; rows imported\n"
	"      before are recognised by unique_key and skipped.\n";

static const char csv_usage[] =
	"usage: hamgan import 311-csv FILE [--tz ZONE] [--db PATH]\n";

struct import_bar {
	bool tty;
	bool drawn;
};

static void report(void *ctx, size_t line, const char *msg, size_t done, size_t total)
{
	struct import_bar *p = ctx;

	if (msg) {
		if (p->drawn)
			fputs("\r\033[K", stderr);
		p->drawn = false;
		fprintf(stderr, "hamgan: line %zu: %s\n", line, msg);
		return;
	}
	if (p->tty && total) {
		int pct = (int)(done * 100 / total), i;

		fputs("\r[", stderr);
		for (i = 0; i < 40; i++)
			fputc(i < pct * 40 / 100 ? '#' : ' ', stderr);
		fprintf(stderr, "] %3d%%", pct);
		fflush(stderr);
		p->drawn = true;
	}
}

static int import_311(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *zone = "Asia/Tehran", *pos[1];
	const struct cli_opt opts[] = {
		{ "--db", &db, NULL }, { "--tz", &zone, NULL }, { NULL, NULL, NULL },
	};
	struct actor sys = actor_system("import");
	struct import_bar pg = { isatty(STDERR_FILENO) == 1, false };
	struct od_import_stats st;
	struct tz *tz = NULL;
	struct core c;
	struct err err;
	char *data = NULL;
	size_t len = 0;
	int rc, npos;

	rc = cli_parse("hamgan import 311-csv", argc, argv, opts, pos, 1, 1, &npos);
	if (rc != EXIT_OK)
		return rc;
	rc = tz_load(zone, &tz);
	if (rc < 0)
		return cli_usage_error("hamgan import 311-csv", "'%s' is not a time zone of the "
				       "system's tz database", zone);
	rc = cli_read_file(pos[0], CAP_311_CSV_FILE, &data, &len);
	if (rc == EXIT_OK)
		rc = cli_core_open(&c, db, false);
	if (rc == EXIT_OK) {
		err_clear(&err);
		if (od_import_311(&c, &sys, data, len, tz, report, &pg, &st, &err) < 0) {
			if (pg.drawn)
				fputc('\n', stderr);
			rc = cli_fail("'%s': %s", pos[0], err.msg);
		} else {
			if (pg.drawn)
				fputc('\n', stderr);
			printf("imported %zu of %zu rows (%zu imported before, %zu skipped, %zu close "
			       "times dropped)\n", st.imported, st.rows, st.already, st.skipped,
			       st.warnings);
		}
		core_close(&c);
	}
	free(data);
	tz_free(tz);
	return rc;
}

static const struct cli_cmd import_cmds[] = {
	{ "311-csv", import_311, "service requests in NYC's open-data layout", csv_usage },
	{ NULL, NULL, NULL, NULL },
};

int cmd_import(int argc, char **argv)
{
	return cli_dispatch("hamgan import", import_cmds, argc - 1, argv + 1);
}
