/*
 * cmd_fa.c - `hamgan fa`: the Persian library (src/fa) on the command line.
 *
 * Every converter takes its inputs as arguments or, given none, one per line
 * on standard input, and prints one line per input: the result, or
 * "invalid".  Exit 0 when every input was accepted, 1 when any was not, 2 on
 * a usage error.  Lines are read through one fixed buffer of CAP_CLI_LINE
 * bytes: a longer line is answered "invalid" and skipped, never buffered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/str.h"
#include "cli/cli.h"
#include "cli/cmds.h"
#include "fa/ids.h"
#include "fa/jalali.h"
#include "fa/period.h"
#include "fa/tehran.h"
#include "fa/text.h"

const char cmd_fa_usage[] =
	"usage: hamgan fa <sub-command> [<args>]\n"
	"\n"
	"Persian tools.  Each converter takes its inputs as arguments or, given\n"
	"none, one per line on standard input, and prints one line per input (or\n"
	"'invalid').  Exit 0 all accepted, 1 some invalid, 2 usage error.\n"
	"\n"
	"sub-commands:\n"
	"  to-jalali DATE...           Gregorian YYYY-MM-DD to Jalali\n"
	"  to-gregorian DATE...        Jalali YYYY-MM-DD to Gregorian\n"
	"  national-id CODE...         check an Iranian national id\n"
	"  mobile NUMBER...            normalise an Iranian mobile to 09xxxxxxxxx\n"
	"  digits --ascii|--persian|--arabic TEXT...\n"
	"  normalize TEXT...           the search form of Persian text\n"
	"  tracking-code CODE... | --new [N]\n"
	"  period [--months|--weeks|--previous-year] PERIOD...\n"
	"  today                       today's Jalali date in Tehran\n"
	"\n"
	"'hamgan fa <sub-command> -h' tells more; docs/fa.md has the rules.\n";

/* One input handler: s is len bytes (NUL-terminated at len); append the
 * answer to out and return 0, or return an error for "invalid". */
typedef int (*line_fn)(const char *s, size_t len, struct buf *out, void *ctx);

/* Line reader over a FILE with a fixed CAP_CLI_LINE buffer. */
struct reader {
	FILE *fp;
	char *line;		/* CAP_CLI_LINE + 1 bytes */
	char chunk[64 * 1024];
	size_t pos, end;
	bool eof;
};

/* The next line into r->line without its "\n" or "\r\n"; 1 a line, 0 at
 * the end, -1 a line too long (skipped). */
static int reader_next(struct reader *r, size_t *len)
{
	size_t n = 0;
	bool too_long = false, got = false;

	for (;;) {
		char *nl;
		size_t take;

		if (r->pos == r->end) {
			if (r->eof)
				break;
			r->end = fread(r->chunk, 1, sizeof(r->chunk), r->fp);
			r->pos = 0;
			if (r->end == 0) {
				r->eof = true;
				break;
			}
		}
		got = true;
		nl = memchr(r->chunk + r->pos, '\n', r->end - r->pos);
		take = (nl ? (size_t)(nl - r->chunk) : r->end) - r->pos;
		if (!too_long && n + take <= CAP_CLI_LINE) {
			memcpy(r->line + n, r->chunk + r->pos, take);
			n += take;
		} else {
			too_long = true;
		}
		r->pos += take;
		if (nl) {
			r->pos++;
			goto done;
		}
	}
	if (!got || (n == 0 && !too_long))
		return 0;	/* end of input (a last line without "\n" still counts) */
done:
	if (too_long)
		return -1;
	if (n > 0 && r->line[n - 1] == '\r')
		n--;
	r->line[n] = '\0';
	*len = n;
	return 1;
}

/* Write the answer for one input; returns 1 when it was invalid. */
static int answer(line_fn fn, const char *s, size_t len, struct buf *out, void *ctx)
{
	int rc;

	buf_reset(out);
	rc = fn(s, len, out, ctx);
	if (rc != 0 || buf_error(out)) {
		fputs("invalid\n", stdout);
		return 1;
	}
	fwrite(out->data, 1, out->len, stdout);
	putchar('\n');
	return 0;
}

