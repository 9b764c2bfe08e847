/*
 * report_fmt.c - a report as a Persian table, CSV, JSON or an xlsx workbook
 * (core/report.h; field names are docs/reports.md's).
 *
 * JSON and CSV are for machines: ASCII digits, rates as fractions, UTC
 * instants in ISO 8601.  The table is for people: Persian titles, Persian
 * digits, rates in percent.  CSV starts with a UTF-8 byte-order mark so that
 * Excel reads the Persian names correctly.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <xlsxwriter.h>

#include "base/jw.h"
#include "base/str.h"
#include "core/csv.h"
#include "core/report.h"
#include "fa/jalali.h"
#include "fa/tehran.h"
#include "fa/text.h"

int report_format_parse(const char *s, enum report_format *out)
{
	static const char *const names[REPORT_FMT_COUNT] = { "table", "csv", "json", "xlsx" };
	int i;

	for (i = 0; i < REPORT_FMT_COUNT; i++) {
		if (str_eq(s, names[i])) {
			*out = (enum report_format)i;
			return 0;
		}
	}
	return ERR_INVALID;
}

static void iso_utc(int64_t t, char *out, size_t outsz)
{
	iso_utc_format(t, out, outsz);
}

/* A double as JSON/CSV: null (JSON) or empty (CSV) when undefined. */
static void add_num(struct buf *b, double v, const char *undef)
{
	if (isnan(v) || isinf(v))
		buf_adds(b, undef);
	else if (v == floor(v) && fabs(v) < 1e15)
		buf_addf(b, "%.0f", v);
	else
		buf_addf(b, "%.6f", v);
}

/* The evaluation score's parts and total of a row, with their names. */
#define NSCORES 4
static const char *const score_names[NSCORES] = {
	"quantity_score", "quality_score", "timeliness_score", "score",
};

static void row_scores(const struct report_row *row, double v[NSCORES])
{
	v[0] = row->quantity_score;
	v[1] = row->quality_score;
	v[2] = row->timeliness_score;
	v[3] = row->score;
}

/* ---- JSON (base/jw.h) ---- */

/* A figure: add_num's text, or null when undefined (%.6f of the largest
 * double is some 320 bytes). */
static void json_num(struct buf *b, const char *key, double v)
{
	struct buf tb = BUF_INIT(512);

	if (isnan(v) || isinf(v)) {
		jw_null(b, key);
		return;
	}
	add_num(&tb, v, "null");
	jw_raw(b, key, tb.data);
	buf_release(&tb);
}

static void json_fields(struct buf *b, const struct report_figures *f)
{
	int i;

	for (i = 0; i < RF_COUNT; i++)
		json_num(b, report_field_name((enum report_field)i),
			 report_field_value(f, (enum report_field)i));
}

/* "change_pct" (counts and times) or "change_pp" (rates) of a row. */
static void json_changes(struct buf *b, const struct report_row *row, bool rates)
{
	int i;

	jw_object(b, rates ? "change_pp" : "change_pct");
	for (i = 0; i < RF_COUNT; i++) {
		if (report_field_is_rate((enum report_field)i) != rates)
			continue;
		json_num(b, report_field_name((enum report_field)i), row->change[i]);
	}
	jw_object_end(b);
}

/* name, name_first, name_last, name_start, name_end of a period. */
static void json_period(struct buf *b, const char *name, const struct jperiod *p)
{
	char s[40], e[40], first[JALALI_FMT_MAX], last[JALALI_FMT_MAX], key[64];

	iso_utc(p->start, s, sizeof(s));
	iso_utc(p->end, e, sizeof(e));
	jalali_format(&p->first, first, sizeof(first));
	jalali_format(&p->last, last, sizeof(last));
	jw_str(b, name, p->label);
	snprintf(key, sizeof(key), "%s_first", name);
	jw_str(b, key, first);
	snprintf(key, sizeof(key), "%s_last", name);
	jw_str(b, key, last);
	snprintf(key, sizeof(key), "%s_start", name);
	jw_str(b, key, s);
	snprintf(key, sizeof(key), "%s_end", name);
	jw_str(b, key, e);
}

