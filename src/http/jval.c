/* jval.c - JSON pre-scan and declarative validation; see jval.h. */
#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "base/caps.h"
#include "base/str.h"
#include "fa/ids.h"
#include "fa/text.h"
#include "http/jval.h"

int jval_mobile(const char *s)
{
	char out[12];

	return strlen(s) > 64 ? ERR_INVALID : fa_mobile_normalize(s, out);
}

int jval_national_id(const char *s)
{
	char ascii[16];

	if (fa_ascii_digits(s, ascii, sizeof(ascii)) < 0)
		return ERR_INVALID;
	return fa_national_id_check(ascii);
}

int jval_scan(const char *s, size_t len, struct err *err)
{
	size_t i;
	int depth = 0;
	bool in_str = false;

	if (!str_utf8_valid(s, len))
		return err_set(err, ERR_INVALID, NULL, "the body is not valid UTF-8");
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (in_str) {
			if (c == '\\') {
				if (i + 5 < len + 0 && s[i + 1] == 'u' && s[i + 2] == '0' &&
				    s[i + 3] == '0' && s[i + 4] == '0' && s[i + 5] == '0')
					return err_set(err, ERR_INVALID, NULL,
						       "the body holds the escape \\u0000");
				i++;	/* skip the escaped byte */
			} else if (c == '"') {
				in_str = false;
			}
			continue;
		}
		if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			if (++depth > CAP_JSON_DEPTH)
				return err_set(err, ERR_INVALID, NULL,
					       "JSON nested deeper than %d levels", CAP_JSON_DEPTH);
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return 0;
}

int jval_string(const char *name, const char *s, size_t max_bytes, size_t max_chars,
		struct err *err)
{
	size_t len = strlen(s), i;

	if (len > max_bytes)
		return err_set(err, ERR_INVALID, name, "'%s' is longer than %zu bytes", name,
			       max_bytes);
	if (!str_utf8_valid(s, len))
		return err_set(err, ERR_INVALID, name, "'%s' is not valid UTF-8", name);
	if (max_chars && str_utf8_len(s, len) > max_chars)
		return err_set(err, ERR_INVALID, name, "'%s' is longer than %zu characters",
			       name, max_chars);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
			return err_set(err, ERR_INVALID, name,
				       "'%s' holds a control character", name);
	}
	return 0;
}

static const struct jval_field *find(const struct jval_field *fields, const char *name)
{
	for (; fields->name; fields++)
		if (str_eq(fields->name, name))
			return fields;
	return NULL;
}

static int one(const cJSON *v, const struct jval_field *f, char *base, struct err *err,
	       struct field_errs *all)
{
	struct err e;

	err_clear(&e);
	switch (f->type) {
	case JV_T_STR: {
		const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
		size_t len;

		if (!s) {
			fe_add_bad(all, f->name, "باید متن باشد");
			return err_set(err, ERR_INVALID, f->name, "'%s' must be a string", f->name);
		}
		if (jval_string(f->name, s, f->max_bytes, f->max_chars, &e)) {
			len = strlen(s);
			if (strstr(e.msg, "control"))
				fe_add_bad(all, f->name, "نویسهٔ نامجاز دارد");
			else if (strstr(e.msg, "UTF-8"))
				fe_add_bad(all, f->name, "متن درستی نیست");
			else
				fe_add_too_long(all, f->name, f->max_chars ? f->max_chars :
						f->max_bytes / 2 ? f->max_bytes / 2 : len);
			if (err)
				*err = e;
			return ERR_INVALID;
		}
		/* a form's empty box is a missing value, not a value */
		if (f->required && !*s) {
			fe_add_required(all, f->name);
			return err_set(err, ERR_INVALID, f->name, "'%s' is required", f->name);
		}
		if (f->check && f->check(s) != 0) {
			struct err e2;

			err_set(&e2, ERR_INVALID, f->name, "'%s' is not well-formed", f->name);
			if (*s)
				fe_from_err(all, &e2);
			else
				fe_add_required(all, f->name);
			if (err)
				*err = e2;
			return ERR_INVALID;
		}
		*(const char **)(void *)(base + f->offset) = s;
		return 0;
	}
	case JV_T_INT: {
		struct jv_int *out = (struct jv_int *)(void *)(base + f->offset);
		double d = v->valuedouble;

		if (!cJSON_IsNumber(v) || !isfinite(d) || d != floor(d) ||
		    d < (double)f->min || d > (double)f->max) {
			fe_add_range(all, f->name, f->min, f->max);
			return err_set(err, ERR_INVALID, f->name,
				       "'%s' must be a whole number from %lld to %lld", f->name,
				       (long long)f->min, (long long)f->max);
		}
		out->set = true;
		out->v = (int64_t)d;
		return 0;
	}
	case JV_T_NUM: {
		struct jv_num *out = (struct jv_num *)(void *)(base + f->offset);
		double d = v->valuedouble;

		if (!cJSON_IsNumber(v) || !isfinite(d) || d < (double)f->min || d > (double)f->max) {
			fe_add_range(all, f->name, f->min, f->max);
			return err_set(err, ERR_INVALID, f->name,
				       "'%s' must be a number from %lld to %lld", f->name,
				       (long long)f->min, (long long)f->max);
		}
		out->set = true;
		out->v = d;
		return 0;
	}
	case JV_T_BOOL: {
		struct jv_bool *out = (struct jv_bool *)(void *)(base + f->offset);

		if (!cJSON_IsBool(v)) {
			fe_add_bad(all, f->name, "باید «بله» یا «خیر» باشد");
			return err_set(err, ERR_INVALID, f->name, "'%s' must be true or false",
				       f->name);
		}
		out->set = true;
		out->v = cJSON_IsTrue(v);
		return 0;
	}
	case JV_T_END:
		break;
	}
	return err_set(err, ERR_INVALID, f->name, "bad field table");
}

