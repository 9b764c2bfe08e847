/*
 * num.h - the one bounded integer parser for untrusted text.
 *
 * Accepts an optional '-' then ASCII digits only: no spaces, no '+', no hex,
 * no trailing bytes.  Values outside [min, max] are refused, not clamped.
 * Returns 0 or ERR_INVALID.
 */
#ifndef HAMGAN_BASE_NUM_H
#define HAMGAN_BASE_NUM_H

#include <stddef.h>
#include <stdint.h>

int num_parse(const char *s, int64_t min, int64_t max, int64_t *out);
/* The same over len bytes that need not be NUL-terminated. */
int num_parsen(const char *s, size_t len, int64_t min, int64_t max, int64_t *out);

/*
 * A decimal number for untrusted text (coordinates, attribute values):
 * optional '-', digits, optionally '.' and digits, at most 32 bytes; no
 * exponent, no spaces, no "inf"/"nan".  Outside [min, max] is refused.
 * 0 or ERR_INVALID.
 */
int num_parse_decimal(const char *s, double min, double max, double *out);

#endif
