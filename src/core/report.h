/*
 * report.h - reports on quantity, quality and time of handling, by Jalali
 * period (docs/reports.md defines every figure).
 *
 * Every figure comes from the aggregates of core/agg.h, never from the
 * messages, so a report costs O(units x days x rows) whatever the number of
 * messages.  For a unit U (with its subtree: the units that held the
 * message) and a period P, as_of = min(end of P, now), docs/reports.md:
 *	referred	messages that entered U by any hop on a day of P, once each
 *	answered	of those, answered by U by as_of
 *	answers		every answer U gave on a day of P
 *	quantitative	answered / referred
 *	qualitative	positive / all verdicts and grades on U's answers in P
 *	on_time		obligations (hops with a deadline in P, passed by
 *			as_of) answered within the hop by the deadline
 *	handling	arrival of the hop at U to U's answer: mean, median, p90
 *	overdue		obligations past their deadline, open at as_of
 * Rates are fractions 0..1, NAN when the denominator is 0 (null in JSON).
 * change = percent for counts and times ((cur - prev) / prev * 100, NAN
 * when prev is 0), percentage points for rates ((cur - prev) * 100).
 *
 * Rights: operators, inspectors, admins and the system see every unit;
 * managers the units of their own subtree; anyone else ERR_DENIED.  The
 * evaluation also admits the managers of the root unit (the mayor).
 */
#ifndef HAMGAN_CORE_REPORT_H
#define HAMGAN_CORE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/err.h"
#include "core/unit.h"
#include "fa/period.h"

struct core;
struct actor;

enum report_by {
	REPORT_BY_NONE = 0,
	REPORT_BY_CHILD,	/* each child unit of U, with its subtree */
	REPORT_BY_CATEGORY,
	REPORT_BY_CHANNEL,
	REPORT_BY_MONTH,	/* Jalali months of P (clipped to P) */
	REPORT_BY_WEEK,		/* Saturday weeks of P (clipped to P) */
	REPORT_BY_REGION,	/* the six-monthly evaluation (report_evaluation) */
	REPORT_BY_COUNT
};

/* "none", "child", ... and the parser (0 or ERR_INVALID). */
const char *report_by_name(enum report_by by);
int report_by_parse(const char *s, enum report_by *out);

/* The figures, in output order.  Changes: percent for counts and times,
 * percentage points for rates (report_field_is_rate). */
enum report_field {
	RF_REFERRED = 0,
	RF_ANSWERED,
	RF_ANSWERS,
	RF_QUANTITATIVE,
	RF_JUDGEMENTS,
	RF_OBJECTIONS,
	RF_MSG_OBJECTION,
	RF_QUALITATIVE,
	RF_ACCEPTANCE,		/* the citizens' verdicts alone */
	RF_INSPECTOR,		/* the inspectors' grades alone */
	RF_OBLIGATIONS,
	RF_LATE,
	RF_ON_TIME,
	RF_MEAN,
	RF_MEDIAN,
	RF_P90,
	RF_HANDOFF,
	RF_OVERDUE,
	RF_TRANSFERRED_OUT,
	RF_RETURNS,
	RF_REREFERRALS,
	RF_REOPENS,
	RF_INTERNAL,
	RF_EVALUATED,
	RF_ACCEPTABLE,
	RF_ON_TIME_N,
	RF_VERDICT_ACCEPT,
	RF_VERDICT_OBJECT,
	RF_GRADES,
	RF_GRADES_ACCEPTABLE,
	RF_COUNT
};

/* JSON/CSV name ("referred", "quantitative_rate", "mean_handling_hours", ...)
 * and Persian column title of a field. */
const char *report_field_name(enum report_field f);
const char *report_field_title_fa(enum report_field f);
/* True when the field is a rate (a fraction shown as a percent). */
bool report_field_is_rate(enum report_field f);

struct report_figures {
	int64_t referred, answered, answers, transferred_out, returns, rereferrals, reopens;
	int64_t internal_transfers, obligations, late, on_time;
	int64_t judgements, acceptable, objections, messages_with_objection;
	int64_t verdict_accept, verdict_object, grades, grades_acceptable;
	bool has_overdue;	/* false when not computed */
	int64_t overdue;	/* as of as_of */
	double quantitative_rate, qualitative_rate, on_time_rate, acceptance_rate;
	double inspector_rate;
	double mean_hours, median_hours, p90_hours;	/* NAN when nothing answered */
	double handoff_hours;
};