int jval_object(const cJSON *obj, const struct jval_field *fields, void *out,
		struct err *err)
{
	return jval_object_all(obj, fields, out, err, NULL);
}

/*
 * Record the first error in err and go on; rc keeps the first code.
 * Without a list to fill (all NULL) the first error ends the check.
 */
#define NOTE(call)						\
	do {							\
		struct err e1_;					\
								\
		err_clear(&e1_);				\
		if ((call) != 0 || e1_.code) {			\
			if (!rc) {				\
				rc = ERR_INVALID;		\
				if (err)			\
					*err = e1_;		\
			}					\
			if (!all)				\
				return rc;			\
		}						\
	} while (0)

int jval_object_all(const cJSON *obj, const struct jval_field *fields, void *out,
		    struct err *err, struct field_errs *all)
{
	const cJSON *a, *b;
	const struct jval_field *f;
	char *base = out;
	int n = 0, rc = 0;
	size_t size = 0;

	for (f = fields; f->name; f++) {
		size_t end = f->offset + (f->type == JV_T_STR ? sizeof(const char *) :
					  f->type == JV_T_INT ? sizeof(struct jv_int) :
					  f->type == JV_T_NUM ? sizeof(struct jv_num) :
					  sizeof(struct jv_bool));
		if (end > size)
			size = end;
	}
	memset(out, 0, size);
	if (!cJSON_IsObject(obj))
		return err_set(err, ERR_INVALID, NULL, "the body must be a JSON object");
	for (a = obj->child; a; a = a->next) {
		bool twice = false;

		if (++n > CAP_JSON_MEMBERS)
			return err_set(err, ERR_INVALID, NULL, "too many members");
		if (!a->string)
			return err_set(err, ERR_INVALID, NULL, "a member has no name");
		for (b = obj->child; b != a; b = b->next)
			if (str_eq(a->string, b->string))
				twice = true;
		if (twice) {
			fe_add_bad(all, a->string, "دو بار آمده است");
			NOTE(err_set(&e1_, ERR_INVALID, a->string, "member '%s' appears twice",
				     a->string));
			continue;
		}
		f = find(fields, a->string);
		if (!f) {
			fe_add(all, a->string, "خانهٔ «%s» در این فرم نیست", a->string);
			NOTE(err_set(&e1_, ERR_INVALID, a->string, "unknown member '%s'",
				     a->string));
			continue;
		}
		if (cJSON_IsNull(a))
			continue;
		NOTE(one(a, f, base, &e1_, all));
	}
	for (f = fields; f->name; f++) {
		bool present;

		if (!f->required)
			continue;
		if (f->type == JV_T_STR)
			present = *(const char **)(void *)(base + f->offset) != NULL;
		else if (f->type == JV_T_INT)
			present = ((struct jv_int *)(void *)(base + f->offset))->set;
		else if (f->type == JV_T_NUM)
			present = ((struct jv_num *)(void *)(base + f->offset))->set;
		else
			present = ((struct jv_bool *)(void *)(base + f->offset))->set;
		if (present)
			continue;
		/* a member given but refused already has its message */
		if (cJSON_GetObjectItemCaseSensitive(obj, f->name) &&
		    !cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(obj, f->name)))
			continue;
		fe_add_required(all, f->name);
		NOTE(err_set(&e1_, ERR_INVALID, f->name, "'%s' is required", f->name));
	}
	return rc;
}