/* Run fn over argv[first..] or, when there are none, standard input. */
static int run_lines(int argc, char **argv, int first, line_fn fn, void *ctx)
{
	struct buf out = BUF_INIT(4 * CAP_CLI_LINE);	/* digits may double a line */
	int i, bad = 0;

	if (first < argc) {
		for (i = first; i < argc; i++)
			bad |= answer(fn, argv[i], strlen(argv[i]), &out, ctx);
	} else {
		static struct reader r;
		size_t len = 0;
		int k;

		r.fp = stdin;
		r.line = xmalloc(CAP_CLI_LINE + 1);
		for (;;) {
			k = reader_next(&r, &len);
			if (k == 0)
				break;
			if (k < 0) {
				fputs("invalid\n", stdout);
				bad = 1;
				continue;
			}
			bad |= answer(fn, r.line, len, &out, ctx);
		}
		free(r.line);
		if (ferror(stdin)) {
			buf_release(&out);
			return cli_fail("cannot read standard input");
		}
	}
	buf_release(&out);
	if (fflush(stdout) != 0 || ferror(stdout))
		return cli_fail("cannot write standard output");
	return bad ? EXIT_FAIL : EXIT_OK;
}

/* Skip "--" and refuse any other option; the index of the first input or
 * -1 after printing a usage error. */
static int first_input(int argc, char **argv, const char *prog)
{
	if (argc > 1 && str_eq(argv[1], "--"))
		return 2;
	if (argc > 1 && argv[1][0] == '-' && argv[1][1] != '\0') {
		cli_usage_error(prog, "unknown option '%s'", argv[1]);
		return -1;
	}
	return 1;
}

/* A text input that must be a C string: refuse embedded NUL bytes. */
static bool has_nul(const char *s, size_t len)
{
	return memchr(s, '\0', len) != NULL;
}

static int do_to_jalali(const char *s, size_t len, struct buf *out, void *ctx)
{
	struct gdate g;
	struct jdate j;
	char t[JALALI_FMT_MAX];

	(void)ctx;
	if (has_nul(s, len) || gregorian_parse(s, &g) != 0 || jalali_from_gregorian(&g, &j) != 0)
		return ERR_INVALID;
	jalali_format(&j, t, sizeof(t));
	return buf_adds(out, t);
}

static int do_to_gregorian(const char *s, size_t len, struct buf *out, void *ctx)
{
	struct gdate g;
	struct jdate j;
	char t[JALALI_FMT_MAX];

	(void)ctx;
	if (has_nul(s, len) || jalali_parse(s, &j) != 0 || jalali_to_gregorian(&j, &g) != 0)
		return ERR_INVALID;
	gregorian_format(&g, t, sizeof(t));
	return buf_adds(out, t);
}

static int do_national_id(const char *s, size_t len, struct buf *out, void *ctx)
{
	(void)ctx;
	if (has_nul(s, len) || fa_national_id_check(s) != 0)
		return ERR_INVALID;
	return buf_adds(out, "valid");
}

static int do_mobile(const char *s, size_t len, struct buf *out, void *ctx)
{
	char m[12];

	(void)ctx;
	if (has_nul(s, len) || fa_mobile_normalize(s, m) != 0)
		return ERR_INVALID;
	return buf_adds(out, m);
}

static int do_digits(const char *s, size_t len, struct buf *out, void *ctx)
{
	return fa_digits(s, len, *(enum digit_script *)ctx, out);
}

static int do_normalize(const char *s, size_t len, struct buf *out, void *ctx)
{
	(void)ctx;
	return fa_normalize(s, len, out);
}

static int do_tracking_code(const char *s, size_t len, struct buf *out, void *ctx)
{
	(void)ctx;
	if (has_nul(s, len) || tracking_code_check(s) != 0)
		return ERR_INVALID;
	return buf_adds(out, "valid");
}

/* "2020-03-19T20:30:00Z" for a UTC instant. */
static void add_iso_utc(struct buf *out, int64_t t)
{
	char s[32];

	iso_utc_format(t, s, sizeof(s));
	buf_adds(out, s);
}

static void add_period(struct buf *out, const struct jperiod *p)
{
	char f[JALALI_FMT_MAX], l[JALALI_FMT_MAX];

	jalali_format(&p->first, f, sizeof(f));
	jalali_format(&p->last, l, sizeof(l));
	buf_addf(out, "%s\t%s\t%s\t", p->label, f, l);
	add_iso_utc(out, p->start);
	buf_addc(out, '\t');
	add_iso_utc(out, p->end);
}

enum period_mode { PERIOD_ONE, PERIOD_MONTHS, PERIOD_WEEKS, PERIOD_PREVIOUS };

/* Months of a period at most: the whole calendar range, 456 years. */
#define PERIOD_PARTS_MAX (12 * (JALALI_MAX_YEAR - JALALI_MIN_YEAR + 1))

