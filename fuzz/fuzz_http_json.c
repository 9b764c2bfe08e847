/* fuzz_http_json.c - request bodies: the pre-scan, cJSON and the declarative
 * validator.  Properties: whatever the scan accepts is valid UTF-8 with
 * bounded depth; whatever the validator accepts has every string within its
 * limits, valid UTF-8 and free of control characters, every number in range,
 * and no member twice.  (jval.c lives in src/http, outside libhamgan.a, so it
 * is compiled in here.) */
#include "fuzz_common.h"

#include <cjson/cJSON.h>

#include "base/str.h"
#include "http/jval.c"

struct in {
	const char *name, *note;
	struct jv_int n;
	struct jv_num x;
	struct jv_bool b;
};

static const struct jval_field fields[] = {
	JV_STR(struct in, name, true, 16, 5),
	JV_STR(struct in, note, false, 64, 0),
	JV_INT(struct in, n, false, -5, 5),
	JV_NUM(struct in, x, false, -90, 90),
	JV_BOOL(struct in, b, false),
	JV_END,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct err e;
	struct in in;
	cJSON *j;
	const char *end = NULL;

	if (jval_scan(s, size, &e) == 0) {
		FUZZ_ASSERT(str_utf8_valid(s, size));
		j = cJSON_ParseWithOpts(s, &end, 1);
		if (j && jval_object(j, fields, &in, &e) == 0) {
			FUZZ_ASSERT(in.name && strlen(in.name) <= 16);
			FUZZ_ASSERT(str_utf8_len(in.name, strlen(in.name)) <= 5);
			FUZZ_ASSERT(jval_string("name", in.name, 16, 5, &e) == 0);
			FUZZ_ASSERT(!in.note || strlen(in.note) <= 64);
			FUZZ_ASSERT(!in.n.set || (in.n.v >= -5 && in.n.v <= 5));
			FUZZ_ASSERT(!in.x.set || (in.x.v >= -90 && in.x.v <= 90));
		}
		cJSON_Delete(j);
	}
	free(s);
	return 0;
}
