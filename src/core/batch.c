/*
 * batch.c - core_batch_*: an outer store transaction around many core
 * writes (see batch.h); the store turns the inner ones into savepoints.
 */
#include "core/batch.h"
#include "core/core.h"
#include "store/store.h"

int core_batch_begin(struct core *c, struct err *err)
{
	return c->st->ops->begin(c->st, err);
}

int core_batch_commit(struct core *c, struct err *err)
{
	return c->st->ops->commit(c->st, err);
}

void core_batch_rollback(struct core *c)
{
	c->st->ops->rollback(c->st);
}

int core_batch_bulk(struct core *c, bool on, struct err *err)
{
	if (!c->st->ops->bulk)
		return 0;
	return c->st->ops->bulk(c->st, on, err);
}
