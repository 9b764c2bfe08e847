/*
 * jw.h - the one JSON text writer: members and values appended to a
 * struct buf (base/buf.h), strings escaped the same way everywhere.
 *
 * The audit payloads and the reports' JSON (src/core) and the documents
 * the HTTP server writes rather than builds as a cJSON tree (the
 * boundaries' FeatureCollection; the citizen's tracking answer, the
 * busiest of all) are written through these functions and no other
 * hand-made JSON.  cJSON stays the HTTP server's parser and its
 * tree of an answer; text it prints can be placed with jw_raw.
 *
 * The writer keeps no state of its own: whether a comma goes before the
 * next member or element is read off the buffer's last byte (none after
 * '{', '[' or the ':' of a key, nor at the start), so a caller nests
 * objects and arrays freely and writes one top-level value.  key is a
 * member's name inside an object, NULL for an element of an array or the
 * top-level value.  Every function appends through the buffer's cap: past
 * it the buffer's sticky error is set (buf_error) and the text is cut.
 *
 * Strings: '"' and '\' are escaped, \n \r \t by their short forms, every
 * other byte below 0x20 as \u00XX; everything else (UTF-8 included) is
 * copied as it is.  NULL is written as "".
 */
#ifndef HAMGAN_BASE_JW_H
#define HAMGAN_BASE_JW_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"

void jw_object(struct buf *b, const char *key);	/* { */
void jw_object_end(struct buf *b);			/* } */
void jw_array(struct buf *b, const char *key);		/* [ */
void jw_array_end(struct buf *b);			/* ] */

void jw_str(struct buf *b, const char *key, const char *value);
void jw_int(struct buf *b, const char *key, int64_t value);
void jw_bool(struct buf *b, const char *key, bool value);
void jw_null(struct buf *b, const char *key);
/* A double as "%.*f" with decimals places, or null when it is NaN or
 * infinite. */
void jw_fixed(struct buf *b, const char *key, double value, int decimals);
/* A value that is already JSON text (a number formatted by the caller, a
 * document printed by cJSON): copied as it is. */
void jw_raw(struct buf *b, const char *key, const char *json);

/* Just the quoted, escaped string, with no comma or key (a value placed by
 * hand inside text that is not JSON itself). */
void jw_quote(struct buf *b, const char *s);

#endif
