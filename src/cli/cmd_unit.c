/* cmd_unit.c - `hamgan unit import|list|boundaries`: the unit tree and the
 * units' boundaries on the map. */
#include <stdio.h>
#include <stdlib.h>

#include "base/caps.h"
#include "core/actor.h"
#include "core/core.h"
#include "core/geo.h"
#include "http/geojson.h"
#include "core/unit.h"
#include "cli/cli.h"
#include "cli/cli_db.h"
#include "cli/cmds.h"

const char cmd_unit_usage[] =
	"usage: hamgan unit <import|list|boundaries> [<args>] [--db PATH]\n"
	"\n"
	"  import FILE   CSV with the header code,name,kind,parent_code; kind is\n"
	"                organisation, centre, region, district or department; a\n"
	"                parent comes before its children.  All rows or none.\n"
	"  list          code, kind, parent code, active, name\n"
	"  boundaries import [--property NAME] FILE.geojson\n"
	"                load units' boundaries (docs/routing.md)\n";

static const char import_usage[] = "usage: hamgan unit import FILE [--db PATH]\n";
static const char list_usage[] = "usage: hamgan unit list [--db PATH]\n";

static int unit_import_cmd(int argc, char **argv)
{
	return cli_import_csv("hamgan unit import", argc, argv, unit_import_csv, "units");
}

static int unit_list_cmd(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *pos[1];
	const struct cli_opt opts[] = { { "--db", &db, NULL }, { NULL, NULL, NULL } };
	struct unit *list = NULL;
	struct core c;
	struct err err;
	size_t n = 0, i, j;
	int rc, npos;

	rc = cli_parse("hamgan unit list", argc, argv, opts, pos, 0, 0, &npos);
	if (rc != EXIT_OK)
		return rc;
	rc = cli_core_open(&c, db, false);
	if (rc != EXIT_OK)
		return rc;
	err_clear(&err);
	if (unit_list(&c, &list, &n, &err) < 0)
		rc = cli_fail("%s", err.msg);
	for (i = 0; i < n; i++) {
		const char *parent = "-";

		for (j = 0; j < n; j++)
			if (list[j].id == list[i].parent_id)
				parent = list[j].code;
		printf("%s\t%s\t%s\t%s\t%s\n", list[i].code, unit_kind_name(list[i].kind), parent,
		       list[i].active ? "active" : "inactive", list[i].name);
	}
	free(list);
	core_close(&c);
	return rc;
}

static const char boundaries_usage[] =
	"usage: hamgan unit boundaries import [--db PATH] [--property NAME] FILE.geojson\n"
	"\n"
	"Load units' boundaries from a GeoJSON FeatureCollection: each feature's\n"
	"property NAME (default unit) holds the code of an existing unit, its\n"
	"geometry (Polygon or MultiPolygon, holes included) becomes that unit's\n"
	"boundary, replacing any it had.  Messages with a point are routed by\n"
	"them (docs/routing.md).  All features or none.\n";

static int boundaries_import_cmd(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *property = "unit", *pos[1];
	const struct cli_opt opts[] = { { "--db", &db, NULL }, { "--property", &property, NULL },
					{ NULL, NULL, NULL } };
	struct actor sys = actor_system("cli");
	struct core c;
	struct err err;
	char *data;
	size_t len, count = 0;
	int rc, npos;

	rc = cli_parse("hamgan unit boundaries import", argc, argv, opts, pos, 1, 1, &npos);
	if (rc != EXIT_OK)
		return rc;
	rc = cli_read_file(pos[0], CAP_GEO_FILE, &data, &len);
	if (rc != EXIT_OK)
		return rc;
	rc = cli_core_open(&c, db, false);
	if (rc == EXIT_OK) {
		err_clear(&err);
		if (geojson_import(&c, &sys, data, len, property, &count, &err) < 0)
			rc = cli_fail("'%s': %s", pos[0], err.msg);
		core_close(&c);
	}
	free(data);
	if (rc == EXIT_OK)
		printf("imported %zu boundaries\n", count);
	return rc;
}

static const struct cli_cmd boundaries_cmds[] = {
	{ "import", boundaries_import_cmd, "load boundaries from GeoJSON", boundaries_usage },
	{ NULL, NULL, NULL, NULL },
};

static int unit_boundaries_cmd(int argc, char **argv)
{
	return cli_dispatch("hamgan unit boundaries", boundaries_cmds, argc - 1, argv + 1);
}

static const struct cli_cmd unit_cmds[] = {
	{ "import", unit_import_cmd, "import units from CSV", import_usage },
	{ "list", unit_list_cmd, "list units", list_usage },
	{ "boundaries", unit_boundaries_cmd, "units' boundaries (import)", boundaries_usage },
	{ NULL, NULL, NULL, NULL },
};

int cmd_unit(int argc, char **argv)
{
	return cli_dispatch("hamgan unit", unit_cmds, argc - 1, argv + 1);
}
