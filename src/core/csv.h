/*
 * csv.h - a bounded CSV reader (RFC 4180: comma separated, fields may be
 * double-quoted, "" inside quotes is a quote, quoted fields may hold commas
 * and newlines; CRLF or LF line ends).  Every record, field count and the
 * whole input are capped (base/caps.h); errors name the line.
 *
 * And the one rule every CSV and XLSX writer applies to a text cell
 * (csv_cell_safe, csv_add_cell): spreadsheets run a cell that starts with
 * = + - @ (or a tab or CR before one) as a formula, so such a text gets a
 * leading apostrophe and is shown as the text it is (OWASP, "CSV
 * injection").  Numbers are written as numbers, never through these.
 */
#ifndef HAMGAN_CORE_CSV_H
#define HAMGAN_CORE_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/err.h"

struct csv {
	const char *p, *end;
	size_t line;		/* line the next record starts on (1-based) */
	size_t record_line;	/* line the last record started on */
	struct buf rec;		/* fields of the last record, NUL-separated */
	char *fields[CAP_CSV_FIELDS];
	size_t nfields;
};

/* ERR_TOOBIG when len exceeds CAP_CSV_FILE; ERR_INVALID on invalid UTF-8. */
int csv_init(struct csv *r, const char *data, size_t len, struct err *err);
/* The same with another cap on the whole input (history files are larger). */
int csv_init_cap(struct csv *r, const char *data, size_t len, size_t cap, struct err *err);
/* Next record into r->fields / r->nfields: 1 read, 0 end of input, or an
 * error (ERR_INVALID, ERR_TOOBIG) naming the line.  Blank lines are skipped. */
int csv_next(struct csv *r, struct err *err);
void csv_release(struct csv *r);

/*
 * Check that the record just read equals the header names (in order); on
 * mismatch ERR_INVALID "line 1: expected header 'a,b,c'".
 */
int csv_expect_header(struct csv *r, const char *const *names, size_t n, struct err *err);

/* Does a spreadsheet take text s for a formula (first byte = + - @ tab CR)? */
bool csv_cell_risky(const char *s);
/* Append text s to b as a spreadsheet shows it safely: "'" + s when risky. */
void csv_cell_safe(struct buf *b, const char *s);
/* Append s as one double-quoted CSV field ("" for a quote), made safe. */
void csv_add_cell(struct buf *b, const char *s);

#endif
