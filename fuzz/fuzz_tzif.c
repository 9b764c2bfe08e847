/* fuzz_tzif.c - the bounded TZif reader behind tehran.h on any bytes: no
 * crash, no read past the input, offsets within +-26 hours.  The input as a
 * zone name goes to tz_load (segments of [A-Za-z0-9_+-], never a path of
 * its own): a zone it loads gives offsets within +-26 hours and turns the
 * local time of an instant back into that instant or, in a gap or a
 * repeated hour, one within a day of it. */
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
	if (size < 64 && memchr(data, 0, size) == NULL) {
		char name[64];
		struct tz *z = NULL;

		memcpy(name, data, size);
		name[size] = '\0';
		if (tz_load(name, &z) == 0) {
			int64_t u = 0, utc = t % (200LL * 365 * 86400);
			int o = tz_offset(z, utc);

			FUZZ_ASSERT(strstr(name, "..") == NULL && name[0] != '/');
			FUZZ_ASSERT(o >= -26 * 3600 && o <= 26 * 3600);
			if (tz_local_to_utc(z, utc + o, &u) == 0)
				FUZZ_ASSERT(u - utc <= 86400 && utc - u <= 86400);
			tz_free(z);
		}
	}
	return 0;
}
