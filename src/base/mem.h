/*
 * mem.h - allocation that never returns NULL, and overflow-checked sizes.
 *
 * Running out of memory aborts the process with a message: there is no sane
 * recovery in a request handler.  Hitting a configured cap is different and
 * is an ordinary error (ERR_TOOBIG) reported by the caller.
 */
#ifndef HAMGAN_BASE_MEM_H
#define HAMGAN_BASE_MEM_H

#include <stdbool.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* *out = a + b or a * b; false (and *out untouched) on overflow. */
bool size_add(size_t a, size_t b, size_t *out);
bool size_mul(size_t a, size_t b, size_t *out);

#endif
