/* cmd_sms.c - `hamgan sms`: run the SMS sender over the outbox, take an
 * inbound SMS, list the outbox and prune its old rows. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "base/num.h"
#include "base/units.h"
#include "core/actor.h"
#include "core/msg.h"
#include "core/sms.h"
#include "core/sms_inbound.h"
#include "cli/cli.h"
#include "cli/cli_db.h"
#include "cli/cmds.h"

const char cmd_sms_usage[] =
	"usage: hamgan sms send --command PROGRAM [--loop] [--interval SECONDS]\n"
	"                       [--prune-days DAYS] [--db PATH]\n"
	"\n"
	"Send every due SMS in the outbox by running PROGRAM with two arguments,\n"
	"the number (09xxxxxxxxx) and the text; exit status 0 means sent.  No\n"
	"shell is involved.  A row is claimed before PROGRAM runs, with a lease of\n"
	"5 minutes: no other sender sends it within the lease.  A row whose sender\n"
	"died (left 'sending') goes back to pending when its lease ends and is sent\n"
	"again, so a text may reach a citizen twice, never not at all.  Failures\n"
	"are retried with a doubling back-off, up to 5 tries (a died sender's try\n"
	"counts).\n"
	"--loop keeps going, checking every --interval seconds (default 5).\n"
	"--prune-days DAYS also runs 'hamgan sms prune --days DAYS' when it starts\n"
	"and then once a day while it loops (default: never).\n"
	"\n"
	"usage: hamgan sms receive --from NUMBER --text TEXT [--db PATH]\n"
	"\n"
	"Hand an inbound SMS to the core (what an SMS gateway calls): 31 or 33\n"
	"from a citizen is the verdict (accept, object) on their latest answered\n"
	"message; any other text registers a new message on the SMS channel.\n"
	"Prints 'verdict CODE STATE' or 'registered CODE'.\n"
	"\n"
	"usage: hamgan sms list [--limit N] [--db PATH]   the newest outbox rows\n"
	"\n"
	"usage: hamgan sms prune [--days DAYS] [--db PATH]\n"
	"\n"
	"Delete the outbox rows done with more than DAYS days ago (default 90):\n"
	"sent ones by when they were sent, failed ones by their last try.\n"
	"Pending and sending rows are never deleted.  The audit chain keeps every\n"
	"message's registration and answer (what each text said is made from\n"
	"them) and one 'sms.prune' entry per batch of 1000 rows deleted (the\n"
	"cut-off, how many sent and failed, the first and last row id).  Progress\n"
	"on standard error; prints 'pruned N rows (S sent, F failed)'.\n";

static const char send_usage[] =
	"usage: hamgan sms send --command PROGRAM [--loop] [--interval SECONDS]\n"
	"                       [--prune-days DAYS] [--db PATH]\n";

static const char prune_usage[] =
	"usage: hamgan sms prune [--days DAYS] [--db PATH]\n"
	"\n"
	"Delete the outbox rows sent, or failed for good, more than DAYS days ago\n"
	"(default 90; docs/deployment.md, \"The SMS outbox: what is kept\").\n";

static const char receive_usage[] =
	"usage: hamgan sms receive --from NUMBER --text TEXT [--db PATH]\n";

static const char list_usage[] =
	"usage: hamgan sms list [--limit N] [--db PATH]\n"
	"\n"
	"The newest outbox rows: id, number, state, attempts, next try (for a row\n"
	"'sending', the end of its sender's lease), sent, last error.  A row still\n"
	"'sending' after its lease was claimed by a sender that died: the next\n"
	"'hamgan sms send' puts it back to pending and sends it.\n";

static volatile sig_atomic_t stop;

static double mono_sec(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Progress of a prune on standard error, at most once a second. */
struct prune_progress {
	double last;
};

static void on_prune_progress(size_t sent, size_t failed, void *arg)
{
	struct prune_progress *p = arg;
	double now = mono_sec();

	if (now - p->last < 1.0)
		return;
	p->last = now;
	fprintf(stderr, "hamgan: sms prune: %zu rows deleted so far\n", sent + failed);
}

