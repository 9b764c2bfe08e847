/*
 * user.c - accounts (argon2id passwords), sessions (random tokens stored
 * hashed) and the stored failed-login throttle.
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

static bool may_admin(const struct actor *a)
{
	return a->role == ROLE_ADMIN || a->role == ROLE_SYSTEM;
}

static int password_check(const char *pw, struct err *err)
{
	size_t len = pw ? strlen(pw) : 0;

	if (len < CAP_PASSWORD_MIN)
		return err_set(err, ERR_INVALID, "password", "the password is shorter than %d bytes",
			       CAP_PASSWORD_MIN);
	if (len > CAP_PASSWORD)
		return err_set(err, ERR_TOOBIG, "password", "the password is longer than %d bytes",
			       CAP_PASSWORD);
	return 0;
}

/*
 * argon2id with 19 MiB and 2 passes (OWASP's password storage
 * recommendation; libsodium's INTERACTIVE is 64 MiB): each login holds
 * this much for its verify, so a server's peak memory grows by it for
 * every login at once (docs/security.md).  Hashes made with other limits
 * still verify and are made again at the next login (user_login).
 */
#define PWHASH_OPS 2ULL
#define PWHASH_MEM ((size_t)19 * 1024 * 1024)

static void pwhash_limits(const struct core *c, unsigned long long *ops, size_t *mem)
{
	*ops = c->cfg.pwhash_fast ? crypto_pwhash_OPSLIMIT_MIN : PWHASH_OPS;
	*mem = c->cfg.pwhash_fast ? crypto_pwhash_MEMLIMIT_MIN : PWHASH_MEM;
}

/* Whether hash was made with limits other than today's (a core with the
 * tests' fast limits makes nothing again). */
static bool pwhash_stale(const struct core *c, const char *hash)
{
	unsigned long long ops;
	size_t mem;

	if (c->cfg.pwhash_fast)
		return false;
	pwhash_limits(c, &ops, &mem);
	return crypto_pwhash_str_needs_rehash(hash, ops, mem) != 0;
}

static int password_hash(struct core *c, const char *pw, char out[PWHASH_MAX], struct err *err)
{
	unsigned long long ops;
	size_t mem;

	pwhash_limits(c, &ops, &mem);
	if (crypto_pwhash_str(out, pw, strlen(pw), ops, mem) != 0)
		return err_set(err, ERR_IO, "password", "cannot hash the password (out of memory)");
	return 0;
}

/*
 * Inside a login's transaction: the account's hash (verified against
 * password in *seen, read before the transaction) made again with today's
 * limits.  The account is read again so that a change made meanwhile (a
 * role, a new password) is kept: a hash changed since is left alone.
 */
static int pwhash_renew(struct core *c, const struct user *seen, const char *password,
			struct err *err)
{
	struct user now;
	int rc = OPS(c)->user_get(c->st, seen->id, &now, err);

