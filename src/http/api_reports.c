/*
 * api_reports.c - reports over HTTP (docs/reports.md, "API"):
 *
 *	GET /api/v1/reports?unit=CODE&period=P[&compare=previous-year]
 *			   [&by=child|category|channel|month|week][&format=json|csv|xlsx]
 *	GET /api/v1/reports/evaluation?period=P[&compare=previous-year][&format=...]
 *
 * The same figures and JSON as `hamgan report --format json`.  Scope is the
 * core's: a manager gets the units of their subtree (403 otherwise; the
 * evaluation only a manager of the root unit), operators, inspectors and
 * admins every unit; other roles 403.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/str.h"
#include "core/report.h"
#include "fa/period.h"
#include "http/api.h"
#include "http/http.h"

/* Read the xlsx a report was written to and answer with it. */
static void reply_xlsx(struct http_req *r, const struct report *rep)
{
	char path[256];
	const char *tmp = getenv("TMPDIR");
	struct buf b = BUF_INIT(CAP_REPORT_OUT);
	struct err e;
	char chunk[8192];
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), "%s/hamgan-report.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		http_reply_error(r, ERR_IO, NULL, "cannot make a temporary file");
		return;
	}
	close(fd);
	err_clear(&e);
	if (report_write_xlsx(rep, path, &e) < 0) {
		unlink(path);
		http_reply_err(r, &e);
		return;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	unlink(path);
	if (fd < 0) {
		http_reply_error(r, ERR_IO, NULL, "cannot read the workbook");
		return;
	}
	while ((got = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(&b, chunk, (size_t)got);
	close(fd);
	if (got < 0 || buf_error(&b)) {
		buf_release(&b);
		http_reply_error(r, ERR_IO, NULL, "cannot read the workbook");
		return;
	}
	http_reply_header(r, "Content-Disposition", "attachment; filename=\"report.xlsx\"");
	http_reply_bytes(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			 b.data, b.len);
	buf_release(&b);
}

static void reply_report(struct http_req *r, const struct report *rep, enum report_format fmt)
{
	struct buf b = BUF_INIT(CAP_REPORT_OUT);
	struct err e;

	if (fmt == REPORT_FMT_XLSX) {
		reply_xlsx(r, rep);
		return;
	}
	err_clear(&e);
	if (report_write(rep, fmt, &b, &e) < 0) {
		http_reply_err(r, &e);
	} else if (fmt == REPORT_FMT_CSV) {
		http_reply_header(r, "Content-Disposition", "attachment; filename=\"report.csv\"");
		http_reply_bytes(r, 200, "text/csv; charset=utf-8", b.data, b.len);
	} else {
		http_reply_bytes(r, 200, "application/json", b.data, b.len);
	}
	buf_release(&b);
}

/* The arguments both routes share; false after answering 4xx. */
static bool common_args(struct http_req *r, struct jperiod *period, bool *compare,
			enum report_format *fmt)
{
	const char *p, *cmp, *f;
	bool ok = true;
	struct err e;

	p = api_query_text(r, "period", CAP_PERIOD_TEXT, &ok);
	if (!ok)
		return false;
	cmp = api_query_text(r, "compare", 32, &ok);
	if (!ok)
		return false;
	f = api_query_text(r, "format", 16, &ok);
	if (!ok)
		return false;
	if (!p) {
		http_reply_error(r, ERR_INVALID, "period", "'period' is required (e.g. 1399-01..1399-09)");
		return false;
	}
	err_clear(&e);
	if (jperiod_parse(p, period, &e) < 0) {
		http_reply_error(r, ERR_INVALID, "period", "%s", e.msg);
		return false;
	}
	*compare = false;
	if (cmp) {
		if (!str_eq(cmp, "previous-year")) {
			http_reply_error(r, ERR_INVALID, "compare", "only 'previous-year' is known");
			return false;
		}
		*compare = true;
	}
	*fmt = REPORT_FMT_JSON;
	if (f && (report_format_parse(f, fmt) < 0 || *fmt == REPORT_FMT_TABLE)) {
		http_reply_error(r, ERR_INVALID, "format", "format is json, csv or xlsx");
		return false;
	}
	return true;
}

static void get_report(struct http_req *r)
{
	struct core *c = api_core(r);
	struct report_query q;
	struct report rep;
	enum report_format fmt;
	const char *unit, *by;
	bool ok = true;
	struct err e;

	if (!c)
		return;
	memset(&q, 0, sizeof(q));
	unit = api_query_text(r, "unit", CAP_CODE - 1, &ok);
	if (!ok)
		return;
	by = api_query_text(r, "by", 16, &ok);
	if (!ok || !common_args(r, &q.period, &q.compare, &fmt))
		return;
	if (!unit) {
		http_reply_error(r, ERR_INVALID, "unit", "'unit' is required");
		return;
	}
	if (by && (report_by_parse(by, &q.by) < 0 || q.by == REPORT_BY_REGION)) {
		http_reply_error(r, ERR_INVALID, "by",
				 "by is child, category, channel, month or week");
		return;
	}
	q.unit_code = unit;
	err_clear(&e);
	if (report_run(c, &r->auth.actor, &q, &rep, &e) < 0) {
		http_reply_err(r, &e);
		return;
	}
	reply_report(r, &rep, fmt);
	report_release(&rep);
}

static void get_evaluation(struct http_req *r)
{
	struct core *c = api_core(r);
	struct jperiod p;
	struct report rep;
	enum report_format fmt;
	bool compare;
	struct err e;

	if (!c || !common_args(r, &p, &compare, &fmt))
		return;
	err_clear(&e);
	if (report_evaluation(c, &r->auth.actor, &p, compare, &rep, &e) < 0) {
		http_reply_err(r, &e);
		return;
	}
	reply_report(r, &rep, fmt);
	report_release(&rep);
}

const struct http_route api_reports_routes[] = {
	{ HTTP_GET | HTTP_HEAD, "/api/v1/reports", get_report, ROUTE_AUTH },
	{ HTTP_GET | HTTP_HEAD, "/api/v1/reports/evaluation", get_evaluation, ROUTE_AUTH },
	{ 0, NULL, NULL, 0 },
};
