/* cmd_category.c - `hamgan category import|list`: the category tree. */
#include <stdio.h>
#include <stdlib.h>

#include "base/caps.h"
#include "core/actor.h"
#include "core/category.h"
#include "cli/cli.h"
#include "cli/cli_db.h"
#include "cli/cmds.h"

const char cmd_category_usage[] =
	"usage: hamgan category <import|list> [<args>] [--db PATH]\n"
	"\n"
	"  import FILE   CSV with the header\n"
	"                code,name,parent_code,deadline_hours,kinds,confidential,service_code\n"
	"                kinds: 'all' or kinds joined by '|' (criticism, complaint,\n"
	"                suggestion, appreciation, request); confidential 0 or 1.\n"
	"                Two more columns may follow for Open311: keywords (a line)\n"
	"                and attributes (one attribute a line:\n"
	"                code|datatype|required|description[|key=name;...],\n"
	"                docs/open311.md).  All rows or none.\n"
	"  list          code, parent, deadline hours, kinds, confidential, service, name\n";

static const char import_usage[] = "usage: hamgan category import FILE [--db PATH]\n";
static const char list_usage[] = "usage: hamgan category list [--db PATH]\n";

static int category_import_cmd(int argc, char **argv)
{
	return cli_import_csv("hamgan category import", argc, argv, category_import_csv, "categories");
}

static int category_list_cmd(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *pos[1];
	const struct cli_opt opts[] = { { "--db", &db, NULL }, { NULL, NULL, NULL } };
	struct category *list = NULL;
	struct core c;
	struct err err;
	char kinds[128];
	size_t n = 0, i, j;
	int rc, npos;

	rc = cli_parse("hamgan category list", argc, argv, opts, pos, 0, 0, &npos);
	if (rc != EXIT_OK)
		return rc;
	rc = cli_core_open(&c, db, false);
	if (rc != EXIT_OK)
		return rc;
	err_clear(&err);
	if (category_list(&c, &list, &n, &err) < 0)
		rc = cli_fail("%s", err.msg);
	for (i = 0; i < n; i++) {
		const char *parent = "-";

		for (j = 0; j < n; j++)
			if (list[j].id == list[i].parent_id)
				parent = list[j].code;
		category_kinds_format(list[i].kinds, kinds, sizeof(kinds));
		printf("%s\t%s\t%d\t%s\t%d\t%s\t%s\n", list[i].code, parent,
		       list[i].deadline_hours, kinds, list[i].confidential,
		       list[i].service_code[0] ? list[i].service_code : "-", list[i].name);
	}
	free(list);
	core_close(&c);
	return rc;
}

static const struct cli_cmd category_cmds[] = {
	{ "import", category_import_cmd, "import categories from CSV", import_usage },
	{ "list", category_list_cmd, "list categories", list_usage },
	{ NULL, NULL, NULL, NULL },
};

int cmd_category(int argc, char **argv)
{
	return cli_dispatch("hamgan category", category_cmds, argc - 1, argv + 1);
}
