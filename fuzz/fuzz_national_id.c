/* fuzz_national_id.c - national id and tracking code checks against an
 * independent statement of the rules. */
#include "fuzz_common.h"

#include "base/buf.h"
#include "fa/ids.h"
#include "fa/text.h"

static int nid_model(const char *a)
{
	int i, s = 0, r, same = 1, zero = 1;

	if (strlen(a) != 10)
		return -1;
	for (i = 0; i < 10; i++)
		if (a[i] < '0' || a[i] > '9')
			return -1;
	for (i = 0; i < 9; i++)
		s += (a[i] - '0') * (10 - i);
	r = s % 11;
	for (i = 1; i < 10; i++)
		same &= a[i] == a[0];
	for (i = 3; i < 9; i++)
		zero &= a[i] == '0';
	return !same && !zero && a[9] - '0' == (r < 2 ? r : 11 - r) ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct buf b = BUF_INIT(4096);
	int rc = fa_national_id_check(s);

	if (strlen(s) == size && fa_digits(s, size, DIGITS_ASCII, &b) == 0) {
		/* the same verdict as the model on the ASCII form */
		FUZZ_ASSERT((rc == 0) == (nid_model(b.data) == 0));
		/* and the same in Persian digits */
		if (rc == 0) {
			struct buf p = BUF_INIT(4096);

			FUZZ_ASSERT(fa_digits(s, size, DIGITS_PERSIAN, &p) == 0);
			FUZZ_ASSERT(fa_national_id_check(p.data) == 0);
			buf_release(&p);
		}
	}
	if (tracking_code_check(s) == 0 && strlen(s) == size) {
		buf_reset(&b);
		FUZZ_ASSERT(fa_digits(s, size, DIGITS_ASCII, &b) == 0);
		FUZZ_ASSERT(b.len == 10 && b.data[0] != '0');
		FUZZ_ASSERT(damm_digit(b.data, 10) == 0);
	}
	buf_release(&b);
	free(s);
	return 0;
}
