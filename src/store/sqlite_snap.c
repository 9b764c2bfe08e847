/*
 * sqlite_snap.c - read snapshots, and one kept for the next look-up.
 *
 * A read transaction in WAL mode costs a tracking look-up about an eighth
 * of its time: the shared WAL index's mutex and the read lock (fcntl) at
 * its start and end.  A server thread answering look-ups one after another
 * keeps its snapshot open from one to the next while it is fresh:
 *
 *	- no commit of this process since it began (sq_commits: every write
 *	  of the server goes through its own connections, so a look-up always
 *	  sees what the server acknowledged before it, a citizen's message
 *	  the moment its 201 went out);
 *	- begun less than CAP_SNAPSHOT_KEEP_US ago, which bounds how late a
 *	  commit of another process (a `hamgan` command beside the server)
 *	  shows: a look-up may be answered as it would have been that long
 *	  before, never later.
 *
 * A kept snapshot pins the log (a checkpoint cannot copy past it), so one
 * that goes stale on a thread with nothing more to do is ended from
 * another thread (the server's sweeper, SNAP_DROP_STALE) under keep_mu;
 * the owner takes a kept one back under the same mutex (SNAP_DROP_CLAIM)
 * before it reads again, so the connection is never used by two threads
 * at once, and gives back one it claimed and did not use when its request
 * is over (SNAP_DROP_RELEASE: a look-up refused before it read).  The
 * states:
 *
 *	NONE	no snapshot kept (one may be open and in use: s->depth, autocommit)
 *	KEPT	open, unused, the sweeper may end it
 *	CLAIMED	open, taken back by its thread for the next snapshot on
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "base/caps.h"
#include "store/sqlite_int.h"
#include "store/sqlite_snap.h"

enum { KEEP_NONE, KEEP_KEPT, KEEP_CLAIMED };

static _Atomic uint64_t sq_commits;

void sq_snap_committed(void)
{
	atomic_fetch_add_explicit(&sq_commits, 1, memory_order_release);
}

static uint64_t commits(void)
{
	return atomic_load_explicit(&sq_commits, memory_order_acquire);
}

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void sq_snap_init(struct sqlite_store *s)
{
	pthread_mutex_init(&s->keep_mu, NULL);
	s->keep_ok = false;
	s->keep = KEEP_NONE;
}

void sq_snap_ready(struct sqlite_store *s)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const char *mode = (const char *)sqlite3_column_text(st, 0);

		s->keep_ok = mode && strcmp(mode, "wal") == 0;
	}
	sqlite3_finalize(st);
}

static bool fresh(const struct sqlite_store *s)
{
	return s->snap_commits == commits() && now_us() - s->snap_us < CAP_SNAPSHOT_KEEP_US;
}

/* End the read transaction open now (none inside a batch).  keep goes
 * to NONE last: the owner reads it without the mutex, and once it sees
 * NONE the connection is its own again (the sweeper is done with it). */
static int end(struct sqlite_store *s, struct err *err)
{
	sqlite3_stmt *stmt;
	int rc = 0;

	if (s->snap_open) {
		s->snap_open = false;
		sq_bulk_cache_forget(s);
	}
	if (!s->depth && !sqlite3_get_autocommit(s->db)) {
		stmt = sq_stmt(s, SQ_COMMIT, "COMMIT", err);
		rc = stmt ? sq_exec_stmt(s, stmt, "snapshot end", err) : ERR_STORE;
	}
	s->keep = KEEP_NONE;
	return rc;
}

/*
 * A deferred BEGIN: the read lock (in WAL mode a read mark in the shared
 * memory, taken and dropped with fcntl locks) is taken at the first read
 * and kept until off, where every statement alone would take and drop it
 * (15% of a tracking look-up's time in perf).
 */
int sq_snapshot(struct store *st, bool on, struct err *err)
{
	struct sqlite_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	if (!on) {
		pthread_mutex_lock(&s->keep_mu);
		rc = end(s, err);
		pthread_mutex_unlock(&s->keep_mu);
		return rc;
	}
	if (s->keep != KEEP_NONE) {
		pthread_mutex_lock(&s->keep_mu);
		if (s->keep != KEEP_NONE && fresh(s)) {
			s->keep = KEEP_NONE;	/* in use again */
			pthread_mutex_unlock(&s->keep_mu);
			return 0;
		}
		rc = end(s, err);
		pthread_mutex_unlock(&s->keep_mu);
		if (rc < 0)
			return rc;
	}
	if (s->depth || !sqlite3_get_autocommit(s->db))
		return err_set(err, ERR_STORE, "", "snapshot inside a transaction");
	/* counted before it begins: a commit in between makes it look older
	 * than it is, never newer */
	s->snap_commits = commits();
	s->snap_us = now_us();
	stmt = sq_stmt(s, SQ_SNAPSHOT, "BEGIN", err);
	rc = stmt ? sq_exec_stmt(s, stmt, "snapshot", err) : ERR_STORE;
	if (rc == 0) {
		sq_bulk_cache_forget(s);	/* another database state */
		s->snap_open = true;
	}
	return rc;
}

int sq_snapshot_keep(struct store *st, struct err *err)
{
	struct sqlite_store *s = sq(st);
	int rc = 0;

	pthread_mutex_lock(&s->keep_mu);
	if (s->keep_ok && !s->depth && !sqlite3_get_autocommit(s->db) && fresh(s))
		s->keep = KEEP_KEPT;
	else
		rc = end(s, err);
	pthread_mutex_unlock(&s->keep_mu);
	return rc;
}

void sq_snapshot_drop(struct store *st, enum store_snap_drop how)
{
	struct sqlite_store *s = sq(st);

	if (how == SNAP_DROP_STALE) {
		/* another thread: never wait for the owner, who is reading */
		if (pthread_mutex_trylock(&s->keep_mu) != 0)
			return;
		if (s->keep == KEEP_KEPT && !fresh(s))
			end(s, NULL);
		pthread_mutex_unlock(&s->keep_mu);
		return;
	}
	if (s->keep == KEEP_NONE)
		return;	/* only the owner sets it from NONE */
	pthread_mutex_lock(&s->keep_mu);
	if (how == SNAP_DROP_RELEASE) {
		if (s->keep == KEEP_CLAIMED)
			s->keep = KEEP_KEPT;
	} else if (s->keep != KEEP_NONE) {
		if (how == SNAP_DROP_CLAIM && fresh(s))
			s->keep = KEEP_CLAIMED;
		else
			end(s, NULL);
	}
	pthread_mutex_unlock(&s->keep_mu);
}

void sq_snap_close(struct sqlite_store *s)
{
	pthread_mutex_lock(&s->keep_mu);
	if (s->db)
		end(s, NULL);
	pthread_mutex_unlock(&s->keep_mu);
	pthread_mutex_destroy(&s->keep_mu);
}
