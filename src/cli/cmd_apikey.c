/* cmd_apikey.c - `hamgan apikey add|list|revoke`: Open311 API keys. */
#include <stdio.h>
#include <stdlib.h>

#include "core/apikey.h"
#include "cli/cli.h"
#include "cli/cli_db.h"
#include "cli/cmds.h"

const char cmd_apikey_usage[] =
	"usage: hamgan apikey <add|list|revoke> [<args>] [--db PATH]\n"
	"\n"
	"  add NAME      make a key for the Open311 client NAME ([a-z0-9._-]); the\n"
	"                key is printed once, alone on the last line, and only its\n"
	"                hash is kept\n"
	"  list          name, state (active or revoked), created, revoked\n"
	"  revoke NAME   the key stops working at once\n";

static const char add_usage[] = "usage: hamgan apikey add NAME [--db PATH]\n";
static const char list_usage[] = "usage: hamgan apikey list [--db PATH]\n";
static const char revoke_usage[] = "usage: hamgan apikey revoke NAME [--db PATH]\n";

/* Parse "[NAME] [--db PATH]" and open the database. */
static int open_db(const char *prog, int argc, char **argv, int npos_want, const char **pos,
		   struct core *c)
{
	const char *db = CLI_DB_DEFAULT;
	const struct cli_opt opts[] = { { "--db", &db, NULL }, { NULL, NULL, NULL } };
	int rc, npos;

	rc = cli_parse(prog, argc, argv, opts, pos, npos_want, npos_want, &npos);
	if (rc != EXIT_OK)
		return rc;
	return cli_core_open(c, db, false);
}

static int apikey_add_cmd(int argc, char **argv)
{
	struct actor sys = actor_system("cli");
	char key[APIKEY_HEX + 1];
	const char *pos[1];
	struct core c;
	struct err err;
	int rc = open_db("hamgan apikey add", argc, argv, 1, pos, &c);

	if (rc != EXIT_OK)
		return rc;
	err_clear(&err);
	if (apikey_add(&c, &sys, pos[0], key, NULL, &err) < 0)
		rc = cli_fail("%s", err.msg);
	else
		printf("API key for '%s' (shown once; keep it secret):\n%s\n", pos[0], key);
	core_close(&c);
	return rc;
}

static int apikey_list_cmd(int argc, char **argv)
{
	struct actor sys = actor_system("cli");
	struct apikey *list = NULL;
	const char *pos[1];
	char t1[64], t2[64];
	struct core c;
	struct err err;
	size_t n = 0, i;
	int rc = open_db("hamgan apikey list", argc, argv, 0, pos, &c);

	if (rc != EXIT_OK)
		return rc;
	err_clear(&err);
	if (apikey_list(&c, &sys, &list, &n, &err) < 0)
		rc = cli_fail("%s", err.msg);
	for (i = 0; i < n; i++)
		printf("%s\t%s\t%s\t%s\n", list[i].name, list[i].revoked_at ? "revoked" : "active",
		       cli_time(list[i].created_at, t1, sizeof(t1)),
		       cli_time(list[i].revoked_at, t2, sizeof(t2)));
	free(list);
	core_close(&c);
	return rc;
}

static int apikey_revoke_cmd(int argc, char **argv)
{
	struct actor sys = actor_system("cli");
	const char *pos[1];
	struct core c;
	struct err err;
	int rc = open_db("hamgan apikey revoke", argc, argv, 1, pos, &c);

	if (rc != EXIT_OK)
		return rc;
	err_clear(&err);
	if (apikey_revoke(&c, &sys, pos[0], &err) < 0)
		rc = cli_fail("%s", err.msg);
	else
		printf("revoked '%s'\n", pos[0]);
	core_close(&c);
	return rc;
}

static const struct cli_cmd apikey_cmds[] = {
	{ "add", apikey_add_cmd, "make a key (printed once)", add_usage },
	{ "list", apikey_list_cmd, "list keys", list_usage },
	{ "revoke", apikey_revoke_cmd, "revoke a key", revoke_usage },
	{ NULL, NULL, NULL, NULL },
};

int cmd_apikey(int argc, char **argv)
{
	return cli_dispatch("hamgan apikey", apikey_cmds, argc - 1, argv + 1);
}
