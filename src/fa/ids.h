/*
 * ids.h - Iranian identifiers: national id (کد ملی), mobile numbers and the
 * hamgan tracking code (کد رهگیری) given to a citizen for a request.
 * Rules in docs/fa.md.  Digits may be ASCII, Persian or Arabic-Indic.
 */
#ifndef HAMGAN_FA_IDS_H
#define HAMGAN_FA_IDS_H

#include <stddef.h>
#include <stdint.h>

/*
 * 0 when s is a valid national id: exactly 10 digits (nothing else, not even
 * space or dash), the check digit holds (s = sum d[i] * (10 - i), i = 0..8;
 * r = s mod 11; check = r < 2 ? r : 11 - r), not ten identical digits, and
 * digits 4..9 (1-based) not all zero.  ERR_INVALID otherwise.
 */
int fa_national_id_check(const char *s);

/*
 * Normalise an Iranian mobile number written any common way ("+98 912 123
 * 4567", "0098912...", "98912...", "912...", "0912...", with spaces, dashes,
 * dots, parentheses) to "09xxxxxxxxx" in out.  0 or ERR_INVALID.
 */
int fa_mobile_normalize(const char *s, char out[12]);

/*
 * Tracking codes: 10 ASCII-or-Persian digits, the first not zero, the last
 * the Damm check digit of the first nine (every single-digit error and every
 * adjacent transposition is detected).  0 or ERR_INVALID.
 */
int tracking_code_check(const char *s);
/* The same check of a code as someone typed it, and its ASCII digits in
 * out, the form stored.  0 or ERR_INVALID (s NULL too). */
int tracking_code_ascii(const char *s, char out[11]);

/* Make a fresh code into out (10 digits + NUL) from the system CSPRNG
 * (libsodium randombytes).  0, or ERR_IO when randomness is unavailable. */
int tracking_code_new(char out[11]);
/* The code for the number r: the first digit 1 + r % 9, then eight digits
 * of r / 9, then the Damm digit.  For generators that must be repeatable
 * (the demo's seeded stream); live codes come from tracking_code_new. */
void tracking_code_from(uint64_t r, char out[11]);

/* The Damm check digit of the ASCII digits s[0..len). */
int damm_digit(const char *s, size_t len);

#endif
