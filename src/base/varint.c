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
