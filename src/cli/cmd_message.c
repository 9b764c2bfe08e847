/* cmd_message.c - `hamgan message show CODE`: one message and its hops. */
#include <stdio.h>
#include <stdlib.h>

#include "base/caps.h"
#include "base/mem.h"
#include "base/num.h"
#include "core/flow.h"
#include "core/actor.h"
#include "core/category.h"
#include "core/msg.h"
#include "core/unit.h"
#include "cli/cli.h"
#include "cli/cli_db.h"
#include "cli/cmds.h"

const char cmd_message_usage[] =
	"usage: hamgan message <show|refer> [<args>] [--db PATH]\n"
	"\n"
	"  show CODE     a message by its tracking code, with its referral chain.\n"
	"                The command acts as the system, so a confidential\n"
	"                citizen's identity is shown and the read is audited.\n"
	"  refer CODE --unit UNIT [--category CODE] [--hours N] [--reason TEXT]\n"
	"                refer (or re-refer) a message to a unit, as the system;\n"
	"                the deadline is the category's unless --hours is given.\n";

static const char show_usage[] = "usage: hamgan message show CODE [--db PATH]\n";

static const char *unit_code(struct core *c, int64_t id, struct unit *u)
{
	if (!id || unit_get(c, id, u, NULL) < 0)
		return "-";
	return u->code;
}

static int message_show_cmd(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *pos[1];
	const struct cli_opt opts[] = { { "--db", &db, NULL }, { NULL, NULL, NULL } };
	struct actor sys = actor_system("cli");
	struct referral *hops = NULL;
	struct category cat;
	struct unit u, u2;
	struct msg mrec, *m = &mrec;
	struct msg_text *tx;
	struct core c;
	struct err err;
	char t[80];
	size_t n = 0, i;
	int rc, npos;

	rc = cli_parse("hamgan message show", argc, argv, opts, pos, 1, 1, &npos);
	if (rc != EXIT_OK)
		return rc;
	rc = cli_core_open(&c, db, false);
	if (rc != EXIT_OK)
		return rc;
	tx = xcalloc(1, sizeof(*tx));
	err_clear(&err);
	if (msg_get_by_code(&c, &sys, pos[0], m, tx, &err) < 0) {
		rc = cli_fail("%s", err.msg);
		goto out;
	}
	printf("code:         %s\n", m->code);
	printf("state:        %s\n", msg_state_name(m->state));
	printf("channel:      %s\n", msg_channel_name(m->channel));
	printf("kind:         %s\n", msg_kind_name(m->kind));
	printf("category:     %s\n", m->category_id && category_get(&c, m->category_id, &cat,
								   NULL) == 0 ? cat.code : "-");
	printf("unit:         %s\n", unit_code(&c, m->unit_id, &u));
	printf("region:       %s\n", unit_code(&c, m->region_id, &u));
	printf("priority:     %s\n", priority_name(m->priority));
	printf("confidential: %s\n", m->confidential ? "yes" : "no");
	if (m->citizen_id)
		printf("citizen:      %s %s %s\n", tx->citizen_mobile,
		       tx->citizen_name[0] ? tx->citizen_name : "-",
		       tx->citizen_national_id[0] ? tx->citizen_national_id : "-");
	else
		printf("citizen:      anonymous\n");
	printf("subject:      %s\n", tx->subject);
	printf("body:         %s\n", tx->body);
	if (tx->address[0])
		printf("address:      %s\n", tx->address);
	if (m->has_point)
		printf("point:        %.6f,%.6f\n", m->lat, m->lon);
	printf("created:      %s\n", cli_time(m->created_at, t, sizeof(t)));
	printf("referred:     %s\n", cli_time(m->referred_at, t, sizeof(t)));
	printf("due:          %s%s\n", cli_time(m->due_at, t, sizeof(t)),
	       msg_is_overdue(m, core_now(&c)) ? " OVERDUE" : "");
	printf("answered:     %s\n", cli_time(m->answered_at, t, sizeof(t)));
	printf("closed:       %s\n", cli_time(m->closed_at, t, sizeof(t)));
	if (tx->answer[0])
		printf("answer:       %s\n", tx->answer);
	if (m->verdict)
		printf("verdict:      %s (rating %d)\n", verdict_name(m->verdict), m->rating);
	if (m->grade)
		printf("grade:        %s %s\n", grade_name(m->grade), tx->grade_note);
	if (m->reject_reason)
		printf("rejected:     %s\n", reject_reason_name(m->reject_reason));
	printf("version:      %lld\n", (long long)m->version);
	if (msg_referrals(&c, &sys, m->id, &hops, &n, &err) < 0) {
		rc = cli_fail("%s", err.msg);
		goto out;
	}
	for (i = 0; i < n; i++)
		printf("hop %zu:        %s %s -> %s by %s due %s%s%s\n", i + 1,
		       hop_kind_name(hops[i].kind), unit_code(&c, hops[i].from_unit, &u),
		       unit_code(&c, hops[i].to_unit, &u2), hops[i].actor,
		       cli_time(hops[i].deadline, t, sizeof(t)), hops[i].reason[0] ? ": " : "",
		       hops[i].reason);
out:
	free(hops);
	free(tx);
	core_close(&c);
	return rc;
}

