/*
 * tpack.c - packed text (tpack.h).
 *
 * Why a fixed table rather than a general compressor: a message's texts
 * are short (a subject of 30 letters, a body of 80, an answer of 120) and
 * a compressor without a dictionary finds little to repeat in so few
 * bytes, while a dictionary trained on past messages would tie every
 * stored text to it.  What short Persian text does waste is UTF-8's two
 * bytes a letter; the table gives each letter one.  docs/performance.md
 * ("Database size") has the figures beside SCSU, BOCU-1 and zstd.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "base/err.h"
#include "base/tpack.h"

#define TPACK_ESCAPE 0xff

/* The characters of bytes 0x80..0xfe, in that order.  Never change or
 * reorder an entry: stored texts depend on it. */
static const uint16_t table[127] = {
	/* 0x80: the Arabic letters, U+0621..U+063A */
	0x0621, 0x0622, 0x0623, 0x0624, 0x0625, 0x0626, 0x0627, 0x0628,
	0x0629, 0x062A, 0x062B, 0x062C, 0x062D, 0x062E, 0x062F, 0x0630,
	0x0631, 0x0632, 0x0633, 0x0634, 0x0635, 0x0636, 0x0637, 0x0638,
	0x0639, 0x063A,
	/* 0x9a: tatweel, U+0641..U+064A, the harakat U+064B..U+0655 */
	0x0640, 0x0641, 0x0642, 0x0643, 0x0644, 0x0645, 0x0646, 0x0647,
	0x0648, 0x0649, 0x064A, 0x064B, 0x064C, 0x064D, 0x064E, 0x064F,
	0x0650, 0x0651, 0x0652, 0x0653, 0x0654, 0x0655,
	/* 0xb0: Persian letters, superscript alef */
	0x067E, 0x0686, 0x0698, 0x06A9, 0x06AF, 0x06CC, 0x06C0, 0x0670,
	/* 0xb8: Persian digits U+06F0..U+06F9 */
	0x06F0, 0x06F1, 0x06F2, 0x06F3, 0x06F4, 0x06F5, 0x06F6, 0x06F7,
	0x06F8, 0x06F9,
	/* 0xc2: Arabic-Indic digits U+0660..U+0669 */
	0x0660, 0x0661, 0x0662, 0x0663, 0x0664, 0x0665, 0x0666, 0x0667,
	0x0668, 0x0669,
	/* 0xcc: Arabic punctuation: comma, semicolon, question mark, percent,
	 * decimal and thousands separators, full stop */
	0x060C, 0x061B, 0x061F, 0x066A, 0x066B, 0x066C, 0x06D4,
	/* 0xd3: joiners and direction marks, no-break space, guillemets,
	 * quotes, dashes, ellipsis, bullet, middle dot, multiplication sign,
	 * degree */
	0x200C, 0x200D, 0x200E, 0x200F, 0x00A0, 0x00AB, 0x00BB, 0x201C,
	0x201D, 0x2018, 0x2019, 0x2013, 0x2014, 0x2026, 0x2022, 0x00B7,
	0x00D7, 0x00B0,
	/* 0xe5: Latin-1 letters of names and places, the euro and pound
	 * signs, and at 0xfe the rial sign */
	0x00E0, 0x00E1, 0x00E2, 0x00E4, 0x00E7, 0x00E8, 0x00E9, 0x00EA,
	0x00EB, 0x00ED, 0x00EE, 0x00EF, 0x00F1, 0x00F3, 0x00F4, 0x00F6,
	0x00FA, 0x00FB, 0x00FC, 0x00C9, 0x00D6, 0x00DC, 0x00DF, 0x20AC,
	0x00A3, 0xFDFC,
};

_Static_assert(sizeof(table) / sizeof(table[0]) == TPACK_ESCAPE - 0x80,
	       "one table entry for each byte 0x80..0xfe");

/* The table's byte of code point c, or 0 when c is not in it: the dense
 * runs of the table by arithmetic, the rest by looking (a text is packed
 * once, when it is written). */
