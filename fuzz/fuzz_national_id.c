/* fuzz_national_id.c - national id and tracking code checks against an
 * independent statement of the rules; codes made from a number pass the
 * check; fa_ascii_digits and fa_digit_at agree with fa_digits. */
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
		char ascii[11];

		buf_reset(&b);
		FUZZ_ASSERT(fa_digits(s, size, DIGITS_ASCII, &b) == 0);
		FUZZ_ASSERT(b.len == 10 && b.data[0] != '0');
		FUZZ_ASSERT(damm_digit(b.data, 10) == 0);
		/* the form stored is that ASCII form */
		FUZZ_ASSERT(tracking_code_ascii(s, ascii) == 0 && strcmp(ascii, b.data) == 0);
	}
	if (size >= 8) {
		uint64_t r;
		char code[11];

		memcpy(&r, data, 8);
		tracking_code_from(r, code);
		FUZZ_ASSERT(strlen(code) == 10 && tracking_code_check(code) == 0);
	}
	{
		char out[64];
		size_t n = 0, dl;

		if (fa_ascii_digits(s, out, sizeof(out)) == 0) {
			buf_reset(&b);
			FUZZ_ASSERT(fa_digits(s, strlen(s), DIGITS_ASCII, &b) == 0);
			FUZZ_ASSERT(strcmp(out, b.data) == 0);
		}
		dl = strlen(s);
		if (fa_digit_at(s, dl, &n) >= 0) {
			int d = fa_digit_at(s, dl, &n);

			FUZZ_ASSERT(d <= 9 && n >= 1 && n <= dl);
			buf_reset(&b);
			FUZZ_ASSERT(fa_digits(s, n, DIGITS_ASCII, &b) == 0);
			FUZZ_ASSERT(b.len == 1 && b.data[0] == '0' + d);
		}
	}
	buf_release(&b);
	free(s);
	return 0;
}
