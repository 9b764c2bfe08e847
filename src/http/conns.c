/* conns.c - open connections, their deadlines and the sweeper; see conns.h. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "base/caps.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "http/conns.h"

enum phase { PH_HEAD, PH_BODY, PH_BUSY };

struct conn {
	bool used;
	bool closing;		/* shut down by us; libmicrohttpd finishes it */
	enum phase phase;
	int fd;
	uint64_t since_us;	/* when the phase began */
	uint64_t deadline_us;	/* 0: none */
	char key[64];
};

struct conns {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t sweeper;
	bool stop;
	struct conns_limits lim;
	size_t nslots;		/* 2 * max: closing ones keep a slot a while */
	size_t used;		/* slots taken, closing ones included */
	size_t closing;		/* of which shut down, not yet reported closed */
	struct conn *v;
	/* counted since the last log line (logged at most every
	 * CAP_LOG_SUMMARY_SECONDS) */
	unsigned n_deadline, n_evicted, n_refused;
	uint64_t logged_us;
};

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Under the lock: close c's socket for reading and writing. */
static void close_conn(struct conns *cs, struct conn *c)
{
	cs->closing++;
	c->closing = true;
	c->deadline_us = 0;
	shutdown(c->fd, SHUT_RDWR);
}

static void log_closed(struct conns *cs, uint64_t now_us)
{
	unsigned dl = cs->n_deadline, ev = cs->n_evicted, rf = cs->n_refused;

	if (!dl && !ev && !rf)
		return;
	if (cs->logged_us && now_us - cs->logged_us < CAP_LOG_SUMMARY_SECONDS * 1000000ull)
		return;
	cs->n_deadline = cs->n_evicted = cs->n_refused = 0;
	cs->logged_us = now_us;
	log_warn("http: connections: %u closed past their deadline, %u closed to make room, "
		 "%u refused (per-address limit or full) since the last such line",
		 dl, ev, rf);
}

/* Under the lock: live connections (not closing). */
static size_t live(const struct conns *cs)
{
	return cs->used - cs->closing;
}

/* Under the lock: the live connection that has waited longest for its
 * request head, or NULL. */
static struct conn *oldest_head(struct conns *cs)
{
	struct conn *oldest = NULL;
	size_t i;

	for (i = 0; i < cs->nslots; i++) {
		struct conn *c = &cs->v[i];

		if (!c->used || c->closing || c->phase != PH_HEAD)
			continue;
		if (!oldest || c->since_us < oldest->since_us)
			oldest = c;
	}
	return oldest;
}

/*
 * Under the lock: while fewer than `reserve` slots are free, close the
 * connection that has waited longest for its request head, if it has waited
 * at least CAP_HTTP_EVICT_GRACE_MS (a client whose head is on its way is
 * spared).  Returns how many it closed.
 */
static unsigned make_room(struct conns *cs, uint64_t now_us)
{
	unsigned n = 0;

	while (live(cs) + cs->lim.reserve > cs->lim.max) {
		struct conn *oldest = oldest_head(cs);

		if (!oldest || now_us - oldest->since_us < CAP_HTTP_EVICT_GRACE_MS * 1000ull)
			break;
		close_conn(cs, oldest);
		n++;
	}
	cs->n_evicted += n;
	return n;
}

unsigned conns_sweep(struct conns *cs, uint64_t now_us)
{
	unsigned n = 0;
	size_t i;

	pthread_mutex_lock(&cs->mu);
	for (i = 0; i < cs->nslots; i++) {
		struct conn *c = &cs->v[i];

		if (c->used && !c->closing && c->deadline_us && now_us >= c->deadline_us) {
			close_conn(cs, c);
			n++;
		}
	}
	cs->n_deadline += n;
	n += make_room(cs, now_us);
	log_closed(cs, now_us);
	pthread_mutex_unlock(&cs->mu);
	return n;
}

static void *sweeper(void *arg)
{
	struct conns *cs = arg;

	pthread_mutex_lock(&cs->mu);
	while (!cs->stop) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += (long)cs->lim.sweep_ms * 1000000L;
		while (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&cs->cv, &cs->mu, &ts);
		if (cs->stop)
			break;
		pthread_mutex_unlock(&cs->mu);
		conns_sweep(cs, mono_us());
		pthread_mutex_lock(&cs->mu);
	}
	pthread_mutex_unlock(&cs->mu);
	return NULL;
}

struct conns *conns_new(const struct conns_limits *lim)
{
	struct conns *cs = xcalloc(1, sizeof(*cs));

	cs->lim = *lim;
	if (cs->lim.max == 0)
		cs->lim.max = 1;
	cs->nslots = cs->lim.max * 2;
	cs->v = xcalloc(cs->nslots, sizeof(*cs->v));
	pthread_mutex_init(&cs->mu, NULL);
	pthread_cond_init(&cs->cv, NULL);
	if (cs->lim.sweep_ms && pthread_create(&cs->sweeper, NULL, sweeper, cs) != 0)
		abort();	/* like running out of memory */
	return cs;
}

