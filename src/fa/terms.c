/*
 * terms.c - search terms: stems and joined neighbours (terms.h).
 */
#include <string.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/str.h"
#include "fa/terms.h"
#include "fa/text.h"

/* Endings dropped from a word: first one of the plural «ها» family, then
 * one of «ان», «ات» (so «خیابان‌ها» -> «خیابان» -> «خیاب», the stem of
 * «خیابان» too), each only when enough letters (code points) remain:
 * «ان» and «ات» only from longer words, so «نان» and «مات» stay whole. */
struct ending {
	const char *end;
	size_t keep;
};

static const struct ending plural[] = { { "هایی", 2 }, { "های", 2 }, { "ها", 2 } };
static const struct ending other[] = { { "ان", 3 }, { "ات", 3 } };
/* The comparative and superlative endings, when at least three letters
 * remain: «بزرگتر» (and «بزرگ‌تر», whose ZWNJ normalising drops) is also
 * indexed as «بزرگ»; «دفتر», «دختر», «متر», «بهتر» keep theirs. */
static const struct ending comparative[] = { { "ترین", 3 }, { "تر", 3 } };

static size_t cps(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

static size_t drop(const char *w, size_t len, const struct ending *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t el = strlen(e[i].end);

		if (len > el && memcmp(w + len - el, e[i].end, el) == 0 &&
		    cps(w, len - el) >= e[i].keep)
			return len - el;
	}
	return len;
}

size_t fa_stem_len(const char *w, size_t len)
{
	len = drop(w, len, plural, sizeof(plural) / sizeof(plural[0]));
	return drop(w, len, other, sizeof(other) / sizeof(other[0]));
}

/* A word character: ASCII letters and digits, and every code point from
 * U+0080 up that is not punctuation or a symbol a tokenizer splits on. */
static bool word_cp(unsigned cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		       (cp >= 'A' && cp <= 'Z');
	if (cp <= 0xBF || cp == 0xD7 || cp == 0xF7)
		return false;	/* Latin-1 punctuation and symbols: « » × ÷ ... */
	if (cp == 0x060C || cp == 0x061B || cp == 0x061F || cp == 0x066A || cp == 0x066B ||
	    cp == 0x066C || cp == 0x066D || cp == 0x06D4 || cp == 0x060D)
		return false;	/* Arabic comma, semicolon, question mark, ٪ ٫ ٬ ۔ */
	if (cp >= 0x2000 && cp <= 0x2BFF)
		return false;	/* general punctuation, symbols, arrows */
	if (cp >= 0x3000 && cp <= 0x303F)
		return false;
	return true;
}

/* Split normalised text into words: call fn(word, len, arg) for each. */
static int split(const char *s, size_t len, int (*fn)(const char *, size_t, void *),
		 void *arg)
{
	size_t i = 0, start = 0, n;
	unsigned cp;
	bool in = false;
	int rc;

	while (i < len) {
		n = str_utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			return ERR_INVALID;
		if (word_cp(cp)) {
			if (!in)
				start = i;
			in = true;
		} else if (in) {
			rc = fn(s + start, i - start, arg);
			if (rc < 0)
				return rc;
			in = false;
		}
		i += n;
	}
	if (in)
		return fn(s + start, len - start, arg);
	return 0;
}

int fa_join_stem(const char *a, size_t alen, const char *b, size_t blen, struct buf *out)
{
	size_t start = out->len;

	buf_add(out, a, alen);
	buf_add(out, b, blen);
	if (buf_error(out))
		return ERR_TOOBIG;
	buf_truncate(out, start + fa_stem_len(out->data + start, alen + blen));
	return 0;
}

int fa_word_terms(const char *const *words, size_t n, size_t i, struct buf *out)
{
	size_t len;

	if (i >= n)
		return ERR_INVALID;
	len = strlen(words[i]);
	buf_add(out, words[i], fa_stem_len(words[i], len));
	if (i > 0) {
		buf_addc(out, ' ');
		if (fa_join_stem(words[i - 1], strlen(words[i - 1]), words[i], len, out) < 0)
			return ERR_TOOBIG;
	}
	if (i + 1 < n) {
		buf_addc(out, ' ');
		if (fa_join_stem(words[i], len, words[i + 1], strlen(words[i + 1]), out) < 0)
			return ERR_TOOBIG;
	}
	return buf_error(out) ? ERR_TOOBIG : 0;
}

struct index_state {
	struct buf *out;
	const char *prev;
	size_t prevlen;
};

static int index_word(const char *w, size_t len, void *arg)
{
	struct index_state *st = arg;
	struct buf *out = st->out;

	size_t stem = fa_stem_len(w, len), base;

	if (out->len)
		buf_addc(out, ' ');
	buf_add(out, w, stem);
	base = drop(w, stem, comparative, sizeof(comparative) / sizeof(comparative[0]));
	if (base < stem) {
		buf_addc(out, ' ');
		buf_add(out, w, fa_stem_len(w, base));
	}
	if (st->prev) {
		buf_addc(out, ' ');
		if (fa_join_stem(st->prev, st->prevlen, w, len, out) < 0)
			return ERR_TOOBIG;
	}
	st->prev = w;
	st->prevlen = len;
	return buf_error(out) ? ERR_TOOBIG : 0;
}

/* Normalise in into a scratch buffer. */
static int normal(const char *in, size_t len, struct buf *norm)
{
	if (len > CAP_NORMALIZE_IN)
		return ERR_TOOBIG;
	return fa_normalize(in, len, norm);
}

int fa_index_text(const char *in, size_t len, struct buf *out)
{
	struct buf norm = BUF_INIT(4 * CAP_NORMALIZE_IN);
	struct buf terms = BUF_INIT(out->max);
	struct index_state st = { &terms, NULL, 0 };
	int rc = normal(in, len, &norm);

	if (rc == 0)
		rc = split(norm.data, norm.len, index_word, &st);
	if (rc == 0) {
		if (out->len && terms.len)
			buf_addc(out, ' ');
		buf_add(out, terms.data, terms.len);
		if (buf_error(out))
			rc = ERR_TOOBIG;
	}
	buf_release(&norm);
	buf_release(&terms);
	return rc;
}

struct query_state {
	struct buf *out;
	size_t n, max;
};

static int query_word(const char *w, size_t len, void *arg)
{
	struct query_state *st = arg;

	if (++st->n > st->max)
		return ERR_TOOBIG;
	if (st->out->len)
		buf_addc(st->out, ' ');
	buf_add(st->out, w, len);
	return buf_error(st->out) ? ERR_TOOBIG : 0;
}

int fa_query_words(const char *in, size_t len, size_t max, struct buf *out)
{
	struct buf norm = BUF_INIT(4 * CAP_NORMALIZE_IN);
	struct buf words = BUF_INIT(4 * CAP_NORMALIZE_IN);
	struct query_state st = { &words, 0, max };
	int rc = normal(in, len, &norm);

	if (rc == 0)
		rc = split(norm.data, norm.len, query_word, &st);
	if (rc == 0) {
		buf_add(out, words.data, words.len);
		if (buf_error(out))
			rc = ERR_TOOBIG;
	}
	buf_release(&norm);
	buf_release(&words);
	return rc;
}