static int do_period(const char *s, size_t len, struct buf *out, void *ctx)
{
	enum period_mode mode = *(enum period_mode *)ctx;
	struct jperiod p, prev;
	struct err err;
	int rc;

	err_clear(&err);
	if (has_nul(s, len))
		return ERR_INVALID;
	rc = jperiod_parse(s, &p, &err);
	if (rc == 0 && mode == PERIOD_PREVIOUS) {
		rc = jperiod_previous_year(&p, &prev, &err);
		p = prev;
	}
	if (rc == 0 && (mode == PERIOD_MONTHS || mode == PERIOD_WEEKS)) {
		/* weeks of a long period: refuse past the cap rather than print
		 * tens of thousands of lines by accident */
		struct jperiod *parts = xcalloc(PERIOD_PARTS_MAX, sizeof(*parts));
		size_t n = 0, i;

		if (mode == PERIOD_MONTHS)
			rc = jperiod_months(&p, parts, PERIOD_PARTS_MAX, &n, &err);
		else
			rc = jperiod_weeks(&p, parts, PERIOD_PARTS_MAX, &n, &err);
		for (i = 0; rc == 0 && i < n; i++) {
			if (i > 0)
				buf_addc(out, '\n');
			add_period(out, &parts[i]);
		}
		free(parts);
	} else if (rc == 0) {
		add_period(out, &p);
	}
	if (rc != 0)
		fprintf(stderr, "hamgan: %s\n", err.msg);
	return rc;
}

static int cmd_fa_to_jalali(int argc, char **argv)
{
	int first = first_input(argc, argv, "hamgan fa to-jalali");

	return first < 0 ? EXIT_USAGE : run_lines(argc, argv, first, do_to_jalali, NULL);
}

static int cmd_fa_to_gregorian(int argc, char **argv)
{
	int first = first_input(argc, argv, "hamgan fa to-gregorian");

	return first < 0 ? EXIT_USAGE : run_lines(argc, argv, first, do_to_gregorian, NULL);
}

static int cmd_fa_national_id(int argc, char **argv)
{
	int first = first_input(argc, argv, "hamgan fa national-id");

	return first < 0 ? EXIT_USAGE : run_lines(argc, argv, first, do_national_id, NULL);
}

static int cmd_fa_mobile(int argc, char **argv)
{
	int first = first_input(argc, argv, "hamgan fa mobile");

	return first < 0 ? EXIT_USAGE : run_lines(argc, argv, first, do_mobile, NULL);
}

static int cmd_fa_normalize(int argc, char **argv)
{
	int first = first_input(argc, argv, "hamgan fa normalize");

	return first < 0 ? EXIT_USAGE : run_lines(argc, argv, first, do_normalize, NULL);
}

static int cmd_fa_digits(int argc, char **argv)
{
	const char *prog = "hamgan fa digits";
	enum digit_script to;
	int first = 2;

	if (argc < 2)
		return cli_usage_error(prog, "missing --ascii, --persian or --arabic");
	if (str_eq(argv[1], "--ascii"))
		to = DIGITS_ASCII;
	else if (str_eq(argv[1], "--persian"))
		to = DIGITS_PERSIAN;
	else if (str_eq(argv[1], "--arabic"))
		to = DIGITS_ARABIC;
	else
		return cli_usage_error(prog, "unknown script '%s'", argv[1]);
	if (argc > 2 && str_eq(argv[2], "--"))
		first = 3;
	else if (argc > 2 && argv[2][0] == '-' && argv[2][1] == '-')
		return cli_usage_error(prog, "unknown option '%s'", argv[2]);
	return run_lines(argc, argv, first, do_digits, &to);
}

static int cmd_fa_tracking_code(int argc, char **argv)
{
	const char *prog = "hamgan fa tracking-code";
	int64_t n = 1, i;
	char code[11];
	int first;

	if (argc > 1 && str_eq(argv[1], "--new")) {
		if (argc > 3)
			return cli_usage_error(prog, "too many arguments");
		if (argc == 3 && num_parse(argv[2], 1, CAP_NEW_CODES, &n) != 0)
			return cli_usage_error(prog, "count '%s' is not a number in 1..%d", argv[2],
					       CAP_NEW_CODES);
		for (i = 0; i < n; i++) {
			if (tracking_code_new(code) != 0)
				return cli_fail("no randomness available");
			fputs(code, stdout);
			putchar('\n');
		}
		if (fflush(stdout) != 0 || ferror(stdout))
			return cli_fail("cannot write standard output");
		return EXIT_OK;
	}
	first = first_input(argc, argv, prog);
	return first < 0 ? EXIT_USAGE : run_lines(argc, argv, first, do_tracking_code, NULL);
}

