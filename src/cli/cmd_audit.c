/*
 * cmd_audit.c - `hamgan audit verify`: recompute the audit hash chain;
 * `hamgan audit list`: the entries as the core reads them (the stored
 * form is packed, so sqlite3 shows no payload text); `hamgan audit
 * mobile-hash NUMBER`: the keyed hash that stands for a mobile in the
 * audit log, to find the look-ups of a number.
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/num.h"

#include "core/audit.h"
#include "core/citizen.h"
#include "cli/cli.h"
#include "cli/cli_db.h"
#include "cli/cmds.h"

const char cmd_audit_usage[] =
	"usage: hamgan audit verify [--db PATH]\n"
	"       hamgan audit list [--after SEQ] [--limit N] [--db PATH]\n"
	"       hamgan audit mobile-hash NUMBER [--db PATH]\n"
	"\n"
	"verify: recompute the audit log's hash chain.  Exit 0 when it holds;\n"
	"exit 1 when it does not, naming the first entry the break may be at\n"
	"and the entries it lies in (a hash is kept every 32 entries).\n"
	"list: print the entries after SEQ (all: 0), oldest first, at most N,\n"
	"one a line: seq, time (Unix seconds), actor, action, message id (0:\n"
	"none), payload (JSON), hash, separated by tabs.\n"
	"mobile-hash: print the keyed hash that stands for NUMBER in the audit\n"
	"log (caller look-ups and corrections name no number in clear).\n";

static const char hash_usage[] = "usage: hamgan audit mobile-hash NUMBER [--db PATH]\n";

static const char verify_usage[] = "usage: hamgan audit verify [--db PATH]\n";

static const char list_usage[] =
	"usage: hamgan audit list [--after SEQ] [--limit N] [--db PATH]\n"
	"Print the audit log's entries after SEQ, oldest first, at most N, one a\n"
	"line: seq, time, actor, action, message id, payload, hash (tabs).\n";

static int audit_verify_cmd(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *pos[1];
	const struct cli_opt opts[] = { { "--db", &db, NULL }, { NULL, NULL, NULL } };
	int64_t count = 0, bad = 0;
	struct core c;
	struct err err;
	int rc, npos;

	rc = cli_parse("hamgan audit verify", argc, argv, opts, pos, 0, 0, &npos);
	if (rc != EXIT_OK)
		return rc;
	rc = cli_core_open(&c, db, false);
	if (rc != EXIT_OK)
		return rc;
	err_clear(&err);
	rc = audit_verify(&c, &count, &bad, &err);
	core_close(&c);
	if (rc == ERR_CONFLICT) {
		printf("broken at entry %lld\n", (long long)bad);
		return cli_fail("%s", err.msg);
	}
	if (rc < 0)
		return cli_fail("%s", err.msg);
	printf("audit log holds: %lld entries\n", (long long)count);
	return EXIT_OK;
}

static int audit_list_cmd(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *after_s = NULL, *limit_s = NULL, *pos[1];
	const struct cli_opt opts[] = { { "--db", &db, NULL }, { "--after", &after_s, NULL },
					{ "--limit", &limit_s, NULL }, { NULL, NULL, NULL } };
	struct actor sys = actor_system("cli");
	struct audit_entry *list = NULL;
	int64_t after = 0, limit = INT64_MAX;
	struct core c;
	struct err err;
	size_t n, i;
	int rc, npos;

	rc = cli_parse("hamgan audit list", argc, argv, opts, pos, 0, 0, &npos);
	if (rc != EXIT_OK)
		return rc;
	if (after_s && num_parse(after_s, 0, INT64_MAX, &after) < 0)
		return cli_usage_error("hamgan audit list", "--after must be an entry's number");
	if (limit_s && num_parse(limit_s, 1, INT64_MAX, &limit) < 0)
		return cli_usage_error("hamgan audit list", "--limit must be 1 or more");
	rc = cli_core_open(&c, db, false);
	if (rc != EXIT_OK)
		return rc;
	err_clear(&err);
	while (limit > 0) {
		rc = audit_list(&c, &sys, after, limit < CAP_AUDIT_VERIFY_PAGE ? (size_t)limit :
				CAP_AUDIT_VERIFY_PAGE, &list, &n, &err);
		if (rc < 0 || n == 0)
			break;
		for (i = 0; i < n; i++)
			printf("%lld\t%lld\t%s\t%s\t%lld\t%s\t%s\n", (long long)list[i].seq,
			       (long long)list[i].at, list[i].actor, list[i].action,
			       (long long)list[i].msg_id, list[i].payload, list[i].hash);
		after = list[n - 1].seq;
		limit -= (int64_t)n;
		free(list);
		list = NULL;
	}
	free(list);
	core_close(&c);
	if (rc < 0)
		return cli_fail("%s", err.msg);
	return EXIT_OK;
}

static int audit_hash_cmd(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *pos[1];
	const struct cli_opt opts[] = { { "--db", &db, NULL }, { NULL, NULL, NULL } };
	char hash[CITIZEN_MOBILE_HASH_HEX + 1];
	struct core c;
	struct err err;
	int rc, npos;

	rc = cli_parse("hamgan audit mobile-hash", argc, argv, opts, pos, 1, 1, &npos);
	if (rc != EXIT_OK)
		return rc;
	rc = cli_core_open(&c, db, false);
	if (rc != EXIT_OK)
		return rc;
	err_clear(&err);
	rc = citizen_mobile_hash(&c, pos[0], hash, &err);
	core_close(&c);
	if (rc < 0)
		return cli_fail("%s", err.msg);
	printf("%s\n", hash);
	return EXIT_OK;
}

static const struct cli_cmd audit_cmds[] = {
	{ "verify", audit_verify_cmd, "recompute the hash chain", verify_usage },
	{ "list", audit_list_cmd, "print the entries", list_usage },
	{ "mobile-hash", audit_hash_cmd, "the audit log's hash of a mobile", hash_usage },
	{ NULL, NULL, NULL, NULL },
};

int cmd_audit(int argc, char **argv)
{
	return cli_dispatch("hamgan audit", audit_cmds, argc - 1, argv + 1);
}
