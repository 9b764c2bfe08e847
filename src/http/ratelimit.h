/*
 * ratelimit.h - token buckets per client address, in memory, bounded.
 *
 * Each key (a client address) gets a bucket of burst tokens refilled at
 * per_minute tokens a minute.  The table holds CAP_RATE_CLIENTS keys; when a
 * new key finds no free slot among its probes, the least recently seen key
 * there is forgotten.  Thread-safe (one mutex: a take is a few hundred
 * nanoseconds, far below a request's cost).
 */
#ifndef HAMGAN_HTTP_RATELIMIT_H
#define HAMGAN_HTTP_RATELIMIT_H

#include <stdint.h>

struct ratelimit;

struct ratelimit *ratelimit_new(unsigned per_minute, unsigned burst);
void ratelimit_free(struct ratelimit *rl);
/*
 * Take one token for key at now_us (monotonic microseconds).  Returns 0 when
 * allowed, else the seconds to wait before the next token (>= 1).
 */
unsigned ratelimit_take(struct ratelimit *rl, const char *key, uint64_t now_us);

#endif