static int cmd_fa_period(int argc, char **argv)
{
	const char *prog = "hamgan fa period";
	enum period_mode mode = PERIOD_ONE;
	int first = 1;

	for (; first < argc && argv[first][0] == '-'; first++) {
		if (str_eq(argv[first], "--")) {
			first++;
			break;
		}
		if (mode != PERIOD_ONE)
			return cli_usage_error(prog, "give at most one of --months, --weeks, --previous-year");
		if (str_eq(argv[first], "--months"))
			mode = PERIOD_MONTHS;
		else if (str_eq(argv[first], "--weeks"))
			mode = PERIOD_WEEKS;
		else if (str_eq(argv[first], "--previous-year"))
			mode = PERIOD_PREVIOUS;
		else
			return cli_usage_error(prog, "unknown option '%s'", argv[first]);
	}
	return run_lines(argc, argv, first, do_period, &mode);
}

static int cmd_fa_today(int argc, char **argv)
{
	struct jdate j;
	char t[JALALI_FMT_MAX];

	(void)argv;
	if (argc > 1)
		return cli_usage_error("hamgan fa today", "too many arguments");
	if (tehran_day_of((int64_t)time(NULL), &j) != 0)
		return cli_fail("cannot tell the date in tehran (is tzdata installed?)");
	jalali_format(&j, t, sizeof(t));
	printf("%s %s\n", t, jalali_weekday_name(jalali_weekday(&j)));
	return EXIT_OK;
}

static const struct cli_cmd fa_commands[] = {
	{ "to-jalali", cmd_fa_to_jalali, "Gregorian YYYY-MM-DD to Jalali YYYY-MM-DD",
	  "usage: hamgan fa to-jalali [DATE...]\n"
	  "\n"
	  "Convert Gregorian dates (YYYY-MM-DD or YYYY/MM/DD; ASCII, Persian or\n"
	  "Arabic-Indic digits) to Jalali YYYY-MM-DD.  Jalali years 1178..1633 only;\n"
	  "anything else prints 'invalid'.  Without DATE, reads one per line.\n" },
	{ "to-gregorian", cmd_fa_to_gregorian, "Jalali YYYY-MM-DD to Gregorian YYYY-MM-DD",
	  "usage: hamgan fa to-gregorian [DATE...]\n"
	  "\n"
	  "Convert Jalali dates (YYYY-MM-DD or YYYY/MM/DD, any digits) to Gregorian\n"
	  "YYYY-MM-DD.  Days that do not exist (1404-12-30, 1403-07-31) and years\n"
	  "outside 1178..1633 print 'invalid'.  Without DATE, reads one per line.\n" },
	{ "national-id", cmd_fa_national_id, "check Iranian national ids (valid/invalid)",
	  "usage: hamgan fa national-id [CODE...]\n"
	  "\n"
	  "Print 'valid' or 'invalid' for each 10-digit national id (کد ملی).\n" },
	{ "mobile", cmd_fa_mobile, "normalise Iranian mobile numbers to 09xxxxxxxxx",
	  "usage: hamgan fa mobile [NUMBER...]\n"
	  "\n"
	  "Accepts +98 912 123 4567, 0098..., 98..., 912..., 0912..., any digits,\n"
	  "with spaces, dashes, dots and parentheses.\n" },
	{ "digits", cmd_fa_digits, "write every digit in one script",
	  "usage: hamgan fa digits --ascii|--persian|--arabic [--] [TEXT...]\n" },
	{ "normalize", cmd_fa_normalize, "the search/comparison form of text",
	  "usage: hamgan fa normalize [--] [TEXT...]\n"
	  "\n"
	  "Print the normalised form (docs/fa.md); invalid UTF-8 prints 'invalid'.\n" },
	{ "tracking-code", cmd_fa_tracking_code, "make or check tracking codes",
	  "usage: hamgan fa tracking-code --new [N]\n"
	  "   or: hamgan fa tracking-code [CODE...]\n"
	  "\n"
	  "Ten digits, the last a Damm check digit.  --new prints N (default 1,\n"
	  "at most 1000000) fresh codes; otherwise print valid/invalid per code.\n" },
	{ "period", cmd_fa_period, "show a Jalali report period",
	  "usage: hamgan fa period [--months|--weeks|--previous-year] [PERIOD...]\n"
	  "\n"
	  "PERIOD: 1399, 1399-07, 1399-Q1..Q4, 1399-H1..H2, 1399-F1..F12, or A..B with\n"
	  "A and B each YYYY-MM or YYYY-MM-DD.  Prints label, first day, last day,\n"
	  "start and end (UTC, end exclusive), tab-separated; --months and --weeks\n"
	  "print one such line per part, --previous-year the period a year before.\n" },
	{ "today", cmd_fa_today, "today's Jalali date in Tehran", "usage: hamgan fa today\n" },
	{ NULL, NULL, NULL, NULL },
};

int cmd_fa(int argc, char **argv)
{
	return cli_dispatch("hamgan fa", fa_commands, argc - 1, argv + 1);
}
