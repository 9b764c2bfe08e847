/* fuzz_form.c - the form-encoded body reader of Open311 POSTs.  Properties:
 * whatever it accepts is at most CAP_FORM_FIELDS pairs, each name and value
 * valid UTF-8 without NUL or control characters other than tab, CR and LF,
 * and no longer than the input; form_get finds the first pair of a name.
 * (form.c lives in src/http, outside libhamgan.a, so it is compiled in.) */
#include "fuzz_common.h"

#include "base/str.h"
#include "http/form.c"

static void check_text(const char *s, size_t size)
{
	size_t i, len = strlen(s);

	FUZZ_ASSERT(len <= size);
	FUZZ_ASSERT(str_utf8_valid(s, len));
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		FUZZ_ASSERT(c >= 0x20 || c == '\t' || c == '\n' || c == '\r');
		FUZZ_ASSERT(c != 0x7f);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form f;
	struct err e;
	size_t i;

	if (form_parse(&f, (const char *)data, size, &e) == 0) {
		FUZZ_ASSERT(f.n <= CAP_FORM_FIELDS);
		for (i = 0; i < f.n; i++) {
			check_text(f.pairs[i].name, size);
			check_text(f.pairs[i].value, size);
		}
		if (f.n)
			FUZZ_ASSERT(form_get(&f, f.pairs[0].name, NULL) == f.pairs[0].value);
	}
	form_release(&f);
	return 0;
}