void conns_free(struct conns *cs)
{
	if (!cs)
		return;
	pthread_mutex_lock(&cs->mu);
	cs->stop = true;
	pthread_cond_signal(&cs->cv);
	pthread_mutex_unlock(&cs->mu);
	if (cs->lim.sweep_ms)
		pthread_join(cs->sweeper, NULL);
	pthread_cond_destroy(&cs->cv);
	pthread_mutex_destroy(&cs->mu);
	free(cs->v);
	free(cs);
}

/* Under the lock: live connections from key, and how many of them wait
 * for their request head. */
static unsigned count_key(const struct conns *cs, const char *key, unsigned *heads)
{
	unsigned n = 0;
	size_t i;

	*heads = 0;
	for (i = 0; i < cs->nslots; i++) {
		const struct conn *c = &cs->v[i];

		if (c->used && !c->closing && str_eq(c->key, key)) {
			n++;
			if (c->phase == PH_HEAD)
				(*heads)++;
		}
	}
	return n;
}

struct conn *conns_admit(struct conns *cs, int fd, const char *key, uint64_t now_us)
{
	struct conn *c = NULL, *oldest;
	unsigned heads;
	size_t i;

	pthread_mutex_lock(&cs->mu);
	if (count_key(cs, key, &heads) >= cs->lim.per_key && cs->lim.per_key)
		goto out;
	/*
	 * Under pressure an address that already has CAP_HTTP_BUSY_HEADS
	 * connections waiting for their heads gets no more: a slow client's
	 * reconnections are refused here, at the cost of an accept, instead of
	 * pushing out others (and each other) through libmicrohttpd.
	 */
	if (live(cs) + cs->lim.reserve >= cs->lim.max && heads >= CAP_HTTP_BUSY_HEADS)
		goto out;
	/* Full: the longest-waiting head makes way, however young. */
	if (live(cs) >= cs->lim.max) {
		oldest = oldest_head(cs);
		if (!oldest)
			goto out;
		close_conn(cs, oldest);
		cs->n_evicted++;
	}
	for (i = 0; i < cs->nslots; i++) {
		if (!cs->v[i].used) {
			c = &cs->v[i];
			break;
		}
	}
	if (!c)
		goto out;
	memset(c, 0, sizeof(*c));
	c->used = true;
	c->fd = fd;
	c->phase = PH_HEAD;
	c->since_us = now_us;
	c->deadline_us = now_us + cs->lim.head_us;
	str_copy(c->key, sizeof(c->key), key);
	cs->used++;
	make_room(cs, now_us);
out:
	if (!c)
		cs->n_refused++;
	pthread_mutex_unlock(&cs->mu);
	return c;
}

struct conn *conns_find(struct conns *cs, int fd)
{
	struct conn *c = NULL;
	size_t i;

	pthread_mutex_lock(&cs->mu);
	for (i = 0; i < cs->nslots; i++) {
		if (cs->v[i].used && cs->v[i].fd == fd) {
			c = &cs->v[i];
			break;
		}
	}
	pthread_mutex_unlock(&cs->mu);
	return c;
}

void conns_closed(struct conns *cs, struct conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&cs->mu);
	if (c->used) {
		if (c->closing)
			cs->closing--;
		c->used = false;
		cs->used--;
	}
	pthread_mutex_unlock(&cs->mu);
}

void conns_head_done(struct conns *cs, struct conn *c, int64_t body_len, uint64_t now_us)
{
	uint64_t len;

	if (!c)
		return;
	len = body_len < 0 || (uint64_t)body_len > cs->lim.max_body ? cs->lim.max_body :
		(uint64_t)body_len;
	pthread_mutex_lock(&cs->mu);
	if (!c->closing) {
		c->since_us = now_us;
		if (body_len == 0) {
			c->phase = PH_BUSY;
			c->deadline_us = 0;
		} else {
			c->phase = PH_BODY;
			c->deadline_us = now_us + cs->lim.body_us +
				len * 1000000u / (cs->lim.body_rate ? cs->lim.body_rate : 1);
		}
	}
	pthread_mutex_unlock(&cs->mu);
}

void conns_body_done(struct conns *cs, struct conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&cs->mu);
	if (!c->closing) {
		c->phase = PH_BUSY;
		c->deadline_us = 0;
	}
	pthread_mutex_unlock(&cs->mu);
}

void conns_request_done(struct conns *cs, struct conn *c, uint64_t now_us)
{
	if (!c)
		return;
	pthread_mutex_lock(&cs->mu);
	if (!c->closing) {
		c->phase = PH_HEAD;
		c->since_us = now_us;
		c->deadline_us = now_us + cs->lim.head_us;
	}
	pthread_mutex_unlock(&cs->mu);
}
