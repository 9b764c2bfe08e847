/* loop.c - the worker threads and the daemons they share; see loop.h. */
#define _GNU_SOURCE	/* pthread_setname_np */
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/mem.h"
#include "http/conns.h"
#include "http/loop.h"

/* A socket accepted and admitted, not yet added to the daemon. */
struct pending {
	struct pending *next;
	int fd;
	socklen_t len;
	struct sockaddr_storage ss;
	struct conn *slot;
};

/* What an event in the shared set is about: a daemon's epoll descriptor
 * or its wake-up. */
struct tag {
	struct loop *l;
	bool wake;
};

/*
 * One daemon.  busy is its lock: the thread that sets it runs the daemon
 * (MHD_run, MHD_add_connection, MHD_get_timeout); a thread that finds it
 * set leaves again behind, and the runner runs once more before it lets
 * go, so no event is lost.  woken says its wake-up had an event since
 * its last run: sockets to add (or a resume, which MHD_run sees on its
 * own).
 *
 * Both descriptors are watched edge-triggered: an event comes for each
 * new event inside the daemon's own set and each wake-up, so one that
 * comes while the daemon runs reaches another thread, which leaves again
 * behind.  (EPOLLONESHOT would keep those away, at an epoll_ctl to arm
 * the daemon again after every run.)
 */
struct loop {
	struct MHD_Daemon *d;
	int wake;			/* eventfd: sockets queued, a resume */
	struct tag tags[2];
	atomic_bool busy;
	atomic_bool again;
	atomic_bool woken;
	_Atomic int64_t due_ms;		/* run by then for its time-outs */
	atomic_uint open;		/* connections queued or in the daemon */
	bool adding;			/* inside MHD_add_connection */
	bool add_closed;		/* and it reported the connection closed */
	pthread_mutex_t mu;		/* guards the queue */
	struct pending *head, *tail;
	struct conns *cs;
};

struct loops {
	unsigned n, nthreads, started;
	struct loop *l;
	pthread_t *threads;
	int ep;				/* the set the threads share */
	int stop_fd;			/* eventfd, level-triggered: stop */
	atomic_bool stop;
};

