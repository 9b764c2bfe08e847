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

/*
 * Every operation on the accepting path is O(1), so thousands of clients
 * connecting at once are admitted as fast as they are accepted: slots by
 * descriptor in a hash, addresses with their counts in another, free slots
 * on a list, and the live connections waiting for their heads on a list in
 * the order they began to wait (its first one is the oldest).  Indexes, not
 * pointers, link them; -1 ends a list.
 */
struct conn {
	bool used;
	bool closing;		/* shut down by us; libmicrohttpd finishes it */
	enum phase phase;
	int fd;
	int addr;		/* its address's record */
	int fd_next;		/* next slot in the same descriptor bucket */
	int free_next;		/* next free slot */
	int head_prev, head_next;	/* the list of heads, oldest first */
	uint64_t since_us;	/* when the phase began */
	uint64_t deadline_us;	/* 0: none */
};

/* An address key with its connections: used counts the slots that point at
 * it (closing ones too), live and heads only the live ones. */
struct addr {
	char key[64];
	unsigned used, live, heads;
	int next;		/* next in its bucket, or on the free list */
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
	size_t nbuckets;	/* a power of two >= nslots */
	int *fd_bucket;
	int free_slot;
	struct addr *addrs;	/* nslots records: at most one per slot */
	int *addr_bucket;
	int free_addr;
	int head_first, head_last;
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

static size_t fd_hash(const struct conns *cs, int fd)
{
	return ((size_t)(unsigned)fd * 2654435761u) & (cs->nbuckets - 1);
}

static size_t key_hash(const struct conns *cs, const char *key)
{
	uint32_t h = 2166136261u;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h & (cs->nbuckets - 1);
}

static int idx(const struct conns *cs, const struct conn *c)
{
	return (int)(c - cs->v);
}

/* Under the lock: key's record, or -1. */
static int addr_find(const struct conns *cs, const char *key)
{
	int a;

	for (a = cs->addr_bucket[key_hash(cs, key)]; a >= 0; a = cs->addrs[a].next)
		if (str_eq(cs->addrs[a].key, key))
			return a;
	return -1;
}

/* Under the lock: key's record, made when there is none (a free record
 * always exists: there are as many as slots). */
static int addr_get(struct conns *cs, const char *key)
{
	int a = addr_find(cs, key);
	size_t b;

	if (a >= 0)
		return a;
	a = cs->free_addr;
	cs->free_addr = cs->addrs[a].next;
	memset(&cs->addrs[a], 0, sizeof(cs->addrs[a]));
	str_copy(cs->addrs[a].key, sizeof(cs->addrs[a].key), key);
	b = key_hash(cs, key);
	cs->addrs[a].next = cs->addr_bucket[b];
	cs->addr_bucket[b] = a;
	return a;
}

/* Under the lock: one slot fewer points at record a; the last frees it. */
static void addr_put(struct conns *cs, int a)
{
	int *p;

	if (--cs->addrs[a].used)
		return;
	for (p = &cs->addr_bucket[key_hash(cs, cs->addrs[a].key)]; *p != a;
	     p = &cs->addrs[*p].next)
		;
	*p = cs->addrs[a].next;
	cs->addrs[a].next = cs->free_addr;
	cs->free_addr = a;
}

static void head_link(struct conns *cs, struct conn *c)
{
	int i = idx(cs, c);

	c->head_prev = cs->head_last;
	c->head_next = -1;
	if (cs->head_last >= 0)
		cs->v[cs->head_last].head_next = i;
	else
		cs->head_first = i;
	cs->head_last = i;
	cs->addrs[c->addr].heads++;
}

static void head_unlink(struct conns *cs, struct conn *c)
{
	if (c->head_prev >= 0)
		cs->v[c->head_prev].head_next = c->head_next;
	else
		cs->head_first = c->head_next;
	if (c->head_next >= 0)
		cs->v[c->head_next].head_prev = c->head_prev;
	else
		cs->head_last = c->head_prev;
	c->head_prev = c->head_next = -1;
	cs->addrs[c->addr].heads--;
}

/* Under the lock: a live connection enters phase ph at now_us. */
static void set_phase(struct conns *cs, struct conn *c, enum phase ph, uint64_t now_us)
{
	if (c->phase == PH_HEAD)
		head_unlink(cs, c);
	c->phase = ph;
	c->since_us = now_us;
	if (ph == PH_HEAD)
		head_link(cs, c);
}

/* Under the lock: close c's socket for reading and writing. */
static void close_conn(struct conns *cs, struct conn *c)
{
	if (c->phase == PH_HEAD)
		head_unlink(cs, c);
	cs->addrs[c->addr].live--;
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
	return cs->head_first >= 0 ? &cs->v[cs->head_first] : NULL;
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
		if (cs->lim.also)
			cs->lim.also(cs->lim.also_arg);
		pthread_mutex_lock(&cs->mu);
	}
	pthread_mutex_unlock(&cs->mu);
	return NULL;
}