static void json_row(struct buf *b, const struct report *r, const struct report_row *row,
		     bool is_total)
{
	double sc[NSCORES];
	int i;

	if (is_total) {
		jw_str(b, "unit", r->unit.code);
		jw_str(b, "unit_name", r->unit.name);
		json_period(b, "period", &r->period);
	} else {
		jw_str(b, "key", row->key);
		jw_str(b, "name", row->name);
		json_period(b, "period", &row->period);
	}
	json_fields(b, &row->cur);
	if (row->rank) {
		jw_int(b, "rank", row->rank);
		jw_int(b, "rank_of", row->rank_of);
	} else {
		jw_null(b, "rank");
		jw_null(b, "rank_of");
	}
	if (row->self)
		jw_bool(b, "self", true);
	row_scores(row, sc);
	for (i = 0; i < NSCORES; i++)
		json_num(b, score_names[i], sc[i]);
	if (r->compare) {
		jw_object(b, "previous");
		json_fields(b, &row->prev);
		jw_object_end(b);
		json_changes(b, row, false);
		json_changes(b, row, true);
	}
}

static void write_json(const struct report *r, struct buf *b)
{
	char gen[40], asof[40];
	size_t i;

	iso_utc(r->generated_at, gen, sizeof(gen));
	iso_utc(r->as_of, asof, sizeof(asof));
	jw_object(b, NULL);
	json_row(b, r, &r->total, true);
	jw_str(b, "by", report_by_name(r->by));
	jw_str(b, "generated_at", gen);
	jw_str(b, "as_of", asof);
	if (r->has_overdue_now) {
		jw_int(b, "overdue_now", r->overdue_now);
		jw_str(b, "overdue_now_at", gen);
	}
	jw_object(b, "weights");
	jw_fixed(b, "quantity", REPORT_W_QUANTITY, 2);
	jw_fixed(b, "quality", REPORT_W_QUALITY, 2);
	jw_fixed(b, "timeliness", REPORT_W_TIMELINESS, 2);
	jw_object_end(b);
	if (r->compare)
		json_period(b, "previous_period", &r->previous);
	if (r->by != REPORT_BY_NONE) {
		jw_array(b, "rows");
		for (i = 0; i < r->nrows; i++) {
			jw_object(b, NULL);
			json_row(b, r, &r->rows[i], false);
			jw_object_end(b);
		}
		jw_array_end(b);
	}
	jw_object_end(b);
	buf_addc(b, '\n');
}

/* ---- CSV ---- */

static void csv_row(struct buf *b, const struct report *r, const struct report_row *row)
{
	double sc[NSCORES];
	int i;

	csv_add_cell(b, row->key);
	buf_addc(b, ',');
	csv_add_cell(b, row->name);
	buf_addc(b, ',');
	csv_add_cell(b, row->period.label);
	for (i = 0; i < RF_COUNT; i++) {
		buf_addc(b, ',');
		add_num(b, report_field_value(&row->cur, (enum report_field)i), "");
	}
	buf_addc(b, ',');
	if (row->rank)
		buf_addf(b, "%d,%d", row->rank, row->rank_of);
	else
		buf_addc(b, ',');
	row_scores(row, sc);
	for (i = 0; i < NSCORES; i++) {
		buf_addc(b, ',');
		add_num(b, sc[i], "");
	}
	buf_adds(b, row->self ? ",1" : ",0");
	if (r->compare) {
		for (i = 0; i < RF_COUNT; i++) {
			buf_addc(b, ',');
			add_num(b, report_field_value(&row->prev, (enum report_field)i), "");
		}
		for (i = 0; i < RF_COUNT; i++) {
			buf_addc(b, ',');
			add_num(b, row->change[i], "");
		}
	}
	buf_adds(b, "\r\n");
}

