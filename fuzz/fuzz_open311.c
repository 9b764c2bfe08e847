/* fuzz_open311.c - the Open311 attribute definitions (a category CSV cell)
 * and ISO 8601 date-times (query values, history files).  Properties: the
 * definitions accepted are at most CAP_OPEN311_ATTRS, each with a valid code,
 * a known datatype, values only for lists and no key twice; a date-time
 * accepted formats back to the same wall-clock second, which parses back
 * (format(parse(x)) is x's canonical form). */
#include "fuzz_common.h"

#include "base/str.h"
#include "core/open311.h"
#include "core/unit.h"
#include "fa/tehran.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct o311_attr *a = NULL;
	struct err e;
	size_t n = 0, i, j, k;
	int64_t local;
	bool has;
	int off;
	char out[64];

	if (o311_attrs_parse(s, &a, &n, &e) == 0) {
		FUZZ_ASSERT(n <= CAP_OPEN311_ATTRS);
		for (i = 0; i < n; i++) {
			bool list = a[i].datatype == O311_SINGLE || a[i].datatype == O311_MULTI;

			FUZZ_ASSERT(code_check("code", a[i].code, &e) == 0);
			FUZZ_ASSERT(a[i].datatype < O311_DATATYPE_COUNT);
			FUZZ_ASSERT(list == (a[i].nvalues > 0));
			FUZZ_ASSERT(a[i].nvalues <= CAP_OPEN311_VALUES);
			FUZZ_ASSERT(str_utf8_valid(a[i].description, strlen(a[i].description)));
			for (j = 0; j < a[i].nvalues; j++)
				for (k = j + 1; k < a[i].nvalues; k++)
					FUZZ_ASSERT(!str_eq(a[i].values[j].key, a[i].values[k].key));
			for (j = i + 1; j < n; j++)
				FUZZ_ASSERT(!str_eq(a[i].code, a[j].code));
		}
	}
	free(a);
	if (iso_time_parse(s, &local, &has, &off) == 0) {
		FUZZ_ASSERT(off > -24 * 3600 && off < 24 * 3600);
		int64_t again;
		bool has2;
		int off2;

		iso_time_format(local, 0, false, out, sizeof(out));
		FUZZ_ASSERT(strlen(out) == 19);
		FUZZ_ASSERT(iso_time_parse(out, &again, &has2, &off2) == 0);
		FUZZ_ASSERT(again == local && !has2);
		if (has) {
			/* the same instant written with its offset reads back */
			iso_time_format(local - off, off, true, out, sizeof(out));
			FUZZ_ASSERT(strlen(out) == 25);
			FUZZ_ASSERT(iso_time_parse(out, &again, &has2, &off2) == 0);
			FUZZ_ASSERT(again == local && has2 && off2 == off);
		}
	}
	free(s);
	return 0;
}
