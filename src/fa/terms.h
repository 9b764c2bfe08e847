/*
 * terms.h - the words search matches on, the same for the index and the
 * query, so every store backend finds what a Persian reader expects
 * (docs/fa.md, "Search terms"):
 *
 *  - plural and similar endings: «چاله‌ها», «چاله ها», «چالههای» and
 *    «چاله» share the term «چاله» (the stem drops one ending of هایی, های,
 *    ها, then one of ان, ات on longer words: «خیابان‌ها» and «خیابان»
 *    share «خیاب»);
 *  - joined and split forms: «ناصر خسرو» and «ناصرخسرو» meet because the
 *    index also holds each pair of neighbouring words written together,
 *    and a query word may match its neighbour joined to it;
 *  - comparatives: «بزرگتر», «بزرگ‌تر» and «بزرگ تر» are all found by
 *    «بزرگ» (the index also holds a word without «تر» or «ترین» when at
 *    least three letters remain) and by «بزرگتر».
 *
 * Words are runs of letters and digits in the normalised form (fa_normalize);
 * punctuation separates them as a full-text tokenizer would.
 */
#ifndef HAMGAN_FA_TERMS_H
#define HAMGAN_FA_TERMS_H

#include <stddef.h>

#include "base/buf.h"

/* The stem of normalised word w (len bytes): the length of its prefix that
 * is the stem (len itself when no ending is dropped). */
size_t fa_stem_len(const char *w, size_t len);

/*
 * Append to out the index text of in (len bytes of UTF-8, any form): the
 * stems of its words and the stems of each neighbouring pair joined,
 * space-separated.  0, ERR_INVALID (invalid UTF-8), ERR_TOOBIG (over
 * CAP_NORMALIZE_IN or out's cap); out is unchanged on error.
 */
int fa_index_text(const char *in, size_t len, struct buf *out);

/*
 * Append the normalised words of a query, space-separated (at most max
 * words, else ERR_TOOBIG), for a store backend to build its query from:
 * word i matches the terms fa_word_terms gives.  Errors as fa_index_text.
 */
int fa_query_words(const char *in, size_t len, size_t max, struct buf *out);

/* Append the stem of a (alen bytes) and b (blen bytes) written together. */
int fa_join_stem(const char *a, size_t alen, const char *b, size_t blen, struct buf *out);

/*
 * Append to out the terms that word i of a query's n words (normalised
 * words, as fa_query_words gives them) matches, space-separated: its stem,
 * then its stem joined with word i-1 (when i > 0), then with word i+1 (when
 * i + 1 < n).  A search finds a message when every word has one of its
 * terms among the terms of the message's index text (fa_index_text), each
 * compared whole, never as a prefix.  0, ERR_INVALID (i >= n), ERR_TOOBIG
 * (out's cap).
 */
int fa_word_terms(const char *const *words, size_t n, size_t i, struct buf *out);

#endif
