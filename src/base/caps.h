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

/* --- core (issue 3) --- */

/* A message's address line and an answer: an address is a line or two; an
 * answer is what a unit writes back, a few paragraphs at most. */
#define CAP_MSG_ADDRESS 1024
#define CAP_MSG_ANSWER (4 * 1024)
/* Inspector's note on a grade, a reason typed on a referral or rejection. */
#define CAP_NOTE 1024
/* A person's or unit's display name (Persian, 2 bytes a letter). */
#define CAP_NAME 256
/* Codes of units, categories and Open311 services; usernames. */
#define CAP_CODE 64
/* Passwords: argon2id takes any length, but hashing a megabyte per attempt
 * is a denial of service; 1 KiB covers every passphrase. */
#define CAP_PASSWORD 1024
/* A CSV import file (units, categories): a few thousand rows at most. */
#define CAP_CSV_FILE (4 * 1024 * 1024)
/* One CSV record and its fields. */
#define CAP_CSV_RECORD (16 * 1024)
#define CAP_CSV_FIELDS 32
/* Depth of the unit and category trees: city, region, district, office... */
#define CAP_TREE_DEPTH 16
/* One audit entry's JSON payload (holds at most an answer or a note). */
#define CAP_AUDIT_PAYLOAD (16 * 1024)
/* One SMS text: 10 concatenated parts of 67 UCS-2 characters, in UTF-8. */
#define CAP_SMS_TEXT 1400
/* Search: the query text, a page, a caller's history. */
#define CAP_SEARCH_TEXT 256
#define CAP_SEARCH_LIMIT 100
#define CAP_HISTORY 100
/* A deadline override: at most a year. */
#define CAP_DEADLINE_HOURS (24 * 366)

/* --- reports (issue 5) --- */

/* Rows of a monthly or weekly report series: 600 weeks is more than eleven
 * years; a longer series is asked for by mistake and would only burn time. */
#define CAP_REPORT_SERIES 600
/* A report's text output (table, CSV, JSON): a few hundred rows of a few
 * hundred bytes; 16 MiB is far above any real one. */
#define CAP_REPORT_OUT (16 * 1024 * 1024)

#endif
