/* fuzz_dates.c - jalali_parse / gregorian_parse / day numbers: round trips. */
#include "fuzz_common.h"

#include "fa/jalali.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	char t[JALALI_FMT_MAX];
	struct jdate j, j2;
	struct gdate g, g2;
	int64_t days;

	if (jalali_parse(s, &j) == 0) {
		FUZZ_ASSERT(jalali_valid(&j));
		FUZZ_ASSERT(jalali_to_gregorian(&j, &g) == 0);
		FUZZ_ASSERT(jalali_from_gregorian(&g, &j2) == 0);
		FUZZ_ASSERT(memcmp(&j, &j2, sizeof(j)) == 0);
		FUZZ_ASSERT(jalali_format(&j, t, sizeof(t)) == 10);
		FUZZ_ASSERT(jalali_parse(t, &j2) == 0 && memcmp(&j, &j2, sizeof(j)) == 0);
		FUZZ_ASSERT(jalali_format_fa(&j, t, sizeof(t)) == 18);
		FUZZ_ASSERT(jalali_parse(t, &j2) == 0 && memcmp(&j, &j2, sizeof(j)) == 0);
		FUZZ_ASSERT(jalali_weekday(&j) >= 0 && jalali_weekday(&j) <= 6);
	}
	if (gregorian_parse(s, &g) == 0) {
		FUZZ_ASSERT(jalali_from_gregorian(&g, &j) == 0);
		FUZZ_ASSERT(jalali_to_gregorian(&j, &g2) == 0);
		FUZZ_ASSERT(memcmp(&g, &g2, sizeof(g)) == 0);
		FUZZ_ASSERT(gregorian_format(&g, t, sizeof(t)) == 10);
		FUZZ_ASSERT(gregorian_parse(t, &g2) == 0 && memcmp(&g, &g2, sizeof(g)) == 0);
	}
	if (size >= 8) {
		memcpy(&days, data, 8);
		days %= 400000;		/* keep most values near the range */
		if (jalali_from_days(days, &j) == 0) {
			FUZZ_ASSERT(jalali_valid(&j));
			FUZZ_ASSERT(jalali_to_days(&j) == days);
		}
	}
	free(s);
	return 0;
}
