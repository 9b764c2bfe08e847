/*
 * batch.c - core_batch_*: an outer store transaction around many core
 * writes (see batch.h); the store turns the inner ones into savepoints.
 */
#include "core/agg.h"
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

bool core_batch_open(struct core *c)
{
	if (!c->st->ops->tx_depth)
		return true;
	return c->st->ops->tx_depth(c->st) > 0;
}

int core_batch_checkpoint(struct core *c, unsigned min_pages, struct err *err)
{
	if (!c->st->ops->checkpoint)
		return 0;
	return c->st->ops->checkpoint(c->st, min_pages, err);
}

int core_batch_checkpoint_copy(struct core *c, int *left, struct err *err)
{
	*left = 0;
	if (!c->st->ops->checkpoint_copy)
		return 0;
	return c->st->ops->checkpoint_copy(c->st, left, err);
}

int core_batch_log_pages(struct core *c)
{
	if (!c->st->ops->log_pages)
		return -1;
	return c->st->ops->log_pages(c->st);
}

int core_batch_snapshot(struct core *c, bool on, struct err *err)
{
	if (!c->st->ops->snapshot)
		return 0;
	return c->st->ops->snapshot(c->st, on, err);
}

int core_batch_snapshot_keep(struct core *c, struct err *err)
{
	if (!c->st->ops->snapshot_keep)
		return core_batch_snapshot(c, false, err);
	return c->st->ops->snapshot_keep(c->st, err);
}

void core_batch_snapshot_drop(struct core *c, enum core_snap_drop how)
{
	static const enum store_snap_drop to_store[] = {
		[CORE_SNAP_STALE] = SNAP_DROP_STALE,
		[CORE_SNAP_ALL] = SNAP_DROP_ALL,
		[CORE_SNAP_CLAIM] = SNAP_DROP_CLAIM,
		[CORE_SNAP_RELEASE] = SNAP_DROP_RELEASE,
	};

	if (c->st && c->st->ops->snapshot_drop)
		c->st->ops->snapshot_drop(c->st, to_store[how]);
}

int core_batch_bulk(struct core *c, bool on, struct err *err)
{
	struct agg_verify_result res;
	bool was = c->agg_deferred;
	int rc = 0;

	/* replaying each message's history at every step is most of a bulk
	 * load's time: the recount at the end gives the same tables */
	c->agg_deferred = on;
	if (was && !on && err)
		rc = agg_rebuild(c->st, &res, &c->progress, err);
	if (!c->st->ops->bulk)
		return rc;
	if (rc < 0) {
		c->st->ops->bulk(c->st, on, NULL);
		return rc;
	}
	if (was && !on)
		progress_show(&c->progress, 0, "search index");
	rc = c->st->ops->bulk(c->st, on, err);
	if (rc == 0 && was && !on)
		progress_show(&c->progress, 100, "search index");
	return rc;
}
