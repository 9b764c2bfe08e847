/*
 * loop.h - the server's worker threads, each running one libmicrohttpd
 * daemon in its own epoll loop.
 *
 * libmicrohttpd's internal epoll threads stall: in 0.9.75 (and 1.0.1)
 * MHD_epoll reads events in batches of 128 and, after a full batch, waits
 * again with the timeout it computed before the first (up to the idle
 * timeout), so when exactly a multiple of 128 connections are ready and
 * their clients wait for the answers, the thread sleeps instead of
 * answering.  MHD_run waits with a timeout of 0 instead.  So each thread
 * here blocks in poll(2) on its daemon's epoll descriptor (which is readable
 * when an event is pending) and on a wake-up descriptor of its own, then calls MHD_run, which
 * reads every pending event without sleeping and answers.  An event is
 * never left waiting on a timeout, and no thread scans its connections
 * each turn as poll mode does.
 *
 * A daemon without its own threads takes new connections only from the
 * thread that runs it (MHD_add_connection is not thread-safe then): the
 * accepting thread queues each socket for the thread with the fewest
 * connections and wakes it, and that thread adds it.  Nor does such a
 * daemon signal a resumed connection (libmicrohttpd drops MHD_USE_ITC
 * without an internal thread): whoever resumes one wakes its loop
 * (loop_wake).
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
 * Start n threads (at least one), each with a daemon made by make(arg) for
 * it: started without MHD_USE_INTERNAL_POLLING_THREAD, with MHD_USE_EPOLL,
 * MHD_USE_NO_LISTEN_SOCKET and MHD_ALLOW_SUSPEND_RESUME.  A socket libmicrohttpd refuses
 * gives its slot back to cs (conns_closed).  0, or an ERR_* code (err set,
 * *out NULL, nothing left running).
 */
int loops_start(struct loops **out, unsigned n, struct MHD_Daemon *(*make)(void *arg),
		void *arg, struct conns *cs, struct err *err);
/* Queue the accepted socket fd (admitted to slot) for the thread with the
 * fewest connections; any thread may call it. */
void loops_add(struct loops *ls, int fd, const struct sockaddr *sa, socklen_t len,
	       struct conn *slot);
/* The calling thread's loop; NULL outside the loop threads. */
struct loop *loop_current(void);
/*
 * Wake l's thread (NULL: nothing).  A daemon without its own threads has
 * no signal of its own: after MHD_resume_connection on one of l's
 * connections, from any thread, call this, or the answer waits for the
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
