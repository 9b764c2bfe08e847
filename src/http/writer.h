/*
 * writer.h - group commit: one thread with its own core runs every queued
 * write, many to a store transaction, and answers them only once that
 * transaction is on the disk.
 *
 * The server's worker threads never write a request's changes themselves:
 * they suspend the request and queue it here (server.c).  The writer takes
 * every job waiting at that moment (at most CAP_WRITER_BATCH), opens one
 * batch (core/batch.h), runs each job inside it as its own savepoint, in
 * the order they were queued, commits the batch (the store's
 * synchronous=FULL: one fsync of the log for the whole batch) and only
 * then calls each job's done().  A job that fails undoes only its own
 * writes and the batch goes on; a batch that cannot be committed, or whose
 * transaction the store ended under it (disk full, I/O error), reports its
 * jobs lost through done() instead.  Jobs see each other's writes in queue
 * order, exactly as if they had run one after another.
 *
 * Once the log has grown by CAP_WRITER_CKPT_PAGES, a checkpointer thread
 * with a connection of its own copies it back into the database while the
 * writer goes on (core_batch_checkpoint_copy), and the writer copies the
 * short rest itself between two batches (core_batch_checkpoint), after
 * which the log starts again from its beginning; when idle (nothing queued
 * for CAP_WRITER_IDLE_MS) the writer copies it all.  The store's automatic
 * checkpoints are off on the writer's connection.  A store without a log
 * (PostgreSQL) has neither.
 */
#ifndef HAMGAN_HTTP_WRITER_H
#define HAMGAN_HTTP_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

struct core;
struct writer;

struct writer_job {
	struct writer_job *next;	/* the writer's */
	/* In the writer's thread, inside the open batch: the job's work with
	 * the writer's core (its writes may fail on their own). */
	void (*run)(struct writer_job *j, struct core *c);
	/* In the writer's thread once the job's fate is known: lost is NULL
	 * when its writes are durable (or it wrote nothing), else why they are
	 * gone; the job must then not report success.  The job belongs to its
	 * owner again from here on. */
	void (*done)(struct writer_job *j, const struct err *lost);
};

struct writer_stats {
	uint64_t batches;	/* batches committed */
	uint64_t jobs;		/* jobs run */
	uint64_t lost;		/* jobs reported lost */
	uint64_t checkpoints;	/* checkpoints run */
	unsigned max_batch;	/* the largest batch so far */
};

/*
 * Open the database dsn in a new thread and start taking jobs.  Returns 0,
 * or the error of opening the database (nothing to stop then).
 */
int writer_start(struct writer **out, const char *dsn, struct err *err);
/*
 * Queue j (run, done set).  Returns false without queuing it when the writer
 * is stopping or CAP_WRITER_QUEUE jobs wait already: the caller answers
 * for j itself.
 */
bool writer_submit(struct writer *w, struct writer_job *j);
/*
 * Refuse new jobs (writer_submit returns false from here on), run every job
 * already queued (each gets its done()), then end the thread and close its
 * core.  writer_free frees what is left once no thread can call
 * writer_submit any more.  Both take NULL.
 */
void writer_stop(struct writer *w);
void writer_free(struct writer *w);
/* Counters since the start (for benchmarks and logs). */
void writer_stats(struct writer *w, struct writer_stats *out);
/* In the writer's own thread its core, in any other thread NULL. */
struct core *writer_thread_core(void);

#endif