static _Thread_local struct loop *this_loop;

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void kick(int fd)
{
	uint64_t one = 1;

	/* the counter only grows: a full one (never, at 2^64 - 2) still wakes */
	while (write(fd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

void loop_wake(struct loop *l)
{
	if (l)
		kick(l->wake);
}

/* Sockets queued for l, added to its daemon in the order they came. */
static void take_new(struct loop *l)
{
	struct pending *p, *next;
	uint64_t n;

	/* read the wake-up before taking the queue: a socket queued after
	 * the take wakes the daemon again */
	while (read(l->wake, &n, sizeof(n)) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&l->mu);
	p = l->head;
	l->head = l->tail = NULL;
	pthread_mutex_unlock(&l->mu);
	for (; p; p = next) {
		enum MHD_Result ok;

		next = p->next;
		/*
		 * libmicrohttpd closes the socket when it refuses it.  When it
		 * refuses after reporting the connection started (epoll_ctl
		 * failing, say), it reports it closed too, and the server's
		 * callback has given the slot back (loop_closed notes that).
		 */
		l->adding = true;
		l->add_closed = false;
		ok = MHD_add_connection(l->d, p->fd, (const struct sockaddr *)&p->ss, p->len);
		l->adding = false;
		if (ok != MHD_YES && !l->add_closed) {
			conns_closed(l->cs, p->slot);
			atomic_fetch_sub(&l->open, 1);
		}
		free(p);
	}
}

/* One run of l, by the thread that holds it. */
static void run_once(struct loop *l)
{
	MHD_UNSIGNED_LONG_LONG to;

	atomic_store(&l->again, false);
	if (atomic_exchange(&l->woken, false))
		take_new(l);
	MHD_run(l->d);
	if (MHD_get_timeout(l->d, &to) != MHD_YES) {
		atomic_store(&l->due_ms, INT64_MAX);
	} else if (to == 0) {
		/* events read and not handled yet: again soon, after the
		 * daemons already waiting (its wake-up goes to the back) */
		atomic_store(&l->due_ms, INT64_MAX);
		kick(l->wake);
	} else {
		atomic_store(&l->due_ms, now_ms() + (int64_t)(to < INT_MAX ? to : INT_MAX));
	}
}

/* Run l unless another thread is running it, in which case that one runs
 * it again before it lets go. */
static void run(struct loop *l)
{
	if (atomic_exchange(&l->busy, true)) {
		atomic_store(&l->again, true);
		/* it may have let go in between, not seeing again */
		if (atomic_exchange(&l->busy, true))
			return;
	}
	this_loop = l;
	for (;;) {
		run_once(l);
		atomic_store(&l->busy, false);
		if (!atomic_load(&l->again) || atomic_exchange(&l->busy, true))
			break;
	}
	this_loop = NULL;
}

/* Whether l's time-outs are due and no thread is running it (whoever
 * runs it works out when they are due next). */
static bool due(struct loop *l, int64_t now)
{
	return atomic_load(&l->due_ms) <= now && !atomic_load(&l->busy);
}

/* How long a thread may wait for an event: until the first time-outs of
 * a daemon no thread is running are due (-1: none). */
static int wait_ms(struct loops *ls, int64_t now)
{
	int64_t first = INT64_MAX;
	unsigned i;

	for (i = 0; i < ls->n; i++) {
		int64_t d = atomic_load(&ls->l[i].due_ms);

		if (d < first && !atomic_load(&ls->l[i].busy))
			first = d;
	}
	if (first == INT64_MAX)
		return -1;
	return first <= now ? 0 : first - now < INT_MAX ? (int)(first - now) : INT_MAX;
}

static void *worker(void *arg)
{
	struct loops *ls = arg;

	while (!atomic_load(&ls->stop)) {
		struct epoll_event ev;
		int64_t now = now_ms();
		unsigned i;
		/* one event at a time: an event taken is one no other thread
		 * can take, so a thread holds only the one it runs now */
		int n = epoll_wait(ls->ep, &ev, 1, wait_ms(ls, now));

		if (n < 0 && errno != EINTR) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };

			log_warn("http: epoll_wait: %s", strerror(errno));
			nanosleep(&ts, NULL);
		}
		if (n == 1 && ev.data.ptr) {
			struct tag *t = ev.data.ptr;

			if (t->wake)
				atomic_store(&t->l->woken, true);
			run(t->l);
		}
		/* the daemons whose time-outs are due */
		now = now_ms();
		for (i = 0; i < ls->n; i++)
			if (due(&ls->l[i], now))
				run(&ls->l[i]);
	}
	return NULL;
}

static void loop_release(struct loop *l)
{
	struct pending *p, *next;

	/* after the threads: its callbacks see no loop (loop_closed) */
	if (l->d)
		MHD_stop_daemon(l->d);
	for (p = l->head; p; p = next) {
		next = p->next;
		close(p->fd);
		conns_closed(l->cs, p->slot);
		free(p);
	}
	if (l->wake >= 0)
		close(l->wake);
	pthread_mutex_destroy(&l->mu);
}

static int watch(struct loops *ls, int fd, struct tag *t)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.ptr = t };

	return epoll_ctl(ls->ep, EPOLL_CTL_ADD, fd, &ev);
}

static int loop_init(struct loops *ls, struct loop *l, struct MHD_Daemon *(*make)(void *arg),
		     void *arg, struct conns *cs, struct err *err)
{
	const union MHD_DaemonInfo *di;

	l->cs = cs;
	atomic_init(&l->busy, false);
	atomic_init(&l->again, false);
	atomic_init(&l->woken, false);
	atomic_init(&l->due_ms, INT64_MAX);
	atomic_init(&l->open, 0);
	l->tags[0] = (struct tag){ l, false };
	l->tags[1] = (struct tag){ l, true };
	l->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (l->wake < 0)
		return err_set(err, ERR_IO, NULL, "cannot make a wake-up descriptor: %s",
			       strerror(errno));
	l->d = make(arg);
	if (!l->d)
		return err_set(err, ERR_IO, NULL, "cannot start the HTTP server: %s",
			       strerror(errno));
	di = MHD_get_daemon_info(l->d, MHD_DAEMON_INFO_EPOLL_FD);
	if (!di || di->epoll_fd < 0)
		return err_set(err, ERR_IO, NULL, "the HTTP server has no epoll descriptor");
	if (watch(ls, di->epoll_fd, &l->tags[0]) < 0 || watch(ls, l->wake, &l->tags[1]) < 0)
		return err_set(err, ERR_IO, NULL, "cannot watch the HTTP server: %s",
			       strerror(errno));
	return 0;
}

