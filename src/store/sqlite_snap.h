/*
 * sqlite_snap.h - the SQLite backend's read snapshots (sqlite_snap.c): one
 * read transaction over several reads, and one kept past its end for the
 * next look-up of the same connection while nothing has changed; and
 * SQ_SNAP_OPS, their designated initialisers in store_sqlite_ops.
 */
#ifndef HAMGAN_STORE_SQLITE_SNAP_H
#define HAMGAN_STORE_SQLITE_SNAP_H

#include <stdbool.h>

#include "store/store.h"

struct sqlite_store;

/* Each commit of this process, from the wal hook of its connection (after
 * the commit is in the log and its write lock is let go). */
void sq_snap_committed(void);
/* When s is made: no snapshot kept, none to be kept. */
void sq_snap_init(struct sqlite_store *s);
/* Once the connection is open: snapshots may be kept if the database is
 * in WAL mode (not otherwise: a reader would hold writers off). */
void sq_snap_ready(struct sqlite_store *s);
/* At close: a kept snapshot ends. */
void sq_snap_close(struct sqlite_store *s);

int sq_snapshot(struct store *st, bool on, struct err *err);
int sq_snapshot_keep(struct store *st, struct err *err);
void sq_snapshot_drop(struct store *st, enum store_snap_drop how);

#define SQ_SNAP_OPS \
	.snapshot = sq_snapshot, \
	.snapshot_keep = sq_snapshot_keep, \
	.snapshot_drop = sq_snapshot_drop,

#endif
