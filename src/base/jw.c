/*
 * jw.c - the JSON text writer (base/jw.h).
 */
#include <math.h>

#include "base/jw.h"

void jw_quote(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *run = p;

	buf_addc(b, '"');
	for (; *p; p++) {
		const char *esc = NULL;

		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		buf_add(b, run, (size_t)(p - run));
		run = p + 1;
		switch (*p) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default: break;
		}
		if (esc)
			buf_adds(b, esc);
		else
			buf_addf(b, "\\u%04x", *p);
	}
	buf_add(b, run, (size_t)(p - run));
	buf_addc(b, '"');
}

/* The comma before a member or element, and the member's key. */
static void lead(struct buf *b, const char *key)
{
	char last = b->len ? b->data[b->len - 1] : '{';

	if (last != '{' && last != '[' && last != ':')
		buf_addc(b, ',');
	if (key) {
		jw_quote(b, key);
		buf_addc(b, ':');
	}
}

void jw_object(struct buf *b, const char *key)
{
	lead(b, key);
	buf_addc(b, '{');
}

void jw_object_end(struct buf *b)
{
	buf_addc(b, '}');
}

void jw_array(struct buf *b, const char *key)
{
	lead(b, key);
	buf_addc(b, '[');
}

void jw_array_end(struct buf *b)
{
	buf_addc(b, ']');
}

void jw_str(struct buf *b, const char *key, const char *value)
{
	lead(b, key);
	jw_quote(b, value);
}

void jw_int(struct buf *b, const char *key, int64_t value)
{
	char d[24], *p = d + sizeof(d);
	/* the magnitude as unsigned: INT64_MIN has no positive int64_t */
	uint64_t u = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;

	lead(b, key);
	/* by hand: lists write thousands of these, and buf_addf formats twice */
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (value < 0)
		*--p = '-';
	buf_add(b, p, (size_t)(d + sizeof(d) - p));
}

void jw_bool(struct buf *b, const char *key, bool value)
{
	lead(b, key);
	buf_adds(b, value ? "true" : "false");
}

void jw_null(struct buf *b, const char *key)
{
	lead(b, key);
	buf_adds(b, "null");
}

void jw_fixed(struct buf *b, const char *key, double value, int decimals)
{
	lead(b, key);
	if (isnan(value) || isinf(value))
		buf_adds(b, "null");
	else
		buf_addf(b, "%.*f", decimals, value);
}

void jw_raw(struct buf *b, const char *key, const char *json)
{
	lead(b, key);
	buf_adds(b, json);
}
