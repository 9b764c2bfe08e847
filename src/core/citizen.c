/*
 * citizen.c - citizens keyed by normalised mobile; name and national id
 * optional, the national id checked by src/fa.
 */
#include <string.h>

#include "base/str.h"
#include "core/citizen.h"
#include "core/core_int.h"
#include "fa/ids.h"
#include "fa/text.h"

static int mobile_norm(const char *mobile, char out[12], struct err *err)
{
	if (!mobile || !*mobile)
		return err_set(err, ERR_INVALID, "mobile", "a mobile number is required");
	if (strlen(mobile) > 64 || fa_mobile_normalize(mobile, out) < 0)
		return err_set(err, ERR_INVALID, "mobile", "'%.64s' is not an Iranian mobile number",
			       mobile);
	return 0;
}

int citizen_find_or_add(struct core *c, const char *mobile, const char *name,
			const char *national_id, struct citizen *out, struct err *err)
{
	struct citizen ci;
	char norm[12];
	bool changed = false;
	int rc = mobile_norm(mobile, norm, err);

	if (rc < 0)
		return rc;
	rc = text_check("citizen_name", name, CAP_NAME - 1, false, false, err);
	if (rc < 0)
		return rc;
	if (national_id && *national_id &&
	    (strlen(national_id) > 40 || fa_national_id_check(national_id) < 0))
		return err_set(err, ERR_INVALID, "national_id", "'%.40s' is not a valid national id",
			       national_id);
	rc = OPS(c)->citizen_get_by_mobile(c->st, norm, &ci, err);
	if (rc == ERR_NOTFOUND) {
		memset(&ci, 0, sizeof(ci));
		str_copy(ci.mobile, sizeof(ci.mobile), norm);
		str_copy(ci.name, sizeof(ci.name), name ? name : "");
		if (national_id && *national_id) {
			char ascii[16];

			if (fa_ascii_digits(national_id, ascii, sizeof(ascii)) < 0)
				return err_set(err, ERR_INVALID, "national_id", "invalid national id");
			str_copy(ci.national_id, sizeof(ci.national_id), ascii);
		}
		ci.created_at = core_now(c);
		rc = OPS(c)->citizen_insert(c->st, &ci, err);
		if (rc < 0)
			return rc;
		*out = ci;
		return 0;
	}
	if (rc < 0)
		return rc;
	if (name && *name && !str_eq(name, ci.name)) {
		str_copy(ci.name, sizeof(ci.name), name);
		changed = true;
	}
	if (national_id && *national_id) {
		char ascii[16];

		if (fa_ascii_digits(national_id, ascii, sizeof(ascii)) < 0)
			return err_set(err, ERR_INVALID, "national_id", "invalid national id");
		if (!str_eq(ascii, ci.national_id)) {
			str_copy(ci.national_id, sizeof(ci.national_id), ascii);
			changed = true;
		}
	}
	if (changed) {
		rc = OPS(c)->citizen_update(c->st, &ci, err);
		if (rc < 0)
			return rc;
	}
	*out = ci;
	return 0;
}

int citizen_get_by_mobile(struct core *c, const char *mobile, struct citizen *out,
			  struct err *err)
{
	char norm[12];
	int rc = mobile_norm(mobile, norm, err);

	if (rc < 0)
		return rc;
	rc = OPS(c)->citizen_get_by_mobile(c->st, norm, out, err);
	if (rc == ERR_NOTFOUND)
		return err_set(err, ERR_NOTFOUND, "mobile", "no citizen with mobile %s", norm);
	return rc;
}

int citizen_get(struct core *c, int64_t id, struct citizen *out, struct err *err)
{
	return OPS(c)->citizen_get(c->st, id, out, err);
}