static const char refer_usage[] =
	"usage: hamgan message refer CODE --unit UNIT [--category CODE] [--hours N]\n"
	"                            [--reason TEXT] [--db PATH]\n";

static int message_refer_cmd(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *unit = NULL, *cat = NULL, *hours = NULL, *reason = NULL;
	const char *pos[1];
	const struct cli_opt opts[] = {
		{ "--db", &db, NULL }, { "--unit", &unit, NULL }, { "--category", &cat, NULL },
		{ "--hours", &hours, NULL }, { "--reason", &reason, NULL }, { NULL, NULL, NULL },
	};
	struct actor sys = actor_system("cli");
	struct category cg;
	struct unit u;
	struct msg mrec, *m = &mrec;
	struct core c;
	struct err err;
	int64_t h = 0;
	int rc, npos;

	rc = cli_parse("hamgan message refer", argc, argv, opts, pos, 1, 1, &npos);
	if (rc != EXIT_OK)
		return rc;
	if (!unit)
		return cli_usage_error("hamgan message refer", "--unit is required");
	if (hours && num_parse(hours, 1, CAP_DEADLINE_HOURS, &h) < 0)
		return cli_usage_error("hamgan message refer", "--hours must be 1..%d",
				       CAP_DEADLINE_HOURS);
	rc = cli_core_open(&c, db, false);
	if (rc != EXIT_OK)
		return rc;
	err_clear(&err);
	cg.id = 0;
	if (msg_get_by_code(&c, &sys, pos[0], m, NULL, &err) < 0 ||
	    unit_get_by_code(&c, unit, &u, &err) < 0 ||
	    (cat && category_get_by_code(&c, cat, &cg, &err) < 0) ||
	    msg_refer(&c, &sys, m->id, m->version, u.id, cat ? cg.id : 0, (int)h, reason, m,
		      &err) < 0)
		rc = cli_fail("%s", err.msg);
	else
		printf("referred %s to %s, due %s\n", m->code, u.code,
		       cli_time(m->due_at, (char[80]){ 0 }, 80));
	core_close(&c);
	return rc;
}

static const struct cli_cmd message_cmds[] = {
	{ "show", message_show_cmd, "show a message", show_usage },
	{ "refer", message_refer_cmd, "refer a message to a unit", refer_usage },
	{ NULL, NULL, NULL, NULL },
};

int cmd_message(int argc, char **argv)
{
	return cli_dispatch("hamgan message", message_cmds, argc - 1, argv + 1);
}