static void write_csv(const struct report *r, struct buf *b)
{
	size_t i;
	int f;

	buf_adds(b, "\xEF\xBB\xBF" "key,name,period");
	for (f = 0; f < RF_COUNT; f++)
		buf_addf(b, ",%s", report_field_name((enum report_field)f));
	buf_adds(b, ",rank,rank_of");
	for (f = 0; f < NSCORES; f++)
		buf_addf(b, ",%s", score_names[f]);
	buf_adds(b, ",self");
	if (r->compare) {
		for (f = 0; f < RF_COUNT; f++)
			buf_addf(b, ",previous_%s", report_field_name((enum report_field)f));
		for (f = 0; f < RF_COUNT; f++)
			buf_addf(b, ",%s_%s", report_field_is_rate((enum report_field)f) ?
				 "change_pp" : "change_pct", report_field_name((enum report_field)f));
	}
	buf_adds(b, "\r\n");
	if (r->by != REPORT_BY_REGION)
		csv_row(b, r, &r->total);
	for (i = 0; i < r->nrows; i++)
		csv_row(b, r, &r->rows[i]);
	if (r->by == REPORT_BY_REGION)
		csv_row(b, r, &r->total);
}

/* ---- the Persian table ---- */

/* Append s with its digits Persian and the decimal point «٫». */
static void fa_add(struct buf *b, const char *s)
{
	char tmp[128];
	size_t i, j = 0;

	for (i = 0; s[i] && j + 3 < sizeof(tmp); i++) {
		if (s[i] == '.') {
			tmp[j++] = '\xD9';
			tmp[j++] = '\xAB';
		} else {
			tmp[j++] = s[i];
		}
	}
	tmp[j] = 0;
	fa_digits(tmp, j, DIGITS_PERSIAN, b);
}

/* A field for people: counts as integers, rates in percent, hours with one
 * decimal, "—" when undefined. */
static void fa_value(char *out, size_t outsz, enum report_field f, double v)
{
	if (isnan(v))
		str_copy(out, outsz, "—");
	else if (report_field_is_rate(f))
		snprintf(out, outsz, "%.1f٪", v * 100.0);
	else if (f == RF_MEAN || f == RF_MEDIAN || f == RF_P90 || f == RF_HANDOFF)
		snprintf(out, outsz, "%.1f", v);
	else
		snprintf(out, outsz, "%.0f", v);
}

/* A change: percent, or percentage points («واحد درصد») for a rate. */
static void fa_change(char *out, size_t outsz, enum report_field f, double ch)
{
	if (isnan(ch))
		str_copy(out, outsz, "—");
	else if (report_field_is_rate(f))
		snprintf(out, outsz, "%+.1f واحد درصد", ch);
	else
		snprintf(out, outsz, "%+.1f٪", ch);
}

/* Display width: code points, without zero-width joiners and marks. */
static size_t width(const char *s)
{
	size_t len = strlen(s), i = 0, w = 0, n;
	unsigned cp;

	while (i < len) {
		n = str_utf8_decode(s + i, len - i, &cp);
		if (!n)
			n = 1;
		if (cp != 0x200c && cp != 0x200d && !(cp >= 0x064b && cp <= 0x065f))
			w++;
		i += n;
	}
	return w;
}

static void cell(struct buf *b, const char *s, size_t w)
{
	struct buf t = BUF_INIT(4096);
	size_t have;

	fa_add(&t, s);
	have = width(t.data);
	buf_adds(b, t.data);
	while (have++ < w)
		buf_addc(b, ' ');
	buf_adds(b, " │ ");
	buf_release(&t);
}

/* How the table marks a unit's own row (--by child). */
#define SELF_FA " (خود واحد)"

static const enum report_field table_fields[] = {
	RF_REFERRED, RF_ANSWERED, RF_QUANTITATIVE, RF_QUALITATIVE, RF_ON_TIME, RF_MEAN,
	RF_MEDIAN, RF_P90, RF_OVERDUE,
};
#define NTABLE (sizeof(table_fields) / sizeof(table_fields[0]))

