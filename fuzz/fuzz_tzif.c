/* fuzz_tzif.c - the bounded TZif reader behind tehran.h on any bytes: no
 * crash, no read past the input, offsets within +-26 hours. */
#include "fuzz_common.h"

#include "fa/tehran.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy so ASan sees any read past the end */
	uint8_t *copy = malloc(size ? size : 1);
	int off = 0;
	int64_t t = 0;

	if (!copy)
		abort();
	memcpy(copy, data, size);
	if (size >= 8)
		memcpy(&t, data + size - 8, 8);
	if (tehran_tzif_offset(copy, size, t, &off) == 0)
		FUZZ_ASSERT(off >= -26 * 3600 && off <= 26 * 3600);
	free(copy);
	return 0;
}
