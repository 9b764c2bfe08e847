/* cmd_user.c - `hamgan user add|list|passwd|disable`: accounts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/caps.h"
#include "core/unit.h"
#include "core/user.h"
#include "cli/cli.h"
#include "cli/cli_db.h"
#include "cli/cmds.h"

const char cmd_user_usage[] =
	"usage: hamgan user <add|list|passwd|disable> [<args>] [--db PATH]\n"
	"\n"
	"  add USERNAME --role ROLE [--unit CODE] [--name NAME] [--password-stdin]\n"
	"      ROLE is operator, staff, manager, inspector or admin; staff and\n"
	"      managers need --unit.  The password is read from standard input\n"
	"      (--password-stdin, one line) or asked for on the terminal.\n"
	"  list\n"
	"  passwd USERNAME [--password-stdin]\n"
	"  disable USERNAME      disable the account and end its sessions\n";

static const char add_usage[] =
	"usage: hamgan user add USERNAME --role ROLE [--unit CODE] [--name NAME]\n"
	"                       [--password-stdin] [--db PATH]\n";
static const char list_usage[] = "usage: hamgan user list [--db PATH]\n";
static const char passwd_usage[] =
	"usage: hamgan user passwd USERNAME [--password-stdin] [--db PATH]\n";
static const char disable_usage[] = "usage: hamgan user disable USERNAME [--db PATH]\n";

static int user_add_cmd(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *role = NULL, *unit = NULL, *name = NULL, *pos[1];
	bool pw_stdin = false;
	const struct cli_opt opts[] = {
		{ "--db", &db, NULL }, { "--role", &role, NULL }, { "--unit", &unit, NULL },
		{ "--name", &name, NULL }, { "--password-stdin", NULL, &pw_stdin },
		{ NULL, NULL, NULL },
	};
	struct actor sys = actor_system("cli");
	char pw[CAP_PASSWORD + 2];
	struct user u;
	struct unit un;
	struct core c;
	struct err err;
	int rc, npos;

	rc = cli_parse("hamgan user add", argc, argv, opts, pos, 1, 1, &npos);
	if (rc != EXIT_OK)
		return rc;
	memset(&u, 0, sizeof(u));
	if (!role)
		return cli_usage_error("hamgan user add", "--role is required");
	if (role_parse(role, &u.role) < 0)
		return cli_usage_error("hamgan user add", "unknown role '%s' (operator, staff, "
				       "manager, inspector, admin)", role);
	if (strlen(pos[0]) >= sizeof(u.username) || (name && strlen(name) >= sizeof(u.name)))
		return cli_fail("the username or name is too long");
	snprintf(u.username, sizeof(u.username), "%s", pos[0]);
	snprintf(u.name, sizeof(u.name), "%s", name ? name : "");
	u.active = true;
	rc = cli_core_open(&c, db, false);
	if (rc != EXIT_OK)
		return rc;
	err_clear(&err);
	if (unit) {
		if (unit_get_by_code(&c, unit, &un, &err) < 0) {
			core_close(&c);
			return cli_fail("%s", err.msg);
		}
		u.unit_id = un.id;
	}
	rc = cli_read_password(pw_stdin, true, pw, sizeof(pw));
	if (rc == EXIT_OK && user_add(&c, &sys, &u, pw, &err) < 0)
		rc = cli_fail("%s", err.msg);
	sodium_memzero(pw, sizeof(pw));
	core_close(&c);
	if (rc == EXIT_OK)
		printf("added user '%s' (%s)\n", u.username, role_name(u.role));
	return rc;
}

static int user_list_cmd(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *pos[1];
	const struct cli_opt opts[] = { { "--db", &db, NULL }, { NULL, NULL, NULL } };
	struct user *list = NULL;
	struct unit un;
	struct core c;
	struct err err;
	size_t n = 0, i;
	int rc, npos;

	rc = cli_parse("hamgan user list", argc, argv, opts, pos, 0, 0, &npos);
	if (rc != EXIT_OK)
		return rc;
	rc = cli_core_open(&c, db, false);
	if (rc != EXIT_OK)
		return rc;
	err_clear(&err);
	if (user_list(&c, &list, &n, &err) < 0) {
		core_close(&c);
		return cli_fail("%s", err.msg);
	}
	for (i = 0; i < n; i++) {
		const char *ucode = "-";

		if (list[i].unit_id && unit_get(&c, list[i].unit_id, &un, NULL) == 0)
			ucode = un.code;
		printf("%s\t%s\t%s\t%s\t%s\n", list[i].username, role_name(list[i].role), ucode,
		       list[i].active ? "active" : "disabled", list[i].name);
	}
	free(list);
	core_close(&c);
	return EXIT_OK;
}

static int user_passwd_cmd(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *pos[1];
	bool pw_stdin = false;
	const struct cli_opt opts[] = {
		{ "--db", &db, NULL }, { "--password-stdin", NULL, &pw_stdin },
		{ NULL, NULL, NULL },
	};
	struct actor sys = actor_system("cli");
	char pw[CAP_PASSWORD + 2];
	struct user u;
	struct core c;
	struct err err;
	int rc, npos;

	rc = cli_parse("hamgan user passwd", argc, argv, opts, pos, 1, 1, &npos);
	if (rc != EXIT_OK)
		return rc;
	rc = cli_core_open(&c, db, false);
	if (rc != EXIT_OK)
		return rc;
	err_clear(&err);
	if (user_get_by_name(&c, pos[0], &u, &err) < 0) {
		core_close(&c);
		return cli_fail("%s", err.msg);
	}
	rc = cli_read_password(pw_stdin, true, pw, sizeof(pw));
	if (rc == EXIT_OK && user_set_password(&c, &sys, pos[0], pw, &err) < 0)
		rc = cli_fail("%s", err.msg);
	sodium_memzero(pw, sizeof(pw));
	core_close(&c);
	if (rc == EXIT_OK)
		printf("changed the password of '%s'\n", pos[0]);
	return rc;
}

static int user_disable_cmd(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *pos[1];
	const struct cli_opt opts[] = { { "--db", &db, NULL }, { NULL, NULL, NULL } };
	struct actor sys = actor_system("cli");
	struct core c;
	struct err err;
	int rc, npos;

	rc = cli_parse("hamgan user disable", argc, argv, opts, pos, 1, 1, &npos);
	if (rc != EXIT_OK)
		return rc;
	rc = cli_core_open(&c, db, false);
	if (rc != EXIT_OK)
		return rc;
	err_clear(&err);
	if (user_disable(&c, &sys, pos[0], &err) < 0)
		rc = cli_fail("%s", err.msg);
	core_close(&c);
	if (rc == EXIT_OK)
		printf("disabled '%s'\n", pos[0]);
	return rc;
}

static const struct cli_cmd user_cmds[] = {
	{ "add", user_add_cmd, "add an account", add_usage },
	{ "list", user_list_cmd, "list accounts", list_usage },
	{ "passwd", user_passwd_cmd, "set an account's password", passwd_usage },
	{ "disable", user_disable_cmd, "disable an account", disable_usage },
	{ NULL, NULL, NULL, NULL },
};

int cmd_user(int argc, char **argv)
{
	return cli_dispatch("hamgan user", user_cmds, argc - 1, argv + 1);
}
