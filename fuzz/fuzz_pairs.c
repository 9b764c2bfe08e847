/* fuzz_pairs.c - the report aggregates' packed pair counts
 * (store/pair_pack.h) as bytes read from a file nobody checked: the first
 * 2 bytes pick a pair to add, the rest is the stored blob. */
#include "fuzz_common.h"

#include <stdbool.h>

#include "base/err.h"
#include "store/pair_pack.h"

#define DAY 20000
#define MAXP 4096

/* The blob's pairs into d[], n[]: how many, or -1 when it is refused. */
static long read_all(const unsigned char *p, size_t len, int64_t *d, int64_t *n)
{
	struct pair_iter it;
	long k = 0;
	int rc;

	pair_iter_init(&it, p, len, DAY);
	while ((rc = pair_iter_next(&it, &d[k], &n[k])) == 1) {
		FUZZ_ASSERT(n[k] != 0);
		FUZZ_ASSERT(k == 0 || d[k] > d[k - 1]);
		FUZZ_ASSERT(k + 1 < MAXP);
		k++;
	}
	FUZZ_ASSERT(rc == 0 || rc == ERR_INVALID);
	return rc == 0 ? k : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int64_t d[MAXP], n[MAXP], d2[MAXP], n2[MAXP];
	const unsigned char *blob;
	unsigned char *out;
	int64_t day2, add;
	long k, k2, len, i, j;
	bool over;

	if (size < 2 || size > 2 * MAXP)
		return 0;
	blob = data + 2;
	size -= 2;
	/* a day2 around the row's day, or the open end; a count -4..3 */
	day2 = data[0] == 0xff ? INT64_C(99999999) : DAY - 64 + data[0];
	add = (int64_t)(data[1] & 7) - 4;
	out = malloc(size + PAIR_PACK_GROW);
	if (!out)
		abort();
	k = read_all(blob, size, d, n);
	len = pair_pack_add(blob, size, DAY, day2, add, out);
	/* refused by the reader exactly when refused by an addition, or the
	 * addition takes day2's count beyond the bound */
	over = false;
	for (i = 0; i < k; i++)
		if (d[i] == day2)
			over = n[i] + add > PAIR_PACK_BOUND || n[i] + add < -PAIR_PACK_BOUND;
	FUZZ_ASSERT((k < 0 || over) == (len < 0));
	if (k >= 0 && !over) {
		FUZZ_ASSERT(len >= 0 && (size_t)len <= size + PAIR_PACK_GROW);
		k2 = read_all(out, (size_t)len, d2, n2);
		FUZZ_ASSERT(k2 >= 0);
		/* the same pairs but day2's, which moved by add (or came or went) */
		for (i = 0, j = 0; i < k || j < k2;) {
			if (i < k && d[i] == day2) {
				if (n[i] + add != 0) {
					FUZZ_ASSERT(j < k2 && d2[j] == day2 && n2[j] == n[i] + add);
					j++;
				}
				i++;
			} else if (j < k2 && d2[j] == day2) {
				FUZZ_ASSERT(add != 0 && n2[j] == add);
				FUZZ_ASSERT(i == k || d[i] > day2);
				j++;
			} else {
				FUZZ_ASSERT(i < k && j < k2 && d[i] == d2[j] && n[i] == n2[j]);
				i++;
				j++;
			}
		}
	}
	free(out);
	return 0;
}
