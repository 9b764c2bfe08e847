/* agg.c - report aggregates: a no-op until the reports module fills it. */
#include <stddef.h>

#include "core/agg.h"

int agg_on_change(struct store *st, const struct msg *before, const struct msg *after,
		  int64_t now, struct err *err)
{
	(void)st;
	(void)before;
	(void)after;
	(void)now;
	(void)err;
	return 0;
}
