/* fuzz_mobile.c - fa_mobile_normalize: output shape and idempotence. */
#include "fuzz_common.h"

#include "fa/ids.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	char out[12], again[12];
	int i;

	memset(out, 'x', sizeof(out));
	if (fa_mobile_normalize(s, out) == 0) {
		FUZZ_ASSERT(out[0] == '0' && out[1] == '9' && out[11] == '\0');
		for (i = 2; i < 11; i++)
			FUZZ_ASSERT(out[i] >= '0' && out[i] <= '9');
		FUZZ_ASSERT(fa_mobile_normalize(out, again) == 0);
		FUZZ_ASSERT(memcmp(out, again, 12) == 0);
	}
	free(s);
	return 0;
}
