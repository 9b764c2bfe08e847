/*
 * tpack.h - packed text: a stored form of UTF-8 text in which each letter
 * of the Persian alphabet (and the Arabic script's other common letters,
 * digits and marks, the zero-width non-joiner, guillemets and a few
 * Latin-1 letters) takes one byte instead of two or three.  The messages'
 * texts are kept in this form by the SQLite store (docs/core.md, "The
 * message texts on disk"; docs/performance.md, "Database size").
 *
 * The packed form, byte by byte:
 *   0x00-0x7f  that ASCII character;
 *   0x80-0xfe  the character at that place of the fixed table (tpack.c);
 *   0xff       followed by one character not in the table, in UTF-8.
 * The table never changes: a packed text written once reads back the same
 * forever.  The form carries no marker of its own; the store tells a
 * packed text from a plain one by how it is kept (SQLite: a BLOB).
 */
#ifndef HAMGAN_BASE_TPACK_H
#define HAMGAN_BASE_TPACK_H

#include <stddef.h>

/* A packed text unpacks to at most this many bytes a packed byte (a table
 * character is at most three bytes of UTF-8; an escape, two packed bytes,
 * at most four). */
#define TPACK_EXPANSION 3

/* Pack the UTF-8 text s[0..len) into out (room for len bytes).  Returns
 * the packed length, or 0 when the text is better kept as it is: packing
 * would not make it shorter, it is empty, or it is not valid UTF-8 (or
 * holds a NUL), which the caller keeps plain as before. */
size_t tpack_encode(const char *s, size_t len, unsigned char *out);

/* Unpack p[0..len) into out (cap bytes, cap >= 1, always NUL-terminated).
 * A text longer than cap - 1 is cut at the last whole character that
 * fits, as a plain text read into the same buffer is.  Returns the
 * length written, or ERR_INVALID for bytes no encoder writes (an escape
 * not followed by one whole, valid, non-ASCII UTF-8 character, or a NUL):
 * nothing an untrusted file holds is trusted. */
int tpack_decode(const unsigned char *p, size_t len, char *out, size_t cap);

/* The unpacked length of p[0..len), or ERR_INVALID as tpack_decode. */
int tpack_decoded_len(const unsigned char *p, size_t len);

#endif
