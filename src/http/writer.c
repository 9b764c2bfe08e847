/* writer.c - group commit: the writer thread and its queue; see writer.h. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "base/caps.h"
#include "base/log.h"
#include "base/mem.h"
#include "core/batch.h"
#include "core/core.h"
#include "http/writer.h"

struct writer {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	struct core core;
	struct writer_job *head, *tail;	/* the queue, oldest first */
	unsigned queued;
	bool stop;
	bool joined;		/* writer_stop has been called */
	struct writer_stats stats;	/* under mu */
	/*
	 * The checkpointer: a thread with a connection of its own that copies
	 * the log back into the database while the writer goes on committing
	 * (a checkpoint of 16 MiB took 58 ms on a million-message database,
	 * every writer's request waiting).  What it could not copy, the pages
	 * written meanwhile, the writer copies itself between two batches
	 * once it is short, and the log starts again from its beginning (a
	 * log is only reused once all of it is copied, which a checkpoint
	 * beside a busy writer never achieves alone).  Under mu but ck_core.
	 */
	bool ck_on;		/* the thread runs */
	struct core ck_core;
	pthread_t ck_thread;
	pthread_cond_t ck_cv;	/* the checkpointer waits on it */
	enum {
		CK_IDLE,	/* no pass asked for */
		CK_ASKED,	/* a pass asked for, not begun */
		CK_COPYING,	/* a pass running */
		CK_ENDED,	/* a pass ended: ck_left is what it left */
	} ck_state;
	bool ck_stop;
	int ck_left;
	int ck_mark;		/* the log's size when the last pass was asked for */
};

static _Thread_local struct core *tl_core;

struct core *writer_thread_core(void)
{
	return tl_core;
}

static void lose_all(struct writer *w, struct writer_job *from, struct writer_job *to,
		     const struct err *why)
{
	struct writer_job *j, *next;
	unsigned n = 0;

	for (j = from; j != to; j = next) {
		next = j->next;
		j->done(j, why);
		n++;
	}
	pthread_mutex_lock(&w->mu);
	w->stats.lost += n;
	pthread_mutex_unlock(&w->mu);
}

static void done_all(struct writer_job *from, struct writer_job *to)
{
	struct writer_job *j, *next;

	for (j = from; j != to; j = next) {
		next = j->next;
		j->done(j, NULL);
	}
}

/*
 * Run the jobs of list (NULL-terminated) in one batch or, when the store
 * ends the transaction under one of them, in as many batches as that takes.
 * Every job gets its done() exactly once.
 */
static void run_batch(struct writer *w, struct writer_job *list, unsigned n)
{
	struct core *c = &w->core;
	struct writer_job *start = list, *j, *next;
	struct err e;

	err_clear(&e);
	if (core_batch_begin(c, &e)) {
		lose_all(w, list, NULL, &e);
		return;
	}
	for (j = list; j; j = next) {
		next = j->next;
		/* its own savepoint: a failing write inside undoes only itself */
		if (core_batch_begin(c, &e) == 0) {
			j->run(j, c);
			if (core_batch_open(c))
				core_batch_commit(c, &e);
		} else {
			j->run(j, c);
		}
		if (core_batch_open(c))
			continue;
		/*
		 * The store ended the whole transaction (disk full, I/O
		 * error): the writes of the jobs before this one went with it.
		 * This job answered its own failure; the rest start afresh.
		 */
		err_set(&e, ERR_UNAVAILABLE, NULL, "the write was undone with its batch "
			"(the database refused a write); try again");
		lose_all(w, start, j, &e);
		done_all(j, next);
		start = next;
		if (next && core_batch_begin(c, &e)) {
			lose_all(w, next, NULL, &e);
			return;
		}
	}
	if (!start)
		return;
	err_clear(&e);
	if (core_batch_commit(c, &e)) {
		core_batch_rollback(c);
		log_error("writer: a batch could not be committed: %s", e.msg);
		lose_all(w, start, NULL, &e);
		return;
	}
	pthread_mutex_lock(&w->mu);
	w->stats.batches++;
	w->stats.jobs += n;
	if (n > w->stats.max_batch)
		w->stats.max_batch = n;
	pthread_mutex_unlock(&w->mu);
	done_all(start, NULL);
}

