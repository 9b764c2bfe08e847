/*
 * user.h - accounts, passwords, sessions and the failed-login limit.
 *
 * Passwords are argon2id (libsodium crypto_pwhash_str) with the INTERACTIVE
 * limits, or the MIN limits when core->cfg.pwhash_fast is set (tests; set by
 * HAMGAN_PWHASH_FAST=1).  Session tokens are 256 random bits given to the
 * caller as 64 hex digits; only their BLAKE2b hash is stored.  Failed logins
 * are stored (they survive restarts and hold across processes) and throttle
 * the address that fails, never the account: see user_login.
 */
#ifndef HAMGAN_CORE_USER_H
#define HAMGAN_CORE_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/caps.h"
#include "base/err.h"
#include "core/actor.h"
#include "model/user.h"

struct core;

/*
 * Add u (username, name, role, unit_id, active) with password; sets u->id.
 * Admin or system only.  ERR_INVALID (bad field, password shorter than 8
 * bytes or longer than CAP_PASSWORD, staff/manager without a unit),
 * ERR_CONFLICT (username taken).
 */
int user_add(struct core *c, const struct actor *a, struct user *u, const char *password,
	     struct err *err);
int user_get(struct core *c, int64_t id, struct user *out, struct err *err);
int user_get_by_name(struct core *c, const char *username, struct user *out, struct err *err);
int user_list(struct core *c, struct user **out, size_t *n, struct err *err);
int user_set_password(struct core *c, const struct actor *a, const char *username,
		      const char *password, struct err *err);
/* Disable the account and revoke its sessions. */
int user_disable(struct core *c, const struct actor *a, const char *username, struct err *err);

/* What user_edit changes: name when non-NULL, role and unit when set_*,
 * active when 0 or 1 (-1: as it is). */
struct user_changes {
	const char *name;
	bool set_role, set_unit;
	enum role role;
	int64_t unit_id;	/* 0: none */
	int active;
};

/*
 * Edit an account (admin or system): name, role, unit, deactivate or
 * re-enable.  A change of role or unit, or deactivating, revokes its
 * sessions.  An admin cannot disable their own account.  Audited
 * ("user.edit").  out (may be NULL) gets the record.
 */
int user_edit(struct core *c, const struct actor *a, const char *username,
	      const struct user_changes *ch, struct user *out, struct err *err);

/*
 * The signed-in user changes their own password: current must be right
 * (ERR_INVALID, field "current_password"), password passes the same rules
 * as user_add.  Every session of the user ends, and token gets a fresh one
 * for the device that asked.  Audited ("user.passwd.own").
 */
int user_change_own_password(struct core *c, const struct actor *a, const char *current,
			     const char *password, char token[SESSION_TOKEN_HEX + 1],
			     struct err *err);

/* The actor for a user record. */
struct actor user_actor(const struct user *u);

/*
 * Check username/password from addr (an IP address text, may be "") and on
 * success create a session: token (65 bytes) gets the token, *who the actor.
 * ERR_AUTH on bad credentials, an unknown user or a disabled account, all at
 * the cost of one argon2id verify (the failure is stored under the address
 * and the account).  ERR_LIMITED with *retry_after when addr is throttled:
 * after cfg.login_addr_free failures in cfg.login_window_sec it waits 2, 4,
 * 8 ... seconds (at most the window) after its latest failure; an account with cfg.login_user_max failures leaves
 * each address one free failure.  Failures never refuse another address.
 */
int user_login(struct core *c, const char *username, const char *password, const char *addr,
	       char token[SESSION_TOKEN_HEX + 1], struct actor *who, int64_t *retry_after,
	       struct err *err);

/* A new session for user_id (active users only). */
int session_create(struct core *c, int64_t user_id, char token[SESSION_TOKEN_HEX + 1],
		   struct err *err);
/* token -> actor; ERR_AUTH when unknown, expired, revoked or the user is
 * disabled. */
int session_lookup(struct core *c, const char *token, struct actor *who, struct err *err);
/* Revoke one session; unknown tokens are ERR_NOTFOUND. */
int session_revoke(struct core *c, const char *token, struct err *err);

#endif
