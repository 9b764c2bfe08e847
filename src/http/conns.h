/*
 * conns.h - the server's table of open connections: per-address connection
 * counts, total deadlines for a request's head and body, and room kept free
 * for newcomers (the defence against slow clients, docs/security.md).
 *
 * libmicrohttpd's own timeout is an idle timeout: a client that sends one
 * byte every few seconds is never idle and keeps its connection forever.
 * This table gives each connection a phase and, in the phases where the
 * server waits for the client, a deadline:
 *
 *	HEAD  waiting for a request line and headers, since the connection was
 *	      accepted or its previous answer was sent: head_us in all;
 *	BODY  reading a body: body_us plus one second per body_rate bytes of
 *	      the declared length (of the largest allowed body when chunked);
 *	BUSY  the server is working or answering: no deadline here (the idle
 *	      timeout still applies while an answer is sent).
 *
 * A thread sweeps the table a few times a second and closes connections
 * past their deadline.  When fewer than `reserve` slots are free, the one
 * that has waited longest for its head (an idle keep-alive or a trickling
 * client) is closed, if it has waited CAP_HTTP_EVICT_GRACE_MS; when none is
 * free, the longest-waiting head goes however young.  Under that pressure
 * an address with CAP_HTTP_BUSY_HEADS heads outstanding is refused more.
 * So a prompt client always finds room.  Closing is shutdown(2) on the socket, which libmicrohttpd's
 * own thread notices and finishes; the socket stays open (and the slot taken)
 * until libmicrohttpd reports the connection closed, so a descriptor is never
 * touched after it was reused.
 *
 * Thread-safe: one mutex; every operation but the sweep is O(1) (hashes by
 * descriptor and by address, a free list, the heads in the order they
 * began to wait), so admitting thousands of connections at once costs
 * microseconds each; the sweep scans the table every sweep_ms.
 */
#ifndef HAMGAN_HTTP_CONNS_H
#define HAMGAN_HTTP_CONNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conns;
struct conn;

struct conns_limits {
	size_t max;		/* connections in all (the table's size) */
	unsigned per_key;	/* connections per address key; 0: no limit */
	unsigned reserve;	/* slots kept free for newcomers */
	uint64_t head_us;	/* HEAD deadline */
	uint64_t body_us;	/* BODY deadline, fixed part */
	uint64_t body_rate;	/* BODY deadline: + 1 s per this many bytes */
	uint64_t max_body;	/* the length assumed for a chunked body */
	unsigned sweep_ms;	/* the sweeper's period; 0: no sweeper thread
				 * (tests call conns_sweep themselves) */
	void (*also)(void *arg);	/* NULL, or more for the sweeper to do
					 * each period (the server's stale
					 * read snapshots) */
	void *also_arg;
};

/* A table for lim (copied) with its sweeping thread running (if any). */
struct conns *conns_new(const struct conns_limits *lim);
/* Stop the sweeper and free the table (after the connections are gone). */
void conns_free(struct conns *cs);

/*
 * A connection was accepted on socket fd from key; now_us is monotonic.
 * Returns its slot, or NULL when the table is full or key is at its
 * per-key limit (the caller then closes fd).  Admitting near the limit
 * makes room for the next newcomer.
 */
struct conn *conns_admit(struct conns *cs, int fd, const char *key, uint64_t now_us);
/* The admitted connection on fd, once libmicrohttpd has taken it (NULL
 * when there is none). */
struct conn *conns_find(struct conns *cs, int fd);
/* The connection is closed (or was never taken): its slot is free again. */
void conns_closed(struct conns *cs, struct conn *c);
/*
 * The request head is complete.  body_len: the declared Content-Length,
 * -1 for a chunked body, 0 for none.  A body starts the BODY deadline;
 * otherwise the connection is BUSY.
 */
void conns_head_done(struct conns *cs, struct conn *c, int64_t body_len, uint64_t now_us);
/* The body is read: BUSY. */
void conns_body_done(struct conns *cs, struct conn *c);
/* The answer is sent: the connection waits for its next head (HEAD). */
void conns_request_done(struct conns *cs, struct conn *c, uint64_t now_us);

/* Close every connection past its deadline, then the longest-waiting heads
 * while fewer than reserve slots are free; returns how many.  The sweeper
 * thread calls it every sweep_ms. */
unsigned conns_sweep(struct conns *cs, uint64_t now_us);

#endif
