/* buf.c - capped growable buffer; see buf.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"

const char buf_empty_[1];

void buf_init(struct buf *b, size_t max)
{
	b->data = (char *)buf_empty_;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->failed = false;
}

void buf_release(struct buf *b)
{
	if (b->cap)
		free(b->data);
	buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->cap)
		b->data[0] = '\0';
	b->failed = false;
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *s;

	if (len)
		*len = b->len;
	s = b->cap ? b->data : xstrdup("");
	buf_init(b, b->max);
	return s;
}

/* Make room for extra more bytes plus the NUL, respecting the cap. */
static int grow(struct buf *b, size_t extra)
{
	size_t want, ncap;

	if (b->failed)
		return ERR_TOOBIG;
	if (!size_add(b->len, extra, &want) || want > b->max) {
		b->failed = true;
		return ERR_TOOBIG;
	}
	if (want < b->cap)
		return 0;
	ncap = b->cap ? b->cap : 64;
	while (ncap <= want)
		ncap = ncap > ((size_t)-1) / 2 ? want + 1 : ncap * 2;
	if (b->cap) {
		b->data = xrealloc(b->data, ncap);
	} else {
		b->data = xmalloc(ncap);
		b->data[0] = '\0';
	}
	b->cap = ncap;
	return 0;
}

int buf_reserve(struct buf *b, size_t n)
{
	return grow(b, n);
}

int buf_add(struct buf *b, const void *data, size_t len)
{
	int rc = grow(b, len);

	if (rc)
		return rc;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	int rc;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return ERR_INVALID;
	rc = grow(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void buf_truncate(struct buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
}
