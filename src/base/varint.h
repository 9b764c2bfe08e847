/*
 * varint.h - compact integers for stored blobs: unsigned LEB128 varints
 * and the zigzag mapping that keeps small negative numbers short.
 */
#ifndef HAMGAN_BASE_VARINT_H
#define HAMGAN_BASE_VARINT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Write v at p (at most 10 bytes); returns the bytes written. */
size_t varint_put(unsigned char *p, uint64_t v);
/* Read one varint from p[*pos..len), advancing *pos: 0 or ERR_INVALID (cut
 * short or longer than 64 bits).  Inline: decoding the aggregates'
 * blobs is most of a report's time (docs/performance.md, "Reports"). */
static inline int varint_get(const unsigned char *p, size_t len, size_t *pos, uint64_t *v)
{
	uint64_t r = 0;
	unsigned shift = 0;

	while (*pos < len && shift < 64) {
		unsigned char b = p[(*pos)++];

		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return 0;
		}
		shift += 7;
	}
	return ERR_INVALID;
}

/* The most bytes a varint takes. */
#define VARINT_BYTES 10

/* The next varint at *q, which has at least VARINT_BYTES bytes after it
 * (no bounds test a byte: the histograms' decoding, core/agg.c), advancing
 * *q: 0 or ERR_INVALID (longer than 64 bits). */
static inline int varint_next(const unsigned char **q, uint64_t *v)
{
	const unsigned char *p = *q;
	uint64_t r = *p & 0x7f;
	unsigned shift;

	/* most are one byte */
	if (!(*p++ & 0x80)) {
		*v = r;
		*q = p;
		return 0;
	}
	for (shift = 7; shift < 64; shift += 7) {
		r |= (uint64_t)(*p & 0x7f) << shift;
		if (!(*p++ & 0x80)) {
			*v = r;
			*q = p;
			return 0;
		}
	}
	return ERR_INVALID;
}

static inline uint64_t varint_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t varint_unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* n signed numbers as zigzag varints into buf (at least n * 10 bytes);
 * returns the length.  Decoding a blob of fewer numbers fills the rest
 * with 0 (a blob written before a number was added); trailing bytes or a
 * cut varint are ERR_INVALID. */
size_t varint_encode_i64s(const int64_t *v, size_t n, unsigned char *buf);
int varint_decode_i64s(const unsigned char *p, size_t len, int64_t *v, size_t n);

/* The same n (at most 63) numbers keeping only those that are not 0: a
 * varint whose bit i says v[i] is there, then each that is, in order, as
 * a zigzag varint.  buf has room for VARINT_BYTES * (n + 1) bytes.  Most
 * of an aggregate cell's sixteen counters are 0: 6 bytes instead of 17 on
 * the demo.  Decoding refuses what the encoder never writes (a bit beyond
 * n, a 0 that is there, a varint longer than its shortest form, trailing
 * bytes, an empty blob): ERR_INVALID. */
size_t varint_encode_sparse_i64s(const int64_t *v, size_t n, unsigned char *buf);
int varint_decode_sparse_i64s(const unsigned char *p, size_t len, int64_t *v, size_t n);

#endif