static void *ck_main(void *arg)
{
	struct writer *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct err e;
		int left = 0, rc;

		while (w->ck_state != CK_ASKED && !w->ck_stop)
			pthread_cond_wait(&w->ck_cv, &w->mu);
		if (w->ck_stop)
			break;
		w->ck_state = CK_COPYING;
		pthread_mutex_unlock(&w->mu);
		err_clear(&e);
		rc = core_batch_checkpoint_copy(&w->ck_core, &left, &e);
		if (rc < 0)
			log_warn("writer: checkpoint: %s", e.msg);
		pthread_mutex_lock(&w->mu);
		if (rc > 0)
			w->stats.checkpoints++;
		/* one that did not run (another checkpoint was) leaves nothing
		 * to finish */
		w->ck_state = rc > 0 ? CK_ENDED : CK_IDLE;
		w->ck_left = left;
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* In the writer's thread, at its end: the checkpointer stops (the last
 * checkpoint is the writer's). */
static void ck_end(struct writer *w)
{
	if (!w->ck_on)
		return;
	pthread_mutex_lock(&w->mu);
	w->ck_stop = true;
	pthread_cond_signal(&w->ck_cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->ck_thread, NULL);
	core_close(&w->ck_core);
	w->ck_on = false;
}

static void checkpoint(struct writer *w, unsigned min_pages)
{
	struct err e;
	int rc;

	err_clear(&e);
	rc = core_batch_checkpoint(&w->core, min_pages, &e);
	if (rc < 0)
		log_warn("writer: checkpoint: %s", e.msg);
	if (rc <= 0)
		return;
	pthread_mutex_lock(&w->mu);
	w->stats.checkpoints++;	/* those that ran, not those looked at */
	pthread_mutex_unlock(&w->mu);
}

/*
 * After a batch: once the log has grown by CAP_WRITER_CKPT_PAGES, the
 * checkpointer copies it back; when its pass leaves a short rest, the
 * writer copies that itself, else it asks for another pass.  Without a
 * checkpointer the writer does it all.
 */
static void after_batch(struct writer *w)
{
	bool ask = false, tail = false;
	int log;

	if (!w->ck_on) {
		checkpoint(w, CAP_WRITER_CKPT_PAGES);
		return;
	}
	log = core_batch_log_pages(&w->core);
	pthread_mutex_lock(&w->mu);
	if (log < w->ck_mark)
		w->ck_mark = 0;	/* the log started again */
	if (w->ck_state == CK_ENDED) {
		w->ck_state = CK_IDLE;
		if (w->ck_left <= CAP_WRITER_CKPT_TAIL)
			tail = true;
		else
			ask = true;
	} else if (w->ck_state == CK_IDLE && log - w->ck_mark >= CAP_WRITER_CKPT_PAGES) {
		ask = true;
	}
	if (ask) {
		w->ck_state = CK_ASKED;
		w->ck_mark = log;
		pthread_cond_signal(&w->ck_cv);
	}
	pthread_mutex_unlock(&w->mu);
	if (tail)
		checkpoint(w, 0);
}

/* Under mu: wait for a job, the stop or (when idle is set) the idle time. */
static bool wait_idle(struct writer *w)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += CAP_WRITER_IDLE_MS * 1000000L;
	while (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	while (!w->head && !w->stop)
		if (pthread_cond_timedwait(&w->cv, &w->mu, &ts) != 0)
			return !w->head && !w->stop;
	return false;
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	bool dirty = false;

	tl_core = &w->core;
	/* take the checkpoints over from SQLite's automatic ones */
	checkpoint(w, CAP_WRITER_CKPT_PAGES);
	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct writer_job *list, *j;
		unsigned n = 1;

		if (!w->head && !w->stop && dirty && wait_idle(w)) {
			pthread_mutex_unlock(&w->mu);
			checkpoint(w, 0);
			dirty = false;
			pthread_mutex_lock(&w->mu);
		}
		while (!w->head && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->head)
			break;	/* stopping, nothing left */
		list = w->head;
		for (j = list; j->next && n < CAP_WRITER_BATCH; j = j->next)
			n++;
		w->head = j->next;
		if (!w->head)
			w->tail = NULL;
		j->next = NULL;
		w->queued -= n;
		pthread_mutex_unlock(&w->mu);
		run_batch(w, list, n);
		after_batch(w);
		dirty = true;
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	ck_end(w);
	if (dirty)
		checkpoint(w, 0);
	tl_core = NULL;
	return NULL;
}

/* A checkpointer when the database has a log and a second connection
 * opens; else the writer checkpoints alone. */
static void ck_start(struct writer *w, const char *dsn)
{
	struct err e;

	if (core_batch_log_pages(&w->core) < 0)
		return;
	err_clear(&e);
	if (core_open(&w->ck_core, dsn, &e)) {
		log_warn("writer: no checkpointer, the writer checkpoints itself: %s", e.msg);
		return;
	}
	if (pthread_create(&w->ck_thread, NULL, ck_main, w) != 0) {
		log_warn("writer: no checkpointer, the writer checkpoints itself");
		core_close(&w->ck_core);
		return;
	}
	w->ck_on = true;
}

int writer_start(struct writer **out, const char *dsn, struct err *err)
{
	struct writer *w = xcalloc(1, sizeof(*w));
	int rc;

	*out = NULL;
	rc = core_open(&w->core, dsn, err);
	if (rc) {
		free(w);
		return rc;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	pthread_cond_init(&w->ck_cv, NULL);
	ck_start(w, dsn);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		ck_end(w);
		core_close(&w->core);
		pthread_cond_destroy(&w->ck_cv);
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return err_set(err, ERR_IO, NULL, "cannot start the writer thread");
	}
	*out = w;
	return 0;
}

bool writer_submit(struct writer *w, struct writer_job *j)
{
	bool ok;

	j->next = NULL;
	pthread_mutex_lock(&w->mu);
	ok = !w->stop && w->queued < CAP_WRITER_QUEUE;
	if (ok) {
		if (w->tail)
			w->tail->next = j;
		else
			w->head = j;
		w->tail = j;
		w->queued++;
		pthread_cond_signal(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return ok;
}

void writer_stop(struct writer *w)
{
	bool joined;

	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	joined = w->joined;
	w->stop = true;
	w->joined = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (joined)
		return;
	pthread_join(w->thread, NULL);
	core_close(&w->core);
}

void writer_free(struct writer *w)
{
	if (!w)
		return;
	writer_stop(w);
	pthread_cond_destroy(&w->ck_cv);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

void writer_stats(struct writer *w, struct writer_stats *out)
{
	pthread_mutex_lock(&w->mu);
	*out = w->stats;
	pthread_mutex_unlock(&w->mu);
}
