/* str.c - bounded string helpers; see str.h. */
#include <string.h>

#include "base/str.h"

size_t str_copy(char *dst, size_t dstsz, const char *src)
{
	size_t n = strlen(src);

	if (dstsz) {
		size_t k = n < dstsz - 1 ? n : dstsz - 1;
		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return n;
}

size_t str_utf8_decode(const char *s, size_t len, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned c, min;
	size_t n, i;

	if (!len)
		return 0;
	c = u[0];
	if (c < 0x80) {
		*cp = c;
		return c ? 1 : 0;
	} else if ((c & 0xe0) == 0xc0) {
		n = 2, c &= 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3, c &= 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

size_t str_utf8_encode(unsigned cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

bool str_utf8_valid(const char *s, size_t len)
{
	size_t i = 0, n;
	unsigned cp;

	while (i < len) {
		n = str_utf8_decode(s + i, len - i, &cp);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

size_t str_utf8_len(const char *s, size_t len)
{
	size_t i, count = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			count++;
	return count;
}

void str_utf8_trim_partial(char *s)
{
	size_t len = strlen(s), start = len, need;
	unsigned char c;

	/* Walk back over continuation bytes to the lead byte of the last char. */
	while (start > 0 && ((unsigned char)s[start - 1] & 0xc0) == 0x80 && len - start < 3)
		start--;
	if (start == 0)
		return;
	c = (unsigned char)s[start - 1];
	if (c < 0x80)
		return;
	need = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 1;
	if (len - (start - 1) < need)
		s[start - 1] = '\0';
}

bool str_eq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

bool str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long str_pct_decode(const char *in, size_t len, bool plus_space, char *out, size_t outsz)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (o + 1 >= outsz)
			return -1;
		if (c == '%') {
			int h, l;

			if (i + 2 >= len)
				return -1;
			h = hexval(in[i + 1]);
			l = h < 0 ? -1 : hexval(in[i + 2]);
			if (h < 0 || l < 0)
				return -1;
			c = (unsigned char)(h * 16 + l);
			if (c == 0)
				return -1;
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		} else if (c == 0) {
			return -1;
		}
		out[o++] = (char)c;
	}
	out[o] = '\0';
	if (!str_utf8_valid(out, o))
		return -1;
	return (long)o;
}
