/* num.c - bounded integer parsing; see num.h. */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/num.h"

int num_parsen(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
	uint64_t v = 0, limit;
	size_t i = 0;
	int neg = 0;

	if (len && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == len || len - i > 19)
		return ERR_INVALID;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return ERR_INVALID;
		d = (unsigned)(s[i] - '0');
		if (v > (limit - d) / 10)
			return ERR_INVALID;
		v = v * 10 + d;
	}
	{
		int64_t r = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v)
				: (int64_t)v;
		if (r < min || r > max)
			return ERR_INVALID;
		*out = r;
	}
	return 0;
}

int num_parse(const char *s, int64_t min, int64_t max, int64_t *out)
{
	return num_parsen(s, strlen(s), min, max, out);
}

int num_parse_decimal(const char *s, double min, double max, double *out)
{
	size_t i = 0, len, digits = 0;
	char *end = NULL;
	double v;

	if (!s)
		return ERR_INVALID;
	len = strlen(s);
	if (len == 0 || len > 32)
		return ERR_INVALID;
	if (s[i] == '-')
		i++;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	}
	if (i != len || digits == 0)
		return ERR_INVALID;
	/* the text is now a plain decimal, which strtod reads exactly so */
	v = strtod(s, &end);
	if (end != s + len || !(v >= min && v <= max))
		return ERR_INVALID;
	*out = v;
	return 0;
}
