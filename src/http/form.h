/*
 * form.h - a bounded reader for application/x-www-form-urlencoded bodies
 * (the Open311 POST; WHATWG URL standard's "urlencoded parser").
 *
 * Pairs are split on '&', name from value on the first '='; '+' is a space
 * and %XX a byte.  Refused with ERR_INVALID: a bad escape, an encoded NUL,
 * a name or value that is not UTF-8 or holds a control character other
 * than tab and newline (CR LF is kept as sent); ERR_TOOBIG past
 * CAP_FORM_FIELDS pairs or a body over CAP_HTTP_BODY.  Empty pieces
 * ("a=1&&b=2") are skipped.  The decoded text lives in one allocation owned
 * by the form.
 */
#ifndef HAMGAN_HTTP_FORM_H
#define HAMGAN_HTTP_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "base/caps.h"
#include "base/err.h"

struct form_pair {
	const char *name;
	const char *value;
};

struct form {
	char *text;			/* decoded names and values, NUL-separated */
	size_t n;
	struct form_pair pairs[CAP_FORM_FIELDS];
};

/* Parse len bytes of body into f (filled even on error: release it). */
int form_parse(struct form *f, const char *body, size_t len, struct err *err);
/* The value of name, or NULL; *dup (may be NULL) set when name came more
 * than once. */
const char *form_get(const struct form *f, const char *name, bool *dup);
void form_release(struct form *f);

#endif
