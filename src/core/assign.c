/*
 * assign.c - a message given to one person of its unit (assign.h).
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "core/assign.h"
#include "core/core_int.h"

int msg_assign(struct core *c, const struct actor *a, int64_t msg_id, int64_t user_id,
	       struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	struct msg mrec, *m = &mrec;
	struct user u;
	bool yes = false;
	int rc;

	if (a->role != ROLE_STAFF && a->role != ROLE_MANAGER)
		return err_set(err, ERR_DENIED, "", "only the unit's staff and managers assign");
	rc = core_begin(c, err);
	if (rc < 0)
		goto out;
	rc = OPS(c)->msg_get(c->st, msg_id, m, err);
	if (rc == ERR_NOTFOUND)
		rc = err_set(err, ERR_NOTFOUND, "id", "no message %lld", (long long)msg_id);
	if (rc == 0)
		rc = actor_unit_scope(c, a, m->unit_id, &yes, err);
	if (rc == 0 && !yes)
		rc = err_set(err, ERR_DENIED, "", "message %s is not in your unit", m->code);
	if (rc == 0 && user_id) {
		rc = OPS(c)->user_get(c->st, user_id, &u, err);
		if (rc == ERR_NOTFOUND)
			rc = err_set(err, ERR_INVALID, "user", "no such user");
		if (rc == 0 && (!u.active || (u.role != ROLE_STAFF && u.role != ROLE_MANAGER)))
			rc = err_set(err, ERR_INVALID, "user", "'%s' is not active staff of a unit",
				     u.username);
		if (rc == 0)
			rc = OPS(c)->unit_within(c->st, m->unit_id, u.unit_id, &yes, err);
		if (rc == 0 && !yes)
			rc = err_set(err, ERR_INVALID, "user", "'%s' is not of the message's unit",
				     u.username);
	}
	if (rc == 0)
		rc = OPS(c)->assign_set(c->st, msg_id, user_id, core_now(c), err);
	if (rc == 0) {
		payload_begin(&p);
		payload_str(&p, "code", m->code);
		payload_str(&p, "user", user_id ? u.username : "");
		payload_end(&p);
		rc = audit_append(c, a, "msg.assign", msg_id, p.data, err);
	}
	rc = core_end(c, rc, err);
out:
	buf_release(&p);
	return rc;
}

int msg_assignee(struct core *c, const struct actor *a, int64_t msg_id, struct user *out,
		 struct err *err)
{
	struct msg mrec, *m = &mrec;
	int64_t uid = 0;
	int rc = OPS(c)->msg_get(c->st, msg_id, m, err);

	if (rc == 0)
		rc = msg_may_read(c, a, m, err);
	if (rc == 0)
		rc = OPS(c)->assign_get(c->st, msg_id, &uid, err);
	if (rc == 0)
		rc = OPS(c)->user_get(c->st, uid, out, err);
	if (rc == 0)
		memset(out->pwhash, 0, sizeof(out->pwhash));
	return rc;
}

int msg_assignable(struct core *c, const struct actor *a, int64_t msg_id, struct user **out,
		   size_t *n, struct err *err)
{
	struct msg mrec, *m = &mrec;
	struct user *all = NULL;
	size_t na = 0, i;
	bool yes = false;
	int rc = OPS(c)->msg_get(c->st, msg_id, m, err);

	*out = NULL;
	*n = 0;
	if (rc == 0)
		rc = actor_unit_scope(c, a, m->unit_id, &yes, err);
	if (rc == 0 && !yes)
		rc = err_set(err, ERR_DENIED, "", "message %s is not in your unit", m->code);
	if (rc == 0)
		rc = OPS(c)->user_list(c->st, &all, &na, err);
	for (i = 0; rc == 0 && i < na && *n < CAP_ASSIGNABLE; i++) {
		struct user *u = &all[i];

		if (!u->active || (u->role != ROLE_STAFF && u->role != ROLE_MANAGER))
			continue;
		rc = OPS(c)->unit_within(c->st, m->unit_id, u->unit_id, &yes, err);
		if (rc == 0 && yes) {
			memset(u->pwhash, 0, sizeof(u->pwhash));
			all[(*n)++] = *u;
		}
	}
	if (rc < 0) {
		free(all);
		*n = 0;
	} else {
		*out = all;
	}
	return rc;
}
