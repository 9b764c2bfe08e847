/*
 * main.c - `hamgan`: the command table and the top-level options.
 *
 * Sub-commands are dispatched git style from cli_commands[]; each lives in its
 * own cmd_*.c.  Exit 0 success, 1 failure, 2 usage error.
 */
#include <stdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>

#include "base/str.h"
#include "cli/cli.h"
#include "cli/cmds.h"

static int cmd_help(int argc, char **argv);

const struct cli_cmd cli_commands[] = {
	{ "demo", cmd_demo, "create a realistic demo database", cmd_demo_usage },
	{ "fa", cmd_fa, "Persian tools: Jalali dates, digits, normalising, ids", cmd_fa_usage },
	{ "serve", cmd_serve, "serve the web app and the JSON API", cmd_serve_usage },
	{ "init", cmd_init, "create or migrate a database", cmd_init_usage },
	{ "user", cmd_user, "accounts: add, list, passwd, disable", cmd_user_usage },
	{ "unit", cmd_unit, "units: import, list", cmd_unit_usage },
	{ "category", cmd_category, "categories: import, list", cmd_category_usage },
	{ "message", cmd_message, "messages: show", cmd_message_usage },
	{ "overdue", cmd_overdue, "list overdue messages by unit", cmd_overdue_usage },
	{ "audit", cmd_audit, "audit log: verify", cmd_audit_usage },
	{ "db", cmd_db, "the database file: check", cmd_db_usage },
	{ "sms", cmd_sms, "SMS outbox: send", cmd_sms_usage },
	{ "apikey", cmd_apikey, "Open311 API keys: add, list, revoke", cmd_apikey_usage },
	{ "import", cmd_import, "import history: 311-csv", cmd_import_usage },
	{ "export", cmd_export, "export open data: 311-csv", cmd_export_usage },
	{ "migrate", cmd_migrate, "move a SQLite database into PostgreSQL", cmd_migrate_usage },
	{ "report", cmd_report, "reports by Jalali period, the evaluation, --verify", cmd_report_usage },
	{ "help", cmd_help, "show help for a command", "usage: hamgan help [<command>]\n" },
	{ "version", cmd_version, "print the version", "usage: hamgan version\n" },
	{ NULL, NULL, NULL, NULL },
};

static void usage(FILE *out)
{
	fputs("usage: hamgan [--version] [--help] <command> [<args>]\n"
	      "\n"
	      "hamgan (همگان) is a citizen-request and public-oversight system.\n"
	      "\n"
	      "commands:\n", out);
	cli_list(out, cli_commands);
	fputs("\n'hamgan help <command>' or 'hamgan <command> -h' tells more.\n", out);
}

static int cmd_help(int argc, char **argv)
{
	const struct cli_cmd *c;

	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argc > 2)
		return cli_usage_error("hamgan help", "too many arguments");
	for (c = cli_commands; c->name; c++) {
		if (str_eq(c->name, argv[1])) {
			fputs(c->usage, stdout);
			return EXIT_OK;
		}
	}
	return cli_usage_error("hamgan help", "'%s' is not a command", argv[1]);
}

int cmd_version(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cli_usage_error("hamgan version", "too many arguments");
	printf("hamgan %s\n", HAMGAN_VERSION);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
#ifdef __GLIBC__
	/* SQLite allocates and frees ~100 KiB per write transaction; without
	 * top padding glibc gives it back to the kernel (brk + TLB flush) every
	 * time, which halved the write rate in bench runs (docs/core.md). */
	mallopt(M_TOP_PAD, 16 << 20);
	/* Setting M_TOP_PAD also freezes glibc's sliding mmap threshold at
	 * 128 KiB, so every larger block (the list of a message's audit
	 * entries, 16 KiB each, passes it at eight) was an mmap, page faults
	 * and a munmap with a TLB flush: at 5,000 connections most of a
	 * tracking look-up's time (docs/performance.md).  Blocks up to 4 MiB
	 * come from the heap, as the sliding threshold would have settled. */
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
#endif
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (cli_is_help(argv[1])) {
		usage(stdout);
		return EXIT_OK;
	}
	if (str_eq(argv[1], "--version") || str_eq(argv[1], "-v"))
		return cmd_version(1, argv + 1);
	if (argv[1][0] == '-')
		return cli_usage_error("hamgan", "unknown option '%s'", argv[1]);
	return cli_dispatch("hamgan", cli_commands, argc - 1, argv + 1);
}
