/*
 * progress.h - how far a long piece of work has got, for whoever shows it
 * (the CLI on standard error): fn(ctx, pct, what) with pct from 0 to 100.
 * A NULL progress, or one with no fn, shows nothing.
 */
#ifndef HAMGAN_BASE_PROGRESS_H
#define HAMGAN_BASE_PROGRESS_H

#include <stdint.h>

struct progress {
	void (*fn)(void *ctx, int pct, const char *what);
	void *ctx;
};

/* Shows pct of what. */
static inline void progress_show(const struct progress *p, int pct, const char *what)
{
	if (p && p->fn)
		p->fn(p->ctx, pct, what);
}

/* Shows done of total as a percentage when it differs from *last (start
 * *last at -1); total 0 is 100%. */
static inline void progress_step(const struct progress *p, int64_t done, int64_t total,
				 int *last, const char *what)
{
	int pct = total > 0 ? (int)(done * 100 / total) : 100;

	if (pct > 100)
		pct = 100;
	if (pct != *last) {
		*last = pct;
		progress_show(p, pct, what);
	}
}

#endif
