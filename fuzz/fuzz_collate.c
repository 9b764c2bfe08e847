/* fuzz_collate.c - the Persian order (fa/collate.h) on three strings cut
 * from the input at its NULs (or in thirds): the order is total and
 * consistent.  Properties: a string equals itself, swapping two flips the
 * sign, equal means byte-equal (ties fall back to bytes), and for three
 * strings a <= b and b <= c give a <= c. */
#include "fuzz_common.h"

#include "fa/collate.h"

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	size_t la = strlen(s), third = size / 3;
	char *a, *b, *c;
	int ab, ba, bc, ac;

	/* a, b, c: three parts cut at NULs if there are two, else by length */
	if (la < size && strlen(s + la + 1) + la + 1 < size) {
		a = strdup(s);
		b = strdup(s + la + 1);
		c = strdup(s + la + 1 + strlen(s + la + 1) + 1);
	} else {
		a = strndup(s, third);
		b = strndup(s + third, third);
		c = strndup(s + 2 * third, size - 2 * third);
	}
	if (!a || !b || !c)
		abort();
	FUZZ_ASSERT(fa_collate(a, a) == 0);
	ab = sign(fa_collate(a, b));
	ba = sign(fa_collate(b, a));
	FUZZ_ASSERT(ab == -ba);
	FUZZ_ASSERT((ab == 0) == (strcmp(a, b) == 0));
	bc = sign(fa_collate(b, c));
	ac = sign(fa_collate(a, c));
	if (ab <= 0 && bc <= 0)
		FUZZ_ASSERT(ac <= 0);
	if (ab >= 0 && bc >= 0)
		FUZZ_ASSERT(ac >= 0);
	free(a);
	free(b);
	free(c);
	free(s);
	return 0;
}
