/* ratelimit.c - token buckets per client address; see ratelimit.h. */
#include <arpa/inet.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/caps.h"
#include "base/mem.h"
#include "base/str.h"
#include "http/ratelimit.h"

#define PROBES 8

struct slot {
	char key[64];		/* "" = free */
	double tokens;
	uint64_t last_us;
};

struct ratelimit {
	pthread_mutex_t mu;
	double per_us;		/* tokens added per microsecond */
	double burst;
	struct slot slots[CAP_RATE_CLIENTS];
};

void ratelimit_key(const char *addr, char *out, size_t outsz)
{
	static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	unsigned char a[16];
	char text[INET6_ADDRSTRLEN];

	if (!addr || inet_pton(AF_INET6, addr, a) != 1) {
		str_copy(out, outsz, addr ? addr : "");
		return;
	}
	if (memcmp(a, v4mapped, sizeof(v4mapped)) == 0) {
		inet_ntop(AF_INET, a + 12, text, sizeof(text));
		str_copy(out, outsz, text);
		return;
	}
	memset(a + 8, 0, 8);
	inet_ntop(AF_INET6, a, text, sizeof(text));
	snprintf(out, outsz, "%s/64", text);
}

struct ratelimit *ratelimit_new(unsigned per_minute, unsigned burst)
{
	struct ratelimit *rl = xcalloc(1, sizeof(*rl));

	pthread_mutex_init(&rl->mu, NULL);
	rl->per_us = per_minute / 60e6;
	rl->burst = burst ? burst : 1;
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->mu);
	free(rl);
}

/* FNV-1a: keys are client addresses, not attacker-chosen beyond their own. */
static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Find key's bucket (or make it), refill it to now_us; take a token when
 * take is set.  Returns the wait as ratelimit_take does. */
static unsigned bucket(struct ratelimit *rl, const char *key, uint64_t now_us, bool take)
{
	uint32_t h = hash(key);
	struct slot *s = NULL, *oldest = NULL, *p;
	unsigned i, wait = 0;

	pthread_mutex_lock(&rl->mu);
	for (i = 0; i < PROBES; i++) {
		p = &rl->slots[(h + i) % CAP_RATE_CLIENTS];
		if (str_eq(p->key, key)) {
			s = p;
			break;
		}
		if (!p->key[0]) {
			if (!oldest || oldest->key[0])
				oldest = p;	/* the first free slot wins */
		} else if (!oldest || (oldest->key[0] && p->last_us < oldest->last_us)) {
			oldest = p;
		}
	}
	if (!s) {
		s = oldest;
		str_copy(s->key, sizeof(s->key), key);
		s->tokens = rl->burst;
		s->last_us = now_us;
	}
	if (now_us > s->last_us) {
		s->tokens += (double)(now_us - s->last_us) * rl->per_us;
		if (s->tokens > rl->burst)
			s->tokens = rl->burst;
	}
	s->last_us = now_us;
	if (s->tokens >= 1.0) {
		if (take)
			s->tokens -= 1.0;
	} else {
		double need = (1.0 - s->tokens) / rl->per_us / 1e6;

		wait = (unsigned)ceil(need);
		if (wait < 1)
			wait = 1;
	}
	pthread_mutex_unlock(&rl->mu);
	return wait;
}

unsigned ratelimit_take(struct ratelimit *rl, const char *key, uint64_t now_us)
{
	return bucket(rl, key, now_us, true);
}

unsigned ratelimit_peek(struct ratelimit *rl, const char *key, uint64_t now_us)
{
	return bucket(rl, key, now_us, false);
}