/* A field's value as a double (NAN when undefined). */
double report_field_value(const struct report_figures *f, enum report_field field);

/* The evaluation score's weights (docs/reports.md, "The evaluation"). */
#define REPORT_W_QUANTITY 0.4
#define REPORT_W_QUALITY 0.4
#define REPORT_W_TIMELINESS 0.2

struct report_row {
	int64_t id;		/* unit id, category id, channel; 0 for series */
	char key[CAP_CODE];	/* unit/category code, channel name, period label */
	char name[CAP_NAME];	/* Persian display name */
	struct jperiod period;	/* this row's period (series), else the report's */
	struct report_figures cur, prev;
	double change[RF_COUNT];	/* with compare: percent, or points for rates */
	int rank, rank_of;	/* among siblings / the rows; 0 when not ranked */
	bool self;		/* --by child: the unit's own row */
	/* the evaluation score, 0..100 (every row) */
	double quantity_score, quality_score, timeliness_score, score;
};

struct report {
	struct unit unit;
	struct jperiod period, previous;	/* previous: with compare */
	bool compare;
	enum report_by by;
	int64_t generated_at;	/* when the report ran (overdue_now_at) */
	int64_t as_of;		/* min(period end, generated_at) */
	int64_t today;		/* Tehran day number of generated_at */
	bool has_overdue_now;
	int64_t overdue_now;	/* U's open obligations past their deadline now */
	struct report_row total;	/* U itself; rank among its siblings */
	struct report_row *rows;	/* by != none */
	size_t nrows;
};

struct report_query {
	int64_t unit_id;	/* or 0 with unit_code */
	const char *unit_code;
	struct jperiod period;
	bool compare;		/* also the same period one year earlier */
	enum report_by by;
};

/*
 * Run a report.  ERR_NOTFOUND for an unknown unit, ERR_DENIED outside the
 * actor's rights, ERR_TOOBIG when a series would pass CAP_REPORT_SERIES rows,
 * ERR_INVALID when the previous year is outside the calendar.  On success
 * release *out with report_release.
 */
int report_run(struct core *c, const struct actor *a, const struct report_query *q,
	       struct report *out, struct err *err);

/*
 * The six-monthly evaluation: every active region (unit kind region) with
 * its subtree over period p, scored and ranked (docs/reports.md, "The
 * evaluation"): quantity, quality and timeliness = 100 x the quantitative,
 * qualitative and on-time rates, score = REPORT_W_QUANTITY x quantity +
 * REPORT_W_QUALITY x quality + REPORT_W_TIMELINESS x timeliness (an
 * undefined part counts 0); ranked among the regions that received
 * messages by score, quantity, quality, timeliness, referred, code; rows in
 * rank order, unranked last.  Operators, inspectors, admins, the system and
 * managers of the root unit only.  *out has by = REPORT_BY_REGION, unit =
 * the root.
 */
int report_evaluation(struct core *c, const struct actor *a, const struct jperiod *p,
		      bool compare, struct report *out, struct err *err);

void report_release(struct report *r);

/* ---- output (report_fmt.c) ---- */

enum report_format {
	REPORT_FMT_TABLE = 0,	/* Persian, Persian digits, aligned for people */
	REPORT_FMT_CSV,		/* UTF-8 with BOM, ASCII digits, for Excel */
	REPORT_FMT_JSON,	/* docs/reports.md */
	REPORT_FMT_XLSX,	/* a workbook with a chart (to a file only) */
	REPORT_FMT_COUNT
};
int report_format_parse(const char *s, enum report_format *out);

/* Write r as table, CSV or JSON into b (0, or ERR_TOOBIG when b's cap is
 * hit). */
int report_write(const struct report *r, enum report_format fmt, struct buf *b,
		 struct err *err);
/* Write r as an .xlsx workbook at path (ERR_IO on failure). */
int report_write_xlsx(const struct report *r, const char *path, struct err *err);

#endif
