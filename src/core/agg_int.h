/*
 * agg_int.h - the tally's insides, shared by agg.c (the replay that fills
 * it, the transition hook) and agg_recount.c (the recount of --verify and
 * --rebuild).  Not a public header.
 */
#ifndef HAMGAN_CORE_AGG_INT_H
#define HAMGAN_CORE_AGG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/agg.h"

struct tcell {
	bool used;
	struct agg_key k;
	int64_t c[AGG_NCOUNTERS];
	struct agg_hist h;
};

struct tpair {
	bool used;
	struct agg_pair p;
};

struct ucache {
	int64_t id, parent;
	bool holder;		/* not the centre: a unit that can hold a message */
	signed char kids;	/* has child units: 1, 0, -1 not read yet */
};

/* Open-addressing hashes, at most half full; a cell or pair may be used
 * and still zero (contributions that cancelled). */
struct agg_tally {
	struct tcell *cells;
	size_t ncells, capcells;	/* capacity a power of two */
	struct tpair *pairs;
	size_t npairs, cappairs;
	struct ucache *units;
	size_t nunits, capunits;
};

/* Every counter 0 and no histogram bin. */
bool agg_cell_zero(const struct tcell *c);
/* Empty t of cells and pairs, keeping its tables and its unit cache. */
void agg_tally_clear(struct agg_tally *t);
/* The cells' order (agg_cell_scan's and the writes'): dim, unit, day, key;
 * <0, 0, >0. */
int agg_key_cmp(const struct agg_key *x, const struct agg_key *y);

#define AGG_CMP3(a, b) ((a) < (b) ? -1 : (a) > (b))

#endif
