/*
 * cell_pack.h - the key of a row of the SQLite store's agg_cells packed
 * in its rowid (sqlite_agg.c, schema 21).
 *
 * A cell was a row with its key (dim, unit, day, key) in four columns and
 * again in a unique index: 40 bytes of the 64 a cell took were the key
 * twice.  The rowid is the key's bits, most significant first, so the
 * rowids keep the order (dim, unit, day, key) and the cells of one scope
 * from one day to another are one range of rowids:
 *
 *	bits 60..62  dim		0 .. AGG_DIM_COUNT - 1
 *	bits 35..59  unit + 2^24	a scope: unit id or -unit id, |unit| < 2^24
 *	bits 16..34  day		0 .. 2^19 - 1 (days since 1970: to 3405)
 *	bits  0..15  key		0 .. 65535 (a category id or a channel)
 *
 * A key beyond these bounds cannot be stored (the store says so); the
 * model's ids and days are far inside them.
 */
#ifndef HAMGAN_STORE_CELL_PACK_H
#define HAMGAN_STORE_CELL_PACK_H

#include <stdint.h>

#include "model/agg.h"

#define CELL_UNIT_BOUND (INT64_C(1) << 24)	/* |unit| below it */
#define CELL_DAY_END (INT64_C(1) << 19)		/* day below it */
#define CELL_KEY_END (INT64_C(1) << 16)		/* key below it */

/* k's rowid in *id: 0, or ERR_INVALID when a part is beyond its bound. */
int cell_id_pack(const struct agg_key *k, int64_t *id);
/* The key of rowid id: 0, or ERR_INVALID when id is no packed key. */
int cell_id_unpack(int64_t id, struct agg_key *k);
/* The rowids [*lo, *hi] of dim's cells of unit from day_from to day_to
 * (days clamped to the bounds); unit 0 is every unit's cells of dim, from
 * any day (the caller keeps those of the days it wants).  *lo > *hi when
 * there are none. */
void cell_id_range(int dim, int64_t unit, int64_t day_from, int64_t day_to, int64_t *lo,
		   int64_t *hi);

#endif
