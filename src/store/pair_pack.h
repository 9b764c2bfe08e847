/*
 * pair_pack.h - the pair counts of one row of the SQLite store's
 * agg_pairs in one blob (sqlite_agg.c, schema 19).
 *
 * A report reads the pairs of a scope a month at a time: the answered
 * pairs of an entry month, the deadline pairs of a deadline month.  One row
 * a pair put hundreds of rows behind each month of a big city; one row a
 * (dim, unit, kind, day, key) with its pairs packed puts one, and decoding
 * a pair costs a few nanoseconds where stepping a row costs a few hundred.
 *
 * The blob is the row's (day2, n) counts in increasing order of day2, no
 * two with the same day2 and none with n = 0, each as two zigzag varints
 * (base/varint.h): day2 less the day2 before it (the first: less the row's
 * day), then n.  An empty blob is no pairs (the store deletes such a row).
 * Days and counts are within PAIR_PACK_BOUND of 0 (a day number is about
 * 20,000 and AGG_OPEN 99,999,999), so no difference or sum can overflow;
 * a blob naming anything further is damaged.
 */
#ifndef HAMGAN_STORE_PAIR_PACK_H
#define HAMGAN_STORE_PAIR_PACK_H

#include <stddef.h>
#include <stdint.h>

/* The furthest from 0 a day, day2 or count may be. */
#define PAIR_PACK_BOUND (INT64_C(1) << 40)

/* The most bytes one pair takes: two varints of 64 bits. */
#define PAIR_PACK_BYTES 20
/* The most a blob grows by one pair_pack_add: the new pair, and the pair
 * after it, whose difference is now taken from it, one byte longer. */
#define PAIR_PACK_GROW (PAIR_PACK_BYTES + 1)

/* Reading a blob, pair after pair. */
struct pair_iter {
	const unsigned char *p;
	size_t len, pos;
	int64_t day2;		/* the pair before's, or the row's day */
	int first;
};

void pair_iter_init(struct pair_iter *it, const unsigned char *p, size_t len, int64_t day);
/* 1 with the next pair in *day2 and *n, 0 at the end, ERR_INVALID when the
 * blob is damaged (cut short, out of order, a zero count, a day or count
 * beyond PAIR_PACK_BOUND, or the row's day beyond it). */
int pair_iter_next(struct pair_iter *it, int64_t *day2, int64_t *n);

/* One pair at out (PAIR_PACK_BYTES bytes of room), after a pair of day2
 * prev (the first: prev is the row's day); returns the bytes written. */
size_t pair_pack_put(unsigned char *out, int64_t prev, int64_t day2, int64_t n);

/* The blob in[0..len) of a row of day with n added to day2's count (a new
 * pair, or one gone when its count reaches 0), written to out, which has
 * room for len + PAIR_PACK_GROW bytes; returns the new length, or
 * ERR_INVALID when in is damaged or day, day2 or n is beyond
 * PAIR_PACK_BOUND. */
long pair_pack_add(const unsigned char *in, size_t len, int64_t day, int64_t day2, int64_t n,
		   unsigned char *out);

#endif
