/* collate.c - Persian alphabetical order; see collate.h. */
#include <stddef.h>
#include <string.h>

#include "base/str.h"
#include "fa/collate.h"

/* The alphabet in order; each row is one letter and the forms that sort as it. */
static const unsigned alphabet[][5] = {
	{ 0x0627, 0x0622, 0x0623, 0x0625, 0x0621 },	/* ا آ أ إ ء */
	{ 0x0628 }, { 0x067E }, { 0x062A }, { 0x062B },	/* ب پ ت ث */
	{ 0x062C }, { 0x0686 }, { 0x062D }, { 0x062E },	/* ج چ ح خ */
	{ 0x062F }, { 0x0630 }, { 0x0631 }, { 0x0632 },	/* د ذ ر ز */
	{ 0x0698 }, { 0x0633 }, { 0x0634 }, { 0x0635 },	/* ژ س ش ص */
	{ 0x0636 }, { 0x0637 }, { 0x0638 }, { 0x0639 },	/* ض ط ظ ع */
	{ 0x063A }, { 0x0641 }, { 0x0642 },		/* غ ف ق */
	{ 0x06A9, 0x0643 },				/* ک ك */
	{ 0x06AF }, { 0x0644 }, { 0x0645 }, { 0x0646 },	/* گ ل م ن */
	{ 0x0648, 0x0624 },				/* و ؤ */
	{ 0x0647, 0x0629, 0x06C0 },			/* ه ة ۀ */
	{ 0x06CC, 0x064A, 0x0649, 0x0626 },		/* ی ي ى ئ */
};

enum {
	W_SPACE = 1,
	W_DIGIT = 0x10,		/* + value */
	W_LETTER = 0x100,	/* + rank */
	W_OTHER = 0x1000,	/* + code point */
};

static int digit_value(unsigned cp)
{
	if (cp >= '0' && cp <= '9')
		return (int)(cp - '0');
	if (cp >= 0x06F0 && cp <= 0x06F9)
		return (int)(cp - 0x06F0);
	if (cp >= 0x0660 && cp <= 0x0669)
		return (int)(cp - 0x0660);
	return -1;
}

unsigned fa_collate_weight(unsigned cp)
{
	size_t i, j;
	int d;

	if ((cp >= 0x064B && cp <= 0x0652) || cp == 0x0670 || cp == 0x0640 || cp == 0x0654)
		return 0;	/* harakat, superscript alef, tatweel, hamza above */
	if (cp == ' ' || cp == 0x200C || cp == '\t' || cp == 0x00A0)
		return W_SPACE;
	d = digit_value(cp);
	if (d >= 0)
		return W_DIGIT + (unsigned)d;
	for (i = 0; i < sizeof(alphabet) / sizeof(alphabet[0]); i++)
		for (j = 0; j < 5 && alphabet[i][j]; j++)
			if (alphabet[i][j] == cp)
				return W_LETTER + (unsigned)i;
	return W_OTHER + cp;
}

/* The next non-zero weight at *s, advancing it; 0 at the end. */
static unsigned next_weight(const char **s)
{
	while (**s) {
		unsigned cp, w;
		size_t n = str_utf8_decode(*s, strnlen(*s, 4), &cp);

		if (n == 0) {
			cp = 0x110000u + (unsigned char)**s;	/* a stray byte, after all text */
			n = 1;
		}
		*s += n;
		w = fa_collate_weight(cp);
		if (w)
			return w;
	}
	return 0;
}

/*
 * A run of digits at s (its first weight w already read): its digit
 * weights into d (at most max, the leading zeros dropped), *s past it.
 * Returns the count kept (more than max means "longer than any other").
 */
static size_t digit_run(const char **s, unsigned w, unsigned *d, size_t max)
{
	size_t n = 0;

	for (;;) {
		const char *save = *s;

		if (n || w != W_DIGIT) {
			if (n < max)
				d[n] = w;
			n++;
		}
		w = next_weight(s);
		if (w < W_DIGIT || w > W_DIGIT + 9) {
			*s = save;
			return n;
		}
	}
}

int fa_collate(const char *a, const char *b)
{
	const char *pa = a, *pb = b;

	for (;;) {
		unsigned wa = next_weight(&pa), wb = next_weight(&pb);

		/* numbers by value: «منطقه ۲» before «منطقه ۱۰» */
		if (wa >= W_DIGIT && wa <= W_DIGIT + 9 && wb >= W_DIGIT && wb <= W_DIGIT + 9) {
			unsigned da[32], db[32];
			size_t na = digit_run(&pa, wa, da, 32), nb = digit_run(&pb, wb, db, 32), i;

			if (na != nb)
				return na < nb ? -1 : 1;
			for (i = 0; i < na && i < 32; i++)
				if (da[i] != db[i])
					return da[i] < db[i] ? -1 : 1;
			continue;
		}
		if (wa != wb)
			return wa < wb ? -1 : 1;
		if (!wa)
			break;
	}
	return strcmp(a, b);
}
