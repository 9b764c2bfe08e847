/*
 * track.h - what the citizen's tracking page may say about who handles a
 * message: the region (or, for a city-wide department, the top-level office
 * under the municipality) the message is in, never the person or the
 * district office inside it.
 */
#ifndef HAMGAN_CORE_TRACK_H
#define HAMGAN_CORE_TRACK_H

#include <stdint.h>

#include "base/err.h"
#include "core/unit.h"

struct core;

/*
 * The public handler of unit_id: its ancestor (or itself) of kind region,
 * else its ancestor right under the root organisation.  ERR_NOTFOUND when
 * the unit is the centre or the root (the message is not with a unit).
 */
int track_handler(struct core *c, int64_t unit_id, struct unit *out, struct err *err);

#endif