int loops_start(struct loops **out, unsigned threads, unsigned shards,
		struct MHD_Daemon *(*make)(void *arg), void *arg, struct conns *cs,
		struct err *err)
{
	struct loops *ls = xcalloc(1, sizeof(*ls));
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned i;
	int rc = 0;

	*out = NULL;
	ls->nthreads = threads ? threads : 1;
	ls->n = shards > ls->nthreads ? shards : ls->nthreads;
	ls->l = xcalloc(ls->n, sizeof(*ls->l));
	ls->threads = xcalloc(ls->nthreads, sizeof(*ls->threads));
	atomic_init(&ls->stop, false);
	for (i = 0; i < ls->n; i++) {
		ls->l[i].wake = -1;
		pthread_mutex_init(&ls->l[i].mu, NULL);
	}
	ls->ep = epoll_create1(EPOLL_CLOEXEC);
	ls->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ls->ep < 0 || ls->stop_fd < 0 || epoll_ctl(ls->ep, EPOLL_CTL_ADD, ls->stop_fd, &ev) < 0)
		rc = err_set(err, ERR_IO, NULL, "cannot make the workers' epoll set: %s",
			     strerror(errno));
	for (i = 0; rc == 0 && i < ls->n; i++)
		rc = loop_init(ls, &ls->l[i], make, arg, cs, err);
	for (i = 0; rc == 0 && i < ls->nthreads; i++) {
		if (pthread_create(&ls->threads[i], NULL, worker, ls) != 0)
			rc = err_set(err, ERR_IO, NULL, "cannot start a worker thread");
		else
			pthread_setname_np(ls->threads[ls->started++], "hamgan-http");
	}
	if (rc) {
		loops_stop(ls);
		return rc;
	}
	*out = ls;
	return 0;
}

void loops_add(struct loops *ls, int fd, const struct sockaddr *sa, socklen_t len,
	       struct conn *slot)
{
	struct loop *l = &ls->l[0];
	struct pending *p = xcalloc(1, sizeof(*p));
	unsigned i, least = atomic_load(&l->open);
	bool was_empty;

	for (i = 1; i < ls->n; i++) {
		unsigned open = atomic_load(&ls->l[i].open);

		if (open < least) {
			least = open;
			l = &ls->l[i];
		}
	}
	p->fd = fd;
	p->slot = slot;
	p->len = len <= sizeof(p->ss) ? len : sizeof(p->ss);
	memcpy(&p->ss, sa, p->len);
	atomic_fetch_add(&l->open, 1);
	pthread_mutex_lock(&l->mu);
	was_empty = !l->head;
	if (l->tail)
		l->tail->next = p;
	else
		l->head = p;
	l->tail = p;
	pthread_mutex_unlock(&l->mu);
	/* one wake-up for a queue that was empty: its run takes it all */
	if (was_empty)
		loop_wake(l);
}

struct loop *loop_current(void)
{
	return this_loop;
}

void loop_closed(struct loop *l)
{
	if (!l)
		return;
	atomic_fetch_sub(&l->open, 1);
	if (l->adding)
		l->add_closed = true;
}

void loops_stop(struct loops *ls)
{
	unsigned i;

	if (!ls)
		return;
	atomic_store(&ls->stop, true);
	if (ls->stop_fd >= 0)
		kick(ls->stop_fd);
	for (i = 0; i < ls->started; i++)
		pthread_join(ls->threads[i], NULL);
	for (i = 0; i < ls->n; i++)
		loop_release(&ls->l[i]);
	if (ls->ep >= 0)
		close(ls->ep);
	if (ls->stop_fd >= 0)
		close(ls->stop_fd);
	free(ls->threads);
	free(ls->l);
	free(ls);
}
