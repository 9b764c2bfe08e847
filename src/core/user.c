/*
 * user.c - accounts (argon2id passwords), sessions (random tokens stored
 * hashed) and the stored failed-login limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/buf.h"
#include "base/str.h"
#include "core/audit.h"
#include "core/core_int.h"
#include "core/unit.h"
#include "core/user.h"

#define PASSWORD_MIN 8

static bool may_admin(const struct actor *a)
{
	return a->role == ROLE_ADMIN || a->role == ROLE_SYSTEM;
}

static int password_check(const char *pw, struct err *err)
{
	size_t len = pw ? strlen(pw) : 0;

	if (len < PASSWORD_MIN)
		return err_set(err, ERR_INVALID, "password", "the password is shorter than %d bytes",
			       PASSWORD_MIN);
	if (len > CAP_PASSWORD)
		return err_set(err, ERR_TOOBIG, "password", "the password is longer than %d bytes",
			       CAP_PASSWORD);
	return 0;
}

static int password_hash(struct core *c, const char *pw, char out[PWHASH_MAX], struct err *err)
{
	unsigned long long ops = c->cfg.pwhash_fast ? crypto_pwhash_OPSLIMIT_MIN
						    : crypto_pwhash_OPSLIMIT_INTERACTIVE;
	size_t mem = c->cfg.pwhash_fast ? crypto_pwhash_MEMLIMIT_MIN
					: crypto_pwhash_MEMLIMIT_INTERACTIVE;

	if (crypto_pwhash_str(out, pw, strlen(pw), ops, mem) != 0)
		return err_set(err, ERR_IO, "password", "cannot hash the password (out of memory)");
	return 0;
}

static int user_validate(struct core *c, const struct user *u, struct err *err)
{
	struct unit unit;
	int rc = code_check("username", u->username, err);

	if (rc < 0)
		return rc;
	rc = text_check("name", u->name, CAP_NAME - 1, false, false, err);
	if (rc < 0)
		return rc;
	if (u->role < ROLE_OPERATOR || u->role > ROLE_ADMIN)
		return err_set(err, ERR_INVALID, "role", "the role must be operator, staff, "
			       "manager, inspector or admin");
	if ((u->role == ROLE_STAFF || u->role == ROLE_MANAGER) && !u->unit_id)
		return err_set(err, ERR_INVALID, "unit", "a %s belongs to a unit",
			       role_name(u->role));
	if (u->unit_id) {
		rc = OPS(c)->unit_get(c->st, u->unit_id, &unit, err);
		if (rc == ERR_NOTFOUND)
			return err_set(err, ERR_INVALID, "unit", "the unit does not exist");
		if (rc < 0)
			return rc;
	}
	return 0;
}

int user_add(struct core *c, const struct actor *a, struct user *u, const char *password,
	     struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	int rc;

	if (!may_admin(a))
		return err_set(err, ERR_DENIED, "", "only an admin may add users");
	rc = password_check(password, err);
	if (rc < 0)
		return rc;
	rc = user_validate(c, u, err);
	if (rc < 0)
		return rc;
	rc = password_hash(c, password, u->pwhash, err);
	if (rc < 0)
		return rc;
	u->created_at = core_now(c);
	rc = core_begin(c, err);
	if (rc < 0)
		return rc;
	rc = OPS(c)->user_insert(c->st, u, err);
	if (rc == ERR_CONFLICT)
		err_set(err, ERR_CONFLICT, "username", "user '%s' already exists", u->username);
	if (rc == 0) {
		payload_begin(&p);
		payload_str(&p, "username", u->username);
		payload_str(&p, "role", role_name(u->role));
		payload_int(&p, "unit_id", u->unit_id);
		payload_end(&p);
		rc = audit_append(c, a, "user.add", 0, p.data, err);
	}
	if (rc == 0)
		rc = core_commit(c, err);
	else
		core_rollback(c);
	buf_release(&p);
	if (rc < 0)
		u->id = 0;
	return rc;
}

int user_get(struct core *c, int64_t id, struct user *out, struct err *err)
{
	return OPS(c)->user_get(c->st, id, out, err);
}

int user_get_by_name(struct core *c, const char *username, struct user *out, struct err *err)
{
	int rc = code_check("username", username, err);

	if (rc < 0)
		return rc;
	rc = OPS(c)->user_get_by_name(c->st, username, out, err);
	if (rc == ERR_NOTFOUND)
		return err_set(err, ERR_NOTFOUND, "username", "no user '%s'", username);
	return rc;
}

int user_list(struct core *c, struct user **out, size_t *n, struct err *err)
{
	return OPS(c)->user_list(c->st, out, n, err);
}

/* Change a user inside one transaction with its audit entry. */
static int user_change(struct core *c, const struct actor *a, struct user *u, const char *action,
		       bool revoke, struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	int rc = core_begin(c, err);

	if (rc < 0)
		return rc;
	rc = OPS(c)->user_update(c->st, u, err);
	if (rc == 0 && revoke)
		rc = OPS(c)->session_revoke_user(c->st, u->id, err);
	if (rc == 0) {
		payload_begin(&p);
		payload_str(&p, "username", u->username);
		payload_end(&p);
		rc = audit_append(c, a, action, 0, p.data, err);
	}
	if (rc == 0)
		rc = core_commit(c, err);
	else
		core_rollback(c);
	buf_release(&p);
	return rc;
}

