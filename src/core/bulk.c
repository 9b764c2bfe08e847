/*
 * bulk.c - messages held in memory by a bulk load (bulk.h).
 */
#include <stdlib.h>

#include "core/bulk.h"
#include "core/core_int.h"

void bulk_hold(struct core *c, struct msg *m, struct msg_text *tx)
{
	struct bulk_held *h = &c->scratch->held;

	h->m = m;
	h->tx = tx;
	c->held = h;
}

void bulk_unhold(struct core *c)
{
	c->held = NULL;
}

struct bulk_held *bulk_held_for(struct core *c, int64_t id)
{
	return c->held && c->held->m->id == id ? c->held : NULL;
}

int bulk_save(struct core *c, const struct msg *m, const struct msg_text *tx, struct err *err)
{
	int rc = core_begin(c, err);

	if (rc == 0)
		rc = OPS(c)->msg_save(c->st, m, tx, err);
	return core_end(c, rc, err);
}
