/*
 * form.c - bounded application/x-www-form-urlencoded reader; see form.h.
 * Our own rather than libmicrohttpd's post processor: that one hands values
 * over in pieces through a callback, and every Open311 field needs the
 * same decoding and checks as a query argument, all at once.
 */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "http/form.h"

/* Decode in[0..len) onto out (room for len + 1) and refuse control
 * characters other than tab, CR and LF; the decoded length or -1. */
static long decode(const char *in, size_t len, char *out)
{
	long n = str_pct_decode(in, len, true, out, len + 1), i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)out[i];

		if (c == 0x7f || (c < 0x20 && c != '\t' && c != '\n' && c != '\r'))
			return -1;
	}
	return n;
}

int form_parse(struct form *f, const char *body, size_t len, struct err *err)
{
	size_t pos = 0, out = 0;

	memset(f, 0, sizeof(*f));
	if (len > CAP_HTTP_BODY)
		return err_set(err, ERR_TOOBIG, "", "the form is larger than %d bytes", CAP_HTTP_BODY);
	/* decoded text is never longer than the body, plus a NUL per piece */
	f->text = xmalloc(2 * len + 2);
	while (pos < len) {
		size_t end = pos, eq;
		long nl, vl;

		while (end < len && body[end] != '&')
			end++;
		if (end == pos) {
			pos++;
			continue;
		}
		if (f->n == CAP_FORM_FIELDS)
			return err_set(err, ERR_TOOBIG, "", "more than %d form fields",
				       CAP_FORM_FIELDS);
		for (eq = pos; eq < end && body[eq] != '='; eq++)
			;
		nl = decode(body + pos, eq - pos, f->text + out);
		if (nl < 0)
			return err_set(err, ERR_INVALID, "", "form field %zu: bad encoding in its "
				       "name", f->n + 1);
		f->pairs[f->n].name = f->text + out;
		out += (size_t)nl + 1;
		vl = eq < end ? decode(body + eq + 1, end - eq - 1, f->text + out)
			      : decode("", 0, f->text + out);
		if (vl < 0)
			return err_set(err, ERR_INVALID, f->pairs[f->n].name, "form field '%.64s': "
				       "bad encoding in its value", f->pairs[f->n].name);
		f->pairs[f->n].value = f->text + out;
		out += (size_t)vl + 1;
		f->n++;
		pos = end + 1;
	}
	return 0;
}

const char *form_get(const struct form *f, const char *name, bool *dup)
{
	const char *v = NULL;
	size_t i;

	if (dup)
		*dup = false;
	for (i = 0; i < f->n; i++) {
		if (!str_eq(f->pairs[i].name, name))
			continue;
		if (v) {
			if (dup)
				*dup = true;
			break;
		}
		v = f->pairs[i].value;
	}
	return v;
}

void form_release(struct form *f)
{
	free(f->text);
	memset(f, 0, sizeof(*f));
}