/* Prune rows done with more than days days ago; 0 or the error. */
static int prune(struct core *c, int64_t days, size_t *sent, size_t *failed, struct err *err)
{
	struct actor sys = actor_system("cli");
	struct prune_progress p = { mono_sec() };

	return sms_prune(c, &sys, days, on_prune_progress, &p, sent, failed, err);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int sms_send_cmd(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *cmd = NULL, *interval = "5", *prune_days = NULL;
	const char *pos[1];
	bool loop = false;
	const struct cli_opt opts[] = {
		{ "--db", &db, NULL }, { "--command", &cmd, NULL }, { "--loop", NULL, &loop },
		{ "--interval", &interval, NULL }, { "--prune-days", &prune_days, NULL },
		{ NULL, NULL, NULL },
	};
	size_t sent = 0, failed = 0, all_sent = 0, all_failed = 0, psent, pfailed;
	struct core c;
	struct err err;
	int64_t secs, days = 0;
	double pruned_at = 0;
	int rc, npos;

	rc = cli_parse("hamgan sms send", argc, argv, opts, pos, 0, 0, &npos);
	if (rc != EXIT_OK)
		return rc;
	if (!cmd || !*cmd)
		return cli_usage_error("hamgan sms send", "--command is required");
	if (num_parse(interval, 1, 3600, &secs) < 0)
		return cli_usage_error("hamgan sms send", "--interval must be 1..3600 seconds");
	if (prune_days && num_parse(prune_days, 1, CAP_SMS_PRUNE_DAYS, &days) < 0)
		return cli_usage_error("hamgan sms send", "--prune-days must be 1..%d",
				       CAP_SMS_PRUNE_DAYS);
	rc = cli_core_open(&c, db, false);
	if (rc != EXIT_OK)
		return rc;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (;;) {
		err_clear(&err);
		if (sms_send_due(&c, cmd, &sent, &failed, &err) < 0) {
			rc = cli_fail("%s", err.msg);
			break;
		}
		/* the retention, at the start and then daily */
		if (days && (pruned_at == 0 || mono_sec() - pruned_at >= DAY)) {
			pruned_at = mono_sec();
			if (prune(&c, days, &psent, &pfailed, &err) < 0) {
				rc = cli_fail("%s", err.msg);
				break;
			}
			if (psent + pfailed)
				fprintf(stderr, "hamgan: sms prune: %zu rows older than %lld days"
					" deleted\n", psent + pfailed, (long long)days);
		}
		all_sent += sent;
		all_failed += failed;
		if (!loop || stop)
			break;
		{
			struct timespec ts = { (time_t)secs, 0 };

			nanosleep(&ts, NULL);
		}
		if (stop)
			break;
	}
	core_close(&c);
	printf("sent %zu, failed %zu\n", all_sent, all_failed);
	return rc;
}

static int sms_receive_cmd(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *from = NULL, *text = NULL, *pos[1];
	const struct cli_opt opts[] = {
		{ "--db", &db, NULL }, { "--from", &from, NULL }, { "--text", &text, NULL },
		{ NULL, NULL, NULL },
	};
	struct msg mrec, *m = &mrec;
	struct core c;
	struct err err;
	int rc, npos, what = 0;

	rc = cli_parse("hamgan sms receive", argc, argv, opts, pos, 0, 0, &npos);
	if (rc != EXIT_OK)
		return rc;
	if (!from || !text)
		return cli_usage_error("hamgan sms receive", "--from and --text are required");
	rc = cli_core_open(&c, db, false);
	if (rc != EXIT_OK)
		return rc;
	memset(m, 0, sizeof(*m));
	err_clear(&err);
	if (sms_inbound(&c, from, text, &what, m, &err) < 0)
		rc = cli_fail("%s", err.msg);
	else if (what == SMS_IN_VERDICT)
		printf("verdict %s %s\n", m->code, msg_state_name(m->state));
	else
		printf("registered %s\n", m->code);
	core_close(&c);
	return rc;
}

static int sms_list_cmd(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *limit = "50", *pos[1];
	const struct cli_opt opts[] = {
		{ "--db", &db, NULL }, { "--limit", &limit, NULL }, { NULL, NULL, NULL },
	};
	struct actor sys = actor_system("cli");
	struct sms *list = NULL;
	struct core c;
	struct err err;
	char t1[80], t2[80];
	int64_t max;
	size_t n = 0, i;
	int rc, npos;

	rc = cli_parse("hamgan sms list", argc, argv, opts, pos, 0, 0, &npos);
	if (rc != EXIT_OK)
		return rc;
	if (num_parse(limit, 1, 1000, &max) < 0)
		return cli_usage_error("hamgan sms list", "--limit must be 1..1000");
	rc = cli_core_open(&c, db, false);
	if (rc != EXIT_OK)
		return rc;
	err_clear(&err);
	if (sms_list(&c, &sys, (size_t)max, &list, &n, &err) < 0)
		rc = cli_fail("%s", err.msg);
	for (i = 0; i < n; i++)
		printf("%lld\t%s\t%s\t%d\t%s\t%s\t%s\n", (long long)list[i].id, list[i].to,
		       sms_state_name(list[i].state), list[i].attempts,
		       cli_time(list[i].next_at, t1, sizeof(t1)),
		       cli_time(list[i].sent_at, t2, sizeof(t2)),
		       list[i].last_error[0] ? list[i].last_error : "-");
	free(list);
	core_close(&c);
	return rc;
}

static int sms_prune_cmd(int argc, char **argv)
{
	const char *db = CLI_DB_DEFAULT, *days_s = "90", *pos[1];
	const struct cli_opt opts[] = {
		{ "--db", &db, NULL }, { "--days", &days_s, NULL }, { NULL, NULL, NULL },
	};
	size_t sent = 0, failed = 0;
	struct core c;
	struct err err;
	int64_t days;
	int rc, npos;

	rc = cli_parse("hamgan sms prune", argc, argv, opts, pos, 0, 0, &npos);
	if (rc != EXIT_OK)
		return rc;
	if (num_parse(days_s, 1, CAP_SMS_PRUNE_DAYS, &days) < 0)
		return cli_usage_error("hamgan sms prune", "--days must be 1..%d",
				       CAP_SMS_PRUNE_DAYS);
	rc = cli_core_open(&c, db, false);
	if (rc != EXIT_OK)
		return rc;
	err_clear(&err);
	if (prune(&c, days, &sent, &failed, &err) < 0)
		rc = cli_fail("%s (%zu rows were deleted before it)", err.msg, sent + failed);
	else
		printf("pruned %zu rows (%zu sent, %zu failed)\n", sent + failed, sent, failed);
	core_close(&c);
	return rc;
}

static const struct cli_cmd sms_cmds[] = {
	{ "send", sms_send_cmd, "send the due SMS", send_usage },
	{ "receive", sms_receive_cmd, "take an inbound SMS", receive_usage },
	{ "list", sms_list_cmd, "list the outbox", list_usage },
	{ "prune", sms_prune_cmd, "delete old sent and failed rows", prune_usage },
	{ NULL, NULL, NULL, NULL },
};

int cmd_sms(int argc, char **argv)
{
	return cli_dispatch("hamgan sms", sms_cmds, argc - 1, argv + 1);
}
