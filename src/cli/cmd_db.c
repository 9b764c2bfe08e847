/*
 * cmd_db.c - `hamgan db check`: the database's own consistency check
 * (every page, table and index), for after a crash, a power cut or a copy.
 */
#include <stdio.h>

#include "base/caps.h"

#include "core/core.h"
#include "cli/cli.h"
#include "cli/cli_db.h"
#include "cli/cmds.h"

const char cmd_db_usage[] =
	"usage: hamgan db check [--db PATH]\n"
	"\n"
	"check: the database's integrity check over the whole database: SQLite's\n"
	"(every page, table and index), or for a postgresql:// URI amcheck over\n"
	"every index (a read of every table without it).  Prints 'ok' and exits 0\n"
	"when it is sound; prints the\n"
	"first problems found, one a line, and exits 1 when it is not.  Run it\n"
	"after a power cut or a restore, beside 'hamgan audit verify' (the audit\n"
	"chain) and 'hamgan report --verify' (the report aggregates); it reads the\n"
	"whole file, a few seconds a gigabyte.\n";

static const char check_usage[] = "usage: hamgan db check [--db PATH]\n";

static int db_check_cmd(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *pos[1];
	const struct cli_opt opts[] = { { "--db", &db, NULL }, { NULL, NULL, NULL } };
	char report[4096];
	size_t problems = 0;
	struct core c;
	struct err err;
	char shown[CAP_DSN_SHOWN];
	int rc, npos;

	rc = cli_parse("hamgan db check", argc, argv, opts, pos, 0, 0, &npos);
	if (rc != EXIT_OK)
		return rc;
	rc = cli_core_open(&c, db, false);
	if (rc != EXIT_OK)
		return rc;
	err_clear(&err);
	rc = core_check(&c, report, sizeof(report), &problems, &err);
	core_close(&c);
	if (rc < 0)
		return cli_fail("%s", err.msg);
	if (problems) {
		fputs(report, stdout);
		core_dsn_safe(db, shown, sizeof(shown));
		return cli_fail("database '%s' has %zu problem%s", shown, problems,
				problems == 1 ? "" : "s");
	}
	printf("ok\n");
	return EXIT_OK;
}

static const struct cli_cmd db_cmds[] = {
	{ "check", db_check_cmd, "the integrity check of the whole database", check_usage },
	{ NULL, NULL, NULL, NULL },
};

int cmd_db(int argc, char **argv)
{
	return cli_dispatch("hamgan db", db_cmds, argc - 1, argv + 1);
}
