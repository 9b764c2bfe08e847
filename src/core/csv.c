/*
 * csv.c - bounded RFC 4180 reader, and the safe text cell every CSV and
 * XLSX writer uses; see csv.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/caps.h"
#include "base/str.h"
#include "core/csv.h"

int csv_init(struct csv *r, const char *data, size_t len, struct err *err)
{
	return csv_init_cap(r, data, len, CAP_CSV_FILE, err);
}

int csv_init_cap(struct csv *r, const char *data, size_t len, size_t cap, struct err *err)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->rec, CAP_CSV_RECORD);
	if (len > cap)
		return err_set(err, ERR_TOOBIG, "file", "the file is larger than %zu bytes", cap);
	if (!str_utf8_valid(data, len))
		return err_set(err, ERR_INVALID, "file", "the file is not valid UTF-8 text");
	r->p = data;
	r->end = data + len;
	r->line = 1;
	/* a UTF-8 byte order mark is allowed at the start */
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		r->p += 3;
	return 0;
}

void csv_release(struct csv *r)
{
	buf_release(&r->rec);
}

/* End the current field: a NUL in the record buffer and its start noted. */
static int end_field(struct csv *r, size_t start, struct err *err)
{
	if (r->nfields == CAP_CSV_FIELDS)
		return err_set(err, ERR_TOOBIG, "file", "line %zu: more than %d fields",
			       r->record_line, CAP_CSV_FIELDS);
	buf_addc(&r->rec, '\0');
	if (buf_error(&r->rec))
		return err_set(err, ERR_TOOBIG, "file", "line %zu: record longer than %d bytes",
			       r->record_line, CAP_CSV_RECORD);
	/* positions now; pointers are fixed once the record is complete */
	r->fields[r->nfields++] = (char *)(uintptr_t)start;
	return 0;
}

int csv_next(struct csv *r, struct err *err)
{
	size_t start, i;
	int rc;

	for (;;) {
		buf_reset(&r->rec);
		r->nfields = 0;
		if (r->p >= r->end)
			return 0;
		/* skip blank lines */
		if (*r->p == '\n' || (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n')) {
			r->p += (*r->p == '\r') ? 2 : 1;
			r->line++;
			continue;
		}
		break;
	}
	r->record_line = r->line;
	start = 0;
	for (;;) {
		if (r->p < r->end && *r->p == '"') {
			/* quoted field */
			r->p++;
			for (;;) {
				if (r->p >= r->end)
					return err_set(err, ERR_INVALID, "file", "line %zu: a quoted "
						       "field is not closed", r->record_line);
				if (*r->p == '"') {
					if (r->p + 1 < r->end && r->p[1] == '"') {
						buf_addc(&r->rec, '"');
						r->p += 2;
						continue;
					}
					r->p++;
					break;
				}
				if (*r->p == '\n')
					r->line++;
				buf_addc(&r->rec, *r->p++);
			}
			if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
				return err_set(err, ERR_INVALID, "file", "line %zu: text after a "
					       "closing quote", r->line);
		} else {
			while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
				if (*r->p == '"')
					return err_set(err, ERR_INVALID, "file", "line %zu: a quote "
						       "inside an unquoted field", r->line);
				buf_addc(&r->rec, *r->p++);
			}
		}
		rc = end_field(r, start, err);
		if (rc < 0)
			return rc;
		start = r->rec.len;
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == '\r') {
			if (r->p + 1 < r->end && r->p[1] == '\n')
				r->p++;
			else
				return err_set(err, ERR_INVALID, "file", "line %zu: a bare carriage "
					       "return", r->line);
		}
		if (r->p < r->end)
			r->p++;	/* the '\n' */
		r->line++;
		break;
	}
	for (i = 0; i < r->nfields; i++)
		r->fields[i] = r->rec.data + (uintptr_t)r->fields[i];
	return 1;
}

int csv_expect_header(struct csv *r, const char *const *names, size_t n, struct err *err)
{
	char want[512];
	size_t i, off = 0;
	bool ok = r->nfields == n;

	for (i = 0; ok && i < n; i++)
		ok = str_eq(r->fields[i], names[i]);
	if (ok)
		return 0;
	want[0] = '\0';
	for (i = 0; i < n && off < sizeof(want); i++)
		off += (size_t)snprintf(want + off, sizeof(want) - off, "%s%s", i ? "," : "",
					names[i]);
	return err_set(err, ERR_INVALID, "file", "line %zu: expected the header '%s'",
		       r->record_line, want);
}

/* ---- writing ---- */

bool csv_cell_risky(const char *s)
{
	return s && (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' ||
		     *s == '\r');
}

void csv_cell_safe(struct buf *b, const char *s)
{
	if (csv_cell_risky(s))
		buf_addc(b, '\'');
	buf_adds(b, s ? s : "");
}

void csv_add_cell(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	if (csv_cell_risky(s))
		buf_addc(b, '\'');
	for (; s && *s; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}