struct conns *conns_new(const struct conns_limits *lim)
{
	struct conns *cs = xcalloc(1, sizeof(*cs));
	size_t i;

	cs->lim = *lim;
	if (cs->lim.max == 0)
		cs->lim.max = 1;
	cs->nslots = cs->lim.max * 2;
	cs->v = xcalloc(cs->nslots, sizeof(*cs->v));
	cs->addrs = xcalloc(cs->nslots, sizeof(*cs->addrs));
	for (cs->nbuckets = 16; cs->nbuckets < cs->nslots; cs->nbuckets *= 2)
		;
	cs->fd_bucket = xcalloc(cs->nbuckets, sizeof(*cs->fd_bucket));
	cs->addr_bucket = xcalloc(cs->nbuckets, sizeof(*cs->addr_bucket));
	for (i = 0; i < cs->nbuckets; i++)
		cs->fd_bucket[i] = cs->addr_bucket[i] = -1;
	for (i = 0; i < cs->nslots; i++) {
		cs->v[i].free_next = i + 1 < cs->nslots ? (int)i + 1 : -1;
		cs->addrs[i].next = i + 1 < cs->nslots ? (int)i + 1 : -1;
	}
	cs->free_slot = cs->free_addr = 0;
	cs->head_first = cs->head_last = -1;
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
	free(cs->fd_bucket);
	free(cs->addr_bucket);
	free(cs->addrs);
	free(cs->v);
	free(cs);
}

struct conn *conns_admit(struct conns *cs, int fd, const char *key, uint64_t now_us)
{
	struct conn *c = NULL, *oldest;
	unsigned n = 0, heads = 0;
	size_t b;
	int a;

	pthread_mutex_lock(&cs->mu);
	a = addr_find(cs, key);
	if (a >= 0) {
		n = cs->addrs[a].live;
		heads = cs->addrs[a].heads;
	}
	if (n >= cs->lim.per_key && cs->lim.per_key)
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
	if (cs->free_slot < 0)
		goto out;
	c = &cs->v[cs->free_slot];
	cs->free_slot = c->free_next;
	memset(c, 0, sizeof(*c));
	c->used = true;
	c->fd = fd;
	c->phase = PH_BUSY;	/* set_phase below links it as a head */
	c->head_prev = c->head_next = -1;
	c->free_next = -1;
	b = fd_hash(cs, fd);
	c->fd_next = cs->fd_bucket[b];
	cs->fd_bucket[b] = idx(cs, c);
	c->addr = addr_get(cs, key);
	cs->addrs[c->addr].used++;
	cs->addrs[c->addr].live++;
	set_phase(cs, c, PH_HEAD, now_us);
	c->deadline_us = now_us + cs->lim.head_us;
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
	int i;

	pthread_mutex_lock(&cs->mu);
	for (i = cs->fd_bucket[fd_hash(cs, fd)]; i >= 0; i = cs->v[i].fd_next) {
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
	int *p, i;

	if (!c)
		return;
	pthread_mutex_lock(&cs->mu);
	if (c->used) {
		i = idx(cs, c);
		if (c->closing) {
			cs->closing--;
		} else {
			if (c->phase == PH_HEAD)
				head_unlink(cs, c);
			cs->addrs[c->addr].live--;
		}
		for (p = &cs->fd_bucket[fd_hash(cs, c->fd)]; *p != i; p = &cs->v[*p].fd_next)
			;
		*p = c->fd_next;
		addr_put(cs, c->addr);
		c->used = false;
		c->free_next = cs->free_slot;
		cs->free_slot = i;
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
		if (body_len == 0) {
			set_phase(cs, c, PH_BUSY, now_us);
			c->deadline_us = 0;
		} else {
			set_phase(cs, c, PH_BODY, now_us);
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
		set_phase(cs, c, PH_BUSY, c->since_us);
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
		set_phase(cs, c, PH_HEAD, now_us);
		c->deadline_us = now_us + cs->lim.head_us;
	}
	pthread_mutex_unlock(&cs->mu);
}
