/*
 * text.h - Persian text: digit scripts and the normalised form used for
 * search and comparison (docs/fa.md, "Normalisation").
 */
#ifndef HAMGAN_FA_TEXT_H
#define HAMGAN_FA_TEXT_H

#include <stddef.h>

#include "base/buf.h"

enum digit_script { DIGITS_ASCII, DIGITS_PERSIAN, DIGITS_ARABIC };

/*
 * Append in (len bytes) to out with every digit (ASCII, Persian U+06F0..9,
 * Arabic-Indic U+0660..9) written in script to; every other byte unchanged
 * (invalid UTF-8 is copied as is).  0, or ERR_TOOBIG when out's cap is hit.
 */
int fa_digits(const char *in, size_t len, enum digit_script to, struct buf *out);

/*
 * Append the normalised form of in (len bytes of UTF-8) to out.  0,
 * ERR_INVALID on invalid UTF-8 (out unchanged), ERR_TOOBIG when len exceeds
 * CAP_NORMALIZE_IN or out's cap is hit.  Idempotent: normalising the output
 * gives it back.  «می‌کند», «می کند» and «میکند» give the same output.
 */
int fa_normalize(const char *in, size_t len, struct buf *out);

/* Value 0..9 of the digit (any of the three scripts) at s (len bytes), and
 * its byte length in *n; -1 when s does not start with a digit. */
int fa_digit_at(const char *s, size_t len, size_t *n);

/*
 * Copy s into out (outsz bytes) with Persian and Arabic-Indic digits made
 * ASCII.  0, or ERR_TOOBIG when it does not fit.  Helper for the parsers.
 */
int fa_ascii_digits(const char *s, char *out, size_t outsz);

#endif
