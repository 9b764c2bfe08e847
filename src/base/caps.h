/*
 * caps.h - every limit on untrusted input in one place, each with its reason
 * (SQLite's sqliteLimit.h).  Changing one here changes it everywhere.
 */
#ifndef HAMGAN_BASE_CAPS_H
#define HAMGAN_BASE_CAPS_H

/* One line of standard input for `hamgan fa`: a date, a code, a sentence of
 * text.  64 KiB is far above any real line and keeps a hostile file from
 * growing one buffer without bound. */
#define CAP_CLI_LINE (64 * 1024)

/* Text given to the normaliser in one call: a message body is capped well
 * below this (see CAP_MSG_BODY); the output can be at most as long. */
#define CAP_NORMALIZE_IN (64 * 1024)

/* A message's subject and body, in bytes of UTF-8.  A subject is a line; a
 * body is what an operator types during a call or a citizen in a form: 8 KiB
 * is several pages of Persian (2 bytes a letter). */
#define CAP_MSG_SUBJECT 512
#define CAP_MSG_BODY (8 * 1024)

/* How many tracking codes `hamgan fa tracking-code --new N` makes at once. */
#define CAP_NEW_CODES 1000000

#endif
