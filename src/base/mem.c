/* mem.c - aborting allocators and checked size arithmetic; see mem.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

static void oom(size_t n)
{
	fprintf(stderr, "hamgan: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);

	if (!p)
		oom(count * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom(n);
	return q;
}

char *xstrndup(const char *s, size_t n)
{
	char *p;

	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

bool size_add(size_t a, size_t b, size_t *out)
{
	if (a > (size_t)-1 - b)
		return false;
	*out = a + b;
	return true;
}

bool size_mul(size_t a, size_t b, size_t *out)
{
	if (a && b > (size_t)-1 / a)
		return false;
	*out = a * b;
	return true;
}