static void write_table(const struct report *r, struct buf *b)
{
	char v[160], pv[64], ch[64], fd[JALALI_FMT_MAX], ld[JALALI_FMT_MAX], name[96];
	size_t i, k, namew = 8;
	int f;

	buf_adds(b, r->by == REPORT_BY_REGION ? "ارزیابی شش‌ماهه مناطق" : "گزارش رسیدگی");
	if (r->by != REPORT_BY_REGION) {
		buf_addf(b, " — %s (%s)", r->unit.name, r->unit.code);
	}
	jalali_format_fa(&r->period.first, fd, sizeof(fd));
	jalali_format_fa(&r->period.last, ld, sizeof(ld));
	buf_adds(b, "\nدوره: ");
	jperiod_name_fa(&r->period, name, sizeof(name));
	fa_add(b, name);
	buf_addf(b, " (%s تا %s)", fd, ld);
	if (r->compare) {
		jalali_format_fa(&r->previous.first, fd, sizeof(fd));
		jalali_format_fa(&r->previous.last, ld, sizeof(ld));
		buf_adds(b, "\nمقایسه با: ");
		jperiod_name_fa(&r->previous, name, sizeof(name));
		fa_add(b, name);
		buf_addf(b, " (%s تا %s)", fd, ld);
	}
	buf_adds(b, "\n\n");
	for (f = 0; f < RF_COUNT; f++) {
		double cur = report_field_value(&r->total.cur, (enum report_field)f);

		fa_value(v, sizeof(v), (enum report_field)f, cur);
		buf_addf(b, "%s: ", report_field_title_fa((enum report_field)f));
		fa_add(b, v);
		if (r->compare) {
			fa_value(pv, sizeof(pv), (enum report_field)f,
				 report_field_value(&r->total.prev, (enum report_field)f));
			fa_change(ch, sizeof(ch), (enum report_field)f, r->total.change[f]);
			buf_adds(b, "   (سال قبل: ");
			fa_add(b, pv);
			buf_adds(b, "، تغییر: ");
			fa_add(b, ch);
			buf_adds(b, ")");
		}
		buf_adds(b, "\n");
	}
	if (r->by != REPORT_BY_REGION) {
		if (r->total.rank)
			snprintf(v, sizeof(v), "%d از %d", r->total.rank, r->total.rank_of);
		else
			str_copy(v, sizeof(v), "—");
		buf_adds(b, "رتبه میان واحدهای هم‌سطحِ پیام‌گرفته: ");
		fa_add(b, v);
		snprintf(v, sizeof(v), " (امتیاز %.1f = %.0f٪ کمّی + %.0f٪ کیفی + %.0f٪ به‌موقع)\n",
			 r->total.score, REPORT_W_QUANTITY * 100, REPORT_W_QUALITY * 100,
			 REPORT_W_TIMELINESS * 100);
		fa_add(b, v);
		if (r->has_overdue_now) {
			snprintf(v, sizeof(v), "%lld", (long long)r->overdue_now);
			buf_adds(b, "معوق همین حالا: ");
			fa_add(b, v);
			buf_adds(b, "\n");
		}
	}
	if (r->by == REPORT_BY_NONE)
		return;
	for (i = 0; i < r->nrows; i++) {
		size_t w = width(r->rows[i].name) + (r->rows[i].self ? width(SELF_FA) : 0);

		if (w > namew)
			namew = w;
	}
	buf_adds(b, "\n");
	cell(b, "رتبه", 5);
	cell(b, r->by == REPORT_BY_MONTH || r->by == REPORT_BY_WEEK ? "دوره" : "عنوان", namew);
	for (k = 0; k < NTABLE; k++)
		cell(b, report_field_title_fa(table_fields[k]), 10);
	if (r->by == REPORT_BY_REGION) {
		cell(b, "امتیاز کمّی", 10);
		cell(b, "امتیاز کیفی", 10);
		cell(b, "امتیاز به‌موقع", 10);
		cell(b, "امتیاز", 10);
	}
	if (r->compare)
		cell(b, "تغییر ارجاع", 10);
	buf_adds(b, "\n");
	for (i = 0; i < r->nrows; i++) {
		const struct report_row *row = &r->rows[i];

		if (row->rank)
			snprintf(v, sizeof(v), "%d", row->rank);
		else
			str_copy(v, sizeof(v), "");
		cell(b, v, 5);
		if (row->self) {
			char own[CAP_NAME + 32];

			snprintf(own, sizeof(own), "%s%s", row->name, SELF_FA);
			cell(b, own, namew);
		} else {
			cell(b, row->name, namew);
		}
		for (k = 0; k < NTABLE; k++) {
			fa_value(v, sizeof(v), table_fields[k],
				 report_field_value(&row->cur, table_fields[k]));
			cell(b, v, 10);
		}
		if (r->by == REPORT_BY_REGION) {
			snprintf(v, sizeof(v), "%.1f", row->quantity_score);
			cell(b, v, 10);
			snprintf(v, sizeof(v), "%.1f", row->quality_score);
			cell(b, v, 10);
			snprintf(v, sizeof(v), "%.1f", row->timeliness_score);
			cell(b, v, 10);
			snprintf(v, sizeof(v), "%.1f", row->score);
			cell(b, v, 10);
		}
		if (r->compare) {
			fa_change(v, sizeof(v), RF_REFERRED, row->change[RF_REFERRED]);
			cell(b, v, 10);
		}
		buf_adds(b, "\n");
	}
}

