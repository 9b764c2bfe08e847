/*
 * jval.h - JSON request bodies: a cheap pre-scan of the raw bytes and a
 * declarative validator that turns a parsed object into a typed struct
 * before the core sees anything.
 *
 * jval_scan runs before the parser: it refuses invalid UTF-8 (and raw NUL),
 * nesting deeper than CAP_JSON_DEPTH and the escape \u0000 (cJSON would cut
 * the string there silently).  It is one pass with no allocation, so a
 * 10,000-deep document costs microseconds.
 *
 * jval_object checks a cJSON object against a field table:
 *
 *	struct login_in { const char *username, *password; struct jv_int ttl; };
 *	static const struct jval_field login_fields[] = {
 *		JV_STR(struct login_in, username, true, 64, 0),
 *		JV_STR(struct login_in, password, true, 256, 0),
 *		JV_INT(struct login_in, ttl, false, 60, 86400),
 *		JV_END,
 *	};
 *	rc = jval_object(r->json, login_fields, &in, &err);
 *
 * It refuses unknown members, duplicate members, wrong types, missing
 * (or, for strings, empty) required members, strings over max bytes or max code points or holding
 * control characters other than tab, newline and carriage return (a
 * textarea's line ends), and numbers that are not
 * whole or out of range.  A JSON null counts as absent.  Strings point into
 * the cJSON tree and live as long as it.  Errors are ERR_INVALID with the
 * member's name as the field.  jval_object_all goes on past the first error
 * and lists every field's, in Persian (fielderr.h), so a form shows them
 * all at once; err still holds the first.
 */
#ifndef HAMGAN_HTTP_JVAL_H
#define HAMGAN_HTTP_JVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "http/fielderr.h"

struct cJSON;

enum jv_type { JV_T_STR, JV_T_INT, JV_T_BOOL, JV_T_NUM, JV_T_END };

struct jv_int {
	bool set;
	int64_t v;
};

struct jv_num {
	bool set;
	double v;
};

struct jv_bool {
	bool set;
	bool v;
};

struct jval_field {
	const char *name;
	enum jv_type type;
	bool required;
	size_t offset;
	size_t max_bytes;	/* strings */
	size_t max_chars;	/* strings, code points; 0: no limit */
	int64_t min, max;	/* numbers */
	int (*check)(const char *s);	/* strings: 0 when well-formed (may be NULL) */
};

#define JV_STR(st, f, req, maxb, maxc) \
	{ #f, JV_T_STR, req, offsetof(st, f), maxb, maxc, 0, 0, NULL }
#define JV_INT(st, f, req, lo, hi) \
	{ #f, JV_T_INT, req, offsetof(st, f), 0, 0, lo, hi, NULL }
/* A finite number in [lo, hi] (coordinates). */
#define JV_NUM(st, f, req, lo, hi) \
	{ #f, JV_T_NUM, req, offsetof(st, f), 0, 0, lo, hi, NULL }
#define JV_BOOL(st, f, req) \
	{ #f, JV_T_BOOL, req, offsetof(st, f), 0, 0, 0, 0, NULL }
/* A string that must also pass check (0: well-formed), such as a mobile
 * number or a national id, so its rule is said with every other field's. */
#define JV_STR_CHECK(st, f, req, maxb, check) \
	{ #f, JV_T_STR, req, offsetof(st, f), maxb, 0, 0, 0, check }
#define JV_END { NULL, JV_T_END, false, 0, 0, 0, 0, 0, NULL }

/* Checks for JV_STR_CHECK: an Iranian mobile in any usual form, a national
 * id with its check digit (any digit script). */
int jval_mobile(const char *s);
int jval_national_id(const char *s);

/* Pre-scan len bytes of JSON text; 0 or ERR_INVALID (err says why). */
int jval_scan(const char *s, size_t len, struct err *err);

/* Validate obj against fields into out (zeroed first); 0 or ERR_INVALID. */
int jval_object(const struct cJSON *obj, const struct jval_field *fields, void *out,
		struct err *err);

/* The same, listing every field error in all (may be NULL). */
int jval_object_all(const struct cJSON *obj, const struct jval_field *fields, void *out,
		    struct err *err, struct field_errs *all);

/* Validate one string value the same way (for query arguments). */
int jval_string(const char *name, const char *s, size_t max_bytes, size_t max_chars,
		struct err *err);

#endif
