/*
 * live.c - direct-connection sessions.
 */
#include <string.h>

#include "base/buf.h"
#include "core/audit.h"
#include "core/core_int.h"
#include "core/live.h"
#include "core/user.h"

int live_create(struct core *c, const struct actor *a, struct live_session *s, struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	struct user host;
	struct unit unit;
	bool yes;
	int rc;

	rc = text_check("title", s->title, CAP_NAME - 1, true, false, err);
	if (rc < 0)
		return rc;
	if (s->starts_at <= 0 || s->ends_at <= s->starts_at ||
	    s->ends_at - s->starts_at > CAP_LIVE_HOURS * HOUR)
		return err_set(err, ERR_INVALID, "ends_at", "a session ends after it starts, within "
			       "%d hours", CAP_LIVE_HOURS);
	rc = OPS(c)->unit_get(c->st, s->unit_id, &unit, err);
	if (rc == ERR_NOTFOUND)
		return err_set(err, ERR_INVALID, "unit", "no such unit");
	if (rc < 0)
		return rc;
	rc = OPS(c)->user_get(c->st, s->host_user_id, &host, err);
	if (rc == ERR_NOTFOUND)
		return err_set(err, ERR_INVALID, "host", "no such user");
	if (rc < 0)
		return rc;
	if (host.role != ROLE_MANAGER || !host.active)
		return err_set(err, ERR_INVALID, "host", "the host is an active manager");
	rc = OPS(c)->unit_within(c->st, host.unit_id, s->unit_id, &yes, err);
	if (rc < 0)
		return rc;
	if (!yes)
		return err_set(err, ERR_INVALID, "host", "the host manages another unit");
	if (!(a->role == ROLE_ADMIN || a->role == ROLE_SYSTEM ||
	      (a->role == ROLE_MANAGER && a->user_id == host.id)))
		return err_set(err, ERR_DENIED, "", "only an admin or the host may make a session");
	s->created_at = core_now(c);
	rc = core_begin(c, err);
	if (rc < 0)
		return rc;
	rc = OPS(c)->live_insert(c->st, s, err);
	if (rc == 0) {
		payload_begin(&p);
		payload_int(&p, "live_session_id", s->id);
		payload_int(&p, "unit_id", s->unit_id);
		payload_str(&p, "host", host.username);
		payload_end(&p);
		rc = audit_append(c, a, "live.create", 0, p.data, err);
	}
	rc = core_end(c, rc, err);
	buf_release(&p);
	return rc;
}

int live_get(struct core *c, int64_t id, struct live_session *out, struct err *err)
{
	return OPS(c)->live_get(c->st, id, out, err);
}

int live_list(struct core *c, int64_t unit_id, size_t max, struct live_session **out, size_t *n,
	      struct err *err)
{
	if (max == 0 || max > CAP_SEARCH_LIMIT)
		max = CAP_SEARCH_LIMIT;
	return OPS(c)->live_list(c->st, unit_id, max, out, n, err);
}
