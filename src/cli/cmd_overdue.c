/* cmd_overdue.c - `hamgan overdue`: overdue messages by unit. */
#include <stdio.h>
#include <stdlib.h>

#include "core/actor.h"
#include "core/msg.h"
#include "core/unit.h"
#include "cli/cli.h"
#include "cli/cli_db.h"
#include "cli/cmds.h"

const char cmd_overdue_usage[] =
	"usage: hamgan overdue [--db PATH]\n"
	"\n"
	"List overdue messages (deadline passed, not answered, closed or rejected)\n"
	"by unit: unit code, tracking code, state, deadline, hours late.\n";

int cmd_overdue(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *pos[1];
	const struct cli_opt opts[] = { { "--db", &db, NULL }, { NULL, NULL, NULL } };
	struct actor sys = actor_system("cli");
	struct msg *list = NULL;
	struct unit u;
	struct core c;
	struct err err;
	char t[80];
	size_t n = 0, i;
	int64_t now;
	int rc, npos;

	rc = cli_parse("hamgan overdue", argc, argv, opts, pos, 0, 0, &npos);
	if (rc != EXIT_OK)
		return rc;
	rc = cli_core_open(&c, db, false);
	if (rc != EXIT_OK)
		return rc;
	err_clear(&err);
	now = core_now(&c);
	if (msg_overdue(&c, &sys, CAP_OVERDUE_LIST, &list, &n, &err) < 0)
		rc = cli_fail("%s", err.msg);
	for (i = 0; i < n; i++) {
		const char *code = "-";

		if (unit_get(&c, list[i].unit_id, &u, NULL) == 0)
			code = u.code;
		printf("%s\t%s\t%s\t%s\t%lld\n", code, list[i].code, msg_state_name(list[i].state),
		       cli_time(list[i].due_at, t, sizeof(t)),
		       (long long)((now - list[i].due_at) / HOUR));
	}
	if (rc == EXIT_OK)
		fprintf(stderr, "%zu overdue\n", n);
	free(list);
	core_close(&c);
	return rc;
}
