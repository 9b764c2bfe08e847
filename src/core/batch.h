/*
 * batch.h - group many core writes into one store transaction.
 *
 * Each core write runs in its own transaction; between core_batch_begin and
 * core_batch_commit those become nested (SQLite SAVEPOINTs) inside one outer
 * transaction, so bulk work (the demo generator, imports) pays one commit
 * per batch instead of one per write.  A core write that fails inside a batch
 * still undoes exactly its own changes; the batch goes on.  Batches do not
 * nest further than the store allows (SQLite: any depth).
 *
 *	if (core_batch_begin(c, &err) < 0) ...
 *	... msg_register(...), msg_refer(...) ...
 *	if (core_batch_commit(c, &err) < 0) ...	(or core_batch_rollback(c))
 */
#ifndef HAMGAN_CORE_BATCH_H
#define HAMGAN_CORE_BATCH_H

#include <stdbool.h>

#include "base/err.h"

struct core;

int core_batch_begin(struct core *c, struct err *err);
int core_batch_commit(struct core *c, struct err *err);
/* Undo everything since core_batch_begin (safe when none is open). */
void core_batch_rollback(struct core *c);

/*
 * Whether a batch is still open.  A write that failed badly enough (the
 * disk full, an I/O error) may have ended the whole store transaction,
 * and with it the writes of the batch before it: a caller that answers
 * for each write (the server's writer) must then not report them done.
 */
bool core_batch_open(struct core *c);

/*
 * The caller takes the store's checkpoints over (the server's writer, which
 * does nearly every write): copy the log back into the database when at
 * least min_pages were written since the last time (0: any).  A no-op on
 * stores without a log.  1 when a checkpoint ran, 0 when none was due.
 */
int core_batch_checkpoint(struct core *c, unsigned min_pages, struct err *err);
/*
 * The checkpoint's bulk done on a second core that never writes (the
 * server's checkpointer), while the first goes on writing: copy the log
 * back now; *left is what it could not copy (written meanwhile), which
 * the writing core's own core_batch_checkpoint then copies quickly, and
 * after which the log starts again from its beginning.  1 when it ran, 0
 * when there is no log or another checkpoint was running.
 */
int core_batch_checkpoint_copy(struct core *c, int *left, struct err *err);
/* The log's size in pages at this core's last commit, -1 without a log. */
int core_batch_log_pages(struct core *c);

/*
 * Several reads as one: on opens a read snapshot (no batch may be open,
 * and no write may come before off), off ends it (safe when none is open).
 * The reads between see one state of the database and take the store's
 * read lock once (a tracking look-up reads about ten rows).  A no-op on
 * stores without it.
 */
int core_batch_snapshot(struct core *c, bool on, struct err *err);

/*
 * Like core_batch_snapshot(c, false, err), but the store may keep the
 * snapshot for this thread's next one while nothing has changed (store.h,
 * snapshot_keep): a run of tracking look-ups takes the read lock once.  A
 * thread that keeps one lets it go (core_batch_snapshot_drop) before any
 * other reads or writes of its own; CORE_SNAP_STALE from another thread
 * (the server's sweeper) ends one its thread left behind.
 */
enum core_snap_drop {
	CORE_SNAP_STALE,	/* any thread: end it if kept, unused and stale */
	CORE_SNAP_ALL,		/* its own thread, before other work: end it */
	CORE_SNAP_CLAIM,	/* its own thread, before reads the next snapshot
				 * joins: end it if stale, else keep it for them */
	CORE_SNAP_RELEASE,	/* its own thread, its request over: one claimed
				 * and not used goes back to STALE's reach */
};
int core_batch_snapshot_keep(struct core *c, struct err *err);
void core_batch_snapshot_drop(struct core *c, enum core_snap_drop how);

/*
 * Bulk-loading mode for a database nobody else uses yet (the demo): the
 * store may skip fsync and use more memory until switched off, so a crash
 * meanwhile can lose or corrupt the database.  Transitions meanwhile leave
 * the report aggregates alone; switching bulk mode off with err non-NULL
 * rebuilds them (agg_rebuild, the recount `report --verify` compares with),
 * with err NULL (giving up) it does not.  The store part is a no-op on
 * stores without it.  In bulk mode the core writes inside a batch are not
 * savepoints (SQLite: each SAVEPOINT/RELEASE pair also flushed the search
 * index): a write that fails undoes the whole batch, and the store refuses
 * further work until the caller rolls the batch back.
 */
int core_batch_bulk(struct core *c, bool on, struct err *err);

#endif