int user_set_password(struct core *c, const struct actor *a, const char *username,
		      const char *password, struct err *err)
{
	struct user u;
	int rc;

	if (!may_admin(a))
		return err_set(err, ERR_DENIED, "", "only an admin may set passwords");
	rc = password_check(password, err);
	if (rc < 0)
		return rc;
	rc = user_get_by_name(c, username, &u, err);
	if (rc < 0)
		return rc;
	rc = password_hash(c, password, u.pwhash, err);
	if (rc < 0)
		return rc;
	/* a new password ends the sessions made with the old one */
	return user_change(c, a, &u, "user.passwd", true, err);
}

int user_disable(struct core *c, const struct actor *a, const char *username, struct err *err)
{
	struct user u;
	int rc;

	if (!may_admin(a))
		return err_set(err, ERR_DENIED, "", "only an admin may disable users");
	rc = user_get_by_name(c, username, &u, err);
	if (rc < 0)
		return rc;
	u.active = false;
	return user_change(c, a, &u, "user.disable", true, err);
}

struct actor user_actor(const struct user *u)
{
	struct actor a;

	memset(&a, 0, sizeof(a));
	a.user_id = u->id;
	a.role = u->role;
	a.unit_id = u->unit_id;
	str_copy(a.name, sizeof(a.name), u->username);
	return a;
}

/* ---- sessions ---- */

void core_token_hash(const unsigned char raw[32], char out[65])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), raw, 32, NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* Inside a transaction. */
static int session_create_tx(struct core *c, int64_t user_id, char token[SESSION_TOKEN_HEX + 1],
			     struct err *err)
{
	struct store_session s;
	unsigned char raw[32];

	memset(&s, 0, sizeof(s));
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(token, SESSION_TOKEN_HEX + 1, raw, sizeof(raw));
	core_token_hash(raw, s.token_hash);
	sodium_memzero(raw, sizeof(raw));
	s.user_id = user_id;
	s.created_at = core_now(c);
	s.expires_at = s.created_at + c->cfg.session_ttl_sec;
	return OPS(c)->session_insert(c->st, &s, err);
}

int session_create(struct core *c, int64_t user_id, char token[SESSION_TOKEN_HEX + 1],
		   struct err *err)
{
	struct user u;
	int rc = OPS(c)->user_get(c->st, user_id, &u, err);

	if (rc < 0)
		return rc;
	if (!u.active)
		return err_set(err, ERR_AUTH, "", "the account is disabled");
	rc = core_begin(c, err);
	if (rc < 0)
		return rc;
	rc = session_create_tx(c, user_id, token, err);
	if (rc == 0)
		rc = core_commit(c, err);
	else
		core_rollback(c);
	if (rc < 0)
		token[0] = '\0';
	return rc;
}

int core_token_to_hash(const char *token, char hash[65])
{
	unsigned char raw[32];
	size_t len = 0;

	if (!token || strlen(token) != SESSION_TOKEN_HEX ||
	    sodium_hex2bin(raw, sizeof(raw), token, SESSION_TOKEN_HEX, NULL, &len, NULL) != 0 ||
	    len != sizeof(raw))
		return ERR_INVALID;
	core_token_hash(raw, hash);
	return 0;
}

/* Decode and hash a presented token; ERR_AUTH when it is not 64 hex digits. */
static int token_to_hash(const char *token, char hash[65], struct err *err)
{
	if (core_token_to_hash(token, hash) < 0)
		return err_set(err, ERR_AUTH, "token", "invalid session");
	return 0;
}

int session_lookup(struct core *c, const char *token, struct actor *who, struct err *err)
{
	struct store_session s;
	struct user u;
	char hash[65];
	int rc = token_to_hash(token, hash, err);

	if (rc < 0)
		return rc;
	rc = OPS(c)->session_get(c->st, hash, &s, err);
	if (rc == ERR_NOTFOUND)
		return err_set(err, ERR_AUTH, "token", "invalid session");
	if (rc < 0)
		return rc;
	if (s.revoked || s.expires_at <= core_now(c))
		return err_set(err, ERR_AUTH, "token", "the session has ended");
	rc = OPS(c)->user_get(c->st, s.user_id, &u, err);
	if (rc < 0)
		return rc == ERR_NOTFOUND ? err_set(err, ERR_AUTH, "token", "invalid session") : rc;
	if (!u.active)
		return err_set(err, ERR_AUTH, "token", "the account is disabled");
	*who = user_actor(&u);
	return 0;
}

