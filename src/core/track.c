/*
 * track.c - the public name of the unit handling a message (track.h).
 */
#include "core/core_int.h"
#include "core/track.h"

int track_handler(struct core *c, int64_t unit_id, struct unit *out, struct err *err)
{
	struct unit u, parent;
	int depth, rc = OPS(c)->unit_get(c->st, unit_id, &u, err);

	if (rc < 0)
		return rc;
	for (depth = 0; depth < CAP_TREE_DEPTH; depth++) {
		if (u.kind == UNIT_REGION) {
			*out = u;
			return 0;
		}
		if (u.kind == UNIT_CENTRE || u.kind == UNIT_ORGANISATION || !u.parent_id)
			break;
		rc = OPS(c)->unit_get(c->st, u.parent_id, &parent, err);
		if (rc < 0)
			return rc;
		if (!parent.parent_id) {
			/* u is right under the root: a deputy's office or the like */
			*out = u;
			return 0;
		}
		u = parent;
	}
	return err_set(err, ERR_NOTFOUND, "unit", "the message is with no unit");
}