int report_write(const struct report *r, enum report_format fmt, struct buf *b,
		 struct err *err)
{
	switch (fmt) {
	case REPORT_FMT_TABLE:
		write_table(r, b);
		break;
	case REPORT_FMT_CSV:
		write_csv(r, b);
		break;
	case REPORT_FMT_JSON:
		write_json(r, b);
		break;
	default:
		return err_set(err, ERR_INVALID, "format", "this format is written to a file only");
	}
	if (buf_error(b))
		return err_set(err, ERR_TOOBIG, "", "the report is larger than the output cap");
	return 0;
}

/* ---- xlsx ---- */

static void xl_num(lxw_worksheet *ws, int row, int col, double v, lxw_format *fmt)
{
	if (isnan(v) || isinf(v))
		worksheet_write_blank(ws, (lxw_row_t)row, (lxw_col_t)col, fmt);
	else
		worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v, fmt);
}

/* Every text cell of the workbook: made safe as in CSV (core/csv.h). */
static void xl_text(lxw_worksheet *ws, int row, int col, const char *s, lxw_format *fmt)
{
	struct buf b = BUF_INIT(CAP_XLSX_CELL);

	csv_cell_safe(&b, s);
	worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, b.data, fmt);
	buf_release(&b);
}

static void xl_row(lxw_worksheet *ws, int row, const struct report *r,
		   const struct report_row *rr, lxw_format *fmts[3])
{
	double sc[NSCORES];
	int col = 0, f;

	xl_text(ws, row, col++, rr->key, NULL);
	xl_text(ws, row, col++, rr->name, NULL);
	xl_text(ws, row, col++, rr->period.label, NULL);
	for (f = 0; f < RF_COUNT; f++) {
		enum report_field fld = (enum report_field)f;
		lxw_format *fm = report_field_is_rate(fld) ? fmts[0] :
			(fld == RF_MEAN || fld == RF_MEDIAN || fld == RF_P90 || fld == RF_HANDOFF) ?
			fmts[1] : fmts[2];

		xl_num(ws, row, col++, report_field_value(&rr->cur, fld), fm);
	}
	xl_num(ws, row, col++, rr->rank ? rr->rank : NAN, fmts[2]);
	row_scores(rr, sc);
	for (f = 0; f < NSCORES; f++)
		xl_num(ws, row, col++, sc[f], fmts[1]);
	if (r->compare) {
		for (f = 0; f < RF_COUNT; f++) {
			enum report_field fld = (enum report_field)f;
			lxw_format *fm = report_field_is_rate(fld) ? fmts[0] :
				(fld == RF_MEAN || fld == RF_MEDIAN || fld == RF_P90 ||
				 fld == RF_HANDOFF) ? fmts[1] : fmts[2];

			xl_num(ws, row, col++, report_field_value(&rr->prev, fld), fm);
		}
		for (f = 0; f < RF_COUNT; f++)
			xl_num(ws, row, col++, rr->change[f], fmts[1]);
	}
}

