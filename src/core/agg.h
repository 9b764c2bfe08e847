/*
 * agg.h - the hook that keeps report aggregates up to date.
 *
 * Every message change calls agg_on_change inside its store transaction,
 * after the message row is written: before is the message as it was (NULL on
 * registration), after as it is now, now the transition's time.  A non-zero
 * return rolls the whole change back.  The reports module owns agg.c.
 */
#ifndef HAMGAN_CORE_AGG_H
#define HAMGAN_CORE_AGG_H

#include <stdint.h>

#include "base/err.h"

struct store;
struct msg;

int agg_on_change(struct store *st, const struct msg *before, const struct msg *after,
		  int64_t now, struct err *err);

#endif
