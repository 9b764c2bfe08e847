/*
 * text.c - digit scripts and the normalised (search) form of Persian text.
 *
 * The normalisation rule is written out in docs/fa.md; in short: letters
 * with Arabic and Persian forms are folded to the Persian one, hamza seats
 * and alef variants to the bare letter, diacritics, tatweel and invisible
 * controls removed, digits made ASCII, ASCII lower-cased, white space
 * collapsed and trimmed, and the space after the verbal prefixes می/نمی and
 * before the plural suffixes ها/های/هایی joined, so that
 * «می‌کند», «می کند» and «میکند» all become «میکند».
 */
#include <string.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/str.h"
#include "fa/text.h"

int fa_digit_at(const char *s, size_t len, size_t *n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (len >= 1 && u[0] >= '0' && u[0] <= '9') {
		*n = 1;
		return u[0] - '0';
	}
	if (len >= 2 && u[0] == 0xDB && u[1] >= 0xB0 && u[1] <= 0xB9) {	/* U+06F0.. */
		*n = 2;
		return u[1] - 0xB0;
	}
	if (len >= 2 && u[0] == 0xD9 && u[1] >= 0xA0 && u[1] <= 0xA9) {	/* U+0660.. */
		*n = 2;
		return u[1] - 0xA0;
	}
	return -1;
}

int fa_digits(const char *in, size_t len, enum digit_script to, struct buf *out)
{
	size_t i = 0, n, start = out->len;
	int v;
	char d[2];

	while (i < len) {
		v = fa_digit_at(in + i, len - i, &n);
		if (v < 0) {
			/* copy the run up to the next possible digit in one go */
			size_t j = i + 1;

			while (j < len && !((in[j] >= '0' && in[j] <= '9') ||
					    in[j] == (char)0xDB || in[j] == (char)0xD9))
				j++;
			buf_add(out, in + i, j - i);
			i = j;
			continue;
		}
		switch (to) {
		case DIGITS_PERSIAN:
			d[0] = (char)0xDB;
			d[1] = (char)(0xB0 + v);
			buf_add(out, d, 2);
			break;
		case DIGITS_ARABIC:
			d[0] = (char)0xD9;
			d[1] = (char)(0xA0 + v);
			buf_add(out, d, 2);
			break;
		default:
			buf_addc(out, (char)('0' + v));
			break;
		}
		i += n;
	}
	if (buf_error(out)) {
		buf_truncate(out, start);
		return ERR_TOOBIG;
	}
	return 0;
}

int fa_ascii_digits(const char *s, char *out, size_t outsz)
{
	size_t i = 0, o = 0, n, len = strlen(s);
	int v;

	while (i < len) {
		if (o + 1 >= outsz)
			return ERR_TOOBIG;
		v = fa_digit_at(s + i, len - i, &n);
		if (v >= 0) {
			out[o++] = (char)('0' + v);
			i += n;
		} else {
			out[o++] = s[i++];
		}
	}
	if (outsz == 0)
		return ERR_TOOBIG;
	out[o] = '\0';
	return 0;
}

static bool is_space(unsigned cp)
{
	return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 ||
	       cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* Invisible format characters that carry no letter: removed. */
static bool is_invisible(unsigned cp)
{
	return cp == 0x00AD || cp == 0x061C || (cp >= 0x200B && cp <= 0x200F) ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) ||
	       (cp >= 0x2066 && cp <= 0x206F) || cp == 0xFEFF;
}

