/*
 * cell_pack.c - an aggregate cell's key in its rowid (cell_pack.h).
 */
#include "base/err.h"
#include "store/cell_pack.h"

#define KEY_SHIFT 0
#define DAY_SHIFT 16
#define UNIT_SHIFT 35
#define DIM_SHIFT 60

static int64_t join(int64_t dim, int64_t unit, int64_t day, int64_t key)
{
	return dim << DIM_SHIFT | (unit + CELL_UNIT_BOUND) << UNIT_SHIFT | day << DAY_SHIFT |
	       key << KEY_SHIFT;
}

int cell_id_pack(const struct agg_key *k, int64_t *id)
{
	if (k->dim < 0 || k->dim >= AGG_DIM_COUNT || k->unit <= -CELL_UNIT_BOUND ||
	    k->unit >= CELL_UNIT_BOUND || k->day < 0 || k->day >= CELL_DAY_END || k->key < 0 ||
	    k->key >= CELL_KEY_END)
		return ERR_INVALID;
	*id = join(k->dim, k->unit, k->day, k->key);
	return 0;
}

int cell_id_unpack(int64_t id, struct agg_key *k)
{
	int64_t u = id >> UNIT_SHIFT & ((INT64_C(1) << (DIM_SHIFT - UNIT_SHIFT)) - 1);

	k->dim = (int)(id >> DIM_SHIFT);
	k->unit = u - CELL_UNIT_BOUND;
	k->day = id >> DAY_SHIFT & (CELL_DAY_END - 1);
	k->key = id >> KEY_SHIFT & (CELL_KEY_END - 1);
	if (id < 0 || k->dim >= AGG_DIM_COUNT || u == 0)
		return ERR_INVALID;
	return 0;
}

void cell_id_range(int dim, int64_t unit, int64_t day_from, int64_t day_to, int64_t *lo,
		   int64_t *hi)
{
	*lo = 1;
	*hi = 0;
	if (dim < 0 || dim >= AGG_DIM_COUNT || unit <= -CELL_UNIT_BOUND || unit >= CELL_UNIT_BOUND)
		return;
	if (unit == 0) {
		*lo = join(dim, -CELL_UNIT_BOUND + 1, 0, 0);
		*hi = join(dim, CELL_UNIT_BOUND - 1, CELL_DAY_END - 1, CELL_KEY_END - 1);
		return;
	}
	if (day_from < 0)
		day_from = 0;
	if (day_to >= CELL_DAY_END)
		day_to = CELL_DAY_END - 1;
	if (day_from > day_to)
		return;
	*lo = join(dim, unit, day_from, 0);
	*hi = join(dim, unit, day_to, CELL_KEY_END - 1);
}
