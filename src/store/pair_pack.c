/*
 * pair_pack.c - the pair counts of an agg_pairs row in one blob
 * (pair_pack.h).
 */
#include "base/err.h"
#include "base/varint.h"
#include "store/pair_pack.h"

static int within(int64_t v)
{
	return v >= -PAIR_PACK_BOUND && v <= PAIR_PACK_BOUND;
}

void pair_iter_init(struct pair_iter *it, const unsigned char *p, size_t len, int64_t day)
{
	it->p = p;
	it->len = p ? len : 0;
	it->pos = 0;
	it->day2 = day;
	it->first = 1;
}

int pair_iter_next(struct pair_iter *it, int64_t *day2, int64_t *n)
{
	uint64_t d, v;
	int64_t delta;

	if (it->pos >= it->len)
		return 0;
	if (varint_get(it->p, it->len, &it->pos, &d) < 0 ||
	    varint_get(it->p, it->len, &it->pos, &v) < 0)
		return ERR_INVALID;
	delta = varint_unzigzag(d);
	*n = varint_unzigzag(v);
	/* increasing day2 after the first; never a zero count; nothing
	 * beyond the bound (so the sum below cannot overflow) */
	if ((!it->first && delta <= 0) || *n == 0 || !within(*n) || !within(it->day2) ||
	    delta > 2 * PAIR_PACK_BOUND || delta < -2 * PAIR_PACK_BOUND ||
	    !within(it->day2 + delta))
		return ERR_INVALID;
	it->day2 += delta;
	it->first = 0;
	*day2 = it->day2;
	return 1;
}

size_t pair_pack_put(unsigned char *out, int64_t prev, int64_t day2, int64_t n)
{
	size_t len = varint_put(out, varint_zigzag(day2 - prev));

	return len + varint_put(out + len, varint_zigzag(n));
}

long pair_pack_add(const unsigned char *in, size_t len, int64_t day, int64_t day2, int64_t n,
		   unsigned char *out)
{
	struct pair_iter it;
	int64_t d2, c, prev = day;
	size_t olen = 0;
	int rc, placed = n == 0;

	if (!within(day) || !within(day2) || !within(n))
		return ERR_INVALID;
	pair_iter_init(&it, in, len, day);
	/* the pairs before day2 as they are, day2's, the pairs after it; each
	 * written again, its difference taken from the pair now before it */
	while ((rc = pair_iter_next(&it, &d2, &c)) == 1) {
		if (!placed && d2 >= day2) {
			placed = 1;
			if (d2 == day2) {
				c += n;
				if (!within(c))
					return ERR_INVALID;
				if (c == 0)
					continue;
			} else {
				olen += pair_pack_put(out + olen, prev, day2, n);
				prev = day2;
			}
		}
		olen += pair_pack_put(out + olen, prev, d2, c);
		prev = d2;
	}
	if (rc < 0)
		return ERR_INVALID;
	if (!placed)
		olen += pair_pack_put(out + olen, prev, day2, n);
	return (long)olen;
}
