/*
 * apikey.c - Open311 API keys: made from the kernel's randomness, stored as
 * a hash, audited when added or revoked.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "core/apikey.h"
#include "core/audit.h"
#include "core/core_int.h"
#include "core/unit.h"

static int may_manage(const struct actor *a, struct err *err)
{
	if (a->role == ROLE_ADMIN || a->role == ROLE_SYSTEM)
		return 0;
	return err_set(err, ERR_DENIED, "", "only an admin manages API keys");
}

static int audit_key(struct core *c, const struct actor *a, const char *action,
		     const struct apikey *k, struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	int rc;

	payload_begin(&p);
	payload_str(&p, "name", k->name);
	payload_int(&p, "id", k->id);
	payload_end(&p);
	rc = audit_append(c, a, action, 0, p.data, err);
	buf_release(&p);
	return rc;
}

int apikey_add(struct core *c, const struct actor *a, const char *name,
	       char key[APIKEY_HEX + 1], struct apikey *out, struct err *err)
{
	unsigned char raw[32];
	struct apikey k;
	int rc;

	key[0] = '\0';
	rc = may_manage(a, err);
	if (rc == 0)
		rc = code_check("name", name, err);
	if (rc < 0)
		return rc;
	memset(&k, 0, sizeof(k));
	str_copy(k.name, sizeof(k.name), name);
	k.created_at = core_now(c);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(key, APIKEY_HEX + 1, raw, sizeof(raw));
	core_token_hash(raw, k.key_hash);
	sodium_memzero(raw, sizeof(raw));
	rc = core_begin(c, err);
	if (rc < 0)
		goto out;
	rc = OPS(c)->apikey_insert(c->st, &k, err);
	if (rc == ERR_CONFLICT)
		rc = err_set(err, ERR_CONFLICT, "name", "an API key named '%s' exists", name);
	if (rc == 0)
		rc = audit_key(c, a, "apikey.add", &k, err);
	rc = core_end(c, rc, err);
out:
	if (rc < 0) {
		sodium_memzero(key, APIKEY_HEX + 1);
		return rc;
	}
	if (out)
		*out = k;
	return 0;
}

int apikey_list(struct core *c, const struct actor *a, struct apikey **out, size_t *n,
		struct err *err)
{
	int rc = may_manage(a, err);

	*out = NULL;
	*n = 0;
	if (rc < 0)
		return rc;
	return OPS(c)->apikey_list(c->st, out, n, err);
}

int apikey_revoke(struct core *c, const struct actor *a, const char *name, struct err *err)
{
	struct apikey k;
	int rc = may_manage(a, err);

	if (rc < 0)
		return rc;
	if (!name || strlen(name) >= CAP_CODE)
		return err_set(err, ERR_NOTFOUND, "name", "no API key named '%.64s'",
			       name ? name : "");
	rc = core_begin(c, err);
	if (rc < 0)
		return rc;
	rc = OPS(c)->apikey_get_by_name(c->st, name, &k, err);
	if (rc == ERR_NOTFOUND)
		rc = err_set(err, ERR_NOTFOUND, "name", "no API key named '%s'", name);
	else if (rc == 0 && k.revoked_at)
		rc = err_set(err, ERR_CONFLICT, "name", "API key '%s' is already revoked", name);
	if (rc == 0)
		rc = OPS(c)->apikey_revoke(c->st, k.id, core_now(c), err);
	if (rc == 0)
		rc = audit_key(c, a, "apikey.revoke", &k, err);
	rc = core_end(c, rc, err);
	return rc;
}

int apikey_check(struct core *c, const char *key, struct apikey *out, struct err *err)
{
	char hash[APIKEY_HEX + 1];
	int rc;

	if (core_token_to_hash(key, hash) < 0)
		return err_set(err, ERR_DENIED, "api_key", "invalid api_key");
	rc = OPS(c)->apikey_get_by_hash(c->st, hash, out, err);
	if (rc == ERR_NOTFOUND || (rc == 0 && out->revoked_at))
		return err_set(err, ERR_DENIED, "api_key", "invalid api_key");
	return rc;
}
