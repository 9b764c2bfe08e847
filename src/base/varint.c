/*
 * varint.c - compact integers for stored blobs (varint.h).
 */
#include <string.h>

#include "base/err.h"
#include "base/varint.h"

size_t varint_put(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

size_t varint_encode_i64s(const int64_t *v, size_t n, unsigned char *buf)
{
	size_t len = 0, i;

	for (i = 0; i < n; i++)
		len += varint_put(buf + len, varint_zigzag(v[i]));
	return len;
}

int varint_decode_i64s(const unsigned char *p, size_t len, int64_t *v, size_t n)
{
	size_t pos = 0, i;
	uint64_t u;

	memset(v, 0, n * sizeof(*v));
	for (i = 0; i < n && pos < len; i++) {
		if (varint_get(p, len, &pos, &u) < 0)
			return ERR_INVALID;
		v[i] = varint_unzigzag(u);
	}
	return pos == len ? 0 : ERR_INVALID;
}

size_t varint_encode_sparse_i64s(const int64_t *v, size_t n, unsigned char *buf)
{
	uint64_t mask = 0;
	size_t len, i;

	for (i = 0; i < n; i++)
		if (v[i])
			mask |= UINT64_C(1) << i;
	len = varint_put(buf, mask);
	for (i = 0; i < n; i++)
		if (v[i])
			len += varint_put(buf + len, varint_zigzag(v[i]));
	return len;
}

/* The next varint, refused unless it is the bytes varint_put writes for
 * its value (not padded with a last byte of 0, no bits past the 64th):
 * one blob for each set of numbers. */
static int get_shortest(const unsigned char *p, size_t len, size_t *pos, uint64_t *v)
{
	unsigned char again[VARINT_BYTES];
	size_t start = *pos;

	if (varint_get(p, len, pos, v) < 0 || varint_put(again, *v) != *pos - start ||
	    memcmp(again, p + start, *pos - start) != 0)
		return ERR_INVALID;
	return 0;
}

int varint_decode_sparse_i64s(const unsigned char *p, size_t len, int64_t *v, size_t n)
{
	size_t pos = 0, i;
	uint64_t mask, u;

	memset(v, 0, n * sizeof(*v));
	if (n > 63 || get_shortest(p, len, &pos, &mask) < 0 || mask >> n)
		return ERR_INVALID;
	for (i = 0; i < n; i++) {
		if (!(mask >> i & 1))
			continue;
		if (get_shortest(p, len, &pos, &u) < 0 || u == 0)
			return ERR_INVALID;
		v[i] = varint_unzigzag(u);
	}
	return pos == len ? 0 : ERR_INVALID;
}
