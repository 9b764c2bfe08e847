/*
 * buf.h - growable byte buffer with a mandatory size cap (curl's dynbuf,
 * git's strbuf, sqlite3_str).
 *
 * b->data is never NULL and always NUL-terminated, so it can be used as a C
 * string at any time.  Appending past b->max bytes does not grow the buffer:
 * it sets the sticky b->failed flag and leaves the content as it was, so a
 * caller can append many pieces and check once at the end (buf_error()).
 *
 *	struct buf b;
 *	buf_init(&b, 4096);
 *	buf_addf(&b, "%d rows", n);
 *	if (buf_error(&b)) ... ERR_TOOBIG ...
 *	char *s = buf_detach(&b);	// caller frees s; b is empty again
 */
#ifndef HAMGAN_BASE_BUF_H
#define HAMGAN_BASE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *data;	/* never NULL, NUL-terminated */
	size_t len;	/* bytes in use, without the NUL */
	size_t cap;	/* bytes allocated (0: data points at a static "") */
	size_t max;	/* the cap on len */
	bool failed;	/* sticky: an append would have passed max */
};

#define BUF_INIT(maxlen) { (char *)buf_empty_, 0, 0, (maxlen), false }
extern const char buf_empty_[1];

/* Fill b in place as an empty buffer that may hold up to max bytes. */
void buf_init(struct buf *b, size_t max);
/* Free b's contents; b is an empty buffer again (same max). */
void buf_release(struct buf *b);
/* Empty b without freeing (keeps capacity); clears failed. */
void buf_reset(struct buf *b);
/* Hand the string to the caller (free() it); b is empty again. */
char *buf_detach(struct buf *b, size_t *len);

/* Room for n more bytes in one block, before appends that would otherwise
 * grow it step by step; 0, or ERR_TOOBIG (and sets failed) past the cap. */
int buf_reserve(struct buf *b, size_t n);

/* Appends: each returns 0, or ERR_TOOBIG (and sets failed) past the cap. */
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
/* inline: the JSON writer appends a byte at a time */
static inline int buf_addc(struct buf *b, char c)
{
	if (b->len + 1 < b->cap && b->len < b->max && !b->failed) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return 0;
	}
	return buf_add(b, &c, 1);
}
int buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Shorten to len bytes (no-op when len >= b->len). */
void buf_truncate(struct buf *b, size_t len);

static inline bool buf_error(const struct buf *b)
{
	return b->failed;
}

#endif
