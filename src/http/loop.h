/*
 * loop.h - the server's worker threads and the libmicrohttpd daemons they
 * run: a few daemons (shards) a thread, in epoll loops of our own.
 *
 * libmicrohttpd's internal epoll threads stall: in 0.9.75 (and 1.0.1)
 * MHD_epoll reads events in batches of 128 and, after a full batch, waits
 * again with the timeout it computed before the first (up to the idle
 * timeout), so when exactly a multiple of 128 connections are ready and
 * their clients wait for the answers, the thread sleeps instead of
 * answering.  MHD_run waits with a timeout of 0 instead.  So the daemons
 * here have no threads of their own: each daemon's epoll descriptor (which
 * is readable when an event is pending) and a wake-up descriptor of its
 * own are watched by one epoll set the worker threads share, and a thread
 * that gets an event for a daemon calls MHD_run on it, which reads every
 * pending event without sleeping and answers.
 *
 * Why shards, and shared: a connection belongs to its daemon for good.
 * With one daemon a thread, a thread the kernel gives less CPU for a while
 * (sharing a core with two others, say) answers its half of the
 * connections late, and their requests made the slowest one per cent at
 * 5,000 busy connections.  With several daemons a thread, taken by
 * whichever thread is free (a daemon is run by one thread at a time), a
 * thread held back holds back only the daemon it is running.
 *
 * A daemon without its own threads takes new connections only from the
 * thread running it (MHD_add_connection is not thread-safe then): the
 * accepting thread queues each socket for the daemon with the fewest
 * connections and wakes it, and whoever runs it next adds it.  Nor does
 * such a daemon signal a resumed connection (libmicrohttpd drops
 * MHD_USE_ITC without an internal thread): whoever resumes one wakes its
 * daemon (loop_wake).
 */
#ifndef HAMGAN_HTTP_LOOP_H
#define HAMGAN_HTTP_LOOP_H

#include <sys/socket.h>

#include "base/err.h"

struct MHD_Daemon;
struct conns;
struct conn;
struct loops;
struct loop;

/*
 * Start threads worker threads (at least one) and shards daemons (at least
 * one a thread), each daemon made by make(arg): started without
 * MHD_USE_INTERNAL_POLLING_THREAD, with MHD_USE_EPOLL,
 * MHD_USE_NO_LISTEN_SOCKET and MHD_ALLOW_SUSPEND_RESUME.  A socket
 * libmicrohttpd refuses gives its slot back to cs (conns_closed).  0, or
 * an ERR_* code (err set, *out NULL, nothing left running).
 */
int loops_start(struct loops **out, unsigned threads, unsigned shards,
		struct MHD_Daemon *(*make)(void *arg), void *arg, struct conns *cs,
		struct err *err);
/* Queue the accepted socket fd (admitted to slot) for the daemon with the
 * fewest connections; any thread may call it. */
void loops_add(struct loops *ls, int fd, const struct sockaddr *sa, socklen_t len,
	       struct conn *slot);
/* The daemon the calling thread is running now; NULL outside MHD_run on
 * a worker thread. */
struct loop *loop_current(void);
/*
 * Have daemon l run soon (NULL: nothing).  A daemon without its own
 * threads has no signal of its own: after MHD_resume_connection on one of
 * l's connections, from any thread, call this, or the answer waits for the
 * next event on l.
 */
void loop_wake(struct loop *l);
/* A connection of l's daemon is closed and its slot given back to the
 * table (l NULL: nothing); the server's connection callback calls it. */
void loop_closed(struct loop *l);
/* Stop the threads, then the daemons (which close their connections), and
 * close the sockets not yet handed over. */
void loops_stop(struct loops *ls);

#endif
