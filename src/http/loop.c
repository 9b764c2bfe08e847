/* loop.c - the worker threads' epoll loops; see loop.h. */
#define _GNU_SOURCE	/* pthread_setname_np */
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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

struct loop {
	struct MHD_Daemon *d;
	int epfd;			/* the daemon's epoll descriptor */
	int wake;			/* eventfd: sockets queued, a resume, stop */
	pthread_t thread;
	bool started;
	atomic_bool stop;
	atomic_uint open;		/* connections queued or in the daemon */
	bool adding;			/* inside MHD_add_connection */
	bool add_closed;		/* and it reported the connection closed */
	pthread_mutex_t mu;		/* guards the queue */
	struct pending *head, *tail;
	struct conns *cs;
};

struct loops {
	unsigned n;
	struct loop *l;
};

static _Thread_local struct loop *this_loop;

void loop_wake(struct loop *l)
{
	uint64_t one = 1;

	if (!l)
		return;
	/* the counter only grows: a full one (never, at 2^64 - 2) still wakes */
	while (write(l->wake, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

/*
 * Woken: a resume (MHD_run, next, sees it) or new sockets, added to the
 * daemon in the order they came.
 */
static void woken(struct loop *l)
{
	struct pending *p, *next;
	uint64_t n;

	/* read the wake-up before taking the queue: a socket queued after
	 * the take wakes the thread again */
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

static void *loop_run(void *arg)
{
	struct loop *l = arg;

	this_loop = l;
	while (!atomic_load(&l->stop)) {
		struct pollfd pf[2] = {
			{ .fd = l->epfd, .events = POLLIN },
			{ .fd = l->wake, .events = POLLIN },
		};
		MHD_UNSIGNED_LONG_LONG to;
		int ms = -1;

		/* 0 when events are already read and not yet handled */
		if (MHD_get_timeout(l->d, &to) == MHD_YES)
			ms = to < INT_MAX ? (int)to : INT_MAX;
		if (poll(pf, 2, ms) < 0 && errno != EINTR) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };

			log_warn("http: poll: %s", strerror(errno));
			nanosleep(&ts, NULL);
		}
		if (pf[1].revents & POLLIN)
			woken(l);
		MHD_run(l->d);
	}
	return NULL;
}

static void loop_release(struct loop *l)
{
	struct pending *p, *next;

	if (l->started) {
		atomic_store(&l->stop, true);
		loop_wake(l);
		pthread_join(l->thread, NULL);
	}
	/* in this thread: its callbacks see no loop (loop_closed) */
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

static int loop_init(struct loop *l, struct MHD_Daemon *(*make)(void *arg), void *arg,
		     struct conns *cs, struct err *err)
{
	const union MHD_DaemonInfo *di;

	l->cs = cs;
	pthread_mutex_init(&l->mu, NULL);
	atomic_init(&l->stop, false);
	atomic_init(&l->open, 0);
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
	l->epfd = di->epoll_fd;
	if (pthread_create(&l->thread, NULL, loop_run, l) != 0)
		return err_set(err, ERR_IO, NULL, "cannot start a worker thread");
	l->started = true;
	pthread_setname_np(l->thread, "hamgan-http");
	return 0;
}

int loops_start(struct loops **out, unsigned n, struct MHD_Daemon *(*make)(void *arg),
		void *arg, struct conns *cs, struct err *err)
{
	struct loops *ls = xcalloc(1, sizeof(*ls));
	unsigned i;
	int rc;

	*out = NULL;
	ls->n = n ? n : 1;
	ls->l = xcalloc(ls->n, sizeof(*ls->l));
	for (i = 0; i < ls->n; i++) {
		rc = loop_init(&ls->l[i], make, arg, cs, err);
		if (rc) {
			ls->n = i + 1;
			loops_stop(ls);
			return rc;
		}
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
	/* one wake-up for a queue that was empty: the thread takes it all */
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
	for (i = 0; i < ls->n; i++)
		loop_release(&ls->l[i]);
	free(ls->l);
	free(ls);
}
