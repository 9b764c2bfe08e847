/*
 * core.c - the core context: open (store + migrations + libsodium), clock,
 * configuration; the actor helpers; transaction and text-check helpers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "base/mem.h"
#include "base/str.h"
#include "core/core_int.h"
#include "core/agg.h"
#include "core/geo.h"

void core_config_init(struct core_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->default_deadline_hours = 72;
	cfg->session_ttl_sec = 12 * HOUR;
	cfg->login_window_sec = 15 * 60;
	cfg->login_user_max = 5;
	cfg->login_addr_free = 5;
	cfg->pwhash_fast = false;
	cfg->sms_max_attempts = 5;
	cfg->sms_backoff_sec = 30;
	cfg->sms_timeout_sec = 30;
	cfg->sms_lease_sec = 300;
}

int core_open_flags(struct core *c, const char *dsn, unsigned flags, const struct progress *prog,
		    struct err *err)
{
	const char *fast;
	int rc;

	memset(c, 0, sizeof(*c));
	core_config_init(&c->cfg);
	fast = getenv("HAMGAN_PWHASH_FAST");
	if (fast && str_eq(fast, "1"))
		c->cfg.pwhash_fast = true;
	if (sodium_init() < 0)
		return err_set(err, ERR_IO, "", "cannot initialise libsodium");
	rc = store_open(&c->st, dsn, (flags & CORE_CREATE) ? STORE_CREATE : 0, prog, err);
	if (rc < 0) {
		c->st = NULL;
		return rc;
	}
	c->scratch = xcalloc(1, sizeof(*c->scratch));
	rc = agg_rebuild_if_stale(c->st, prog, err);
	if (rc < 0)
		core_close(c);
	return rc;
}

int core_open(struct core *c, const char *dsn, struct err *err)
{
	return core_open_flags(c, dsn, 0, NULL, err);
}

void core_dsn_safe(const char *dsn, char *out, size_t outsz)
{
	store_dsn_safe(dsn, out, outsz);
}

bool core_dsn_server(const char *dsn)
{
	return dsn && store_backend_for(dsn) != &store_sqlite_ops;
}

void core_close(struct core *c)
{
	if (c->st)
		OPS(c)->close(c->st);
	c->st = NULL;
	free(c->scratch);
	c->scratch = NULL;
	geo_core_release(c);
}

int core_schema_version(struct core *c, int *have, int *want, struct err *err)
{
	return OPS(c)->schema_version(c->st, have, want, err);
}

int core_check(struct core *c, char *report, size_t reportsz, size_t *problems,
	       struct err *err)
{
	return OPS(c)->check(c->st, report, reportsz, problems, err);
}

int64_t core_now(const struct core *c)
{
	struct timespec ts;

	if (c->fixed_now)
		return c->fixed_now;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

void core_set_now(struct core *c, int64_t t)
{
	c->fixed_now = t;
}

int core_begin(struct core *c, struct err *err)
{
	return OPS(c)->begin(c->st, err);
}

int core_commit(struct core *c, struct err *err)
{
	int rc = OPS(c)->commit(c->st, err);

	if (rc < 0)
		OPS(c)->rollback(c->st);
	return rc;
}

void core_rollback(struct core *c)
{
	OPS(c)->rollback(c->st);
}

int core_end(struct core *c, int rc, struct err *err)
{
	if (rc == 0)
		return core_commit(c, err);
	core_rollback(c);
	return rc;
}

int text_check(const char *field, const char *s, size_t max, bool required, bool multiline,
	       struct err *err)
{
	size_t len, i;

	if (!s || !*s) {
		if (required)
			return err_set(err, ERR_INVALID, field, "'%s' is required", field);
		return 0;
	}
	len = strlen(s);
	if (len > max)
		return err_set(err, ERR_TOOBIG, field, "'%s' is longer than %zu bytes", field, max);
	if (!str_utf8_valid(s, len))
		return err_set(err, ERR_INVALID, field, "'%s' is not valid UTF-8", field);
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == 0x7f || (ch < 0x20 && !(multiline && (ch == '\n' || ch == '\t' ||
								 ch == '\r'))))
			return err_set(err, ERR_INVALID, field,
				       "'%s' holds a control character", field);
	}
	if (required) {
		for (i = 0; i < len && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' ||
					s[i] == '\r'); i++)
			;
		if (i == len)
			return err_set(err, ERR_INVALID, field, "'%s' is blank", field);
	}
	return 0;
}

int actor_unit_scope(struct core *c, const struct actor *a, int64_t unit, bool *yes,
		     struct err *err)
{
	*yes = false;
	if (a->role != ROLE_STAFF && a->role != ROLE_MANAGER)
		return 0;
	if (!a->unit_id || !unit)
		return 0;
	return OPS(c)->unit_within(c->st, a->unit_id, unit, yes, err);
}

/* ---- actors ---- */

struct actor actor_system(const char *what)
{
	struct actor a;

	memset(&a, 0, sizeof(a));
	a.role = ROLE_SYSTEM;
	str_copy(a.name, sizeof(a.name), "system:");
	str_copy(a.name + 7, sizeof(a.name) - 7, what ? what : "");
	str_utf8_trim_partial(a.name);
	return a;
}

struct actor actor_citizen(int64_t citizen_id)
{
	struct actor a;

	memset(&a, 0, sizeof(a));
	a.role = ROLE_CITIZEN;
	a.citizen_id = citizen_id;
	str_copy(a.name, sizeof(a.name), "citizen");
	return a;
}

void actor_label(const struct actor *a, char *out, size_t outsz)
{
	/* Never the citizen's id: the label is shown to units (referral hops)
	 * and admins (the audit log), and an id would tie a confidential
	 * message to the same citizen's other messages.  The message row
	 * already says whose it is. */
	if (a->role == ROLE_CITIZEN) {
		str_copy(out, outsz, "citizen");
		return;
	}
	str_copy(out, outsz, a->name[0] ? a->name : role_name(a->role));
	str_utf8_trim_partial(out);
}