int session_revoke(struct core *c, const char *token, struct err *err)
{
	char hash[65];
	int rc = token_to_hash(token, hash, err);

	if (rc < 0)
		return err_set(err, ERR_NOTFOUND, "token", "no such session");
	return OPS(c)->session_revoke(c->st, hash, err);
}

/* ---- login and its limit ---- */

static void fail_keys(const char *username, const char *addr, char ukey[96], char akey[96])
{
	snprintf(ukey, 96, "user:%.63s", username ? username : "");
	snprintf(akey, 96, "addr:%.63s", addr ? addr : "");
	str_utf8_trim_partial(ukey);
	str_utf8_trim_partial(akey);
}

/* Over the limit? *retry_after gets the wait. */
static int limit_check(struct core *c, const char *key, int max, int64_t *retry_after,
		       struct err *err)
{
	int64_t now = core_now(c), count, oldest, wait;
	int rc = OPS(c)->login_fail_count(c->st, key, now - c->cfg.login_window_sec, &count,
					  &oldest, err);

	if (rc < 0)
		return rc;
	if (count < max)
		return 0;
	wait = oldest + c->cfg.login_window_sec - now;
	if (wait < 1)
		wait = 1;
	if (wait > *retry_after)
		*retry_after = wait;
	return err_set(err, ERR_LIMITED, "", "too many failed logins: try again in %lld seconds",
		       (long long)wait);
}

static int record_failure(struct core *c, const char *ukey, const char *akey, bool has_addr,
			  const char *username)
{
	struct actor sys = actor_system("login");
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	int64_t now = core_now(c);
	int rc = core_begin(c, NULL);

	if (rc < 0)
		return rc;
	rc = OPS(c)->login_fail_add(c->st, ukey, now, NULL);
	if (rc == 0 && has_addr)
		rc = OPS(c)->login_fail_add(c->st, akey, now, NULL);
	if (rc == 0) {
		payload_begin(&p);
		/* only well-formed text goes into the log */
		payload_str(&p, "username", code_check("username", username, NULL) == 0 ? username
											: "?");
		payload_str(&p, "addr", str_utf8_valid(akey + 5, strlen(akey + 5)) ? akey + 5 : "?");
		payload_end(&p);
		rc = audit_append(c, &sys, "user.login_failed", 0, p.data, NULL);
	}
	if (rc == 0)
		rc = core_commit(c, NULL);
	else
		core_rollback(c);
	buf_release(&p);
	return rc;
}

int user_login(struct core *c, const char *username, const char *password, const char *addr,
	       char token[SESSION_TOKEN_HEX + 1], struct actor *who, int64_t *retry_after,
	       struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	char ukey[96], akey[96];
	bool has_addr = addr && *addr;
	struct user u;
	bool ok;
	int rc;

	token[0] = '\0';
	*retry_after = 0;
	if (!username || !*username || strlen(username) >= CAP_CODE || !password ||
	    strlen(password) > CAP_PASSWORD || (addr && strlen(addr) > 63))
		return err_set(err, ERR_AUTH, "", "wrong username or password");
	fail_keys(username, addr, ukey, akey);
	rc = limit_check(c, ukey, c->cfg.login_user_max, retry_after, err);
	if (rc == 0 && has_addr)
		rc = limit_check(c, akey, c->cfg.login_addr_max, retry_after, err);
	if (rc < 0)
		return rc;
	rc = OPS(c)->user_get_by_name(c->st, username, &u, err);
	if (rc < 0 && rc != ERR_NOTFOUND)
		return rc;
	if (rc == ERR_NOTFOUND) {
		/* spend what a real check costs, so timing does not tell which
		 * usernames exist */
		char dummy[PWHASH_MAX];

		password_hash(c, password, dummy, NULL);
		ok = false;
	} else {
		ok = u.active && crypto_pwhash_str_verify(u.pwhash, password, strlen(password)) == 0;
	}
	if (!ok) {
		rc = record_failure(c, ukey, akey, has_addr, username);
		if (rc < 0)
			return err_set(err, rc, "", "cannot record the failed login");
		return err_set(err, ERR_AUTH, "", "wrong username or password");
	}
	rc = core_begin(c, err);
	if (rc < 0)
		return rc;
	rc = OPS(c)->login_fail_clear(c->st, ukey, err);
	if (rc == 0)
		rc = session_create_tx(c, u.id, token, err);
	if (rc == 0) {
		*who = user_actor(&u);
		payload_begin(&p);
		payload_str(&p, "addr", has_addr ? addr : "");
		payload_end(&p);
		rc = audit_append(c, who, "user.login", 0, p.data, err);
	}
	if (rc == 0)
		rc = core_commit(c, err);
	else
		core_rollback(c);
	buf_release(&p);
	if (rc < 0)
		token[0] = '\0';
	return rc;
}