static unsigned char byte_of(uint32_t c)
{
	unsigned i;

	if (c >= 0x0621 && c <= 0x063A)
		return (unsigned char)(0x80 + (c - 0x0621));
	if (c >= 0x0640 && c <= 0x0655)
		return (unsigned char)(0x9a + (c - 0x0640));
	if (c >= 0x06F0 && c <= 0x06F9)
		return (unsigned char)(0xb8 + (c - 0x06F0));
	if (c >= 0x0660 && c <= 0x0669)
		return (unsigned char)(0xc2 + (c - 0x0660));
	for (i = 0x30; i < 127; i++)
		if (table[i] == c)
			return (unsigned char)(0x80 + i);
	return 0;
}

/* One UTF-8 character at s[0..len): its length (1..4) and code point, or
 * 0 when the bytes are not a whole, shortest-form, non-surrogate
 * character of at most U+10FFFF. */
static size_t utf8_char(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t c;
	size_t n, i;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10FFFF ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

static size_t utf8_put(uint32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	out[0] = (char)(0xe0 | (c >> 12));
	out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[2] = (char)(0x80 | (c & 0x3f));
	return 3;
}

size_t tpack_encode(const char *s, size_t len, unsigned char *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0;

	while (i < len) {
		uint32_t c;
		size_t n = utf8_char(u + i, len - i, &c);
		unsigned char b;

		if (n == 0 || c == 0)
			return 0;
		b = n == 1 ? (unsigned char)c : byte_of(c);
		if (b) {
			if (o + 1 >= len)
				return 0;
			out[o++] = b;
		} else {
			if (o + 1 + n >= len)
				return 0;
			out[o++] = TPACK_ESCAPE;
			memcpy(out + o, u + i, n);
			o += n;
		}
		i += n;
	}
	return o;
}

/* The next character of p[*pos..len) as UTF-8 into ch: its length, or 0
 * for bytes no encoder writes. */
static size_t next_char(const unsigned char *p, size_t len, size_t *pos, char ch[4])
{
	unsigned char b = p[*pos];
	uint32_t c;
	size_t n;

	if (b == 0)
		return 0;
	if (b < 0x80) {
		ch[0] = (char)b;
		(*pos)++;
		return 1;
	}
	if (b != TPACK_ESCAPE) {
		(*pos)++;
		return utf8_put(table[b - 0x80], ch);
	}
	n = utf8_char(p + *pos + 1, len - *pos - 1, &c);
	if (n < 2)
		return 0;
	memcpy(ch, p + *pos + 1, n);
	*pos += 1 + n;
	return n;
}

int tpack_decode(const unsigned char *p, size_t len, char *out, size_t cap)
{
	size_t pos = 0, o = 0;

	if (len > INT_MAX / TPACK_EXPANSION)
		return ERR_INVALID;
	/* the common case first: the whole text fits, one byte at a time
	 * without the bookkeeping of a cut (every character is at most 4
	 * bytes, so while 4 bytes are left none can overrun) */
	while (pos < len && o + 4 < cap) {
		unsigned char b = p[pos];

		if (b - 1u < 0x7fu) {
			out[o++] = (char)b;
			pos++;
		} else if (b >= 0x80 && b != TPACK_ESCAPE) {
			o += utf8_put(table[b - 0x80], out + o);
			pos++;
		} else {
			char ch[4];
			size_t n = next_char(p, len, &pos, ch);

			if (n == 0)
				return ERR_INVALID;
			memcpy(out + o, ch, n);
			o += n;
		}
	}
	/* near the end of the buffer: whole characters only, and the rest
	 * still checked */
	while (pos < len) {
		char ch[4];
		size_t n = next_char(p, len, &pos, ch);

		if (n == 0)
			return ERR_INVALID;
		if (o + n < cap) {
			memcpy(out + o, ch, n);
			o += n;
		} else {
			cap = o + 1;	/* cut: nothing after it fits either */
		}
	}
	out[o] = '\0';
	return (int)o;
}

int tpack_decoded_len(const unsigned char *p, size_t len)
{
	size_t pos = 0, o = 0;

	if (len > INT_MAX / TPACK_EXPANSION)
		return ERR_INVALID;
	while (pos < len) {
		char ch[4];
		size_t n = next_char(p, len, &pos, ch);

		if (n == 0)
			return ERR_INVALID;
		o += n;
	}
	return (int)o;
}
