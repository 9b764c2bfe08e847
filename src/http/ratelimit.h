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

#include <stddef.h>
#include <stdint.h>

struct ratelimit;

/*
 * The key a per-address limit counts a client address under.  An IPv4
 * address is itself.  An IPv6 address stands for its /64, written
 * "2001:db8:1:2::/64": one subscriber line, one LAN or one cloud host gets a
 * whole /64, so counting full addresses would give each such client 2^64
 * fresh buckets.  An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4
 * address a.b.c.d.  Anything else (not an address) is copied as is.  out
 * gets at most outsz - 1 bytes and a NUL.
 */
void ratelimit_key(const char *addr, char *out, size_t outsz);

struct ratelimit *ratelimit_new(unsigned per_minute, unsigned burst);
void ratelimit_free(struct ratelimit *rl);
/*
 * Take one token for key at now_us (monotonic microseconds).  Returns 0 when
 * allowed, else the seconds to wait before the next token (>= 1).
 */
unsigned ratelimit_take(struct ratelimit *rl, const char *key, uint64_t now_us);
/*
 * The same question without taking the token: 0 when a take would be
 * allowed now, else the seconds to wait.  For limits that count failures
 * only: peek before trying, take when the try failed.
 */
unsigned ratelimit_peek(struct ratelimit *rl, const char *key, uint64_t now_us);

#endif