	if (rc == 0 && str_eq(now.pwhash, seen->pwhash)) {
		rc = password_hash(c, password, now.pwhash, err);
		if (rc == 0)
			rc = OPS(c)->user_update(c->st, &now, err);
	}
	sodium_memzero(now.pwhash, sizeof(now.pwhash));
	return rc;
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
	rc = core_end(c, rc, err);
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
	rc = core_end(c, rc, err);
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

int user_edit(struct core *c, const struct actor *a, const char *username,
	      const struct user_changes *ch, struct user *out, struct err *err)
{
	struct user u;
	bool rights;
	int rc;

	if (!may_admin(a))
		return err_set(err, ERR_DENIED, "", "only an admin may edit users");
	rc = user_get_by_name(c, username, &u, err);
	if (rc < 0)
		return rc;
	if (ch->name)
		str_copy(u.name, sizeof(u.name), ch->name);
	if (ch->set_role)
		u.role = ch->role;
	if (ch->set_unit)
		u.unit_id = ch->unit_id;
	if (ch->active >= 0)
		u.active = ch->active != 0;
	if (ch->name && text_check("name", ch->name, CAP_NAME - 1, false, false, err) < 0)
		return ERR_INVALID;
	rc = user_validate(c, &u, err);
	if (rc < 0)
		return rc;
	if (u.id == a->user_id && !u.active)
		return err_set(err, ERR_INVALID, "active", "an admin cannot disable themself");
	/* new rights (or none) end the sessions made with the old ones */
	rights = ch->set_role || ch->set_unit || ch->active == 0;
	rc = user_change(c, a, &u, "user.edit", rights, err);
	if (rc == 0 && out)
		*out = u;
	return rc;
}

/* Inside a transaction (defined with the sessions below). */
static int session_create_tx(struct core *c, int64_t user_id, char token[SESSION_TOKEN_HEX + 1],
			     struct err *err);

int user_change_own_password(struct core *c, const struct actor *a, const char *current,
			     const char *password, char token[SESSION_TOKEN_HEX + 1],
			     struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	struct user u;
	int rc;

	if (!a->user_id)
		return err_set(err, ERR_DENIED, "", "only a signed-in user has a password");
	rc = OPS(c)->user_get(c->st, a->user_id, &u, err);
	if (rc < 0)
		return rc;
	if (!current || strlen(current) > CAP_PASSWORD ||
	    crypto_pwhash_str_verify(u.pwhash, current, strlen(current)) != 0)
		return err_set(err, ERR_INVALID, "current_password", "the current password is wrong");
	rc = password_check(password, err);
	if (rc == 0)
		rc = password_hash(c, password, u.pwhash, err);
	if (rc < 0)
		return rc;
	rc = core_begin(c, err);
	if (rc < 0)
		return rc;
	/* every session ends, this device's included; it gets a fresh one */
	rc = OPS(c)->user_update(c->st, &u, err);
	if (rc == 0)
		rc = OPS(c)->session_revoke_user(c->st, u.id, err);
	if (rc == 0)
		rc = session_create_tx(c, u.id, token, err);
	if (rc == 0) {
		payload_begin(&p);
		payload_str(&p, "username", u.username);
		payload_end(&p);
		rc = audit_append(c, a, "user.passwd.own", 0, p.data, err);
	}
	rc = core_end(c, rc, err);
	buf_release(&p);
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	return rc;
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
	rc = core_end(c, rc, err);
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

/* ---- login and its throttle ---- */

/*
 * OWASP: throttle, do not lock.  Failures slow the address that fails:
 * after cfg.login_addr_free failures in the window, each further attempt
 * from that address must wait 2^(n - free + 1) seconds after its latest
 * failure (2, 4, 8 ... capped at the window: an address can fail about a
 * dozen times in a window, then a couple of times a window).  An account's
 * own failures never refuse anyone: once it has cfg.login_user_max in the
 * window (someone is guessing it from many addresses) an address trying it
 * gets one free failure instead of login_addr_free.  The right password
 * from an address that has not been failing is always checked, whatever
 * was tried elsewhere.
 */

static void fail_keys(const char *username, const char *addr, char ukey[96], char akey[96])
{
	snprintf(ukey, 96, "user:%.63s", username ? username : "");
	snprintf(akey, 96, "addr:%.63s", addr ? addr : "");
	str_utf8_trim_partial(ukey);
	str_utf8_trim_partial(akey);
}

/* Seconds the address must still wait (0: it may try now). */
static int addr_wait(struct core *c, const char *akey, const char *ukey, int64_t *wait,
		     struct err *err)
{
	int64_t now = core_now(c), since = now - c->cfg.login_window_sec;
	int64_t n, oldest, latest, ucount, free_fails = c->cfg.login_addr_free, delay;
	int rc = OPS(c)->login_fail_count(c->st, akey, since, &n, &oldest, err);

	*wait = 0;
	if (rc < 0 || n == 0)
		return rc;
	rc = OPS(c)->login_fail_count(c->st, ukey, since, &ucount, &oldest, err);
	if (rc < 0)
		return rc;
	if (ucount >= c->cfg.login_user_max)
		free_fails = 1;
	if (n < free_fails)
		return 0;
	rc = OPS(c)->login_fail_latest(c->st, akey, &latest, err);
	if (rc < 0)
		return rc;
	/* 2, 4, 8 ... seconds: times are whole seconds, so a wait of 2 is at
	 * least one real second.  The doubling counts from the usual
	 * allowance, so an account under attack takes away free tries without
	 * lengthening anyone's waits. */
	delay = n - c->cfg.login_addr_free + 1;
	delay = delay <= 1 ? 2 : delay >= 30 ? c->cfg.login_window_sec : (int64_t)1 << delay;
	if (delay > c->cfg.login_window_sec)
		delay = c->cfg.login_window_sec;
	*wait = latest + delay - now;
	if (*wait < 0)
		*wait = 0;
	return 0;
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

/*
 * The hash an unknown username is checked against, made once per core with
 * the limits a password set now gets, so that an unknown user costs one
 * verify like everyone else (timing must not tell which usernames exist).
 */
static const char *dummy_hash(struct core *c)
{
	char pw[33];
	unsigned char raw[16];

	if (!c->scratch->dummy_pwhash[0]) {
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2hex(pw, sizeof(pw), raw, sizeof(raw));
		if (password_hash(c, pw, c->scratch->dummy_pwhash, NULL) < 0)
			c->scratch->dummy_pwhash[0] = '\0';
	}
	return c->scratch->dummy_pwhash;
}

int user_login(struct core *c, const char *username, const char *password, const char *addr,
	       char token[SESSION_TOKEN_HEX + 1], struct actor *who, int64_t *retry_after,
	       struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	char ukey[96], akey[96];
	bool has_addr = addr && *addr, found;
	const char *hash;
	struct user u;
	bool ok;
	int rc;

	token[0] = '\0';
	*retry_after = 0;
	if (!username || !*username || strlen(username) >= CAP_CODE || !password ||
	    strlen(password) > CAP_PASSWORD || (addr && strlen(addr) > 63))
		return err_set(err, ERR_AUTH, "", "wrong username or password");
	fail_keys(username, addr, ukey, akey);
	if (has_addr) {
		rc = addr_wait(c, akey, ukey, retry_after, err);
		if (rc < 0)
			return rc;
		if (*retry_after > 0)
			return err_set(err, ERR_LIMITED, "", "too many failed logins from this "
				       "address: try again in %lld seconds",
				       (long long)*retry_after);
	}
	/* made before the look-up, so that the one-off cost of making it falls
	 * on the first login of any kind, not on the first unknown username */
	hash = dummy_hash(c);
	rc = OPS(c)->user_get_by_name(c->st, username, &u, err);
	if (rc < 0 && rc != ERR_NOTFOUND)
		return rc;
	/* Exactly one argon2id verify whatever the account's state: an unknown
	 * user against the dummy hash, a disabled one against its own. */
	found = rc == 0;
	if (found)
		hash = u.pwhash;
	ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 && found && u.active;
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
	if (rc == 0 && pwhash_stale(c, u.pwhash))
		rc = pwhash_renew(c, &u, password, err);
	if (rc == 0)
		rc = session_create_tx(c, u.id, token, err);
	if (rc == 0) {
		*who = user_actor(&u);
		payload_begin(&p);
		payload_str(&p, "addr", has_addr ? addr : "");
		payload_end(&p);
		rc = audit_append(c, who, "user.login", 0, p.data, err);
	}
	rc = core_end(c, rc, err);
	buf_release(&p);
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	if (rc < 0)
		token[0] = '\0';
	return rc;
}