int report_write_xlsx(const struct report *r, const char *path, struct err *err)
{
	lxw_workbook_options opt = { .constant_memory = LXW_FALSE, .tmpdir = NULL };
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	lxw_worksheet *ws;
	lxw_format *head, *fmts[3];
	lxw_chart *chart;
	lxw_chart_series *ser;
	lxw_error e;
	char name[80], cats[128], vals[128];
	int col = 0, row, f, nrow;
	const struct report_row *rr;
	size_t i;

	if (!wb)
		return err_set(err, ERR_IO, "output", "cannot create '%s'", path);
	ws = workbook_add_worksheet(wb, "report");
	worksheet_right_to_left(ws);
	head = workbook_add_format(wb);
	format_set_bold(head);
	fmts[0] = workbook_add_format(wb);
	format_set_num_format(fmts[0], "0.0%");
	fmts[1] = workbook_add_format(wb);
	format_set_num_format(fmts[1], "0.0");
	fmts[2] = workbook_add_format(wb);
	format_set_num_format(fmts[2], "0");

	xl_text(ws, 0, col++, "key", head);
	xl_text(ws, 0, col++, "name", head);
	xl_text(ws, 0, col++, "period", head);
	for (f = 0; f < RF_COUNT; f++)
		xl_text(ws, 0, col++, report_field_title_fa((enum report_field)f), head);
	xl_text(ws, 0, col++, "رتبه", head);
	xl_text(ws, 0, col++, "امتیاز کمّی", head);
	xl_text(ws, 0, col++, "امتیاز کیفی", head);
	xl_text(ws, 0, col++, "امتیاز به‌موقع", head);
	xl_text(ws, 0, col++, "امتیاز", head);
	if (r->compare) {
		for (f = 0; f < RF_COUNT; f++) {
			snprintf(name, sizeof(name), "%s (سال قبل)",
				 report_field_title_fa((enum report_field)f));
			xl_text(ws, 0, col++, name, head);
		}
		for (f = 0; f < RF_COUNT; f++) {
			snprintf(name, sizeof(name), "%s (تغییر %s)",
				 report_field_title_fa((enum report_field)f),
				 report_field_is_rate((enum report_field)f) ? "واحد درصد" : "٪");
			xl_text(ws, 0, col++, name, head);
		}
	}
	worksheet_freeze_panes(ws, 1, 2);
	worksheet_set_column(ws, 0, 2, 18, NULL);
	worksheet_set_column(ws, 3, (lxw_col_t)(col - 1), 14, NULL);

	/* the rows (or the unit alone), then the total */
	nrow = 0;
	row = 1;
	for (i = 0; i < r->nrows; i++, nrow++)
		xl_row(ws, row++, r, &r->rows[i], fmts);
	rr = &r->total;
	if (!r->nrows)
		nrow = 1;
	xl_row(ws, row++, r, rr, fmts);

	/* the chart: referred and answered per row */
	chart = workbook_add_chart(wb, LXW_CHART_COLUMN);
	snprintf(cats, sizeof(cats), "=report!$B$2:$B$%d", nrow + 1);
	snprintf(vals, sizeof(vals), "=report!$D$2:$D$%d", nrow + 1);
	ser = chart_add_series(chart, cats, vals);
	chart_series_set_name(ser, report_field_title_fa(RF_REFERRED));
	snprintf(vals, sizeof(vals), "=report!$E$2:$E$%d", nrow + 1);
	ser = chart_add_series(chart, cats, vals);
	chart_series_set_name(ser, report_field_title_fa(RF_ANSWERED));
	{
		/* a title starting with = is a formula to libxlsxwriter */
		struct buf t = BUF_INIT(CAP_XLSX_CELL);

		csv_cell_safe(&t, r->by == REPORT_BY_REGION ? "ارزیابی مناطق" : r->unit.name);
		chart_title_set_name(chart, t.data);
		buf_release(&t);
	}
	worksheet_insert_chart(ws, (lxw_row_t)(row + 2), 1, chart);

	e = workbook_close(wb);
	if (e != LXW_NO_ERROR)
		return err_set(err, ERR_IO, "output", "cannot write '%s': %s", path,
			       lxw_strerror(e));
	return 0;
}
