/*
 * note.c - the unit's internal notes on a message (assign.h): read and
 * written by staff and managers in scope, operators and inspectors; never
 * by the citizen.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/str.h"
#include "core/assign.h"
#include "core/core_int.h"

/* May a read or write notes on m? */
static int note_rights(struct core *c, const struct actor *a, const struct msg *m,
		       struct err *err)
{
	bool yes = false;
	int rc;

	switch (a->role) {
	case ROLE_OPERATOR:
	case ROLE_INSPECTOR:
		return 0;
	case ROLE_STAFF:
	case ROLE_MANAGER:
		rc = actor_unit_scope(c, a, m->unit_id, &yes, err);
		if (rc < 0)
			return rc;
		if (yes)
			return 0;
		break;
	default:
		break;
	}
	return err_set(err, ERR_DENIED, "", "the notes of message %s are not yours to see",
		       m->code);
}

static int load(struct core *c, const struct actor *a, int64_t msg_id, struct msg *m,
		struct err *err)
{
	int rc = OPS(c)->msg_get(c->st, msg_id, m, err);

	if (rc == ERR_NOTFOUND)
		return err_set(err, ERR_NOTFOUND, "id", "no message %lld", (long long)msg_id);
	if (rc < 0)
		return rc;
	return note_rights(c, a, m, err);
}

int note_add(struct core *c, const struct actor *a, int64_t msg_id, const char *body,
	     struct msg_note *out, struct err *err)
{
	struct buf p = BUF_INIT(CAP_AUDIT_PAYLOAD);
	struct msg mrec, *m = &mrec;
	struct msg_note nt;
	struct user u;
	int rc = text_check("body", body, CAP_NOTE, true, true, err);

	if (rc < 0)
		goto out;
	rc = core_begin(c, err);
	if (rc < 0)
		goto out;
	rc = load(c, a, msg_id, m, err);
	if (rc < 0)
		goto fail;
	memset(&nt, 0, sizeof(nt));
	nt.msg_id = msg_id;
	nt.user_id = a->user_id;
	nt.at = core_now(c);
	str_copy(nt.body, sizeof(nt.body), body);
	if (a->user_id && OPS(c)->user_get(c->st, a->user_id, &u, NULL) == 0)
		str_copy(nt.author, sizeof(nt.author), u.name[0] ? u.name : u.username);
	else
		actor_label(a, nt.author, sizeof(nt.author));
	rc = OPS(c)->note_insert(c->st, &nt, err);
	if (rc < 0)
		goto fail;
	payload_begin(&p);
	payload_str(&p, "code", m->code);
	payload_int(&p, "note", nt.id);
	payload_end(&p);
	rc = audit_append(c, a, "msg.note", msg_id, p.data, err);
	if (rc < 0)
		goto fail;
	rc = core_commit(c, err);
	if (rc == 0 && out)
		*out = nt;
	goto out;
fail:
	core_rollback(c);
out:
	buf_release(&p);
	return rc;
}

int note_list(struct core *c, const struct actor *a, int64_t msg_id, struct msg_note **out,
	      size_t *n, struct err *err)
{
	struct msg mrec, *m = &mrec;
	int rc = load(c, a, msg_id, m, err);

	*out = NULL;
	*n = 0;
	if (rc == 0)
		rc = OPS(c)->note_list(c->st, msg_id, CAP_NOTES, out, n, err);
	return rc;
}
