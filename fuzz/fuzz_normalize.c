/* fuzz_normalize.c - fa_normalize and fa_digits: idempotence, the shape of
 * the output, digits conversions that undo each other. */
#include "fuzz_common.h"

#include "base/buf.h"
#include "base/caps.h"
#include "base/err.h"
#include "base/str.h"
#include "fa/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	struct buf a = BUF_INIT(CAP_NORMALIZE_IN), b = BUF_INIT(CAP_NORMALIZE_IN);
	struct buf p = BUF_INIT(4 * size + 16), q = BUF_INIT(4 * size + 16);
	size_t i;
	int rc = fa_normalize(in, size, &a);

	if (rc == 0) {
		FUZZ_ASSERT(a.len <= size);
		FUZZ_ASSERT(str_utf8_valid(a.data, a.len));
		FUZZ_ASSERT(fa_normalize(a.data, a.len, &b) == 0);
		FUZZ_ASSERT(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
		FUZZ_ASSERT(strstr(a.data, "\xe2\x80\x8c") == NULL);	/* ZWNJ */
		FUZZ_ASSERT(strstr(a.data, "  ") == NULL);
		FUZZ_ASSERT(a.len == 0 || (a.data[0] != ' ' && a.data[a.len - 1] != ' '));
		for (i = 0; i < a.len; i++)
			FUZZ_ASSERT(!(a.data[i] >= 'A' && a.data[i] <= 'Z') && a.data[i] != '\t' &&
				    a.data[i] != '\n');
	} else {
		FUZZ_ASSERT(rc == ERR_INVALID || rc == ERR_TOOBIG);
		FUZZ_ASSERT(a.len == 0);
	}
	/* Persian then ASCII gives the same as ASCII directly */
	FUZZ_ASSERT(fa_digits(in, size, DIGITS_PERSIAN, &p) == 0);
	FUZZ_ASSERT(fa_digits(p.data, p.len, DIGITS_ASCII, &q) == 0);
	buf_reset(&p);
	FUZZ_ASSERT(fa_digits(in, size, DIGITS_ASCII, &p) == 0);
	FUZZ_ASSERT(p.len == q.len && memcmp(p.data, q.data, p.len) == 0);
	buf_release(&a);
	buf_release(&b);
	buf_release(&p);
	buf_release(&q);
	return 0;
}