/* Harakat, Quranic marks and tatweel: removed. */
static bool is_mark(unsigned cp)
{
	return (cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 || cp == 0x0640 ||
	       (cp >= 0x0610 && cp <= 0x061A) || (cp >= 0x06D6 && cp <= 0x06DC) ||
	       (cp >= 0x06DF && cp <= 0x06E4) || cp == 0x06E7 || cp == 0x06E8 ||
	       (cp >= 0x06EA && cp <= 0x06ED);
}

/* The folded code point, or 0 to drop it. */
static unsigned fold(unsigned cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + ('a' - 'A');
	if (cp >= 0x06F0 && cp <= 0x06F9)
		return '0' + (cp - 0x06F0);
	if (cp >= 0x0660 && cp <= 0x0669)
		return '0' + (cp - 0x0660);
	if (is_invisible(cp) || is_mark(cp))
		return 0;
	switch (cp) {
	case 0x064A:	/* ARABIC YEH */
	case 0x0649:	/* ALEF MAKSURA */
	case 0x0626:	/* YEH WITH HAMZA ABOVE */
	case 0x06D0:	/* YEH (E) */
		return 0x06CC;	/* FARSI YEH */
	case 0x0643:	/* ARABIC KAF */
		return 0x06A9;	/* KEHEH */
	case 0x0629:	/* TEH MARBUTA */
	case 0x06C0:	/* HEH WITH YEH ABOVE */
	case 0x06C1:	/* HEH GOAL */
	case 0x06D5:	/* AE */
		return 0x0647;	/* HEH */
	case 0x0622:	/* ALEF WITH MADDA */
	case 0x0623:	/* ALEF WITH HAMZA ABOVE */
	case 0x0625:	/* ALEF WITH HAMZA BELOW */
	case 0x0671:	/* ALEF WASLA */
		return 0x0627;	/* ALEF */
	case 0x0624:	/* WAW WITH HAMZA ABOVE */
		return 0x0648;	/* WAW */
	default:
		return cp;
	}
}

/* Letters of the Arabic script (after folding): where joining applies. */
static bool is_arabic_letter(unsigned cp)
{
	return (cp >= 0x0620 && cp <= 0x064A) || (cp >= 0x066E && cp <= 0x06D3) ||
	       cp == 0x06D5 || (cp >= 0x06FA && cp <= 0x06FF);
}

static const char *const prefixes[] = { "می", "نمی" };
/* «تر» and «ترین» are not joined across a space: «تر» is also a word
 * ("wet"), and gluing it to the word before made «خیابان تر» one word.
 * Written with a ZWNJ («بزرگ‌تر») they join anyway (the ZWNJ is dropped);
 * a search for «بزرگ تر» still finds «بزرگتر» through the joined forms in
 * the search index (fa/terms.h). */
static const char *const suffixes[] = { "ها", "های", "هایی" };

static bool word_in(const char *w, size_t len, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(list[i]) == len && memcmp(list[i], w, len) == 0)
			return true;
	return false;
}

static unsigned first_cp(const char *w, size_t len)
{
	unsigned cp = 0;

	return str_utf8_decode(w, len, &cp) ? cp : 0;
}

static unsigned last_cp(const char *w, size_t len)
{
	size_t i = len;
	unsigned cp = 0;

	while (i > 0 && ((unsigned char)w[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return 0;
	return str_utf8_decode(w + i - 1, len - (i - 1), &cp) ? cp : 0;
}

/* Whether the space between word a and the following word b is dropped. */
static bool joins(const char *a, size_t alen, const char *b, size_t blen)
{
	if (word_in(a, alen, prefixes, 2) && is_arabic_letter(first_cp(b, blen)))
		return true;
	return word_in(b, blen, suffixes, sizeof(suffixes) / sizeof(suffixes[0])) &&
	       is_arabic_letter(last_cp(a, alen));
}

int fa_normalize(const char *in, size_t len, struct buf *out)
{
	struct buf t = BUF_INIT(CAP_NORMALIZE_IN);
	size_t i = 0, n, start = out->len, w, wend, pstart = 0, plen = 0;
	unsigned cp;
	char enc[4];
	bool space = false;
	int rc = 0;

	if (len > CAP_NORMALIZE_IN)
		return ERR_TOOBIG;
	if (!str_utf8_valid(in, len))
		return ERR_INVALID;
	/* Pass 1: fold characters, collapse white space to single spaces. */
	while (i < len) {
		n = str_utf8_decode(in + i, len - i, &cp);
		i += n;
		if (is_space(cp)) {
			space = t.len > 0;
			continue;
		}
		cp = fold(cp);
		if (cp == 0)
			continue;
		if (space)
			buf_addc(&t, ' ');
		space = false;
		buf_add(&t, enc, str_utf8_encode(cp, enc));
	}
	/* Pass 2: words out again, joining affixes to their word. */
	for (w = 0; w < t.len; w = wend + 1) {
		const char *sp = memchr(t.data + w, ' ', t.len - w);

		wend = sp ? (size_t)(sp - t.data) : t.len;
		if (w > 0 && !joins(t.data + pstart, plen, t.data + w, wend - w))
			buf_addc(out, ' ');
		buf_add(out, t.data + w, wend - w);
		pstart = w;
		plen = wend - w;
	}
	if (buf_error(&t) || buf_error(out)) {
		buf_truncate(out, start);
		rc = ERR_TOOBIG;
	}
	buf_release(&t);
	return rc;
}
