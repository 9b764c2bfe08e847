/* cmd_init.c - `hamgan init`: create a database or bring one up to date. */
#include <stdio.h>

#include "base/caps.h"

#include "cli/cli.h"
#include "cli/cli_db.h"
#include "cli/cmds.h"

const char cmd_init_usage[] =
	"usage: hamgan init [--db PATH]\n"
	"\n"
	"Create the database PATH (default hamgan.db) with the current schema, or\n"
	"apply the migrations an older database lacks.  A database made by a newer\n"
	"hamgan is refused.  PATH may be a postgresql://USER@HOST/DB URI (an\n"
	"existing, empty PostgreSQL database); so may every command's --db.\n";

int cmd_init(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *pos[1];
	const struct cli_opt opts[] = { { "--db", &db, NULL }, { NULL, NULL, NULL } };
	struct core c;
	struct err err;
	char shown[CAP_DSN_SHOWN];
	int rc, npos, have = 0, want = 0;

	rc = cli_parse("hamgan init", argc, argv, opts, pos, 0, 0, &npos);
	if (rc != EXIT_OK)
		return rc;
	rc = cli_core_open(&c, db, true);
	if (rc != EXIT_OK)
		return rc;
	err_clear(&err);
	if (core_schema_version(&c, &have, &want, &err) < 0) {
		core_close(&c);
		return cli_fail("%s", err.msg);
	}
	core_close(&c);
	core_dsn_safe(db, shown, sizeof(shown));
	printf("database '%s' is at schema version %d\n", shown, have);
	return EXIT_OK;
}
