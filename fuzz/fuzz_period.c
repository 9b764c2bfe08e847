/* fuzz_period.c - jperiod_parse: labels read back, spans are ordered, the
 * previous year, the month and week splits stay consistent, the period made
 * from its own days is the same period, its Persian name fits, and it
 * contains its first instant but not its end. */
#include "fuzz_common.h"

#include "base/err.h"
#include "base/str.h"
#include "fa/period.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct jperiod p, q, parts[64];
	struct err err;
	size_t n, i;

	if (jperiod_parse(s, &p, &err) == 0) {
		FUZZ_ASSERT(p.start < p.end);
		FUZZ_ASSERT(jperiod_parse(p.label, &q, &err) == 0);
		FUZZ_ASSERT(memcmp(&p, &q, sizeof(p)) == 0);
		if (jperiod_previous_year(&p, &q, &err) == 0) {
			FUZZ_ASSERT(q.start < q.end && q.end <= p.end);
			FUZZ_ASSERT(q.first.y == p.first.y - 1 && q.last.y == p.last.y - 1);
		} else {
			FUZZ_ASSERT(p.first.y == JALALI_MIN_YEAR);
		}
		FUZZ_ASSERT(jperiod_from_days(&p.first, &p.last, &q, &err) == 0);
		FUZZ_ASSERT(q.start == p.start && q.end == p.end && strcmp(q.label, p.label) == 0);
		{
			char name[256];
			size_t len = jperiod_name_fa(&p, name, sizeof(name));

			FUZZ_ASSERT(len > 0 && len < sizeof(name) && strlen(name) == len);
			FUZZ_ASSERT(str_utf8_valid(name, len));
		}
		FUZZ_ASSERT(jperiod_contains(&p, p.start) && jperiod_contains(&p, p.end - 1));
		FUZZ_ASSERT(!jperiod_contains(&p, p.end) && !jperiod_contains(&p, p.start - 1));
		if (jperiod_weeks(&p, parts, 64, &n, &err) == 0) {
			FUZZ_ASSERT(n >= 1 && parts[0].start == p.start && parts[n - 1].end == p.end);
			for (i = 1; i < n; i++)
				FUZZ_ASSERT(parts[i].start == parts[i - 1].end);
		} else {
			FUZZ_ASSERT(err.code == ERR_TOOBIG && n == 64);
		}
		if (jperiod_months(&p, parts, 64, &n, &err) == 0) {
			FUZZ_ASSERT(n >= 1 && parts[0].start == p.start && parts[n - 1].end == p.end);
			for (i = 1; i < n; i++)
				FUZZ_ASSERT(parts[i].start == parts[i - 1].end);
		} else {
			FUZZ_ASSERT(err.code == ERR_TOOBIG && n == 64);
		}
	} else {
		FUZZ_ASSERT(err.code == ERR_INVALID && err.msg[0] != '\0');
	}
	free(s);
	return 0;
}
