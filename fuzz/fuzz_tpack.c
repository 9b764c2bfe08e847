/* fuzz_tpack.c - the packed text form (base/tpack.h), both ways: the input
 * as a text to pack, and as packed bytes read from a file nobody checked. */
#include "fuzz_common.h"

#include "base/err.h"
#include "base/str.h"
#include "base/tpack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	size_t cap = TPACK_EXPANSION * size + 1, n, k;
	unsigned char *packed = malloc(size + 1);
	char *out = malloc(cap), *again = malloc(cap);
	int len;

	if (!packed || !out || !again)
		abort();
	/* as a text: packed only when valid, NUL-free and shorter; then it
	 * unpacks to exactly the input */
	n = tpack_encode(in, size, packed);
	if (n > 0) {
		FUZZ_ASSERT(n < size);
		FUZZ_ASSERT(str_utf8_valid(in, size));
		FUZZ_ASSERT(tpack_decoded_len(packed, n) == (int)size);
		FUZZ_ASSERT(tpack_decode(packed, n, out, cap) == (int)size);
		FUZZ_ASSERT(memcmp(out, in, size) == 0 && out[size] == '\0');
	}
	/* as packed bytes: refused, or valid UTF-8 without NUL whose length
	 * decoded_len tells; a shorter buffer gets whole characters of it */
	len = tpack_decode(data, size, out, cap);
	FUZZ_ASSERT(len == tpack_decoded_len(data, size));
	if (len >= 0) {
		FUZZ_ASSERT((size_t)len <= TPACK_EXPANSION * size);
		FUZZ_ASSERT(str_utf8_valid(out, (size_t)len));
		FUZZ_ASSERT(strlen(out) == (size_t)len);
		for (k = 1; k <= 8 && k <= (size_t)len + 1; k++) {
			int cut = tpack_decode(data, size, again, k);

			FUZZ_ASSERT(cut >= 0 && (size_t)cut < k);
			FUZZ_ASSERT(memcmp(again, out, (size_t)cut) == 0);
			FUZZ_ASSERT(str_utf8_valid(again, (size_t)cut));
		}
	} else {
		FUZZ_ASSERT(len == ERR_INVALID);
	}
	free(packed);
	free(out);
	free(again);
	return 0;
}
