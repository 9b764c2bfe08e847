/*
 * cmd_report.c - `hamgan report`: reports by Jalali period, the six-monthly
 * evaluation, and the aggregates' recount (--verify, --rebuild).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/str.h"
#include "cli/cli.h"
#include "cli/cmds.h"
#include "core/actor.h"
#include "core/agg.h"
#include "core/core.h"
#include "core/report.h"
#include "fa/period.h"

const char cmd_report_usage[] =
	"usage: hamgan report --db PATH --unit CODE --period PERIOD\n"
	"                     [--compare previous-year] [--by child|category|channel|month|week]\n"
	"                     [--format table|csv|json|xlsx] [--output FILE]\n"
	"   or: hamgan report --db PATH --evaluation PERIOD [--compare previous-year]\n"
	"                     [--format ...] [--output FILE]\n"
	"   or: hamgan report --db PATH --verify | --rebuild\n"
	"\n"
	"Quantity, quality and time of handling for a unit with its subtree over a\n"
	"Jalali period (1399, 1399-07, 1399-Q1, 1399-H1, 1399-F9, 1399-01..1399-09,\n"
	"1399-01-15..1399-02-10), from the aggregates kept with every transition.\n"
	"\n"
	"  --compare previous-year  also the same period one year earlier, with the\n"
	"                           change in percent\n"
	"  --by WHAT                rows per child unit, category, channel, month or week\n"
	"  --format FMT             table (Persian, default), csv (UTF-8 with BOM),\n"
	"                           json (docs/reports.md), xlsx (needs --output)\n"
	"  --output FILE            write there instead of standard output\n"
	"  --evaluation PERIOD      every region scored on quantity, quality and\n"
	"                           timeliness, ranked\n"
	"  --verify                 recount every aggregate from the messages'\n"
	"                           histories and show any difference (exit 1 when\n"
	"                           there is one)\n"
	"  --rebuild                replace the aggregates by the recount\n";

static void print_line(const char *line, void *arg)
{
	(void)arg;
	printf("  %s\n", line);
}

static int run_verify(struct core *c, bool rebuild)
{
	struct progress prog;
	struct agg_verify_result res;
	struct err err;
	int rc;

	err_clear(&err);
	if (rebuild) {
		rc = agg_rebuild(c->st, &res, cli_progress(&prog, "report"), &err);
		if (rc < 0)
			return cli_fail("cannot rebuild the aggregates: %s", err.msg);
		printf("rebuilt from %zu messages: %zu cells, %zu pair rows\n", res.messages,
		       res.cells, res.pairs);
		return EXIT_OK;
	}
	rc = agg_verify(c->st, &res, print_line, NULL, cli_progress(&prog, "report"), &err);
	if (rc < 0)
		return cli_fail("cannot verify the aggregates: %s", err.msg);
	printf("recounted %zu messages: %zu cells, %zu pair rows, %zu differences\n",
	       res.messages, res.cells, res.pairs, res.differences);
	return res.differences ? EXIT_FAIL : EXIT_OK;
}

static int write_out(const char *path, const char *data, size_t len)
{
	FILE *f;

	if (!path) {
		fwrite(data, 1, len, stdout);
		return EXIT_OK;
	}
	f = fopen(path, "wb");
	if (!f)
		return cli_fail("cannot create '%s'", path);
	if (fwrite(data, 1, len, f) != len || fclose(f) != 0)
		return cli_fail("cannot write '%s'", path);
	return EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	const char *db = NULL, *unit = NULL, *period = NULL, *compare = NULL, *by = NULL;
	const char *format = "table", *output = NULL, *evaluation = NULL, *v;
	bool verify = false, rebuild = false;
	struct report_query q;
	enum report_format fmt = REPORT_FMT_TABLE;
	struct report r;
	struct core core;
	struct actor sys = actor_system("report");
	struct err err;
	struct buf b = BUF_INIT(CAP_REPORT_OUT);
	int i, m, rc = EXIT_OK;

	memset(&q, 0, sizeof(q));
	for (i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(cmd_report_usage, stdout);
			return EXIT_OK;
		}
		if (str_eq(argv[i], "--verify")) {
			verify = true;
			continue;
		}
		if (str_eq(argv[i], "--rebuild")) {
			rebuild = true;
			continue;
		}
#define OPT(name, var) \
		if ((m = cli_opt_value(argc, argv, &i, name, &v)) != 0) { \
			if (m < 0) \
				return cli_usage_error("hamgan report", "'%s' needs a value", name); \
			var = v; \
			continue; \
		}
		OPT("--db", db)
		OPT("--unit", unit)
		OPT("--period", period)
		OPT("--compare", compare)
		OPT("--by", by)
		OPT("--format", format)
		OPT("--output", output)
		OPT("--evaluation", evaluation)
#undef OPT
		return cli_usage_error("hamgan report", "unknown argument '%s'", argv[i]);
	}
	if (!db)
		return cli_usage_error("hamgan report", "'--db' is required");
	if (verify && rebuild)
		return cli_usage_error("hamgan report", "'--verify' and '--rebuild' do not go together");
	err_clear(&err);
	if (!verify && !rebuild) {
		if (evaluation && (unit || period || by))
			return cli_usage_error("hamgan report", "'--evaluation' takes no '--unit', "
					       "'--period' or '--by'");
		if (!evaluation && (!unit || !period))
			return cli_usage_error("hamgan report", "'--unit' and '--period' are required");
		if (report_format_parse(format, &fmt) < 0)
			return cli_usage_error("hamgan report", "unknown format '%s'", format);
		if (fmt == REPORT_FMT_XLSX && !output)
			return cli_usage_error("hamgan report", "'xlsx' needs '--output FILE'");
		if (compare && !str_eq(compare, "previous-year"))
			return cli_usage_error("hamgan report", "unknown comparison '%s' (only "
					       "'previous-year')", compare);
		if (by && (report_by_parse(by, &q.by) < 0 || q.by == REPORT_BY_REGION))
			return cli_usage_error("hamgan report", "unknown grouping '%s'", by);
		if (strlen(evaluation ? evaluation : period) > CAP_PERIOD_TEXT ||
		    jperiod_parse(evaluation ? evaluation : period, &q.period, &err) < 0)
			return cli_usage_error("hamgan report", "invalid period '%s': %s",
					       evaluation ? evaluation : period, err.msg);
	}
	if (core_open(&core, db, &err) < 0) {
		char shown[CAP_DSN_SHOWN];

		core_dsn_safe(db, shown, sizeof(shown));
		return cli_fail("cannot open '%s': %s", shown, err.msg);
	}
	if (verify || rebuild) {
		rc = run_verify(&core, rebuild);
		core_close(&core);
		return rc;
	}
	q.unit_code = unit;
	q.compare = compare != NULL;
	if (evaluation)
		rc = report_evaluation(&core, &sys, &q.period, q.compare, &r, &err);
	else
		rc = report_run(&core, &sys, &q, &r, &err);
	core_close(&core);
	if (rc < 0) {
		if (rc == ERR_NOTFOUND)
			return cli_fail("unit '%s' not found", unit ? unit : "");
		return cli_fail("cannot make the report: %s", err.msg);
	}
	if (fmt == REPORT_FMT_XLSX) {
		if (report_write_xlsx(&r, output, &err) < 0)
			rc = cli_fail("%s", err.msg);
		else
			rc = EXIT_OK;
	} else if (report_write(&r, fmt, &b, &err) < 0) {
		rc = cli_fail("%s", err.msg);
	} else {
		rc = write_out(output, b.data, b.len);
	}
	buf_release(&b);
	report_release(&r);
	return rc;
}
