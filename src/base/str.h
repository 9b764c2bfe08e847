/*
 * str.h - small, bounded string helpers used everywhere.
 *
 * No function here allocates.  All take explicit sizes; none can overrun.
 */
#ifndef HAMGAN_BASE_STR_H
#define HAMGAN_BASE_STR_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Copy src into dst (size dstsz, > 0), always NUL-terminated.  Returns the
 * length of src; a result >= dstsz means the copy was truncated (strlcpy).
 */
size_t str_copy(char *dst, size_t dstsz, const char *src);

/* True when s (len bytes) is well-formed UTF-8 with no NUL byte, no
 * overlong forms, no surrogates and nothing above U+10FFFF. */
bool str_utf8_valid(const char *s, size_t len);

/* Decode one code point from s (at most len bytes).  Returns the number of
 * bytes used (1-4) and stores the code point, or 0 on malformed input. */
size_t str_utf8_decode(const char *s, size_t len, unsigned *cp);

/* Encode cp into out (at least 4 bytes); returns the byte count (1-4). */
size_t str_utf8_encode(unsigned cp, char *out);

/* Number of code points in a valid UTF-8 string. */
size_t str_utf8_len(const char *s, size_t len);

/* Cut a truncated multi-byte sequence off the end of a NUL-terminated string. */
void str_utf8_trim_partial(char *s);

/*
 * Percent-decode len bytes of in into out (size outsz); with plus_space a
 * '+' is a space (form encoding).  Refuses a bad escape, an encoded NUL,
 * output that does not fit and output that is not UTF-8.  Returns the
 * decoded length or -1.
 */
long str_pct_decode(const char *in, size_t len, bool plus_space, char *out, size_t outsz);

bool str_eq(const char *a, const char *b);
bool str_starts(const char *s, const char *prefix);

#endif
