/*
 * citizen.c - citizens keyed by normalised mobile; name and national id
 * optional, the national id checked by src/fa; the operator's audited
 * correction, and the keyed hash that stands for a mobile in the audit log.
 */
#include <string.h>

#include <sodium.h>

#include "base/buf.h"
#include "base/str.h"
#include "core/audit.h"
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
	/* a known citizen stays who they are: see citizen_correct */
	*out = ci;
	return 0;
}

int citizen_correct(struct core *c, const struct actor *a, const char *mobile, const char *name,
		    const char *national_id, bool *changed, struct citizen *out, struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	struct citizen ci;
	char norm[12], ascii[16], hash[CITIZEN_MOBILE_HASH_HEX + 1];
	bool name_changed = false, nid_changed = false;
	int rc;

	if (changed)
		*changed = false;
	if (a->role != ROLE_OPERATOR && a->role != ROLE_SYSTEM)
		return err_set(err, ERR_DENIED, "", "only an operator corrects a caller's identity");
	rc = mobile_norm(mobile, norm, err);
	if (rc == 0)
		rc = text_check("name", name, CAP_NAME - 1, false, false, err);
	if (rc < 0)
		return rc;
	ascii[0] = '\0';
	if (national_id && *national_id &&
	    (strlen(national_id) > 40 || fa_national_id_check(national_id) < 0 ||
	     fa_ascii_digits(national_id, ascii, sizeof(ascii)) < 0))
		return err_set(err, ERR_INVALID, "national_id", "'%.40s' is not a valid national id",
			       national_id);
	rc = core_begin(c, err);
	if (rc < 0)
		return rc;
	rc = OPS(c)->citizen_get_by_mobile(c->st, norm, &ci, err);
	if (rc == ERR_NOTFOUND)
		rc = err_set(err, ERR_NOTFOUND, "mobile", "no caller with this mobile");
	if (rc < 0)
		goto fail;
	if (name && *name && !str_eq(name, ci.name)) {
		str_copy(ci.name, sizeof(ci.name), name);
		name_changed = true;
	}
	if (ascii[0] && !str_eq(ascii, ci.national_id)) {
		str_copy(ci.national_id, sizeof(ci.national_id), ascii);
		nid_changed = true;
	}
	if (name_changed || nid_changed) {
		rc = OPS(c)->citizen_update(c->st, &ci, err);
		if (rc == 0)
			rc = citizen_mobile_hash(c, ci.mobile, hash, err);
		if (rc < 0)
			goto fail;
		payload_begin(&p);
		payload_str(&p, "mobile_hash", hash);
		payload_str(&p, "fields", name_changed && nid_changed ? "name,national_id" :
					  name_changed ? "name" : "national_id");
		payload_end(&p);
		rc = audit_append(c, a, "citizen.correct", 0, p.data, err);
		if (rc < 0)
			goto fail;
	}
	rc = core_commit(c, err);
	if (rc < 0)
		goto out;
	if (changed)
		*changed = name_changed || nid_changed;
	if (out)
		*out = ci;
	goto out;
fail:
	core_rollback(c);
out:
	buf_release(&p);
	return rc;
}

int citizen_mobile_hash(struct core *c, const char *mobile,
			char out[CITIZEN_MOBILE_HASH_HEX + 1], struct err *err)
{
	unsigned char key[crypto_generichash_KEYBYTES], digest[CITIZEN_MOBILE_HASH_HEX / 2];
	char norm[12];
	int rc = mobile_norm(mobile, norm, err);

	if (rc < 0)
		return rc;
	/* a fresh key is offered each time and kept only the first time: no
	 * cached copy can disagree with the stored one after a rollback */
	randombytes_buf(key, sizeof(key));
	rc = core_begin(c, err);
	if (rc == 0)
		rc = OPS(c)->secret_get_or_put(c->st, "mobile_hash", key, sizeof(key), err);
	rc = core_end(c, rc, err);
	if (rc == 0) {
		crypto_generichash(digest, sizeof(digest), (const unsigned char *)norm,
				   strlen(norm), key, sizeof(key));
		sodium_bin2hex(out, CITIZEN_MOBILE_HASH_HEX + 1, digest, sizeof(digest));
	}
	sodium_memzero(key, sizeof(key));
	return rc;
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
