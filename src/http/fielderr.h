/*
 * fielderr.h - field errors in Persian: the "fields" list of an error
 * answer, each {"field", "message"} naming the field and the rule a person
 * broke («گذرواژه دست‌کم ۸ نویسه»), so a form marks every wrong field at once.
 *
 * The validator (jval.c) words its own findings (missing, too long, wrong
 * type, out of range) with fe_add_*; an error from the core (one field at a
 * time, in English for logs and the CLI) gets its Persian sentence from
 * fe_from_err, which knows each field's rule.  reply.c puts the list in the
 * answer.
 */
#ifndef HAMGAN_HTTP_FIELDERR_H
#define HAMGAN_HTTP_FIELDERR_H

#include <stdint.h>

#include "base/caps.h"
#include "base/err.h"

struct field_errs {
	int n;
	struct field_err {
		char field[ERR_FIELD_MAX];
		char msg[ERR_MSG_MAX];	/* Persian */
	} e[CAP_FIELD_ERRORS];
};

/* The Persian name of a request field ("password" -> «گذرواژه»), or NULL. */
const char *fe_label(const char *field);

/* Append one error (ignored past CAP_FIELD_ERRORS or when fe is NULL);
 * the message is printf-style Persian. */
void fe_add(struct field_errs *fe, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The validator's findings, worded with the field's label. */
void fe_add_required(struct field_errs *fe, const char *field);
void fe_add_too_long(struct field_errs *fe, const char *field, size_t max_chars);
void fe_add_range(struct field_errs *fe, const char *field, int64_t lo, int64_t hi);
void fe_add_bad(struct field_errs *fe, const char *field, const char *rule);

/* One Persian entry for a core error that names a field (err->field set):
 * the field's rule, or what the English message says of it.  Appends
 * nothing when err names no field. */
void fe_from_err(struct field_errs *fe, const struct err *err);

/* Write n in Persian digits into out (>= 32 bytes). */
void fe_num(int64_t n, char *out, size_t outsz);

#endif
