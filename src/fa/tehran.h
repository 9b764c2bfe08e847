/*
 * tehran.h - Asia/Tehran local time (and any other zone), read from the
 * system tz database.
 *
 * The zone file (default /usr/share/zoneinfo/Asia/Tehran, TZif version 2 or
 * later; the 64-bit section is used) is parsed once by a small bounded parser
 * on first use (pthread_once), never via setenv("TZ") + localtime.  Instants
 * after the last transition use the file's POSIX TZ footer when it is a plain
 * standard-offset rule ("<+0330>-3:30"), else the last transition's offset.
 * Iran observed DST (+04:30) until 2022; from then on it is +03:30 all year.
 * When the file cannot be read, the functions return ERR_IO.
 */
#ifndef HAMGAN_FA_TEHRAN_H
#define HAMGAN_FA_TEHRAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fa/jalali.h"

#define TEHRAN_TZFILE_DEFAULT "/usr/share/zoneinfo/Asia/Tehran"

/*
 * For tests: use path instead of the default.  Must be called before any
 * other tehran_* function (later calls return ERR_INVALID and change nothing).
 */
int tehran_set_tzfile(const char *path);

/* UTC offset in seconds (e.g. 12600 for +03:30) at the UTC instant utc
 * (seconds since the epoch).  0, ERR_IO (zone unreadable). */
int tehran_offset(int64_t utc, int *offset_sec);

/* The Jalali date in Tehran at that instant: 0, ERR_IO, or ERR_INVALID when
 * it falls outside the supported years. */
int tehran_day_of(int64_t utc, struct jdate *out);

/* The UTC instant of 00:00 Tehran time on day d (when a DST change made
 * 00:00 not exist, the first instant of that day): 0, ERR_IO, ERR_INVALID. */
int tehran_day_start(const struct jdate *d, int64_t *utc);

/* The same for a day number (days since 1970-01-01 of the local date), so
 * the end of the last supported day can be computed too. */
int tehran_local_midnight(int64_t days, int64_t *utc);

/* Parse a TZif image with the same reader (for tests and fuzzing) and give
 * the offset at t: 0, or ERR_INVALID.  The loaded zone is not touched. */
int tehran_tzif_offset(const void *data, size_t len, int64_t t, int *offset_sec);

/*
 * Any zone of the system's tz database, read by the same bounded reader (for
 * importing other cities' files).  name is a zone name such as
 * "America/New_York": segments of [A-Za-z0-9_+-] under $TZDIR (default
 * /usr/share/zoneinfo), never a path of its own.  tz_load: 0, ERR_INVALID
 * (bad name or file), ERR_NOTFOUND (no such zone), ERR_IO.  Past the file's
 * last transition a zone keeps its last offset unless the footer is a plain
 * standard-time rule (Debian's files list transitions up to 2037).
 */
struct tz;
int tz_load(const char *name, struct tz **out);
void tz_free(struct tz *t);
/* The UTC offset in seconds at the UTC instant utc. */
int tz_offset(const struct tz *t, int64_t utc);
/*
 * The UTC instant of a local wall-clock time (seconds since 1970-01-01
 * 00:00 of the local calendar).  A time that occurs twice (clocks set back)
 * is its first occurrence; one that never occurs (clocks set forward) is the
 * instant of the change.  0 or ERR_INVALID (far out of range).
 */
int tz_local_to_utc(const struct tz *t, int64_t local, int64_t *utc);

/*
 * ISO 8601 date-times as 311 systems write them: "YYYY-MM-DD",
 * "YYYY-MM-DDTHH:MM[:SS[.fff]]" (a space may stand for the T), optionally
 * followed by "Z" or an offset "+HH:MM" / "+HHMM" / "+HH".  *local gets the
 * wall-clock seconds (since 1970-01-01 of that calendar), *has_offset whether
 * a zone was written and *offset_sec the offset east of UTC.  At most 40
 * bytes.  0 or ERR_INVALID.
 */
int iso_time_parse(const char *s, int64_t *local, bool *has_offset, int *offset_sec);
/* Write the instant utc as local time at offset_sec: "2024-03-20T12:30:00"
 * followed by "+03:30" when with_offset ("Z" for offset 0 is not used: the
 * offset is always written).  out needs 26 bytes. */
void iso_time_format(int64_t utc, int offset_sec, bool with_offset, char *out, size_t outsz);
/* The instant t in UTC as the API, the reports and the CLI write it:
 * "2024-03-20T09:00:00Z".  out needs 21 bytes. */
void iso_utc_format(int64_t t, char *out, size_t outsz);

#endif
