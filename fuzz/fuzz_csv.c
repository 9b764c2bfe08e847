/* fuzz_csv.c - the bounded CSV reader: never reads past the input, every
 * field is NUL-terminated inside the record, errors name a line, and the
 * field count stays within the cap. */
#include "fuzz_common.h"

#include "base/caps.h"
#include "core/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv r;
	struct err err;
	size_t i, records = 0;
	int rc;

	rc = csv_init(&r, (const char *)data, size, &err);
	while (rc == 0 || rc == 1) {
		rc = csv_next(&r, &err);
		if (rc != 1)
			break;
		records++;
		FUZZ_ASSERT(r.nfields >= 1 && r.nfields <= CAP_CSV_FIELDS);
		for (i = 0; i < r.nfields; i++)
			FUZZ_ASSERT(r.fields[i] >= r.rec.data &&
				    r.fields[i] + strlen(r.fields[i]) <= r.rec.data + r.rec.len);
		FUZZ_ASSERT(records <= size + 1);
	}
	if (rc < 0)
		FUZZ_ASSERT(strstr(err.msg, "line ") != NULL || strstr(err.msg, "file") != NULL);
	csv_release(&r);
	return 0;
}
